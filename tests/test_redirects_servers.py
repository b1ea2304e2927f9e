"""--redirects files loaded by real nginx and Apache, every old address requested over HTTP.

One nginx and one Apache serve the whole module, each from a throwaway folder on a free
loopback port, with a minimal configuration that includes the generated files:

- the hostile cases (tests/hostile/redirects/, see tests/redirect_cases.py), rendered as
  one file and served as the default site: every old address must answer a plain 301 to
  exactly its new address, or (when it was refused) not redirect at all; the rest of the
  site must be untouched;
- every sample, every readable fixture, every readable hostile export and an export of the
  hostile cases' links, converted to Hugo, Jekyll and Pelican with ``--redirects`` as a
  user would (``wxrtool.convert``, once per style): each file in a virtual server of its
  own (by Host name), asked for every old address its CSV lists, in each spelling clients
  send (see :func:`spellings`). An nginx file is included as written but for its
  variables' names (``$wxrtool_`` becomes ``$wxrtool7_``: one ``http`` block holds every
  site's maps), and the server block is the line its own comment gives.

Netlify has no server to start: its files are read back by Netlify's documented syntax and
must hold exactly the CSV's redirects (how Netlify compares an encoded request path is not
documented, so no request is simulated). Skipped, with the reason, where a server or module
is missing.
"""

from __future__ import annotations

import csv
import http.client
import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, unquote_to_bytes, urlsplit

import pytest

import wxrtool
from wxrtool.redirects import old_path, render

from .conftest import FIXTURE_FILES, ROOT, SAMPLE_FILES, readable
from .redirect_cases import Case, expected_answers, load, urls
from .servers import (
    apache_binary,
    apache_load,
    apache_user,
    checked,
    free_port,
    nginx_binary,
    nginx_command,
    serve,
    variables_renamed,
)

CASES = load()
JPEG = b"\xff\xd8\xff\xe0 not really a jpeg"
FORMATS = ("hugo", "jekyll", "pelican")
HOSTILE_EXPORTS = sorted((ROOT / "tests" / "hostile").glob("*.xml"))


@dataclass
class Site:
    port: int
    folder: Path
    host: str = "127.0.0.1"  # the Host header: the name of a virtual server


@dataclass
class Export:
    """One export converted to one format: its redirect files by style and what they hold."""

    name: str  # e.g. "samples/klout.xml"
    fmt: str
    host: str
    files: dict[str, Path]
    rules: list[tuple[str, str]]  # (old, new) as the CSV lists them
    refused: dict[str, set[str]]  # by style, the old paths left out (listed in the account)


@pytest.fixture(scope="module")
def folder() -> Iterator[Path]:
    """A folder the servers' unprivileged workers can read (pytest's tmp folders are 0700)."""
    path = Path(tempfile.mkdtemp(prefix="wxrtool-redirects-"))
    path.chmod(0o755)
    (path / "www").mkdir(mode=0o755)
    (path / "www" / "index.html").write_text("<p>index</p>\n", encoding="utf-8")
    (path / "www" / "photo.jpg").write_bytes(JPEG)
    for file in (path / "www").iterdir():
        file.chmod(0o644)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def cases_export(path: Path) -> Path:
    """The hostile cases' old links as the ``<link>`` of posts in an export (those XML can hold)."""
    items = [
        f"<item><title>{case.name}</title><link><![CDATA[{case.link}]]></link>"
        f"<wp:post_id>{case.id}</wp:post_id><wp:post_date>2024-01-02 10:00:00</wp:post_date>"
        f"<wp:post_date_gmt>2024-01-02 10:00:00</wp:post_date_gmt><wp:post_name>{case.name}</wp:post_name>"
        "<wp:status>publish</wp:status><wp:post_type>post</wp:post_type></item>"
        for case in CASES
        if not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]|]]>", case.link)
    ]
    path.write_text(
        '<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><wp:wxr_version>1.2</wp:wxr_version>'
        + "\n".join(items)
        + "</channel></rss>\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="module")
def exports(folder: Path) -> list[Export]:
    """Every sample, readable fixture and readable hostile export, and the hostile cases' links
    as an export, converted to each format once per redirect style (about 12 s on two cores)."""
    (folder / "sites").mkdir()
    paths = [*SAMPLE_FILES, *(p for p in [*FIXTURE_FILES, *HOSTILE_EXPORTS] if readable(p))]
    paths.append(cases_export(folder / "sites" / "hostile-redirect-cases.xml"))
    found = []
    for fmt in FORMATS:
        for number, path in enumerate(paths):
            host, files, refused = f"{fmt}{number}.test", {}, {}
            for style in ("nginx", "apache", "netlify", "csv"):
                files[style] = folder / "sites" / f"{host}.{style}"
                account = wxrtool.convert(
                    path, fmt, str(folder / "out" / host / style), redirects=(style, str(files[style]))
                )
                refused[style] = {
                    link if link.startswith("/") and "?" in link else old_path(link) or ""
                    for link, _, _ in account.redirects_refused
                }
            rows = list(csv.reader(files["csv"].read_text(encoding="utf-8").splitlines()))
            assert rows[0] == ["old", "new"]
            name = str(path.relative_to(path.parents[1]))
            found.append(Export(name, fmt, host, files, [(old, new) for old, new in rows[1:]], refused))
    return found


@pytest.fixture(scope="module")
def nginx(folder: Path, request: pytest.FixtureRequest) -> Iterator[Site]:
    binary = nginx_binary()
    exports: list[Export] = request.getfixturevalue("exports")
    port, temp = free_port(), folder / "nginx-temp"
    listen = f"127.0.0.1:{port}"
    rules = render("nginx", urls(CASES))
    (folder / "nginx-redirects.conf").write_text(rules, encoding="utf-8")
    includes = [f"include {folder}/nginx-redirects.conf;"]
    servers = [nginx_server(folder, f"{listen} default_server", "127.0.0.1", rules)]
    texts = [rules]
    for number, export in enumerate(exports):
        text = variables_renamed(export.files["nginx"].read_text(encoding="utf-8"), number, export.name)
        export.files["nginx"].write_text(text, encoding="utf-8")
        includes.append(f"include {export.files['nginx']};")
        servers.append(nginx_server(folder, listen, export.host, text))
        texts.append(text)
    # The files say which hash bucket their longest address needs: follow the largest advice.
    advice = re.compile(r"^# and in the http block: map_hash_bucket_size (\d+);$", re.MULTILINE)
    bucket = max((int(size) for text in texts for size in advice.findall(text)), default=0)
    temp.mkdir()
    command = nginx_command(binary, folder, temp, [*includes, *servers], log="nginx-error.log", bucket=bucket)
    yield from (Site(port, folder) for _ in serve([*command, "-g", "daemon off;"], port, folder / "nginx-error.log"))


def nginx_server(folder: Path, listen: str, host: str, rules: str) -> str:
    """A server block for ``host`` that does what the redirect file's own comment says."""
    usage = re.findall(r"^#   (if \(\$wxrtool\d*_redirect\) \{ return 301 \$wxrtool\d*_redirect; \})$", rules, re.M)
    assert len(usage) == 1, rules[:300]
    return f"""server {{
    listen {listen};
    server_name {host};
    root {folder}/www;
    absolute_redirect off;
    {usage[0]}
}}"""


@pytest.fixture(scope="module")
def apache(folder: Path, request: pytest.FixtureRequest) -> Iterator[Site]:
    binary, mpm = apache_binary()
    exports: list[Export] = request.getfixturevalue("exports")
    (folder / "apache-redirects.conf").write_text(render("apache", urls(CASES)), encoding="utf-8")
    (folder / "mime.types").write_text("", encoding="utf-8")  # types below, not the system's list
    port = free_port()
    run = folder / "apache-run"
    run.mkdir(mode=0o755)
    load = apache_load(mpm)
    user = apache_user()
    # The first virtual server answers any other name: the hostile cases' file is there.
    hosts = [("127.0.0.1", folder / "apache-redirects.conf")] + [(e.host, e.files["apache"]) for e in exports]
    virtual = "\n".join(
        f"<VirtualHost 127.0.0.1:{port}>\n    ServerName {host}\n    Include {file}\n</VirtualHost>"
        for host, file in hosts
    )
    # The same file as the .htaccess of another site's document root, as a shared host has it.
    shutil.copytree(folder / "www", folder / "www-htaccess")
    (folder / "www-htaccess" / ".htaccess").write_text(render("apache", urls(CASES)), encoding="utf-8")
    (folder / "www-htaccess" / ".htaccess").chmod(0o644)
    virtual += f"""
<VirtualHost 127.0.0.1:{port}>
    ServerName htaccess.test
    DocumentRoot {folder}/www-htaccess
    <Directory {folder}/www-htaccess>
        Require all granted
        AllowOverride FileInfo
    </Directory>
</VirtualHost>"""
    (folder / "apache.conf").write_text(
        f"""
ServerRoot {folder}
ServerName 127.0.0.1
Listen 127.0.0.1:{port}
PidFile {run}/httpd.pid
ErrorLog {folder}/apache-error.log
LogLevel warn
DefaultRuntimeDir {run}
Mutex file:{run} default
{load}
{user}
# A define a hostile old address would expand to "/d/evil/" if it were written as it came.
Define WXR_EVIL /evil
DocumentRoot {folder}/www
DirectoryIndex index.html
TypesConfig {folder}/mime.types
AddType text/html .html
AddType image/jpeg .jpg
<Directory {folder}/www>
    Require all granted
</Directory>
{virtual}
""",
        encoding="utf-8",
    )
    command = [binary, "-f", str(folder / "apache.conf")]
    checked([*command, "-t"])
    yield from (Site(port, folder) for _ in serve([*command, "-DFOREGROUND"], port, folder / "apache-error.log"))


def get(site: Site, target: str) -> tuple[int, str | None, str, bytes]:
    """Status, Location (made local), Content-Type and body of one request, redirects not followed."""
    connection = http.client.HTTPConnection("127.0.0.1", site.port, timeout=10)
    try:
        connection.putrequest("GET", target, skip_host=True, skip_accept_encoding=True)
        connection.putheader("Host", site.host)
        connection.endheaders()
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    location = response.getheader("Location")
    if location is not None:
        # Apache writes the address whole (http://name:port/path): local if on this site.
        parts = urlsplit(location)
        if parts.scheme == "http" and parts.hostname == site.host and parts.port in (None, site.port):
            location = location[len(f"http://{parts.netloc}") :]
    return response.status, location, response.getheader("Content-Type", ""), body


def wrong_answers(site: Site, style: str, cases: list[Case] = CASES) -> list[str]:
    wrong = []
    for target, expected in expected_answers(cases, style):
        status, location, _, _ = get(site, target)
        if expected is None:
            if 300 <= status < 400 or location is not None:
                wrong.append(f"{target[:80]}: {status} to {location}, expected no redirect")
        elif (status, location) != (301, expected):
            wrong.append(f"{target[:80]}: {status} to {location}, expected 301 to {expected}")
    return wrong


def site_untouched(site: Site) -> None:
    status, location, kind, body = get(site, "/")
    assert (status, location, body) == (200, None, b"<p>index</p>\n")
    status, location, kind, body = get(site, "/photo.jpg")
    assert (status, location, kind.split(";")[0], body) == (200, None, "image/jpeg", JPEG)
    for target in ("/unrelated/", "/evil.example/x/", "/d/evil/", "/about/", "/?p=1"):
        status, location, _, _ = get(site, target)
        assert (status, location) == (404, None) or (target == "/?p=1" and (status, location) == (200, None))


def test_nginx_redirects_exactly(nginx: Site) -> None:
    assert wrong_answers(nginx, "nginx") == []


def test_nginx_site_untouched(nginx: Site) -> None:
    site_untouched(nginx)


def test_apache_redirects_exactly(apache: Site) -> None:
    assert wrong_answers(apache, "apache") == []


def test_apache_site_untouched(apache: Site) -> None:
    site_untouched(apache)


def test_apache_rules_in_an_htaccess_file(apache: Site) -> None:
    # In a directory's context mod_rewrite matches the path without its leading slash: rules
    # written for a virtual host only ("^/a/$") matched nothing there, and every old address was 404.
    site = Site(apache.port, apache.folder, host="htaccess.test")
    # (Apache reads a directory's .htaccess on its way down the path's folders: a name longer than
    # the file system takes is refused, 403, before any rule is read.)
    walkable = [case for case in CASES if all(len(part) <= 255 for part in unquote(case.request).encode().split(b"/"))]
    assert len(walkable) < len(CASES) and wrong_answers(site, "apache", walkable) == []
    site_untouched(site)


@pytest.mark.parametrize("server", ["nginx", "apache"])
def test_an_old_address_without_its_trailing_slash(server: str, request: pytest.FixtureRequest) -> None:
    # WordPress answers /2020/01/hello as /2020/01/hello/ (redirect_canonical): people type it
    # so, and /feed most of all.
    site: Site = request.getfixturevalue(server)
    plain = BY_NAME["plain"]
    assert get(site, plain.request.rstrip("/"))[:2] == (301, plain.to[server])


# One page's old link is /posts, without a slash, while other items' old links and new
# addresses live under /posts/ and /2020/ (tests/hostile/redirects/folder-*.json). Apache's
# Redirect "/posts" took the whole folder (/posts/a/ went to /landing//a/): each old address
# must answer its own redirect, and the new addresses under /posts/ none.
FOLDER = [case for case in CASES if case.name.startswith("folder-")]


@pytest.mark.parametrize("server", ["nginx", "apache"])
def test_a_link_without_slash_does_not_take_its_folder(server: str, request: pytest.FixtureRequest) -> None:
    site: Site = request.getfixturevalue(server)
    assert len(FOLDER) == 4 and any(case.request == "/posts" for case in FOLDER)
    assert wrong_answers(site, server, FOLDER) == []


BY_NAME = {case.name: case for case in CASES}


@pytest.mark.parametrize("server", ["nginx", "apache"])
def test_a_path_redirect_keeps_the_query_a_p_link_only_its_own(server: str, request: pytest.FixtureRequest) -> None:
    site: Site = request.getfixturevalue(server)
    plain = BY_NAME["plain"]
    query = "utm_source=x&q=a%20b&replytocom=5"
    assert get(site, f"{plain.request}?{query}")[:2] == (301, f"{plain.to[server]}?{query}")
    # ?p= among other parameters (fbclid, utm_source, replytocom) is WordPress's post all the same;
    # the others are dropped with it. At index.php too.
    for query in (f"p={plain.id}&fbclid=x", f"utm_source=x&p={plain.id}"):
        assert get(site, f"/?{query}")[:2] == (301, plain.p), query
    assert get(site, f"/index.php?p={plain.id}")[:2] == (301, plain.p)
    assert get(site, f"/?xp={plain.id}")[:2] == (200, None)


# Bytes a browser percent-encodes in a path (WHATWG URL's path percent-encode set: controls,
# space, '"', "#", "<", ">", "?", "`", "{", "}" and non-ASCII), and those that must stay
# encoded to name the same path: "%", a "/" inside a segment, and "\" (a "/" to browsers).
_BROWSER_ENCODES = frozenset(range(0x21)) | frozenset(b'"#<>?`{}%/\\') | frozenset(range(0x7F, 0x100))


def spellings(old: str) -> list[str]:
    """``old`` as clients send it, each spelling once.

    As the CSV writes it (uppercase ``%XX``: browsers' form for a typed or pasted address),
    with lowercase hex (WordPress's own links: ``caf%c3%a9``), and as a browser sends a link
    to the decoded path (``;``, ``$``, ``:``, ``*``, ``'`` as they are).

    >>> spellings("/caf%C3%A9/a%3Bb%2Fc/")
    ['/caf%C3%A9/a%3Bb%2Fc/', '/caf%c3%a9/a%3bb%2fc/', '/caf%C3%A9/a;b%2Fc/']
    """
    lower = re.sub(r"%[0-9A-F]{2}", lambda found: found[0].lower(), old)
    browser = "/".join(
        "".join(f"%{byte:02X}" if byte in _BROWSER_ENCODES else chr(byte) for byte in unquote_to_bytes(segment))
        for segment in old.split("/")
    )
    return list(dict.fromkeys([old, lower, browser]))


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("server", ["nginx", "apache"])
def test_every_old_address_of_every_export_redirects(
    server: str, fmt: str, exports: list[Export], request: pytest.FixtureRequest
) -> None:
    site: Site = request.getfixturevalue(server)
    wrong, asked = [], 0
    for export in (export for export in exports if export.fmt == fmt):
        here = Site(site.port, site.folder, export.host)
        news = {new for _, new in export.rules}
        for old, new in export.rules:
            for target in [old] if "?" in old else spellings(old):
                asked += 1
                status, location, _, _ = get(here, target)
                if old in export.refused[server]:
                    # Left out of this server's file (and listed in the account): it must not
                    # redirect, unless to the address of the rule the server finds the same.
                    if location is not None and location not in news:
                        wrong.append(f"{export.name}: {target[:80]}: {status} to {location}, left out")
                elif (status, location) != (301, new):
                    wrong.append(f"{export.name}: {target[:80]}: {status} to {location}, expected 301 to {new}")
    assert asked > sum(len(export.rules) for export in exports if export.fmt == fmt) > 50
    assert wrong == []


# Netlify's documented _redirects syntax: "from [query params] to [status][!] [conditions]",
# fields apart by white space; paths "url-encoded"; "*" a splat and ":name" a placeholder.
_NETLIFY_PATH = re.compile(r"/[A-Za-z0-9\-._~!'()+,=@&/%]*")


@pytest.mark.parametrize("fmt", FORMATS)
def test_netlify_files_read_back_as_exactly_the_csv(fmt: str, exports: list[Export]) -> None:
    # No Netlify server to ask: the file must say, read as Netlify documents it, exactly the
    # CSV's redirects, one rule each (Netlify applies the first that matches).
    for export in (export for export in exports if export.fmt == fmt):
        found = []
        for line in export.files["netlify"].read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            source, *rest = line.split()
            params = []
            while rest and "=" in rest[0] and not rest[0].startswith("/"):
                params.append(rest.pop(0))
            # A forced 301, no conditions: Netlify passes over a rule whose path the site has a file for
            # (its "shadowing"), so a plain 301 never moved /?p=12, asked at the home page.
            assert len(rest) == 2 and rest[1] == "301!", line
            assert _NETLIFY_PATH.fullmatch(source) and _NETLIFY_PATH.fullmatch(rest[0]), line
            assert not any(part.startswith(":") for part in source.split("/")), line
            assert all(re.fullmatch(r"[a-z_]+=[A-Za-z0-9._~%-]+", param) for param in params), line
            found.append((source + ("?" + "&".join(params) if params else ""), rest[0]))
        # (but a rule from /a to /a/, which Netlify answers itself: its rule would match /a/ too and loop)
        expected = [
            (old, new)
            for old, new in export.rules
            if old not in export.refused["netlify"] and ("?" in old or old.rstrip("/") != new.rstrip("/"))
        ]
        assert sorted(found) == sorted(expected), export.name

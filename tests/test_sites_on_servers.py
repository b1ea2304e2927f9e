"""Built sites served by the real nginx and Apache with their ``--redirects`` files, checked
with ``check-urls``: every old address of every published item reaches its page, archives
and feeds are redirected, nothing is missing.

Every sample and every readable fixture is converted as a user would
(``wxrtool.convert(..., scaffold=True, redirects=(style, file))``) and built by the real
engine, once for the module (on as many threads as there are cores: the engines run as
processes); then one nginx and one Apache serve every site, each on a loopback port of its
own (``check_all`` sends the Host of its base URL), and each (export, engine) is a test:

- Hugo (``--redirects nginx``) and Pelican (``--redirects nginx``, the samples only, as in
  tests/test_check_urls.py) on nginx: the file included in the ``http`` block, and in the
  site's ``server`` block the line its first comment gives. One ``http`` block holds every
  site's maps, so each file's variables are renamed (``$wxrtool_`` becomes ``$wxrtool7_``),
  which a user serving several sites from one nginx does too; nothing else is added.
- Jekyll (``--redirects apache``) on Apache: a ``VirtualHost`` per site with
  ``DocumentRoot`` the built ``_site``, ``DirectoryIndex index.html``, the file included,
  and, as GitHub Pages serves Jekyll's extensionless permalinks (``/about`` from
  ``about.html``), :data:`APACHE_EXTENSIONLESS` after it. The deployment note a user follows::

      <VirtualHost *:80>
          DocumentRoot /srv/site/_site
          DirectoryIndex index.html
          Include /srv/site/redirects.conf
          # "/about" is "about.html" when there is no "about" (Jekyll's extensionless permalinks)
          RewriteCond %{DOCUMENT_ROOT}%{REQUEST_URI} !-f
          RewriteCond %{DOCUMENT_ROOT}%{REQUEST_URI} !-d
          RewriteCond %{DOCUMENT_ROOT}%{REQUEST_URI}.html -f
          RewriteRule "^(.*[^/])$" "$1.html" [PT,L]
      </VirtualHost>

  (mod_rewrite, which the redirect file needs anyway, rather than ``Options +MultiViews``:
  MultiViews would also answer ``/feed`` with any ``feed.*`` and needs mod_negotiation).

The pages must be readable by the servers' unprivileged workers: the sites are built in a
``tempfile.mkdtemp`` folder made world-readable (pytest's are 0700). Skipped, with the
reason, where an engine, a server or a module is missing.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

import wxrtool
from wxrtool.oldurls import ARCHIVE_KINDS, FEED_KINDS, OldAddress, old_addresses
from wxrtool.urlcheck import check_all

from .conftest import FIXTURE_FILES, SAMPLE_FILES, SAMPLES, fixture_cases, readable
from .servers import (
    apache_binary,
    apache_load,
    apache_user,
    checked,
    free_ports,
    nginx_binary,
    nginx_command,
    serve,
    variables_renamed,
    world_readable,
)

FIXTURES_READ = [p for p in FIXTURE_FILES if readable(p)]
EVERY_EXPORT = [*(pytest.param(p, id=p.stem) for p in SAMPLE_FILES), *fixture_cases(FIXTURES_READ)]
SAMPLES_ONLY = [pytest.param(p, id=p.stem) for p in SAMPLE_FILES]
# rules.xml's posts 10 and 11 were at /2024/03/Same-Name/ and /2024/03/same-name/: nginx's map
# compares its exact keys ignoring ASCII case, so the nginx file writes both as case-sensitive
# regular expressions, and each reaches its own page.
HUGO_EXPORTS = EVERY_EXPORT
# What each engine builds from, how, and which server serves it with which redirect file.
OUTPUT = {"hugo": "public", "jekyll": "_site", "pelican": "output"}
STYLE = {"hugo": "nginx", "jekyll": "apache", "pelican": "nginx"}
APACHE_EXTENSIONLESS = """\
    RewriteCond %{DOCUMENT_ROOT}%{REQUEST_URI} !-f
    RewriteCond %{DOCUMENT_ROOT}%{REQUEST_URI} !-d
    RewriteCond %{DOCUMENT_ROOT}%{REQUEST_URI}.html -f
    RewriteRule "^(.*[^/])$" "$1.html" [PT,L]"""


@dataclass
class Site:
    """One export converted and built by one engine, and the port that serves it."""

    export: Path
    engine: str
    folder: Path  # the converted site (its sources)
    redirects: Path  # the redirect file wxrtool wrote
    error: str = ""  # the engine's words, when the build failed
    port: int = 0  # given when its server starts

    @property
    def built(self) -> Path:
        return self.folder / OUTPUT[self.engine]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@dataclass
class Built:
    """Every site one engine built, by export; or why there are none (the engine is missing)."""

    sites: dict[Path, Site]
    reason: str = ""


@pytest.fixture(scope="module")
def root() -> Iterator[Path]:
    """A folder the servers' unprivileged workers can read (pytest's tmp folders are 0700)."""
    path = Path(tempfile.mkdtemp(prefix="wxrtool-sites-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def build_command(engine: str, binary: str, site: Path) -> tuple[list[str], Path | None]:
    """The command that builds ``site`` with ``engine``, and the folder to run it in."""
    if engine == "hugo":
        return [binary, "--quiet", "--source", str(site), "--destination", str(site / "public")], None
    if engine == "jekyll":
        return [binary, "build", "--source", str(site), "--destination", str(site / "_site")], None
    return [binary, "content", "-s", "pelicanconf.py", "-o", "output"], site


def build_all(engine: str, exports: list[Path], root: Path, request: pytest.FixtureRequest) -> Built:
    """Convert each export (here, one after another) and build it (in threads, as the
    conversions go on): every site of ``engine``, its files world-readable."""
    try:
        binary: str = request.getfixturevalue(engine)
    except pytest.skip.Exception as skipped:
        return Built({}, str(skipped))
    sites: dict[Path, Site] = {}
    builds: dict[Path, Future[subprocess.CompletedProcess[str]]] = {}
    (root / engine).mkdir()
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        for number, export in enumerate(exports):
            folder = root / engine / str(number)
            redirects = root / engine / f"{number}.{STYLE[engine]}"
            sites[export] = Site(export, engine, folder, redirects)
            try:
                wxrtool.convert(export, engine, str(folder), scaffold=True, redirects=(STYLE[engine], str(redirects)))
            except Exception as error:  # (that export's test fails with it; the others run)
                sites[export].error = f"wxrtool.convert: {type(error).__name__}: {error}"
                folder.mkdir(parents=True, exist_ok=True)
                redirects.write_text("", encoding="utf-8")
                continue
            command, cwd = build_command(engine, binary, folder)
            builds[export] = pool.submit(subprocess.run, command, cwd=cwd, capture_output=True, text=True, timeout=300)
    for export, future in builds.items():
        done = future.result()
        if done.returncode != 0:
            sites[export].error = f"{' '.join(done.args)} exited {done.returncode}:\n{done.stdout}{done.stderr}"
        sites[export].built.mkdir(exist_ok=True)  # (a server's root, even when the build failed)
    world_readable(root / engine)
    return Built(sites)


@pytest.fixture(scope="module")
def hugo_sites(root: Path, request: pytest.FixtureRequest) -> Built:
    return build_all("hugo", [*SAMPLE_FILES, *FIXTURES_READ], root, request)


@pytest.fixture(scope="module")
def jekyll_sites(root: Path, request: pytest.FixtureRequest) -> Built:
    return build_all("jekyll", [*SAMPLE_FILES, *FIXTURES_READ], root, request)


@pytest.fixture(scope="module")
def pelican_sites(root: Path, request: pytest.FixtureRequest) -> Built:
    return build_all("pelican", SAMPLE_FILES, root, request)


# -- The servers --------------------------------------------------------------------------

_NGINX_USAGE = re.compile(r"^#   (if \(\$wxrtool_redirect\) \{ return 301 \$wxrtool_redirect; \})$", re.MULTILINE)
_NGINX_BUCKET = re.compile(r"^# and in the http block: map_hash_bucket_size (\d+);$", re.MULTILINE)


@pytest.fixture(scope="module")
def nginx(root: Path, hugo_sites: Built, pelican_sites: Built) -> Iterator[None]:
    """One nginx serving every Hugo and Pelican site, each on its port, with its redirect file."""
    binary = nginx_binary()
    # (a site whose build failed is left out: its test says why)
    sites = [s for s in [*hugo_sites.sites.values(), *pelican_sites.sites.values()] if not s.error]
    if not sites:
        pytest.skip(f"no site to serve: {hugo_sites.reason}; {pelican_sites.reason}")
    folder, includes, servers, bucket = root / "nginx", [], [], 0
    temp = folder / "temp"
    temp.mkdir(parents=True)
    for site, port in zip(sites, free_ports(len(sites)), strict=True):
        site.port = port
    for number, site in enumerate(sites):
        text = site.redirects.read_text(encoding="utf-8")
        usage = _NGINX_USAGE.findall(text)
        assert len(usage) == 1, f"{site.redirects}: no usage line in its first comment\n{text[:300]}"
        bucket = max([bucket, *(int(size) for size in _NGINX_BUCKET.findall(text))])
        renamed = folder / f"{number}.conf"
        renamed.write_text(variables_renamed(text, number, site.redirects), encoding="utf-8")
        includes.append(f"    include {renamed};")
        servers.append(
            f"""    server {{
        listen 127.0.0.1:{site.port};
        root {site.built};
        {usage[0].replace("$wxrtool_", f"$wxrtool{number}_")}
    }}"""
        )
    types = "text/html html; application/xml xml; text/css css; application/javascript js; image/jpeg jpg;"
    command = nginx_command(
        binary, folder, temp, [*includes, *servers], log="error.log", bucket=bucket, workers=2, connections=256,
        types=types,
    )  # fmt: skip
    yield from serve([*command, "-g", "daemon off;"], sites[-1].port, folder / "error.log")


@pytest.fixture(scope="module")
def apache(root: Path, jekyll_sites: Built) -> Iterator[None]:
    """One Apache serving every Jekyll site, a ``VirtualHost`` on its port with its redirect file."""
    binary, mpm = apache_binary()
    sites = [s for s in jekyll_sites.sites.values() if not s.error]  # (as for nginx)
    if not sites:
        pytest.skip(f"no site to serve: {jekyll_sites.reason}")
    folder = root / "apache"
    for site, port in zip(sites, free_ports(len(sites)), strict=True):
        site.port = port
    run = folder / "run"
    run.mkdir(parents=True)
    (folder / "mime.types").write_text("", encoding="utf-8")  # types below, not the system's list
    listen = "\n".join(f"Listen 127.0.0.1:{site.port}" for site in sites)
    virtual = "\n".join(
        f"""<VirtualHost 127.0.0.1:{site.port}>
    DocumentRoot {site.built}
    Include {site.redirects}
{APACHE_EXTENSIONLESS}
</VirtualHost>"""
        for site in sites
    )
    (folder / "apache.conf").write_text(
        f"""ServerRoot {folder}
ServerName 127.0.0.1
{listen}
PidFile {run}/httpd.pid
ErrorLog {folder}/error.log
LogLevel warn
DefaultRuntimeDir {run}
Mutex file:{run} default
{apache_load(mpm)}
{apache_user()}
DirectoryIndex index.html
TypesConfig {folder}/mime.types
AddType text/html .html
AddType application/xml .xml
AddType text/css .css
AddType image/jpeg .jpg
<Directory {root / "jekyll"}>
    Require all granted
</Directory>
{virtual}
""",
        encoding="utf-8",
    )
    command = [binary, "-f", str(folder / "apache.conf")]
    checked([*command, "-t"])
    yield from serve([*command, "-DFOREGROUND"], sites[-1].port, folder / "error.log")


# -- The checks ---------------------------------------------------------------------------


def served(engine: str, server: str, export: Path, request: pytest.FixtureRequest) -> Site:
    """The site ``engine`` built from ``export``, its server running; else skip, saying why."""
    built: Built = request.getfixturevalue(f"{engine}_sites")
    if built.reason:
        pytest.skip(built.reason)
    site = built.sites[export]
    assert not site.error, site.error
    request.getfixturevalue(server)
    return site


def every_old_address_reaches_its_page(site: Site) -> None:
    addresses = list(old_addresses(site.export))
    results = check_all(addresses, site.url)
    assert len(results) == len(addresses) > 0
    wrong = [(r.address.url, r.address.kind, r.outcome, r.status, r.final, r.reason) for r in results if not r.ok]
    assert wrong == []
    # Archives and feeds: redirected (to a page of the new site), none kept at its old address
    # by a server that answers any path; but an author's page, which the engines with author
    # pages have at WordPress's address (/author/<slug>/), where a made-up author is not found.
    kinds = (*ARCHIVE_KINDS, *FEED_KINDS)
    kept = [r.address.url for r in results if r.address.kind in kinds and not r.hops and r.address.kind != "author"]
    assert kept == []
    if any(r.address.kind == "author" and not r.hops for r in results):
        (nobody,) = check_all([OldAddress("/author/no-such-author-here/", "author")], site.url)
        assert nobody.outcome == "missing", nobody


@pytest.mark.parametrize("export", HUGO_EXPORTS)
def test_the_hugo_site_on_nginx(export: Path, request: pytest.FixtureRequest) -> None:
    every_old_address_reaches_its_page(served("hugo", "nginx", export, request))


@pytest.mark.parametrize("export", EVERY_EXPORT)
def test_the_jekyll_site_on_apache(export: Path, request: pytest.FixtureRequest) -> None:
    every_old_address_reaches_its_page(served("jekyll", "apache", export, request))


@pytest.mark.parametrize("export", SAMPLES_ONLY)
def test_the_pelican_site_on_nginx(export: Path, request: pytest.FixtureRequest) -> None:
    every_old_address_reaches_its_page(served("pelican", "nginx", export, request))


def test_the_command_against_nginx(request: pytest.FixtureRequest) -> None:
    export = SAMPLES / "drafts-and-pages.xml"
    site = served("hugo", "nginx", export, request)
    done = subprocess.run(
        [sys.executable, "-m", "wxrtool", "check-urls", str(export), site.url, "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    document = json.loads(done.stdout)
    assert document["site"] == site.url
    addresses = document["addresses"]
    assert [a["url"] for a in addresses] == [a.url for a in old_addresses(export)]
    assert document["summary"] == {"found": 4, "redirected": len(addresses) - 4, "wrong page": 0, "missing": 0}
    # The pages Hugo keeps at their old addresses (the author's page is at WordPress's); the rest
    # nginx's own 301s, one hop to the page.
    where = {a["url"]: (a["outcome"], a["status"], a["hops"], a["final"]) for a in addresses}
    assert {url for url, (outcome, *_) in where.items() if outcome == "found"} == {
        "/about/",
        "/about/contact/",
        "/recipe/knackebrod/",
        "/author/anna/",
    }
    assert where["/?p=101"] == ("redirected", 200, ["/?p=101"], "/posts/rye-sourdough/")
    assert where["/2024/01/rye-sourdough/"] == ("redirected", 200, ["/2024/01/rye-sourdough/"], "/posts/rye-sourdough/")
    assert where["/?page_id=3"] == ("redirected", 200, ["/?page_id=3"], "/about/contact/")
    assert where["/tag/rye/feed/"] == ("redirected", 200, ["/tag/rye/feed/"], "/tags/rye/index.xml")
    assert "0 wrong page, 0 missing" in done.stderr

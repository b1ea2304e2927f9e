"""--redirects files loaded by real nginx and Apache, every hostile case requested over HTTP.

Each server runs from a throwaway folder on a free loopback port, with a minimal
configuration that includes the generated file. Every old address must answer a plain
301 to exactly its new address, or (when it was refused) not redirect at all; the rest of
the site must be untouched. Skipped, with the reason, where a server or module is missing.
"""

from __future__ import annotations

import grp
import http.client
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from wxrtool.redirects import render

from .redirect_cases import Case, expected_answers, load, urls

CASES = load()
SBIN = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/usr/local/sbin"])
APACHE_MODULES = Path("/usr/lib/apache2/modules")
# What the Apache configuration below loads, by module name and file.
APACHE_NEEDS = {
    "authz_core_module": "mod_authz_core.so",
    "alias_module": "mod_alias.so",
    "rewrite_module": "mod_rewrite.so",
    "mime_module": "mod_mime.so",
    "dir_module": "mod_dir.so",
}
JPEG = b"\xff\xd8\xff\xe0 not really a jpeg"


@dataclass
class Site:
    port: int
    folder: Path


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


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def unprivileged() -> tuple[str, str]:
    """The user and group workers run as when the tests run as root."""
    try:
        user = pwd.getpwnam("nobody")
        return user.pw_name, grp.getgrgid(user.pw_gid).gr_name
    except KeyError:
        pytest.skip("running as root, and there is no user 'nobody' (or its group) for the servers' workers")


def serve(command: list[str], port: int, log: Path) -> Iterator[None]:
    """Run a server in the foreground until the test module is done with it."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 20
        while True:
            if process.poll() is not None:
                errors = process.stderr.read().decode() if process.stderr else ""
                pytest.fail(f"{command[0]} stopped: {errors}{log.read_text() if log.exists() else ''}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"{command[0]} did not listen on {port}")
                time.sleep(0.1)
        yield
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stderr:
            process.stderr.close()


def checked(command: list[str]) -> None:
    """Run a server's configuration test; fail with its words if it refuses the file."""
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, f"{' '.join(command)}:\n{result.stdout}{result.stderr}"


@pytest.fixture(scope="module")
def nginx(folder: Path) -> Iterator[Site]:
    binary = shutil.which("nginx", path=SBIN)
    if binary is None:
        pytest.skip("nginx is not installed (Debian: apt-get install nginx)")
    built = subprocess.run([binary, "-V"], capture_output=True, text=True, timeout=60).stderr
    left_out = [m for m in ("http_map_module", "http_rewrite_module") if f"--without-{m}" in built]
    if left_out:
        pytest.skip(f"this nginx is built without {', '.join(left_out)}, which the redirect file needs")
    rules = render("nginx", urls(CASES))
    (folder / "nginx-redirects.conf").write_text(rules, encoding="utf-8")
    # The file says which hash bucket its longest address needs: follow its advice.
    advice = re.findall(r"^# and in the http block: (map_hash_bucket_size \d+;)$", rules, re.MULTILINE)
    port, temp, user = free_port(), folder / "nginx-temp", ""
    temp.mkdir()
    if os.geteuid() == 0:
        user = "user {} {};".format(*unprivileged())
    (folder / "nginx.conf").write_text(
        f"""
{user}
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/nginx-error.log;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {temp}/body; proxy_temp_path {temp}/proxy; fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi; scgi_temp_path {temp}/scgi;
    types {{ text/html html; image/jpeg jpg; }}
    default_type application/octet-stream;
    {" ".join(advice)}
    include {folder}/nginx-redirects.conf;
    server {{
        listen 127.0.0.1:{port};
        root {folder}/www;
        absolute_redirect off;
        if ($wxrtool_redirect) {{ return 301 $wxrtool_redirect; }}
    }}
}}
""",
        encoding="utf-8",
    )
    command = [binary, "-p", str(folder), "-e", str(folder / "nginx-error.log"), "-c", str(folder / "nginx.conf")]
    checked([*command, "-t"])
    yield from (Site(port, folder) for _ in serve([*command, "-g", "daemon off;"], port, folder / "nginx-error.log"))


@pytest.fixture(scope="module")
def apache(folder: Path) -> Iterator[Site]:
    binary = shutil.which("apache2", path=SBIN) or shutil.which("httpd", path=SBIN)
    if binary is None:
        pytest.skip("apache2 is not installed (Debian: apt-get install apache2)")
    mpm = next((m for m in ("event", "worker", "prefork") if (APACHE_MODULES / f"mod_mpm_{m}.so").exists()), None)
    missing = [file for file in APACHE_NEEDS.values() if not (APACHE_MODULES / file).exists()]
    if mpm is None or missing:
        pytest.skip(f"Apache modules missing from {APACHE_MODULES}: {', '.join(missing) or 'an mpm'}")
    (folder / "apache-redirects.conf").write_text(render("apache", urls(CASES)), encoding="utf-8")
    (folder / "mime.types").write_text("", encoding="utf-8")  # types below, not the system's list
    port = free_port()
    run = folder / "apache-run"
    run.mkdir(mode=0o755)
    modules = {f"mpm_{mpm}_module": f"mod_mpm_{mpm}.so", **APACHE_NEEDS}
    load = "\n".join(f"LoadModule {name} {APACHE_MODULES / file}" for name, file in modules.items())
    user = "User {}\nGroup {}".format(*unprivileged()) if os.geteuid() == 0 else ""
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
Include {folder}/apache-redirects.conf
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
        connection.putrequest("GET", target, skip_accept_encoding=True)
        connection.endheaders()
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    location = response.getheader("Location")
    if location is not None:
        location = location.removeprefix(f"http://127.0.0.1:{site.port}")
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

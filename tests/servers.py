"""Real nginx and Apache on loopback ports for the tests: finding them, configuring, running.

Shared by tests/test_redirects_servers.py (redirect files against a dummy folder) and
tests/test_sites_on_servers.py (built sites). Each helper skips the test, saying why, when
a server or a module it needs is missing, and fails with the server's own words when the
server refuses its configuration or stops.
"""

from __future__ import annotations

import grp
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

SBIN = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/usr/local/sbin"])
APACHE_MODULES = Path("/usr/lib/apache2/modules")
# What the Apache configurations load, by module name and file.
APACHE_NEEDS = {
    "authz_core_module": "mod_authz_core.so",
    "alias_module": "mod_alias.so",
    "rewrite_module": "mod_rewrite.so",
    "mime_module": "mod_mime.so",
    "dir_module": "mod_dir.so",
}
# What an nginx redirect file needs of the nginx that includes it.
NGINX_NEEDS = ("http_map_module", "http_rewrite_module")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def free_ports(count: int) -> list[int]:
    """``count`` different free loopback ports (asked for all at once: one probe after another
    may be given a port just closed again)."""
    probes = [socket.socket() for _ in range(count)]
    try:
        for probe in probes:
            probe.bind(("127.0.0.1", 0))
        return [probe.getsockname()[1] for probe in probes]
    finally:
        for probe in probes:
            probe.close()


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


def nginx_binary() -> str:
    """The nginx program, built with what the redirect files need; else skip, saying why."""
    binary = shutil.which("nginx", path=SBIN)
    if binary is None:
        pytest.skip("nginx is not installed (Debian: apt-get install nginx)")
    built = subprocess.run([binary, "-V"], capture_output=True, text=True, timeout=60).stderr
    left_out = [m for m in NGINX_NEEDS if f"--without-{m}" in built]
    if left_out:
        pytest.skip(f"this nginx is built without {', '.join(left_out)}, which the redirect file needs")
    return binary


def apache_binary() -> tuple[str, str]:
    """The Apache program and the mpm to load (with :data:`APACHE_NEEDS`); else skip, saying why."""
    binary = shutil.which("apache2", path=SBIN) or shutil.which("httpd", path=SBIN)
    if binary is None:
        pytest.skip("apache2 is not installed (Debian: apt-get install apache2)")
    mpm = next((m for m in ("event", "worker", "prefork") if (APACHE_MODULES / f"mod_mpm_{m}.so").exists()), None)
    missing = [file for file in APACHE_NEEDS.values() if not (APACHE_MODULES / file).exists()]
    if mpm is None or missing:
        pytest.skip(f"Apache modules missing from {APACHE_MODULES}: {', '.join(missing) or 'an mpm'}")
    return binary, mpm


def apache_load(mpm: str) -> str:
    """The ``LoadModule`` lines for ``mpm`` and :data:`APACHE_NEEDS`."""
    modules = {f"mpm_{mpm}_module": f"mod_mpm_{mpm}.so", **APACHE_NEEDS}
    return "\n".join(f"LoadModule {name} {APACHE_MODULES / file}" for name, file in modules.items())


def nginx_user() -> str:
    """nginx's ``user`` line: workers as 'nobody' when the tests run as root, else none."""
    return "user {} {};".format(*unprivileged()) if os.geteuid() == 0 else ""


def apache_user() -> str:
    """Apache's ``User``/``Group`` lines: 'nobody' when the tests run as root, else none."""
    return "User {}\nGroup {}".format(*unprivileged()) if os.geteuid() == 0 else ""


def world_readable(folder: Path) -> None:
    """Every folder under ``folder`` (itself too) 0755 and every file 0644: the servers'
    unprivileged workers read them (pytest's and mkdtemp's folders are 0700)."""
    folder.chmod(0o755)
    for parent, folders, files in os.walk(folder):
        for name in folders:
            os.chmod(os.path.join(parent, name), 0o755)
        for name in files:
            path = os.path.join(parent, name)
            if not os.path.islink(path):
                os.chmod(path, 0o644)


def variables_renamed(text: str, number: int, name: object) -> str:
    """A ``--redirects nginx`` file with its variables named for site ``number``: one ``http``
    block holds every site's maps. Only the variables are renamed: no key holds ``$wxrtool_``
    (two in the usage comment, two map names, one ``$wxrtool_redirect_query`` per path asked
    with a query); ``name`` says which file failed that."""
    asked = len(re.findall(r"^    \S+ \$wxrtool_redirect_query;$", text, re.MULTILINE))
    assert asked >= 1 and text.count("$wxrtool_") == 4 + asked, name
    return text.replace("$wxrtool_", f"$wxrtool{number}_")


def nginx_command(
    binary: str,
    folder: Path,
    temp: Path,
    http: list[str],
    *,
    log: str,
    bucket: int,
    workers: int = 1,
    connections: int = 64,
    types: str = "text/html html; image/jpeg jpg;",
) -> list[str]:
    """Write ``folder/nginx.conf`` (its ``http`` block: ``http``, the includes and servers),
    have nginx check it, and give the command that runs it (with ``-g "daemon off;"``)."""
    (folder / "nginx.conf").write_text(
        f"""{nginx_user()}
worker_processes {workers};
pid {folder}/nginx.pid;
error_log {folder}/{log};
events {{ worker_connections {connections}; }}
http {{
    access_log off;
    client_body_temp_path {temp}/body; proxy_temp_path {temp}/proxy; fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi; scgi_temp_path {temp}/scgi;
    types {{ {types} }}
    default_type application/octet-stream;
    {f"map_hash_bucket_size {bucket};" if bucket else ""}
"""
        + "\n".join([*http, "}"])
        + "\n",
        encoding="utf-8",
    )
    command = [binary, "-p", str(folder), "-e", str(folder / log), "-c", str(folder / "nginx.conf")]
    checked([*command, "-t"])
    return command

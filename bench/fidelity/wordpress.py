"""A real WordPress on this machine, started and stopped by the fidelity comparison.

Debian's ``wordpress`` package (WordPress 6.1) with PHP 8.2 and MariaDB 10.11: MariaDB
runs as an unprivileged data directory with its socket in a temporary folder and no
network; WordPress's files are read from ``/usr/share/wordpress`` and everything it
writes (uploads) goes to the same temporary folder. Exports are imported with
WordPress's own importer (``../shared/tools/wordpress-importer``), every remote file
answered with a placeholder of its type (``wordpress/wp.php``), and each published
item rendered as WordPress shows it to a reader.

    with WordPress() as wp:
        items = wp.site_of("export.xml")   # [{"id", "type", "title", "html", "comments"...}]
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SCRIPT = HERE / "wordpress" / "wp.php"
ROOT = Path("/usr/share/wordpress")
IMPORTER = HERE.parents[2] / "shared" / "tools" / "wordpress-importer" / "src"
PROGRAMS = ("php", "mariadbd", "mariadb-install-db", "mariadb")


def missing() -> str:
    """Why a WordPress cannot be started here ('' when it can)."""
    absent = [p for p in PROGRAMS if shutil.which(p) is None and not Path("/usr/sbin", p).exists()]
    if absent:
        return "not installed: " + ", ".join(absent) + " (apt-get install mariadb-server php-cli php-mysql)"
    if not (ROOT / "wp-settings.php").is_file():
        return f"no WordPress in {ROOT} (apt-get install wordpress)"
    if not (IMPORTER / "wordpress-importer.php").is_file():
        return f"no WordPress importer in {IMPORTER}"
    probe = subprocess.run(["php", "-m"], capture_output=True, text=True, check=False).stdout.lower().split()
    needed = [m for m in ("mysqli", "xml", "mbstring", "gd") if m not in probe]
    return f"PHP lacks {', '.join(needed)} (apt-get install php-mysql php-xml php-mbstring php-gd)" if needed else ""


def _program(name: str) -> str:
    return shutil.which(name) or str(Path("/usr/sbin", name))


class WordPress:
    """MariaDB and WordPress in a temporary folder; :meth:`site_of` imports and renders one export."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="wxrtool-wp-"))
        self.socket = self.folder / "run" / "mysqld.sock"
        self.server: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> WordPress:
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _start(self) -> None:
        data, run = self.folder / "db", self.folder / "run"
        data.mkdir()
        run.mkdir()
        user = []
        if os.geteuid() == 0:
            # mariadbd will not run as root: the folders go to its own user.
            shutil.chown(data, "mysql", "mysql")
            shutil.chown(run, "mysql", "mysql")
            self.folder.chmod(0o755)
            user = ["--user=mysql"]
        subprocess.run(
            [_program("mariadb-install-db"), "--no-defaults", *user, f"--datadir={data}", "--skip-test-db",
             "--auth-root-authentication-method=normal"],
            check=True, capture_output=True,
        )  # fmt: skip
        self.server = subprocess.Popen(
            [_program("mariadbd"), "--no-defaults", *user, f"--datadir={data}", f"--socket={self.socket}",
             f"--pid-file={run / 'mysqld.pid'}", "--skip-networking", f"--log-error={run / 'error.log'}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while not self._sql("SELECT 1", check=False):
            if self.server.poll() is not None or time.monotonic() > deadline:
                log = (run / "error.log").read_text(errors="replace")[-2000:] if (run / "error.log").exists() else ""
                raise RuntimeError(f"MariaDB did not start:\n{log}")
            time.sleep(0.1)

    def _sql(self, statement: str, check: bool = True) -> bool:
        done = subprocess.run(
            [_program("mariadb"), "--no-defaults", f"--socket={self.socket}", "-uroot", "-e", statement],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        if check and done.returncode:
            raise RuntimeError(f"MariaDB: {done.stderr.strip()}")
        return done.returncode == 0

    def _php(self, *args: str) -> str:
        env = {
            **os.environ,
            "WXRTOOL_WP_SOCKET": str(self.socket),
            "WXRTOOL_WP_CONTENT": str(self.folder / "content"),
            "WXRTOOL_WP_IMPORTER": str(IMPORTER),
            "WXRTOOL_WP_ROOT": str(ROOT),
        }
        done = subprocess.run(["php", str(SCRIPT), *args], capture_output=True, text=True, env=env, check=False)
        if done.returncode:
            raise RuntimeError(f"php wp.php {' '.join(args)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
        return done.stderr

    def site_of(self, export: str | os.PathLike[str]) -> list[dict[str, Any]]:
        """``export`` imported into an empty WordPress, and every published item as WordPress shows it."""
        self._sql("DROP DATABASE IF EXISTS wordpress; CREATE DATABASE wordpress CHARACTER SET utf8mb4")
        shutil.rmtree(self.folder / "content", ignore_errors=True)
        (self.folder / "content" / "uploads").mkdir(parents=True)
        self._php("install")
        self.import_log = self._php("import", os.fspath(export))
        self._restore_threads(export)
        out = self.folder / "site.json"
        self._php("render", str(out))
        items: list[dict[str, Any]] = json.loads(out.read_text(encoding="utf-8"))
        return items

    def _query(self, statement: str) -> list[list[str]]:
        done = subprocess.run(
            [_program("mariadb"), "--no-defaults", f"--socket={self.socket}", "-uroot", "-N", "-B", "wordpress",
             "-e", statement],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        return [line.split("\t") for line in done.stdout.splitlines()]

    def _restore_threads(self, export: str | os.PathLike[str]) -> None:
        """Each comment under the parent the export names, as the original site showed it.

        The importer inserts a post's comments in the order of their ids and links a reply
        only to a parent inserted before it: a reply whose id is lower than its parent's
        (merged or repaired sites) lands at the top, or under an unrelated comment. New ids
        follow the old ones' order, so the old -> new map is rebuilt and the parents set again.
        """
        import wxrtool  # (the reference side uses wxrtool's reader only to read the export's ids)

        updates = []
        for record in wxrtool.read(export):
            if not isinstance(record, wxrtool.Post) or not (record.comments or record.pings):
                continue
            responses = {r.id: r.parent for r in (*record.comments, *record.pings)}  # a repeated id: the last
            new = [int(row[0]) for row in self._query(
                f"SELECT comment_ID FROM wp_comments WHERE comment_post_ID = {int(record.id)} ORDER BY comment_ID"
            )]  # fmt: skip
            old = sorted(responses)
            if len(new) != len(old):
                continue  # not the importer's one-for-one insert: leave it as it is
            mapping = dict(zip(old, new, strict=True))
            for old_id, parent in responses.items():
                updates.append((mapping[old_id], mapping.get(parent, 0)))
        for comment, parent in updates:
            self._sql(f"UPDATE wordpress.wp_comments SET comment_parent = {parent} WHERE comment_ID = {comment}")

    def stop(self) -> None:
        if self.server is not None and self.server.poll() is None:
            self.server.terminate()
            try:
                self.server.wait(30)
            except subprocess.TimeoutExpired:
                self.server.kill()
                self.server.wait()
        shutil.rmtree(self.folder, ignore_errors=True)

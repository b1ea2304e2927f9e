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
        stored = wp.database_of("export.xml")  # {"users", "terms", "posts"}: what the importer stored
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from datetime import UTC, datetime
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


# Post meta whose value is a post's id (a menu item's object: unless it is a term).
_POST_ID_META = frozenset({"_thumbnail_id", "_menu_item_menu_item_parent", "_menu_item_object_id"})


def _unique(taken: dict[str, Any], key: str) -> str:
    """``key``, or ``key~2``, ``key~3``... when it is taken."""
    if key not in taken:
        return key
    n = 2
    while f"{key}~{n}" in taken:
        n += 1
    return f"{key}~{n}"


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
        (self.folder / "tmp").mkdir()
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
            # (WordPress downloads an attachment to a file of get_temp_dir(), sys_get_temp_dir() here,
            # and the importer leaves it there: in this folder it goes when the site stops)
            "TMPDIR": str(self.folder / "tmp"),
        }
        done = subprocess.run(["php", str(SCRIPT), *args], capture_output=True, text=True, env=env, check=False)
        if done.returncode:
            raise RuntimeError(f"php wp.php {' '.join(args)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
        return done.stderr

    def site_of(self, export: str | os.PathLike[str]) -> list[dict[str, Any]]:
        """``export`` imported into an empty WordPress, and every published item as WordPress shows it."""
        self._import(export, "import")
        out = self.folder / "site.json"
        self._php("render", str(out))
        items: list[dict[str, Any]] = json.loads(out.read_text(encoding="utf-8"))
        return items

    def _import(self, export: str | os.PathLike[str], command: str) -> None:
        """``export`` imported into an empty WordPress (``command``: ``import`` or ``import-with-authors``)."""
        self._sql("DROP DATABASE IF EXISTS wordpress; CREATE DATABASE wordpress CHARACTER SET utf8mb4")
        shutil.rmtree(self.folder / "content", ignore_errors=True)
        (self.folder / "content" / "uploads").mkdir(parents=True)
        self._php("install")
        self.import_started = datetime.now(UTC).replace(microsecond=0)
        self.import_log = self._php(command, os.fspath(export))
        self.import_ended = datetime.now(UTC)
        self._restore_threads(export)

    def database_of(self, export: str | os.PathLike[str]) -> dict[str, Any]:
        """``export`` imported into an empty WordPress (each of its authors made a user), and
        what the importer stored, ids replaced by stable keys (see :meth:`_dump`).

            wp.database_of("a.xml") == wp.database_of("b.xml")  # the same site, byte for byte
        """
        self._import(export, "import-with-authors")
        return self._dump()

    def _rows(self, columns: str, rest: str) -> list[list[str | None]]:
        """``SELECT columns rest``, every value as the exact text stored (``None`` for NULL).

        Each value travels as hexadecimal: the client's batch output escapes tabs, newlines
        and backslashes, and nothing of a value may change on the way.
        """
        names = [c.strip() for c in columns.split(",")]
        select = ", ".join(f"HEX(CONCAT({name}))" for name in names)
        rows = []
        for row in self._query(f"SELECT {select} {rest}"):
            rows.append([None if v == "NULL" else bytes.fromhex(v).decode("utf-8", "surrogateescape") for v in row])
        return rows

    def _dump(self) -> dict[str, Any]:
        """What the importer stored, every database id replaced by a stable key.

        ``{"users": {login: ...}, "terms": {"taxonomy/slug": ...}, "posts": {key: ...}}``. A
        post's key is ``type/post_name@post_date`` (the title in quotes for a post without a
        name; a menu item, whose name is its new id, by its menus and ``menu_order``), a
        comment's ``comment_date comment_author``; a repeated key gets ``~2``, ``~3``... in the
        order of the ids, which is the export's. A post holds its columns, its terms, its meta
        (``key``, ``key~2``... in the order stored), whether it is sticky and its comments; a
        comment its columns and meta. Ids in a parent, a post author, a comment's user,
        ``_thumbnail_id``, ``_edit_last`` and a menu item's object and parent are keys too.

        Left out, being the database's or the clock's rather than the export's: every id,
        ``post_modified`` (the time of the import), user passwords and registration dates; a
        date the importer filled in with the time of the import reads ``(the import)``, a
        ``post_name`` WordPress made of the new id ``(its id)``. Kept
        although WordPress made them: an attachment's ``guid``, ``post_mime_type``,
        ``_wp_attached_file`` and ``_wp_attachment_metadata`` come from the placeholder file
        the importer fetched (the importer drops the export's own), the same for the same URL
        and date, so they show where the file landed; a post's ``comment_count``, a term's
        ``count``.
        """
        users: dict[str, dict[str, Any]] = {}
        login_of = {"0": ""}
        for uid, login, email, url, name in self._rows(
            "ID, user_login, user_email, user_url, display_name", "FROM wp_users ORDER BY ID"
        ):
            login_of[str(uid)] = str(login)
            users[str(login)] = {"email": email, "url": url, "display_name": name}
        for uid, key, value in self._rows(
            "user_id, meta_key, meta_value",
            "FROM wp_usermeta WHERE meta_key IN ('first_name', 'last_name', 'description') ORDER BY umeta_id",
        ):
            users[login_of[str(uid)]][str(key)] = value

        terms: dict[str, dict[str, Any]] = {}
        term_key: dict[str, str] = {}  # term_id -> taxonomy/slug
        by_taxonomy_id: dict[str, str] = {}  # term_taxonomy_id -> taxonomy/slug
        for term_id, tt_id, taxonomy, slug, name, group, description, parent, count in self._rows(
            "t.term_id, tt.term_taxonomy_id, tt.taxonomy, t.slug, t.name, t.term_group, tt.description, tt.parent, "
            "tt.count",
            "FROM wp_terms t JOIN wp_term_taxonomy tt ON tt.term_id = t.term_id ORDER BY t.term_id",
        ):
            key = _unique(terms, f"{taxonomy}/{slug}")
            term_key[str(term_id)] = by_taxonomy_id[str(tt_id)] = key
            terms[key] = {"name": name, "group": group, "description": description, "parent": parent, "count": count}
            terms[key]["meta"] = {}
        for term in terms.values():
            term["parent"] = term_key.get(term["parent"], term["parent"])
        for term_id, meta_key, value in self._rows(
            "term_id, meta_key, meta_value", "FROM wp_termmeta ORDER BY meta_id"
        ):
            meta = terms[term_key[str(term_id)]]["meta"]
            meta[_unique(meta, str(meta_key))] = value

        columns = [
            "post_type", "post_name", "post_title", "post_date", "post_date_gmt", "post_status", "post_author",
            "post_content", "post_excerpt", "post_password", "comment_status", "ping_status", "to_ping", "pinged",
            "post_content_filtered", "post_parent", "guid", "menu_order", "post_mime_type", "comment_count",
        ]  # fmt: skip
        started, ended = (f"{t:%Y-%m-%d %H:%M:%S}" for t in (self.import_started, self.import_ended))
        terms_of: dict[str, list[str]] = {}
        for object_id, tt_id in self._rows("object_id, term_taxonomy_id", "FROM wp_term_relationships"):
            terms_of.setdefault(str(object_id), []).append(by_taxonomy_id.get(str(tt_id), str(tt_id)))
        posts: dict[str, dict[str, Any]] = {}
        post_key: dict[str, str] = {}  # ID -> key
        for post_id, *values in self._rows("ID, " + ", ".join(columns), "FROM wp_posts ORDER BY ID"):
            post: dict[str, Any] = dict(zip(columns, values, strict=True))
            for date in ("post_date", "post_date_gmt"):
                if started <= str(post[date]) <= ended:
                    post[date] = "(the import)"  # an item without a date
            if post["post_name"] == str(post_id):
                post["post_name"] = "(its id)"  # a menu item's, given by WordPress
            name = post["post_name"] or json.dumps(post["post_title"], ensure_ascii=False)
            if post["post_type"] == "nav_menu_item":
                name = "+".join(sorted(terms_of.get(str(post_id), []))) + f"#{post['menu_order']}"
            key = _unique(posts, f"{post['post_type']}/{name}@{post['post_date']}")
            post_key[str(post_id)] = key
            post["post_author"] = login_of.get(post["post_author"], post["post_author"])
            posts[key] = {**post, "terms": sorted(terms_of.get(str(post_id), [])), "meta": {}, "sticky": False}
            posts[key]["comments"] = {}
        for post in posts.values():
            post["post_parent"] = post_key.get(post["post_parent"], post["post_parent"])
        sticky = self._rows("option_name, option_value", "FROM wp_options WHERE option_name = 'sticky_posts'")
        for post_id in re.findall(r"i:\d+;i:(\d+);", str(sticky[0][1]) if sticky else ""):
            if post_id in post_key:
                posts[post_key[post_id]]["sticky"] = True

        meta_rows = self._rows("post_id, meta_key, meta_value", "FROM wp_postmeta ORDER BY meta_id")
        menu_type = {post_id: value for post_id, meta_key, value in meta_rows if meta_key == "_menu_item_type"}
        for post_id, meta_key, value in meta_rows:
            if str(post_id) not in post_key:
                continue
            # Meta that names a post, a term or a user by id names it by its key here.
            if meta_key == "_menu_item_object_id" and menu_type.get(post_id) == "taxonomy":
                value = term_key.get(str(value), value)
            elif meta_key in _POST_ID_META:
                value = post_key.get(str(value), value)
            elif meta_key == "_edit_last":
                value = login_of.get(str(value), value)
            meta = posts[post_key[str(post_id)]]["meta"]
            meta[_unique(meta, str(meta_key))] = value

        comment_columns = [
            "comment_author", "comment_author_email", "comment_author_url", "comment_author_IP", "comment_date",
            "comment_date_gmt", "comment_content", "comment_karma", "comment_approved", "comment_agent",
            "comment_type", "comment_parent", "user_id",
        ]  # fmt: skip
        comment_key: dict[str, tuple[str, str]] = {}  # comment_ID -> (post key, comment key)
        for comment_id, post_id, *values in self._rows(
            "comment_ID, comment_post_ID, " + ", ".join(comment_columns), "FROM wp_comments ORDER BY comment_ID"
        ):
            comment: dict[str, Any] = dict(zip(comment_columns, values, strict=True))
            post_name = post_key.get(str(post_id), f"(post {post_id})")
            owner = posts.setdefault(post_name, {"comments": {}})["comments"]
            key = _unique(owner, f"{comment['comment_date']} {comment['comment_author']}")
            comment_key[str(comment_id)] = (post_name, key)
            comment["user_id"] = login_of.get(comment["user_id"], comment["user_id"])
            owner[key] = {**comment, "meta": {}}
        for post_name, key in comment_key.values():
            comment = posts[post_name]["comments"][key]
            replied = comment_key.get(comment["comment_parent"])
            if replied is not None:
                # A reply names its parent by key, and the parent's post too if not its own.
                comment["comment_parent"] = replied[1] if replied[0] == post_name else f"{replied[1]} on {replied[0]}"
        for comment_id, meta_key, value in self._rows(
            "comment_id, meta_key, meta_value", "FROM wp_commentmeta ORDER BY meta_id"
        ):
            if str(comment_id) in comment_key:
                post_name, key = comment_key[str(comment_id)]
                meta = posts[post_name]["comments"][key]["meta"]
                meta[_unique(meta, str(meta_key))] = value
        return {"users": users, "terms": terms, "posts": posts}

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

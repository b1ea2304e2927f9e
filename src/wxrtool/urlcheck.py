"""``wxrtool check-urls``: ask the new site for every old address and say where each lands.

The site is a built folder (Hugo's ``public/``, Jekyll's ``_site/``, Pelican's ``output/``)
served here on a loopback port (:class:`StaticSite`), with the redirect map wxrtool wrote
(``--redirects netlify`` or ``csv``) applied as a host would apply it; or the base URL
of a running server (nginx or Apache with wxrtool's redirect file included).

Each old address (:mod:`.oldurls`) is asked for as a browser asks, following redirects:
HTTP ones and the HTML refreshes that Hugo's aliases and Jekyll's ``redirect_from`` pages
are. It is **found** when it answers 200 at once, **redirected** when it gets there after
redirects, and **missing** otherwise (404, an error, a loop, a redirect to another host).
An item's address must reach that item's page: a page that names other WordPress items
(``data-wordpress-id``, which the scaffolds put on every article) and not this one is
the **wrong page**, counted as missing; so is ``/?p=12`` answered at once with a page that
names no item (a static server ignores the query and shows its home page).
"""

from __future__ import annotations

import csv
import http.client
import http.server
import io
import os
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from .errors import WXRError
from .oldurls import OldAddress, query_of
from .redirects import old_path

MAX_HOPS = 10
MAX_PAGE = 4 * 1024 * 1024  # bytes of a page read to find its identity and refresh
# A <meta> tag (at most 1 KB, no "<" inside: read once, never backtracked over), then in it the
# refresh and its address, the address quoted or not.
_META = re.compile(rb"<meta\s[^<>]{0,1024}>", re.I)
_IS_REFRESH = re.compile(rb"""http-equiv\s*=\s*["']?refresh""", re.I)
_REFRESH_URL = re.compile(rb"""content\s*=\s*["']?\s*\d*\s*;?\s*url\s*=\s*['"]?([^"'>\s]+)""", re.I)
# (an id is at most 19 digits, as quirks.parse_int holds it: a longer run is no item's, and never
# reaches int(), which refuses more than 4,300)
_WORDPRESS_ID = re.compile(rb"""data-wordpress-id\s*=\s*["']?(-?[0-9]{1,19})(?![0-9])""")

OUTCOMES = ("found", "redirected", "wrong page", "missing")


@dataclass(frozen=True)
class Check:
    """Where one old address landed: ``outcome`` (see :data:`OUTCOMES`), the last answer's
    status, the address it ended at and every address on the way."""

    address: OldAddress
    outcome: str
    status: int
    final: str
    hops: tuple[str, ...] = ()
    reason: str = ""
    marked: bool | None = None  # (an item's address: whether the page it reached is marked as an item's)

    @property
    def ok(self) -> bool:
        return self.outcome in ("found", "redirected")

    def to_json(self) -> dict[str, object]:
        return {
            "url": self.address.url,
            "kind": self.address.kind,
            "item": self.address.item,
            "outcome": self.outcome,
            "status": self.status,
            "final": self.final,
            "hops": list(self.hops),
            "reason": self.reason,
        }


def check_all(
    addresses: Iterable[OldAddress], base_url: str, progress: Callable[[Check], None] | None = None
) -> list[Check]:
    """Each address asked for at ``base_url`` (``http://127.0.0.1:8000``), in order.

    On a site that marks its items' pages (``data-wordpress-id``: every scaffold's), an item's
    address that reached a page without a mark reached another page (an engine's list at an old
    page's address, ``/posts/``): a wrong page, as one of another item is."""
    client = _Client(base_url)
    try:
        results = []
        for address in addresses:
            result = client.check(address)
            results.append(result)
            if progress is not None:
                progress(result)
    finally:
        client.close()
    if not any(r.marked for r in results):
        return results  # (a site of its own theme, that marks nothing: any page may be the item's)
    unmarked = "a page no item's mark is on (data-wordpress-id), as every item's page here has"
    return [replace(r, outcome="wrong page", reason=unmarked) if r.ok and r.marked is False else r for r in results]


def unanswered(base_url: str) -> str | None:
    """Why nothing answers at ``base_url`` (the error of one request for it), or ``None`` if
    something does, whatever its status: asked first, so that a server that is not running is
    one error, not one per address (each after a timeout, when packets are dropped)."""
    client = _Client(base_url)
    try:
        client.get(client.prefix + "/")
    except (http.client.HTTPException, OSError) as error:
        return str(error) or type(error).__name__
    finally:
        client.close()
    return None


class _Client:
    """Requests to one origin over one kept-alive connection (a new one when it drops)."""

    def __init__(self, base_url: str) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) address: {base_url!r}")
        self.scheme, self.netloc = parts.scheme, parts.netloc
        self.prefix = parts.path.rstrip("/")
        self.connection: http.client.HTTPConnection | None = None

    def _connect(self) -> http.client.HTTPConnection:
        if self.connection is None:
            kind = http.client.HTTPSConnection if self.scheme == "https" else http.client.HTTPConnection
            self.connection = kind(self.netloc, timeout=30)
        return self.connection

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def get(self, target: str) -> tuple[int, str, bytes]:
        """Status, Location header and the first :data:`MAX_PAGE` bytes of ``target``'s answer."""
        for attempt in (1, 2):
            connection = self._connect()
            try:
                connection.request("GET", target, headers={"User-Agent": "wxrtool check-urls", "Accept": "*/*"})
                response = connection.getresponse()
                body = response.read(MAX_PAGE)
                if not response.isclosed():
                    # More than a page: the connection is dropped, not read to its end.
                    self.close()
                return response.status, response.getheader("Location") or "", body
            except TimeoutError:
                self.close()
                raise  # (a server that does not answer is not asked again)
            except (http.client.HTTPException, OSError):
                self.close()  # (a kept-alive connection the server closed: once more, on a new one)
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def check(self, address: OldAddress) -> Check:
        origin = f"{self.scheme}://{self.netloc}"
        target = self.prefix + address.url
        hops: list[str] = []
        seen: set[str] = set()
        while True:
            if target in seen or len(hops) > MAX_HOPS:
                return Check(address, "missing", 0, target, tuple(hops), "a redirect loop")
            seen.add(target)
            try:
                status, location, body = self.get(target)
            except (http.client.HTTPException, OSError) as error:
                return Check(address, "missing", 0, target, tuple(hops), f"no answer: {error}")
            refresh = _refresh(body) if status == 200 else None
            step = location if status in (301, 302, 303, 307, 308) and location else refresh
            if step:
                hops.append(target)
                # (a browser reads "\\" in an address as "/": "/\\host/" is another site)
                url = urljoin(origin + target, step.strip().replace("\\", "/"))
                parts = urlsplit(url)
                if f"{parts.scheme}://{parts.netloc}" != origin:
                    return Check(address, "missing", status, url, tuple(hops), "redirected to another site")
                target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
                continue
            if status != 200:
                return Check(address, "missing", status, target, tuple(hops), f"HTTP {status}")
            if address.item is not None:
                ids = {int(m.group(1)) for m in _WORDPRESS_ID.finditer(body)}
                if ids and ids != {address.item}:
                    shown = ", ".join(map(str, sorted(ids)[:5]))
                    return Check(address, "wrong page", status, target, tuple(hops), f"a page of item {shown}")
                if not ids and not hops and "?" in address.url and urlsplit(address.url).path.endswith("/"):
                    # "/?p=12" answered as it is: a static host ignores the query and shows
                    # its home page (only WordPress itself knew the query).
                    return Check(address, "wrong page", status, target, tuple(hops), "the query was ignored")
            marked = bool(ids) if address.item is not None else None
            return Check(address, "redirected" if hops else "found", status, target, tuple(hops), marked=marked)


def _refresh(body: bytes) -> str | None:
    """The address of an HTML refresh in a short page (an alias page), else ``None``."""
    if len(body) > 16 * 1024:
        return None  # a real page, not an alias
    for tag in _META.finditer(body):
        if _IS_REFRESH.search(tag.group()):
            m = _REFRESH_URL.search(tag.group())
            return m.group(1).decode("utf-8", "replace") if m else None
    return None


# -- A built folder on a loopback port ------------------------------------------------


_REDIRECTS_READ = (
    "give the netlify or csv file of `wxrtool convert --redirects`; a server applies its own nginx or Apache rules"
)


@dataclass
class RedirectRules:
    """A redirect map wxrtool wrote (Netlify ``_redirects`` or CSV), as a host applies it:
    exact paths, and for ``/?p=ID`` the path with its query."""

    paths: dict[str, str] = field(default_factory=dict)
    queries: dict[tuple[str, str], str] = field(default_factory=dict)

    @classmethod
    def read(cls, path: str | Path) -> RedirectRules:
        """The rules of the file at ``path``; a :class:`~wxrtool.errors.WXRError` naming the first
        line that is none (an nginx or Apache file, say: every address was then "missing")."""
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or "not UTF-8 text"
            raise WXRError(f"cannot read the redirects: {reason}", file=str(path), hint=_REDIRECTS_READ) from None
        rules = cls()
        if text.startswith("old,new"):
            for row in csv.DictReader(io.StringIO(text)):
                old, new = row.get("old") or "", row.get("new") or ""
                path, _, query = old.partition("?")
                rules.add(path, query, new)
            return rules
        for number, line in enumerate(text.splitlines(), 1):
            words = line.split()
            if not words or words[0].startswith("#"):
                continue
            if not words[0].startswith("/") or not any(w.startswith(("/", "http://", "https://")) for w in words[1:]):
                shown = line.strip()[:80]
                raise WXRError(f"not a redirect wxrtool reads: {shown!r}", file=str(path), line=number,
                               hint=_REDIRECTS_READ)  # fmt: skip
            if len(words) == 4 and "=" in words[1]:  # /  p=12  /new/  301
                rules.add(words[0], words[1], words[2])
            else:
                rules.add(words[0], "", words[1])
        return rules

    def add(self, path: str, query: str, new: str) -> None:
        found = old_path(path)
        canonical = path if found is None else found or "/"
        if query:
            self.queries.setdefault((canonical, query_of(query)), new)
        else:
            self.paths.setdefault(canonical, new)

    def target(self, path: str, query: str) -> str | None:
        """Where ``path`` with ``query`` (as sent) is redirected, or ``None``: both compared in
        the canonical form wxrtool writes (a client may send ``%c3`` or ``;`` for ``%3B``)."""
        canonical = old_path(path)
        if canonical is None:
            return None
        canonical = canonical or "/"
        if query and (canonical, query_of(query)) in self.queries:
            return self.queries[canonical, query_of(query)]
        return self.paths.get(canonical)  # (a path's rule whatever the query, as hosts apply it)


# An engine's sources, by a file only they hold at their top: (engine, how it builds, where to).
_SOURCES = (
    (("hugo.toml", "hugo.yaml", "hugo.json", "config.toml"), "Hugo", "hugo", "public/"),
    (("_config.yml", "_config.toml"), "Jekyll", "jekyll build", "_site/"),
    (("pelicanconf.py",), "Pelican", "pelican content", "output/"),
    (("astro.config.mjs", "astro.config.js", "astro.config.ts"), "Astro", "npx astro build", "dist/"),
    (("eleventy.config.js", "eleventy.config.mjs", ".eleventy.js"), "Eleventy", "npx @11ty/eleventy", "_site/"),
)


def unbuilt(folder: str | Path) -> str | None:
    """What to say when ``folder`` holds a site's sources rather than the site built from them
    (no ``index.html`` at its top, an engine's own file there), or ``None``.

    >>> unbuilt(samples)  # (a folder of exports: no engine's)
    """
    top = Path(folder)
    if (top / "index.html").exists():
        return None
    for names, engine, build, output in _SOURCES:
        if any((top / name).is_file() for name in names):
            return f"{folder} holds a {engine} site's sources, not the site: build it ({build}) and give its {output}"
    return None


class StaticSite:
    """``folder`` served on 127.0.0.1 (a free port) while the ``with`` block runs, each path
    looked up as a static host does (``/a/`` is ``/a/index.html``, ``/a`` a redirect to
    ``/a/`` when it is a folder, else ``/a.html``), after ``rules``; under ``base``, a path
    (``/blog``: a site built for ``--base-url https://host/blog/``), as its host serves it."""

    def __init__(self, folder: str | Path, rules: RedirectRules | None = None, base: str = "") -> None:
        self.folder = Path(folder).resolve()
        if not self.folder.is_dir():
            raise FileNotFoundError(f"{folder}: not a folder")
        self.rules = rules or RedirectRules()
        self.base = base.rstrip("/")
        self.server: http.server.ThreadingHTTPServer | None = None
        self.thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> StaticSite:
        site = self

        class Handler(http.server.SimpleHTTPRequestHandler):
            def __init__(self, *args: object, **kwargs: object) -> None:
                super().__init__(*args, directory=str(site.folder), **kwargs)  # type: ignore[arg-type]

            def do_GET(self) -> None:
                path, _, query = self.path.partition("?")
                new = site.rules.target(path, query)
                if new is not None:
                    self._moved(new)
                    return
                if site.base:  # (the site's files are under its folder: nothing is outside it)
                    if path != site.base and not path.startswith(site.base + "/"):
                        self.send_error(404)
                        return
                    path = path[len(site.base) :] or "/"
                    self.path = path + (f"?{query}" if query else "")
                local = Path(self.translate_path(path))
                if not path.endswith("/") and local.is_dir():  # (to the folder, under the site's own)
                    self._moved(site.base + path + "/" + (f"?{query}" if query else ""))
                    return
                # "/about" from "about.html" when there is no "about" (GitHub Pages, Netlify and
                # Cloudflare Pages serve Jekyll's extensionless permalinks so).
                if not path.endswith("/") and not local.exists() and local.with_name(local.name + ".html").is_file():
                    self.path = path + ".html" + (f"?{query}" if query else "")
                super().do_GET()

            def _moved(self, location: str) -> None:
                self.send_response(301)
                self.send_header("Location", location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def list_directory(self, path: str | os.PathLike[str]) -> None:
                # A folder without an index page is no page: 404, as nginx (403) and Netlify do.
                self.send_error(404)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, name="wxrtool-static-site", daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
        if self.thread is not None:
            self.thread.join(5)


def summary(results: list[Check]) -> dict[str, int]:
    """How many of each outcome."""
    counts = dict.fromkeys(OUTCOMES, 0)
    for result in results:
        counts[result.outcome] += 1
    return counts


def decoded(url: str) -> str:
    """An address as people read it (percent-encoding decoded), for messages."""
    return unquote(url, errors="replace")

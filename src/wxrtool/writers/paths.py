"""Safe, stable file paths for items, from a template.

A slug came from a stranger's database. It is decoded once (the reader did that),
NFC-normalised, stripped of path separators, control and bidirectional-override
characters and of leading dots, cut to a length every file system takes, and
falls back to the item's id when nothing is left; a name Windows keeps for a
device (``con``, ``NUL.md``, ``com1``...) gets a ``-`` after its stem. A template
that is absolute or climbs out (``/{slug}.md``, ``../{slug}.md``) is refused, and
every path is still checked to resolve inside the output folder. Collisions get
``-<id>`` (compared without case, as macOS and Windows do), and the same input
always gives the same paths.

An old permalink becomes a path on the new site through :func:`site_path`, the
one place the writers that keep old URLs (Pelican, Jekyll, Hugo) make it safe, and
:class:`Addresses` hands each such path out once per site, never the home page or
a file the engine writes itself, so no page can take over another's address.
"""

from __future__ import annotations

import os
import re
import string
import unicodedata
from collections.abc import Callable, Container, Iterable
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from ..devices import DEVICES
from ..errors import OutputError
from ..sitestore import SpillMap, SpillSet

DEFAULT_TEMPLATE = "{type}s/{slug}.md"
FIELDS = ("type", "slug", "id", "yyyy", "mm", "dd")
_MAX_BYTES = 200
_MAX_TRIES = 1000  # suffixes tried for one item's path; a few are ever needed
#: The longest run of parents' folders kept in a path (bytes): past it, an item's file goes where it
#: would without parents (a page 64 levels of 200-character slugs deep is no path a system opens).
LONGEST_FOLDERS = 1024
_RESERVED = set('<>:"|?*')
_PLAIN = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?")  # ASCII, no dot, dash or space at the ends


def safe_component(text: str, fallback: str) -> str:
    """One path component made safe; ``fallback`` when nothing usable is left.

    >>> safe_component("../../etc/passwd", "7"), safe_component("\\u202egnp.exe", "8"), safe_component("..", "9")
    ('etc-passwd', 'gnp.exe', '9')
    >>> safe_component("2014/11/tracking-trainings", "1")  # as WordPress's sanitize_title() saves a slug
    '2014-11-tracking-trainings'

    >>> safe_component("CON", "1"), safe_component("nul.md", "2"), safe_component("Com1.tar.gz", "3")
    ('CON-', 'nul-.md', 'Com1-.tar.gz')
    """
    if len(text) <= _MAX_BYTES and _PLAIN.fullmatch(text):
        # Most slugs: nothing below would change them; a device name is a cheap test away.
        return _not_a_device(text) if text[:3].lower() in ("con", "prn", "aux", "nul", "com", "lpt") else text
    text = unicodedata.normalize("NFC", text)
    kept = []
    for ch in text:
        category = unicodedata.category(ch)
        if category in ("Cc", "Cf", "Zl", "Zp"):
            continue  # controls, bidi overrides, zero-width characters
        # A separator is a dash, as WordPress makes one of a "/" in a slug it saves.
        kept.append("-" if ch in _RESERVED or ch in "/\\" or ch.isspace() else ch)
    cleaned = "".join(kept).strip("-. ").lstrip(".")
    encoded = cleaned.encode("utf-8")[:_MAX_BYTES]
    cleaned = encoded.decode("utf-8", "ignore").rstrip("-. ")
    return _not_a_device(cleaned) if cleaned else fallback


def shown_component(text: str, fallback: str, leading: str, trailing: str = "~") -> str:
    """:func:`safe_component` of ``text`` without the ``leading`` and ``trailing`` characters
    that make an engine skip a file or folder (Jekyll: ``_ . # ~`` and ``~``; Hugo: ``. #``
    and ``~``). Both steps are taken until neither changes the name: making ``-_x`` safe
    drops its ``-`` and leaves ``_x``.

    >>> [shown_component(s, "7", "_.#~") for s in ("_drafts", "-_x", "~backup~", "x~-", "\u200b_y", "___")]
    ['drafts', 'x', 'backup', 'x', 'y', '7']
    """
    name = text
    while True:
        shown = safe_component(name.lstrip(leading).rstrip(trailing), fallback)
        if shown == name:
            return shown
        name = shown


_NOT_IN_A_TERM = re.compile(r"[^\w-]+")  # \w: letters and digits of every script, and "_"


def term_slug(slug: str, fallback: str) -> str:
    """A term's slug as a folder name and a URL segment that engines keep as they are.

    NFC, lower case, letters, digits, ``_`` and ``-`` only (any other run is one ``-``),
    no ``-`` at the ends, then :func:`safe_component`. WordPress's own slugs are made
    of these already and pass unchanged; ``fallback`` when nothing is left.

    >>> term_slug("foo-bar", "x"), term_slug("../../etc/passwd", "x"), term_slug("Caf\u00e9 Cr\u00e8me", "x")
    ('foo-bar', 'etc-passwd', 'café-crème')
    >>> term_slug("...", "7"), term_slug("con", "7")
    ('7', 'con-')
    """
    text = _NOT_IN_A_TERM.sub("-", unicodedata.normalize("NFC", slug).lower())
    return safe_component(re.sub("-{2,}", "-", text).strip("-"), fallback)


def _not_a_device(name: str) -> str:
    stem, dot, rest = name.partition(".")
    # Windows also ignores spaces before the extension: "con .md" is the console too.
    return f"{stem}-{dot}{rest}" if stem.rstrip(" ").lower() in DEVICES else name


def check_template(template: str) -> None:
    """Refuse a template naming an unknown field, or none that tells items apart, or that is not
    one: a brace left open, a format spec or a conversion (``{slug:>99999999}`` would be a file
    name of a hundred megabytes; the fields are text, written as they are)."""
    hint = "use " + ", ".join("{" + f + "}" for f in FIELDS) + " (a literal brace is {{ or }})"
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise OutputError(f"the path template {template!r} is not a template: {exc}", hint=hint) from None
    if any(spec or conversion for _, field, spec, conversion in parsed if field is not None):
        raise OutputError(f"the path template {template!r} formats a field (':' or '!' in braces)", hint=hint)
    names = {field for _, field, _, _ in parsed if field is not None}
    unknown = names - set(FIELDS)
    if unknown:
        raise OutputError(f"unknown field {{{sorted(unknown)[0]}}} in the path template {template!r}", hint=hint)
    if not names & {"slug", "id"}:
        raise OutputError(f"the path template {template!r} has neither {{slug}} nor {{id}}", hint="add {slug}")
    parts = template.replace("\\", "/").split("/")
    if template.startswith(("/", "\\")) or os.path.isabs(template) or ".." in parts or re.match(r"[A-Za-z]:", template):
        raise OutputError(
            f"the path template {template!r} leaves the output folder",
            hint="give a path relative to the output folder, such as {type}s/{slug}.md",
        )


class PathPlanner:
    """Hands out one unique, safe relative path per item."""

    def __init__(self, root: str, template: str = DEFAULT_TEMPLATE, files: Container[str] = ()) -> None:
        """``files``: paths (lowercase) already written as files, which no item's folder may be
        (a media file copied beside a page, named like a child page's folder)."""
        check_template(template)
        self.root = os.path.realpath(root)
        self.template = template
        self.taken = SpillSet()  # (the paths handed out, lower case: on disk when many)
        self.folders = SpillSet()  # (the folders they are in)
        # Where the suffixes of a path asked for again by an item of the same id stand: the k-th
        # item of one id and slug tried k paths, and stopped the run past a thousand ("no free path").
        self._next_suffix: SpillMap[str, int] = SpillMap()
        self.files = files

    def path_for(
        self,
        fields: dict[str, Any],
        slug_parts: list[str],
        item_id: int,
        template: str | None = None,
        taken: Callable[[str], bool] | None = None,
    ) -> str:
        """The relative path for an item; ``slug_parts`` are its ancestors' slugs, then its own.

        On a collision the item's own slug gets ``-<id>``, so a page bundle's folder
        changes, not the name of the file inside it. ``taken`` says of a path that
        it is not free for another reason (the address it would have is another's).
        """
        template = template or self.template
        safe = [safe_component(part, str(item_id)) for part in slug_parts]
        if len(safe) > 1 and len("/".join(safe[:-1]).encode()) > LONGEST_FOLDERS:
            safe = safe[-1:]
        relative = self._render(template, fields, safe, item_id)
        asked = f"{relative.lower()}\n{item_id}"  # (the suffix holds the id: items of one id go on)
        n = first = self._next_suffix.get(asked, 1)
        while (
            relative.lower() in self.taken
            or (taken is not None and taken(relative))
            or (self.files and self._under_a_file(relative))
        ):
            if n - first >= _MAX_TRIES:
                # ``taken`` refuses what no suffix changes (the folder's address): a bug, not a hang.
                raise OutputError(f"no free path for item {item_id} (last tried {relative!r})")
            suffix = f"-{item_id}" if n == 1 else f"-{item_id}-{n}"
            relative = self._render(template, fields, [*safe[:-1], safe[-1] + suffix], item_id)
            n += 1
        if n > 1:
            self._next_suffix[asked] = n
        # normpath, not realpath: the folder is one wxrtool made and holds no links, and
        # realpath's lstat of every component was a tenth of the Markdown writer's time.
        target = os.path.normpath(os.path.join(self.root, relative))
        if os.path.commonpath([self.root, target]) != self.root or relative.startswith(".."):
            raise OutputError(f"the path {relative!r} for item {item_id} leaves the output folder")
        self._file_and_folder_apart(relative, item_id)
        self.taken.add(relative.lower())
        return relative

    def _file_and_folder_apart(self, relative: str, item_id: int) -> None:
        """Refuse a path that is an earlier item's folder, or lies in a folder named as an earlier
        item's file: a template without an extension (``{slug}``) names a page ``about`` and its
        child ``about/contact``, and the child had nowhere to go ("File exists")."""
        lowered = relative.lower()
        folders = []
        folder = os.path.dirname(lowered)
        while folder:
            if folder in self.taken:
                break
            folders.append(folder)
            folder = os.path.dirname(folder)
        if folder or lowered in self.folders:
            clash = folder or lowered
            raise OutputError(
                f"the path template {self.template!r} names a file and a folder the same: {clash!r}"
                f" (item {item_id} is at {relative!r})",
                hint="end the template with an extension, such as {type}s/{slug}.md",
            )
        for folder in folders:
            self.folders.add(folder)

    def _under_a_file(self, relative: str) -> bool:
        folder = os.path.dirname(relative.lower())
        while folder:
            if folder in self.files:
                return True
            folder = os.path.dirname(folder)
        return False

    @staticmethod
    def _render(template: str, fields: dict[str, Any], slug_parts: list[str], item_id: int) -> str:
        # Every field comes from the export, a post type as much as a slug.
        fields = {k: safe_component(str(v), str(item_id)) for k, v in fields.items()}
        return os.path.normpath(template.format(**{**fields, "slug": "/".join(slug_parts), "id": item_id}))

    def slug_of(self, relative: str) -> str:
        """The item's own (safe, de-duplicated) slug as it stands in ``relative``."""
        parts = relative.split("/")
        # (a bundle's index.md, _index.md, or index.<language>.md: Hugo's translations)
        return parts[-2] if _BUNDLE_FILE.fullmatch(parts[-1]) else os.path.splitext(parts[-1])[0]


_BUNDLE_FILE = re.compile(r"_?index(?:\.[a-z0-9-]+)?\.md")

# Kept as they are in a path: everything but what a URL must encode, ":" (Jekyll reads
# ":name" in a permalink as a placeholder, and "a:b" can pass for a scheme) and "%",
# so that decoding the result gives the path back. Letters beyond ASCII stay letters.
# Unicode spaces look like the ASCII one and are encoded with it.
_URL_UNSAFE = re.compile(r"[^A-Za-z0-9/!$&'()*+,;=@\-._~\u00a1-\U0010ffff]|[^\S\n]")
# Bidirectional embeddings, overrides and isolates: a path that reads other than it is.
_BIDI = {chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]}


def folder_address(path: str) -> str:
    """A site path (:func:`site_path`) as a page a static server answers at: one whose last
    segment names no file (``/archives/12``, WordPress's numeric permalinks, or ``/%postname%``
    without its slash) is the folder's page, ``/archives/12/``.

    Written as ``archives/12.html`` (what Jekyll and Eleventy make of it), it is answered at
    ``/archives/12`` by GitHub Pages and Netlify only: nginx and Apache serve no ``.html`` for a
    path without one, and a page with children (``/about`` and ``/about/team``) is a file beside
    a folder of the same name, which they answer with the folder (403). A folder's page every
    server answers at both spellings (the one without the slash redirected to it).

    >>> folder_address("/archives/12"), folder_address("/2024/01/post/"), folder_address("/old.html")
    ('/archives/12/', '/2024/01/post/', '/old.html')
    """
    if not path or path.endswith("/") or "." in path.rpartition("/")[2]:
        return path
    return path + "/"


def site_path(link: str) -> str:
    """An old link's path as a path inside the new site, or '' for the home page.

    The path is taken from ``link`` (a URL or a path; scheme, host, query and
    fragment dropped), percent-decoded, stripped of control, line-separator and
    bidi-override characters, with ``\\`` read as ``/`` (as browsers do). Dot
    segments are resolved (``..`` never climbs above the root), empty segments and
    segments of dots alone dropped, so the result starts with exactly one ``/``,
    never ``//`` (another host to a browser), and has no ``..``: it names a page
    of this site. A trailing ``/`` is kept. Characters a URL path cannot hold as
    they are (``%``, ``?``, ``#``, space, quotes, ``:``...) are percent-encoded;
    other letters are kept, as WordPress shows them. ``unquote`` of the result is
    the file path under the site's root; the function is idempotent.

    >>> site_path("https://example.com/2020/01/caf%C3%A9/"), site_path("https://example.com/?p=7")
    ('/2020/01/café/', '')
    >>> site_path("https://example.com//evil.example/x/"), site_path("/\\\\evil.example/x")
    ('/evil.example/x/', '/evil.example/x')
    >>> site_path("https://example.com/a/../../output-evil/"), site_path("/%2e%2e/%2E./b/...")
    ('/output-evil/', '/b')
    >>> site_path("/a%0ASave_as: victim/index.html/"), site_path("/100%25 sure%3F/%231")
    ('/aSave_as%3A%20victim/index.html/', '/100%25%20sure%3F/%231')
    >>> site_path("/100%25%20sure%3F/") == site_path(site_path("/100%25 sure%3F/"))
    True
    """
    try:
        path = unquote(urlsplit(link).path)
    except ValueError:  # a host urlsplit cannot read, such as "http://[::1"
        return ""
    kept = []
    for ch in path:
        if ch == "\\":
            kept.append("/")
        elif ch not in _BIDI and unicodedata.category(ch) not in ("Cc", "Zl", "Zp"):
            kept.append(ch)
    segments: list[str] = []
    for segment in "".join(kept).split("/"):
        if segment == "..":
            if segments:
                segments.pop()
        elif segment.strip(". "):
            segments.append(segment)
    if not segments:
        return ""
    trailing = "/" if kept[-1] == "/" or path.endswith(("/.", "/..")) else ""
    return "/" + _URL_UNSAFE.sub(lambda m: quote(m.group()), "/".join(segments)) + trailing


def url_path(path: str) -> str:
    """A page's path made of file names as the URL path it is served at: a ``%`` of a name's
    own escaped, so that it is not read as the start of an escape (other characters a URL
    must encode are encoded where the path is written, by :mod:`wxrtool.redirects`).

    >>> url_path("/posts/100%41/"), url_path("/posts/café/")
    ('/posts/100%2541/', '/posts/café/')
    """
    return path.replace("%", "%25")


#: Addresses every site keeps for itself, whatever the engine: the home page, feeds,
#: the sitemap, the "not found" page, robots.txt; and the files a host reads as its
#: configuration (Netlify's, Cloudflare's, Azure's, Vercel's, GitHub Pages'), or a client
#: as the site's word (``/.well-known/``, ``ads.txt``, ``favicon.ico``, a service worker):
#: an item at one of those (an old link ``/_redirects`` kept with Hugo's --keep-urls)
#: would be that file. Each writer adds its engine's own. (See also :func:`hidden`.)
SITE_FILES = (
    "/", "/index.html", "/feed.xml", "/index.xml", "/atom.xml", "/rss.xml", "/sitemap.xml", "/404.html", "/robots.txt",
    "/_redirects", "/_headers", "/_worker.js", "/_routes.json", "/netlify.toml", "/vercel.json", "/firebase.json",
    "/staticwebapp.config.json", "/CNAME", "/.well-known/*", "/crossdomain.xml", "/clientaccesspolicy.xml",
    "/ads.txt", "/app-ads.txt", "/security.txt", "/humans.txt", "/favicon.ico", "/sw.js", "/service-worker.js",
    "/manifest.json", "/site.webmanifest", "/browserconfig.xml",
)  # fmt: skip

# A segment a server reads as its configuration wherever it is: Apache's .htaccess (and its other
# .ht files), PHP's .user.ini, IIS's web.config, a .git folder, GitHub Pages' .nojekyll.
_HIDDEN = re.compile(r"(?:^|/)(?:\.ht[^/]*|\.user\.ini|\.git|\.nojekyll|web\.config)(?:/|$)")


def hidden(path: str) -> bool:
    """Whether a site path has a segment a server reads as its configuration wherever it is
    (``/a/.htaccess``, ``web.config``, ``.user.ini``): no item may be there. (A folder such as
    ``/.hidden/`` is served as any other; ``/.well-known/`` is reserved in :data:`SITE_FILES`.)

    >>> hidden("/a/.htaccess"), hidden("/Web.Config"), hidden("/.user.ini"), hidden("/.hidden/"), hidden("/a.b/c/")
    (True, True, True, False, False)
    """
    return _HIDDEN.search(unicodedata.normalize("NFC", unquote(path)).lower()) is not None


def address_key(path: str) -> str:
    """A site path as a server finds its file: decoded, without case, ``index.html`` and ``.html`` dropped.

    ``/a/``, ``/a``, ``/A/index.html`` and ``/%61.html`` are all served from one
    file, or from files a server with pretty URLs (GitHub Pages, Netlify) gives at
    the same address; they get one key. The home page's key is ``''``.

    >>> [address_key(p) for p in ("/Victim/", "/vict%69m/index.html", "/victim.HTML", "/index.html", "/")]
    ['victim', 'victim', 'victim', '', '']
    """
    key = unicodedata.normalize("NFC", unquote(path)).lower().strip("/")
    if key == "index.html" or key.endswith("/index.html"):
        return key.removesuffix("index.html").rstrip("/")
    return key.removesuffix(".html")


class Addresses:
    """Every address of one site, each handed out once, none of those the engine keeps.

    ``reserved`` are paths the engine or the scaffold writes (``/feed.xml``); one
    ending ``/*`` reserves everything under it (``/assets/*``). The home page is
    always reserved. Paths are compared by :func:`address_key`, as a server or a
    case-insensitive file system would; the first to ask for an address gets it,
    so the same export always gives the same site.

    >>> site = Addresses(["/feed.xml", "/assets/*"])
    >>> site.claim("/victim/"), site.claim("/Vict%69m/index.html"), site.claim("/index.html")
    (True, False, False)
    >>> site.claim("/FEED.xml"), site.claim("/assets/media/1/"), site.claim("/assets-2/")
    (False, False, True)
    """

    def __init__(self, reserved: Iterable[str] = ()) -> None:
        self.reserved = {""}
        self.trees: list[str] = []
        for path in reserved:
            if path.endswith("/*"):
                self.trees.append(address_key(path[:-2]) + "/")
            else:
                self.reserved.add(address_key(path))
        self.taken = SpillSet()  # (the addresses handed out: on disk when many)

    def free(self, path: str) -> bool:
        """Whether ``path`` may still be handed out (never a :func:`hidden` one)."""
        key = address_key(path)
        return not (self._reserved(key) or key in self.taken or hidden(path))

    def reserves(self, path: str) -> bool:
        """Whether ``path`` is one the engine keeps (given as reserved, or under a reserved tree).

        >>> Addresses(["/posts/"]).reserves("/Posts"), Addresses(["/posts/"]).reserves("/other/")
        (True, False)
        """
        return self._reserved(address_key(path))

    def _reserved(self, key: str) -> bool:
        return key in self.reserved or any((key + "/").startswith(tree) for tree in self.trees)

    def reserves_all_under(self, path: str) -> bool:
        """Whether every address under ``path`` is reserved (``/assets/`` of ``/assets/*``):
        a page in that folder is not free, whatever its own name.

        >>> trees, pages = Addresses(["/assets/*"]), Addresses(["/assets/"])
        >>> trees.reserves_all_under("/Assets/"), pages.reserves_all_under("/assets/")
        (True, False)
        """
        key = address_key(path) + "/"
        return any(key.startswith(tree) for tree in self.trees)

    def claim(self, path: str) -> bool:
        """Hand ``path`` out: ``True`` if it was free, and from now on it is not."""
        if not self.free(path):
            return False
        self.taken.add(address_key(path))
        return True


def hugo_keeps(char: str) -> bool:
    """Whether Hugo keeps ``char`` in a page's path or a term's (its ``paths.Sanitize``):
    letters, digits and marks of every script, and ``. _ - # + ~``.

    >>> [c for c in "a.é1 💫&_" if hugo_keeps(c)]
    ['a', '.', 'é', '1', '_']
    """
    return char in "._-#+~" or unicodedata.category(char)[0] in "LNM"

"""``--redirects``: every old address of an item (its permalink, ``/?p=ID``, ``/?page_id=ID``,
its old slugs: :mod:`wxrtool.oldurls`) mapped to its new address.

Written for nginx, Apache (mod_rewrite: one ``RewriteRule`` per old path, matching that
path exactly, and a ``RewriteCond`` on the query for each ``?p=`` link; in a virtual host or
an ``.htaccess`` file), Netlify (``_redirects``, query parameters matched) or as CSV. Every
rule matches one address, never the addresses under it; nginx's and Apache's also match it
without its trailing slash where nobody else has that address (:func:`_twins`), and their
query rules match the parameter among any others, as WordPress reads a query. Only items a
writer gave a new address appear; an old address equal to the new one needs no redirect.

``disqus`` is not for a server: it is the CSV of Disqus's URL mapper (its admin's
Migration Tools), which moves each existing thread from its old page to its new one. A
line per thread, no header: the item's permalink, absolute as the export has it (what
WordPress's Disqus plugin gave Disqus as the page's URL), and its new address under the
new site's base URL.

Each server is given the address in the form it compares. Apache matches a
``RewriteRule`` against the decoded path and ``%{QUERY_STRING}`` as sent. nginx writes
two ``map`` blocks: one on ``$uri``, the path nginx has decoded and normalised (``%XX``
decoded, ``.``/``..`` resolved, ``//`` merged), and one on the values of the query
parameters the rules name (``$arg_p``) for ``/?p=ID``, which the first consults for ``/`` and
``/index.php``. A map on ``$request_uri`` would compare the request
as the client wrote it, and clients write one path many ways: ``%c3%a9`` (WordPress's
own links) or ``%C3%A9``, ``;`` or ``%3B``, ``~`` or ``%7E``, with a query or without;
each spelling would need its own key. nginx's map compares strings ignoring ASCII case,
so two old paths differing only in case are one to it. A path rule passes the request's
query on (``$is_args$args``), as Apache and Netlify do; a ``?p=`` rule drops it. An old
address with a query (``/?p=ID``, ``/?page_id=ID``, ``/blog/?p=ID`` for a blog in a folder)
is one ``name=value`` pair of plain characters (:data:`_QUERY`), matched among the request's
other parameters (nginx by ``$arg_<name>``, Apache by a pattern on the query).

Old links come from the export and new addresses from the writers: neither is trusted.
Each value is made safe for its format here, where it is written: an old path becomes
one canonical percent-encoded path (:func:`old_path`), a new address must be a local
path (:func:`target_path`), and a pair that cannot be written safely, or that would
loop, is left out and listed by :func:`render_checked` instead.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import string
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import NamedTuple, Protocol
from urllib.parse import quote, quote_from_bytes, unquote_to_bytes, urlsplit

from .csvcells import cell
from .sitestore import SpillCounter, SpillMap, SpillSet, in_key_order

STYLES = ("nginx", "apache", "netlify", "csv")
#: Not rules a host applies but a comment system's map of its threads' addresses, absolute
#: on both sides: :func:`render_checked` needs the new site's ``base_url`` for them.
URL_MAPS = ("disqus",)

#: Longest path written, percent-encoded. Servers refuse longer request lines anyway
#: (nginx's and Apache's defaults are 8 KB) and nginx needs a hash bucket that fits.
MAX_PATH = 2048

# Bytes a path segment keeps as they are; everything else is written %XX (uppercase, as
# browsers send it). Left out on purpose though URLs allow them: ":" and "*" (Netlify
# placeholders and splats), "$" (variables in nginx's and Apache's new addresses), ";".
_SAFE_MARKS = "!'()+,=@&"
_SAFE = frozenset((string.ascii_letters + string.digits + "-._~" + _SAFE_MARKS).encode("ascii"))
_CONTROL = frozenset(range(0x20)) | {0x7F}
# Characters a decoded path (Apache's) cannot hold on a config line: C0 and C1 controls, DEL,
# and the Unicode line and paragraph separators.
_UNWRITABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# What nginx's $uri keys may not hold: NUL (nginx answers 400) and the controls, DEL and C1,
# that would reach a terminal showing the file. Tab, CR and LF are written \t, \r, \n.
_NGINX_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_NGINX_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
# The query of an old address: one name=value pair as WordPress's own links have them
# (?p=12, ?page_id=3, ?cat=4, ?tag=caf%C3%A9), nothing a server would read otherwise.
_QUERY = re.compile(r"[a-z_]{1,32}=[A-Za-z0-9._~%-]{1,200}")
# What a Disqus URL map line cannot hold (C0 and C1 controls, spaces and quotes); a base URL.
_NOT_IN_CELL = re.compile("[\x00-\x20\x7f-\x9f\u2028\u2029\"',\\\\]")
_BASE_URL = re.compile(r"https?://[!#-&(-+\--~]+")
# PCRE's metacharacters outside a character class.
_REGEX_SPECIAL = re.compile(r"[\\^$.|?*+()\[\]{}]")


class Writable(Protocol):
    """Where a redirect file is written: a text stream, or anything with its ``write``."""

    def write(self, text: str, /) -> int: ...


@dataclass(frozen=True)
class Refusal:
    """A redirect left out of the file: ``old`` and ``new`` as they were handed in, and why."""

    old: str
    new: str
    reason: str


@dataclass(frozen=True)
class Rendered:
    """The text of a redirect file and the redirects it leaves out."""

    text: str
    refused: tuple[Refusal, ...]


class _Rule(NamedTuple):
    """A redirect kept: its old address, its new one, and the old one as the server compares it
    (:func:`_key`: what was checked against the others is what is written)."""

    old: str
    new: str
    key: str
    twin: bool = False  # the key without its trailing slash redirects too


def old_path(link: str) -> str | None:
    """The path of an old permalink, canonical and percent-encoded.

    Decoded once, dot segments and empty segments resolved (so ``..`` never remains),
    then every byte outside a small safe set encoded as uppercase ``%XX``. ``""`` for the
    home page or no path; ``None`` when the link cannot be a path (too long, not text).

    >>> old_path("https://x.org/2020/caf%c3%a9/../a b/")
    '/2020/a%20b/'
    >>> old_path("https://x.org/./")
    ''
    """
    try:
        path = urlsplit(link).path
        encoded = path.encode("utf-8")
    except (ValueError, UnicodeError):
        return None
    kept: list[bytes] = []
    segments = encoded.split(b"/")
    for segment in segments:
        part = unquote_to_bytes(segment)
        if part == b"..":
            if kept:
                kept.pop()
        elif part not in (b"", b"."):
            kept.append(part)
    if not kept:
        return ""
    trailing = unquote_to_bytes(segments[-1]) in (b"", b".", b"..")
    result = "/" + "/".join(_encode(part) for part in kept) + ("/" if trailing else "")
    return result if len(result) <= MAX_PATH else None


def site_folder(base_url: str) -> str:
    """The path a new site at ``base_url`` is served under, without its last ``/`` ('' at the
    root): its pages' addresses, which the writers give from the root, are under it there (a
    GitHub Pages project site, ``https://user.github.io/blog/``).

    >>> site_folder("https://user.github.io/blog/"), site_folder("https://x.org"), site_folder("")
    ('/blog', '', '')
    """
    try:
        path = urlsplit(base_url).path
    except ValueError:
        return ""
    folder = target_path(path.rstrip("/") + "/") if path.strip("/") else None
    return folder.rstrip("/") if folder else ""


def target_path(new: str) -> str | None:
    """``new`` as a canonical percent-encoded local path, or ``None`` if it is not one.

    A local path starts with one ``/`` (not ``//`` or ``/\\``, which browsers read as
    another host), holds no backslash, control character or ``.``/``..`` segment (even
    encoded), and is not absurdly long.

    >>> target_path("/posts/café/"), target_path("//evil.example/"), target_path("/a/%2e%2e/b")
    ('/posts/caf%C3%A9/', None, None)
    """
    if not new.startswith("/") or new.startswith("//") or "\\" in new:
        return None
    try:
        encoded = new.encode("utf-8")
    except UnicodeError:
        return None
    parts = [unquote_to_bytes(segment) for segment in encoded.split(b"/")[1:]]
    if any(part in (b".", b"..") or _CONTROL.intersection(part) for part in parts):
        return None
    result = "/" + "/".join(_encode(part) for part in parts)
    return result if len(result) <= MAX_PATH else None


def pairs(urls: Mapping[int, tuple[str, str]], others: Iterable[tuple[str, str]] = ()) -> list[tuple[str, str]]:
    """``(old, new)`` path pairs: each old permalink's path and ``/?p=ID``, sorted, no duplicates.

    Both sides canonical and percent-encoded; pairs whose new address is not a local path
    are left out (:func:`render_checked` lists them).
    """
    return [(old, new) for old, (new, _) in _pairs(urls, others)[0].sorted_items()]


def render(style: str, urls: Mapping[int, tuple[str, str]], others: Iterable[tuple[str, str]] = ()) -> str:
    """The redirect rules in ``style`` (one of :data:`STYLES` or :data:`URL_MAPS`).

    >>> print(render("netlify", {7: ("https://x.org/2020/01/a/", "/posts/a/")}), end="")
    /2020/01/a/  /posts/a/  301!
    /  p=7  /posts/a/  301!
    """
    return render_checked(style, urls, others).text


def render_checked(
    style: str, urls: Mapping[int, tuple[str, str]], others: Iterable[tuple[str, str]] = (), *, base_url: str = ""
) -> Rendered:
    """The redirect rules in ``style`` and the redirects left out of them (:class:`Refusal`).

    ``urls``: item id -> (old permalink, new address), and ``/?p=ID`` for each; or with
    ``others``, the old addresses (path and query, as :mod:`wxrtool.oldurls` gives them:
    ``/?p=ID`` where the blog is, ``?page_id=``, old slugs) with their new address.
    ``disqus`` takes the permalinks of ``urls`` only (threads are at those), and needs
    ``base_url``, the new site's address (:func:`wxrtool.newsite.check_base_url`).

    A redirect is left out when its new address is not a local path, its old address
    cannot be written in ``style`` (Apache and nginx compare decoded paths, so a control
    character cannot be matched; nor can a path nginx refuses, such as one with an encoded
    NUL), two old addresses are the same to the server, or it would loop.

    >>> done = render_checked("csv", {1: ("https://x.org/a/", "//evil.example/"), 2: ("/b/", "/c/")})
    >>> done.text.splitlines(), [r.reason for r in done.refused]
    (['old,new', '/?p=2,/c/', '/b/,/c/'], ['new address is not a local path'])
    """
    buffer = io.StringIO()
    refused = write_checked(style, urls, others, buffer, base_url=base_url)
    return Rendered(buffer.getvalue(), refused)


def write_checked(
    style: str,
    urls: Mapping[int, tuple[str, str]],
    others: Iterable[tuple[str, str]],
    out: Writable,
    *,
    base_url: str = "",
) -> tuple[Refusal, ...]:
    """:func:`render_checked`, the rules written into ``out`` as they are made; returns the
    redirects left out.

    Streamed for a site of very many items: the rules wait sorted, and what checks them (the
    keys taken, where each leads, the loops) is kept, in :mod:`wxrtool.sitestore`'s tables,
    which are on disk when large; ``others`` is read once.
    """
    if style == "disqus":
        return _disqus(urls, base_url, out)
    if style not in STYLES:
        raise ValueError(f"unknown redirect style {style!r}")
    served = SpillSet()
    rules, refused = _pairs(urls, others, served, site_folder(base_url))
    # old -> (new, given, key), in the rules' order: the key checked here is the one written
    written: SpillMap[str, tuple[str, str, str]] = SpillMap()
    taken = SpillSet()
    for old, (new, given) in rules.sorted_items():
        if style == "netlify" and "?" not in old and old.rstrip("/") == new.rstrip("/"):
            continue  # (Netlify answers a path without its slash at the folder's page: its rule would loop)
        key = _key(style, old)
        # nginx tells paths that differ only in case apart with case-sensitive regular expressions
        # (_nginx_lines); its queries, and Netlify, cannot.
        folded = key if style == "nginx" and key is not None and not key.startswith("?") else _fold(style, key or "")
        if key is None:
            refused.append(Refusal(given, new, f"old address cannot be written for {style}"))
        elif folded in taken:
            refused.append(Refusal(given, new, f"old address is the same to {style} as another"))
        else:
            taken.add(folded)
            written[old] = (new, given, key)
    del rules, taken
    looping = _loops(style, written)
    refused += [Refusal(given, new, "redirect loop") for old, (new, given, _) in written.items() if old in looping]

    twins = _twins(style, written, looping, served)

    def kept() -> Iterator[_Rule]:
        return (_Rule(old, new, key, old in twins) for old, (new, _, key) in written.items() if old not in looping)

    _write_text(style, kept, out, served)
    return tuple(refused)


def _pairs(
    urls: Mapping[int, tuple[str, str]],
    others: Iterable[tuple[str, str]] = (),
    served: SpillSet | None = None,
    folder: str = "",
) -> tuple[SpillMap[str, tuple[str, str]], list[Refusal]]:
    """The rules, old -> ``(new, old as given)`` (:meth:`~wxrtool.sitestore.SpillMap.sorted_items`
    gives them in order), and the refusals so far: from ``others`` when it holds any (every old
    address of each item), else from ``urls`` (each permalink and ``/?p=ID``). A new address is
    under ``folder``, the path the new site is served at (:func:`site_folder`)."""
    given = iter(others)
    first = next(given, None)
    found: SpillMap[str, tuple[str, str]] = SpillMap()
    refused: list[Refusal] = []
    for old_given, given_new, old in _others(itertools.chain([first], given)) if first else _permalinks(urls):
        new = target_path(folder + given_new if folder and given_new.startswith("/") else given_new)
        if new is None:
            refused.append(Refusal(old_given, given_new, "new address is not a local path"))
        elif old is None:
            refused.append(Refusal(old_given, given_new, "old address is not a path"))
        elif old and old != new and old not in found:
            found[old] = (new, old_given)
        elif old and old == new and served is not None:
            served.add(old)  # (an address the new site has as it was: no rule, but no other's either)
    return found, refused


def _permalinks(urls: Mapping[int, tuple[str, str]]) -> Iterator[tuple[str, str, str | None]]:
    """``(given, new, old canonical)`` for each item's permalink and its ``/?p=ID``."""
    for item_id, (link, new) in in_key_order(urls):
        try:
            parts = urlsplit(link)
        except ValueError:
            parts = None
        if not link:
            old: str | None = ""
        elif parts is not None and parts.query:
            old = _old_address(f"{parts.path}?{parts.query}")  # (a permalink with a query: /?p=5)
        else:
            old = old_path(link)
        yield link, new, old
        if target_path(new) is not None:
            yield f"/?p={int(item_id)}", new, f"/?p={int(item_id)}"


def _others(others: Iterable[tuple[str, str]]) -> Iterator[tuple[str, str, str | None]]:
    for given, new in others:
        yield given, new, _old_address(given)


def _disqus(urls: Mapping[int, tuple[str, str]], base_url: str, out: Writable) -> tuple[Refusal, ...]:
    """Disqus's URL mapper CSV: ``old URL,new URL`` a line, both absolute, sorted by the old.

    >>> out = io.StringIO()
    >>> _ = _disqus({7: ("http://x.org/2020/01/a/", "/posts/a/")}, "https://y.org", out)
    >>> print(out.getvalue(), end="")
    http://x.org/2020/01/a/,https://y.org/posts/a/
    """
    if not _BASE_URL.fullmatch(base_url):
        raise ValueError(f"the disqus style needs the new site's base URL (http or https), not {base_url!r}")
    rows: SpillMap[str, str] = SpillMap()
    refused: list[Refusal] = []
    for _, (link, given_new) in in_key_order(urls):
        if not link:
            continue  # (the writer gave this item no old address of its own)
        new, old = target_path(given_new), _absolute(link)
        if new is None:
            refused.append(Refusal(link, given_new, "new address is not a local path"))
        elif old is None:
            refused.append(Refusal(link, given_new, "old address is not an absolute http(s) URL"))
        elif old in rows:
            refused.append(Refusal(link, given_new, "old address is the same to disqus as another"))
        elif old != base_url + new:
            rows[old] = base_url + new
    csv.writer(out, lineterminator="\n").writerows([cell(old), cell(new)] for old, new in rows.sorted_items())
    return tuple(refused)


def _absolute(link: str) -> str | None:
    """An old permalink as the browser sent it to Disqus (other characters than ASCII
    percent-encoded, no fragment), or ``None`` if it is not an http(s) URL with a host or
    holds what a CSV line cannot (spaces, controls, quotes, commas).

    >>> _absolute("http://x.org/caf\u00e9/#c"), _absolute("/a/"), _absolute("http://x.org/a,b/")
    ('http://x.org/caf%C3%A9/', None, None)
    """
    link = link.partition("#")[0]
    if _NOT_IN_CELL.search(link):
        return None
    link = quote(link, safe="".join(map(chr, range(0x21, 0x7F))))
    try:
        parts = urlsplit(link)
    except ValueError:
        return None
    return link if parts.scheme.lower() in ("http", "https") and parts.hostname else None


def _old_address(given: str) -> str | None:
    """An old address with or without a query, canonical: ``None`` if it cannot be one."""
    path, mark, query = given.partition("?")
    old = old_path(path)
    if not mark:
        return old
    if old is None or not _QUERY.fullmatch(query):
        return None
    return f"{old or '/'}?{query}"


def _key(style: str, old: str) -> str | None:
    """``old`` as ``style``'s server compares it, or ``None`` if it cannot be written there.

    An address with a query (``/?p=ID``) is its own key (for nginx, its query): no path key
    holds a ``?``.
    """
    if "?" in old:
        # (nginx's map on $args sees only the query: the same query at two paths is one key)
        return "?" + old.partition("?")[2] if style == "nginx" else old
    if style == "nginx":
        return _nginx_uri(old)
    if style != "apache":
        return old
    # Apache compares the decoded path: write it decoded, which is only safe for text
    # without control characters, "${" (expanded as a define) or an encoded "/" (refused).
    parts = [unquote_to_bytes(segment) for segment in old.split("/")]
    try:
        path = "/".join(part.decode("utf-8") for part in parts)
    except UnicodeDecodeError:
        return None
    if any(b"/" in part for part in parts) or "${" in path or _UNWRITABLE.search(path):
        return None
    return path


def _nginx_uri(old: str) -> str | None:
    """``old`` as nginx's ``$uri`` holds it, or ``None`` if no request can give it that value.

    nginx decodes the whole path, an encoded ``/`` included, then resolves ``.`` and
    ``..`` and merges slashes: ``/a%2F..%2Fb/`` is ``/b/``. Not writable: bytes that are
    not UTF-8 (the file is text), :data:`_NGINX_UNWRITABLE`, a path above the root or
    ``/`` itself (nginx answers 400 for the first; the second is the home page).

    >>> _nginx_uri("/caf%C3%A9/a%3Bb/"), _nginx_uri("/a%2Fb"), _nginx_uri("/a%2F..%2F..%2Fb")
    ('/café/a;b/', '/a/b', None)
    """
    segments = unquote_to_bytes(old).split(b"/")[1:]
    kept: list[bytes] = []
    for segment in segments:
        if segment == b"..":
            if not kept:
                return None
            kept.pop()
        elif segment not in (b"", b"."):
            kept.append(segment)
    if not kept:
        return None
    trailing = segments[-1] in (b"", b".", b"..")
    try:
        path = "/" + "/".join(part.decode("utf-8") for part in kept) + ("/" if trailing else "")
    except UnicodeDecodeError:
        return None
    return None if _NGINX_UNWRITABLE.search(path) else path


def _twins(
    style: str, written: SpillMap[str, tuple[str, str, str]], looping: SpillSet, served: Iterable[str]
) -> SpillSet:
    """The old paths whose spelling without the trailing slash is redirected too: WordPress
    answers it (``redirect_canonical``), people type ``/feed`` and links drop the slash. nginx and
    Apache only: Netlify matches either spelling by itself, a CSV lists addresses.

    Only where that spelling is nobody's: no rule's old address, no rule's new one, no page the
    new site serves as it was (so no rule is shadowed and none leads into a loop).
    """
    twins = SpillSet()
    if style not in ("nginx", "apache"):
        return twins
    taken = SpillSet()  # (as the server compares them)
    taken.add("/index.php")  # (nginx's map asks for queries there always)
    for new, _, key in written.values():
        taken.add(_fold(style, key))
        target = _key(style, urlsplit(new).path)
        if target is not None:
            taken.add(_fold(style, target))
    for path in served:
        found = _key(style, path)
        if found is not None:
            taken.add(_fold(style, found))
    for old in written:
        path, mark, _ = old.partition("?")
        asked = _key(style, path) if mark else None
        if asked is not None:  # (a path queries are asked at: nginx's map has it)
            taken.add(_fold(style, asked))
    for old, (_, _, key) in written.items():
        other = _slash_twin(key) if "?" not in old else None
        if old not in looping and other is not None and _fold(style, other) not in taken:
            twins.add(old)
    return twins


def _slash_twin(key: str) -> str | None:
    """``key``, an old path as the server compares it, without its trailing slash; ``None`` for the
    root and a path without one. (Not the other way: ``/posts/`` may be a page of the new site no
    rule knows, an engine's list, which a rule for ``/posts`` must not take.)

    >>> _slash_twin("/feed/"), _slash_twin("/archives/12"), _slash_twin("/")
    ('/feed', None, None)
    """
    if key == "/" or not key.startswith("/") or not key.endswith("/"):
        return None
    return key[:-1]


def _fold(style: str, path: str) -> str:
    # nginx's map matches strings ignoring ASCII case (it lowercases A-Z, no other letter);
    # Netlify, whose paths are written percent-encoded, is treated the same way, and it matches
    # a rule's path with or without its trailing slash.
    if style == "netlify":
        folded = path.translate(_ASCII_LOWER)
        return folded.rstrip("/") or "/" if "?" not in folded else folded
    return path.translate(_ASCII_LOWER) if style == "nginx" else path


def _loops(style: str, rules: SpillMap[str, tuple[str, str, str]]) -> SpillSet:
    """The old paths whose redirect (``rules``: old -> ``(new, given, key)``), followed through
    the others, comes back to itself.

    Every style's rules match whole addresses (as the server compares them), so following
    a redirect is looking its new address up.
    """
    keys: SpillMap[str, str] = SpillMap()  # (as the server compares them -> old)
    for old, (_, _, key) in rules.items():
        keys[_fold(style, key)] = old

    def matching(path: str) -> str | None:
        """The old path whose rule the server applies to a request for ``path``."""
        key = _key(style, path)
        return None if key is None else keys.get(_fold(style, key))

    # Only a rule that comes back to itself loops: one that leads into a loop of others
    # is fine once those are left out. Each rule leads to at most one other, so the rules
    # on a cycle are found in one walk over them all (each rule stepped from once).
    after: SpillMap[str, str | None] = SpillMap()
    for old, (new, _, _) in rules.items():
        after[old] = matching(new)
    looping, done = SpillSet(), SpillSet()
    for start in after:
        path: list[str] = []
        on_path: dict[str, int] = {}
        step: str | None = start
        while step is not None and step not in done and step not in on_path:
            on_path[step] = len(path)
            path.append(step)
            step = after.get(step)
        if step is not None and step in on_path:
            looping.update(path[on_path[step] :])
        done.update(path)
    return looping


def _write_text(style: str, rules: Callable[[], Iterator[_Rule]], out: Writable, served: Iterable[str] = ()) -> None:
    """The rules (each call of ``rules`` gives them again, in order) written in ``style``;
    ``served``: the old paths the new site has as they were (nginx: see :func:`_nginx_lines`)."""
    if style == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["old", "new"])
        writer.writerows([cell(rule.old), cell(rule.new)] for rule in rules())
        return
    if style == "nginx":
        lines: Iterable[str] = _nginx_lines(rules, served)
    elif style == "apache":
        lines = _apache_lines(rules())
    else:
        lines = _netlify_lines(rules())
    for line in lines:
        out.write(line + "\n")


APACHE_HEAD = (
    "# wxrtool's redirects for Apache (mod_rewrite): in the site's <VirtualHost> block, or in the",
    "# .htaccess of its document root (AllowOverride FileInfo). Each rule matches one old address,",
    "# with or without its leading and trailing slashes; a query rule one parameter of the query.",
)


def _apache_lines(rules: Iterable[_Rule]) -> Iterator[str]:
    yield from APACHE_HEAD
    yield "RewriteEngine On"
    # mod_rewrite, not mod_alias: Redirect matches every path under the old one, and
    # RedirectMatch encodes the new address's "%" again. NE: the address is already
    # encoded. A path rule keeps the request's query, a ?p= rule drops it ("?").
    # "^/?": a server's or virtual host's rules see the path with its leading slash, an
    # .htaccess file's without it.
    for old, new, key, twin in rules:
        if "?" in old:
            path, _, query = old.partition("?")
            # The parameter among any others (?p=12&utm_source=x, ?replytocom=5&p=12), as
            # WordPress reads it; [NC]: WordPress's own links write %XX in lower case, the file upper.
            yield f"RewriteCond %{{QUERY_STRING}} (?:^|&){_REGEX_SPECIAL.sub(_escaped, query)}(?:&|$) [NC]"
            folder = _pattern(_key("apache", path) or path)[1:]
            index = "(?:index\\.php)?" if not folder or folder.endswith("/") else ""  # (WordPress's front door)
            yield f'RewriteRule "^/?{folder}{index}$" "{_substitution(new)}?" [R=301,L,NE]'
        else:
            pattern = _pattern(key.rstrip("/") if twin else key)[1:]
            yield f'RewriteRule "^/?{pattern}{"/?" if twin else ""}$" "{_substitution(new)}" [R=301,L,NE]'


def _netlify_lines(rules: Iterable[_Rule]) -> Iterator[str]:
    # Forced ("301!"), as nginx's and Apache's rules are: Netlify passes over a rule whose path
    # the site has a file for ("shadowing"), so /?p=12 (asked at /, the home page) never moved,
    # nor /posts/, an old page's address where Hugo lists the posts now.
    for old, new, *_ in rules:
        if "?" in old:
            path, _, query = old.partition("?")
            yield f"{path}  {query}  {new}  301!"
        else:
            yield f"{old}  {new}  301!"


def _nginx_lines(rules: Callable[[], Iterator[_Rule]], served: Iterable[str] = ()) -> Iterator[str]:
    """Two maps: addresses with a query by the query's parameters (``$arg_p``: the one parameter
    among any others, as WordPress reads it), and every old path by ``$uri`` (the paths those
    queries are asked at, ``/`` and its ``index.php`` always, ask the first). Three passes over the
    rules: what the head needs (the longest key, the paths asked, the parameters), the queries,
    the paths."""
    # Paths that differ only in ASCII case are one to the map's exact keys, which nginx compares
    # ignoring case: each of them is a case-sensitive regular expression instead (tried after
    # every exact key, in the order written). A path the new site serves as it was counts too: a
    # rule for /a/same/ took /a/Same/, another item's own page, to the first's.
    twins = SpillCounter()  # (each path's key in lower case: how many paths have it)
    kept = SpillCounter()  # (the same, of the paths served as they were)
    for path in served:
        key = _key("nginx", path)
        if key is not None and not key.startswith("?"):
            kept[key.translate(_ASCII_LOWER)] += 1
    asked: SpillMap[str, None] = SpillMap()  # (the paths queries are asked at, and "/")
    asked["/"] = asked["/index.php"] = None
    names: dict[str, None] = {}  # (the queries' parameters, in the order first seen)
    longest = 0
    for old, _, key, _ in rules():
        if key.startswith("?"):  # (a query's key: the query, asked at its path)
            path = _nginx_uri(old.partition("?")[0]) or "/"
            asked[path] = None
            if path.endswith("/"):
                asked[path + "index.php"] = None
            names.setdefault(key[1:].partition("=")[0], None)
            key = key[1:]
        else:
            twins[key.translate(_ASCII_LOWER)] += 1
        longest = max(longest, len(key.encode("utf-8")))
    yield "# include inside the http block; then in the server block, before any rewrite:"
    yield "#   if ($wxrtool_redirect) { return 301 $wxrtool_redirect; }"
    bucket = _bucket(longest)
    if bucket > 64:
        # nginx refuses a map key longer than a hash bucket (64 bytes by default).
        yield f"# and in the http block: map_hash_bucket_size {bucket};"
    # The values of the parameters the rules name, joined by "&": "12&" is ?p=12, "&7" ?page_id=7.
    order = list(names)
    yield f"map {_nginx_string('&'.join(f'$arg_{name}' for name in order) or '$args')} $wxrtool_redirect_query {{"
    for _, new, key, _ in rules():
        if key.startswith("?"):
            name, _, value = key[1:].partition("=")
            values = [value if n == name else "" for n in order]
            yield f"    {_nginx_string('&'.join(values))} {_nginx_string(new)};"
    yield "}"
    yield "map $uri $wxrtool_redirect {"
    # (a path some rule has, in lower case, is that rule's: not asked)
    yield from (
        f"    {_nginx_string(path)} $wxrtool_redirect_query;" for path, _ in asked.sorted_items() if not twins[path]
    )
    # New addresses are percent-encoded: no "$" in them but the variables written here.
    for cased in (False, True):
        for _, new, key, twin in rules():
            if key.startswith("?"):
                continue
            folded = key.translate(_ASCII_LOWER)
            if (twins[folded] + kept[folded] > 1) != cased:
                continue
            target = _nginx_string(new + "$is_args$args")
            if cased:
                body = _REGEX_SPECIAL.sub(_escaped, key.rstrip("/") if twin else key)
                yield f"    {_nginx_string('~^' + body + ('/?' if twin else '') + '$')} {target};"
                continue
            yield f"    {_nginx_string(key)} {target};"
            other = _slash_twin(key) if twin else None
            if other is not None:
                yield f"    {_nginx_string(other)} {target};"
    yield "}"


def _nginx_string(value: str) -> str:
    """``value`` quoted for nginx's configuration parser, which reads these five escapes."""
    return '"' + value.translate(_NGINX_ESCAPES) + '"'


def _encode(segment: bytes) -> str:
    # (quote_from_bytes() keeps letters, digits and "-._~" and the rest of _SAFE it is told,
    # and writes every other byte as an upper-case %XX: a dictionary look-up per byte, in C.)
    return quote_from_bytes(segment, safe=_SAFE_MARKS)


def _pattern(path: str) -> str:
    r"""A decoded path as a PCRE matching exactly it, inside a quoted Apache argument.

    Each regex metacharacter gets a backslash. A ``"`` is written ``\x22``, so the
    argument holds no quote and Apache's parser, which reads ``\"`` as a quote, has
    nothing to read: a ``\\`` is left as it is, and PCRE reads it as one backslash.

    >>> print(_pattern('/a.b(1)/"x"\\'))
    /a\.b\(1\)/\x22x\x22\\
    """
    return _REGEX_SPECIAL.sub(lambda found: "\\" + found.group(), path).replace('"', "\\x22")


def _escaped(found: re.Match[str]) -> str:
    return "\\" + found.group()


def _substitution(new: str) -> str:
    # In a RewriteRule's new address "$1" and "%1" are back-references ("${" and "%{"
    # lookups): escaped, though target_path already writes "$" as %24.
    return new.replace("%", "\\%").replace("$", "\\$")


def _bucket(length: int) -> int:
    """The smallest power of two nginx accepts as map_hash_bucket_size for a key this long."""
    need, size = 8 + (length + 2 + 7) // 8 * 8 + 8, 64
    while size < need:
        size *= 2
    return size

"""The new site's address and where each old address went: ``--base-url`` and ``--url-map``.

The comment formats key a thread by its page's address (Disqus's link and identifier,
remark42's ``locator.url``, isso's URI): after a move those are the new site's. The new
addresses come from the conversion to the engine: the CSV ``--redirects csv`` writes
(old address -> new local path), read here (:func:`read_url_map`) into a :class:`UrlMap`,
with the new site's address (:func:`check_base_url`) before each path.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from .errors import OptionsError, WXRError
from .oldurls import canonical_address

if TYPE_CHECKING:
    from .records import Post


class UrlMapError(WXRError, ValueError):
    """A ``--url-map`` file that is not the CSV ``--redirects csv`` writes."""


# A host name (ASCII: an IDN in its xn-- form), an IPv4 or a bracketed IPv6 address.
_HOST = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?|\[[0-9a-f:.]+\]")
# A base URL's path: plain segments, percent-encoded bytes; nothing a config file, a shell,
# an HTML attribute or a Disqus CSV would read otherwise (no quotes, spaces, "$", ",", ";").
_BASE_PATH = re.compile(r"(?:/(?:[A-Za-z0-9._~-]|%[0-9A-Fa-f]{2})*)*")


def check_base_url(url: str) -> str:
    """``url``, the new site's address, in the form writers use: ``scheme://host[:port][/path]``,
    lowercase scheme and host, no trailing slash; :class:`OptionsError` if it is not one.

    http or https, a host, a path of plain segments; no user, query, fragment, space, quote or
    control character (an international host in its ``xn--`` form).

    >>> check_base_url("HTTPS://Example.org/blog/"), check_base_url("http://127.0.0.1:8080")
    ('https://example.org/blog', 'http://127.0.0.1:8080')
    >>> try:
    ...     check_base_url("javascript:alert(1)")
    ... except OptionsError as error:
    ...     print(error.message)
    --base-url 'javascript:alert(1)': not http:// or https:// with a host
    """
    why = _base_url_problem(url)
    if why is not None:
        raise OptionsError(
            f"--base-url {url!r}: {why}", hint="for example https://example.org or https://example.org/blog"
        )
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{parts.path.rstrip('/')}"


def _base_url_problem(url: str) -> str | None:
    if not url.isascii() or not url.isprintable() or any(c in url for c in " \"'<>\\`{}|^"):
        return "only plain ASCII: no space, quote or control character (a host in its xn-- form)"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "not a URL"
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return "not http:// or https:// with a host"
    if parts.query or parts.fragment or "?" in url or "#" in url:
        return "a base URL has no query or fragment"
    host = parts.netloc.lower()
    if port is not None:
        host = host.rsplit(":", 1)[0]
    if "@" in host:
        return "no user name or password"
    if not _HOST.fullmatch(host) or port == 0:
        return "not a host name and port"
    segments = parts.path.split("/")[1:-1]  # (a trailing slash is no segment)
    if (
        not _BASE_PATH.fullmatch(parts.path)
        or any(unquote(s) in ("", ".", "..") for s in segments)
        or not unquote(parts.path).isprintable()
    ):
        return "its path may hold letters, digits, '-._~' and %XX, in segments that are not empty, . or .."
    return None


@dataclass(frozen=True)
class UrlMap:
    """Each item's new address, as a ``--url-map`` file (the CSV ``--redirects csv`` writes)
    gives it, for the comment formats, which key a thread by its page's address.

    Parameters:
        base_url: the new site's address (``https://example.org`` or ``.../blog``, no
            trailing slash), put before every new path.
        paths: old address (canonical path, and its query: ``/2011/11/a/``, ``/?p=12``)
            -> new local path (``/posts/a/``).
        ids: item id -> new local path, from the ``?p=ID`` and ``?page_id=ID`` rows.
    """

    base_url: str
    paths: Mapping[str, str] = field(default_factory=dict)
    ids: Mapping[int, str] = field(default_factory=dict)

    def new_link(self, post: Post) -> str | None:
        """``post``'s new absolute address, or ``None`` if the map does not have it.

        By id first: ``?p=ID`` is the item's alone, where two items of an export can share a
        permalink; then by permalink, except an attachment's: its old page leads to another
        item's (its parent's), whose thread is not its own.

        >>> from types import SimpleNamespace as Item
        >>> urls = UrlMap("https://new.example", {"/2011/11/a/": "/posts/a/"}, {12: "/posts/b/"})
        >>> [urls.new_link(Item(id=i, type="post", link="http://old.example/2011/11/a/")) for i in (3, 12)]
        ['https://new.example/posts/a/', 'https://new.example/posts/b/']
        >>> print(urls.new_link(Item(id=4, type="attachment", link="http://old.example/2011/11/a/")))
        None
        """
        new = self.ids.get(post.id)
        if new is None and post.link and post.type != "attachment":
            key = url_map_key(post.link)
            new = self.paths.get(key) if key else None
        return None if new is None else self.base_url + new


def url_map_key(address: str) -> str | None:
    """An old address (a link, or a path with its query) as a URL map's ``old`` column holds
    it (:func:`wxrtool.oldurls.canonical_address`, the form ``--redirects csv`` writes);
    ``None`` for the home page or what cannot be a path.

    >>> url_map_key("http://x.org/2011/caf%c3%a9/"), url_map_key("http://x.org/?tag=caf%c3%a9"), url_map_key("/")
    ('/2011/caf%C3%A9/', '/?tag=caf%C3%A9', None)
    """
    key = canonical_address(address)
    return None if key == "/" else key


# An item's address by its id, where the blog is: /?p=12, /blog/?page_id=3.
_ITEM_ID = re.compile(r"/(?:.*/)?\?(?:p|page_id)=([0-9]{1,18})")


def read_url_map(path: str, base_url: str) -> UrlMap:
    """The URL map in the file ``path`` (the CSV ``--redirects csv`` writes: a line ``old,new``,
    then an old address and its new local path a line), with ``base_url`` before each new path.

    Each old address is made canonical as the redirect files write them; a file that is not
    such a CSV, or a new address that is not a local path, is a :class:`UrlMapError` naming
    the line.
    """
    from .redirects import target_path

    paths: dict[str, str] = {}
    ids: dict[int, str] = {}
    # (utf-8-sig: a spreadsheet that saved the file may have put a byte order mark first)
    with open(path, encoding="utf-8-sig", newline="") as stream:
        rows = csv.reader(stream, strict=True)
        try:
            if next(rows, None) != ["old", "new"]:
                hint = "give it the file `wxrtool convert ... --redirects csv FILE` wrote"
                raise UrlMapError("not a URL map: its first line is not 'old,new'", file=path, line=1, hint=hint)
            for row in rows:
                if not row:
                    continue
                if len(row) != 2:
                    raise UrlMapError(f"{len(row)} values, not 2 (old,new)", file=path, line=rows.line_num)
                old, new = row
                key = url_map_key(old) if old.startswith("/") and not old.startswith("//") else None
                target = target_path(new)
                if key is None:
                    raise UrlMapError(f"old address is not a path: {old!r}", file=path, line=rows.line_num)
                if target is None:
                    raise UrlMapError(f"new address is not a local path: {new!r}", file=path, line=rows.line_num)
                paths.setdefault(key, target)
                item = _ITEM_ID.fullmatch(key)
                if item is not None:
                    ids.setdefault(int(item.group(1)), target)
        except (csv.Error, UnicodeDecodeError) as exc:
            raise UrlMapError(f"not a URL map: {exc}", file=path, line=rows.line_num or None) from None
    return UrlMap(base_url, paths, ids)

"""remark42: its native backup format, which ``remark42 restore`` reads.

JSON Lines: a first line ``{"version": 1, "users": [], "posts": []}``, then one
comment per line with ``id``, ``pid`` (the parent's id), ``text`` (HTML),
``orig`` (Markdown), ``user``, ``locator`` (site and page URL), ``time`` and
``title``, marked ``imported``. The site id is remark42's default, ``remark``, unless
``--remark42-site`` names another (the ``SITE`` the server runs with).

``locator.url`` is the page remark42's widget asks about (``remark_config.url``, by default
the page's address without its fragment): the post's old permalink, or with ``--url-map``
its new absolute address (:class:`~wxrtool.newsite.UrlMap`); a post the map does
not have keeps its old one and is counted (``thread-not-in-url-map``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import UTC
from typing import Any, TextIO

from ..content import comment_html, comment_markdown
from ..content.sanitize import name_as_text, safe_url
from ..records import Comment, Post
from ..threads import Thread, build_threads, walk
from .frontmatter import shown_title
from .protocol import Entry, WriteOptions, WriteResult
from .responses import thread_link

REMARK_SITE = "remark"


def _remark_id(key: str | int) -> str:
    return f"wordpress-{key}"


def _remark_user(c: Comment, options: WriteOptions) -> dict[str, Any]:
    seed = f"{c.author}\n{c.author_url}".encode()
    return {
        "name": name_as_text(c.author) or "Anonymous",
        "id": "wordpress_" + hashlib.sha1(seed).hexdigest(),
        "picture": "",
        "ip": c.author_ip if options.selection.personal_data else "",
        # (a user id is any registered user's, a subscriber's too: no sign of an administrator;
        # remark42's own WordPress importer sets none either)
        "admin": False,
    }


def remark_comment(
    node: Thread[Comment], post: Post, options: WriteOptions, url: str | None = None, path: tuple[int, ...] = ()
) -> dict[str, Any]:
    """One comment as remark42's backup holds it, on the page at ``url`` (the post's link by default),
    under the last of ``path``, its ancestors' ids in the tree as built (:func:`~wxrtool.threads.walk`)."""
    c = node.comment
    moment = c.date_utc or c.date
    parent = _remark_id(str(path[-1])) if path else ""
    return {
        "id": _remark_id(node.key),
        "pid": parent,
        "text": comment_html(c.content_html),
        "orig": comment_markdown(c.content_html),
        "user": _remark_user(c, options),
        "locator": {"site": options.remark42_site or REMARK_SITE, "url": safe_url(post.link if url is None else url)},
        "score": 0,
        "vote": 0,
        "time": moment.astimezone(UTC).isoformat().replace("+00:00", "Z") if moment else None,
        "title": shown_title(post.title),
        "imported": True,
    }


def write(entries: Iterable[Entry], out: TextIO, options: WriteOptions) -> WriteResult:
    """Write a remark42 backup (JSON Lines) of every kept comment."""
    result = WriteResult()
    out.write(json.dumps({"version": 1, "users": [], "posts": []}) + "\n")
    for record, _ in entries:
        if isinstance(record, Post) and record.comments:
            url = thread_link(record, options, result)
            for node, path in walk(build_threads(record.comments)):
                out.write(json.dumps(remark_comment(node, record, options, url, path), ensure_ascii=False) + "\n")
    return result

"""A post's responses: comments threaded (replies under their parent) and pings, as Markdown or data.

:func:`responses_markdown` writes the "Comments" section (nested list items, each with an
anchor named like WordPress's, ``#comment-123``, so old links still land) and the
pingbacks and trackbacks; :func:`comments_data` gives the same tree as data for a file
beside the post (Hugo's ``comments.json``, ``--comments-file``).
"""

from __future__ import annotations

import functools
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..content import comment_html, comment_markdown
from ..content.sanitize import inline_text, name_as_text, safe_url
from ..records import Comment, CommentStatus, Ping, Post
from ..threads import Thread, build_threads, walk
from ._data import comment_dict, ping_dict
from .protocol import WriteOptions, WriteResult

if TYPE_CHECKING:
    from ..content.tomarkdown import Relink


def _indent(text: str, prefix: str) -> str:
    return "\n".join(prefix + line if line else "" for line in text.split("\n"))


def _when(value: datetime | None) -> str:
    # (Twice as fast as strftime, and the year always has four digits.)
    if value is None:
        return "undated"
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d} {value.hour:02d}:{value.minute:02d}"


def own_link(url: str, links: Relink | None) -> str:
    """A commenter's link as written: a link to an item of the export (a self-pingback's
    source, the author's own post) at its new address (``links``: :attr:`WriteOptions.relink`)."""
    return (links(url) if links is not None and url else None) or url


def _who(name: str, url: str) -> str:
    # (safe_url() outside the cache: it counts each URL it drops.)
    return _named_link(name, safe_url(url) if url else "")


@functools.lru_cache(maxsize=4096)  # regulars comment again and again
def _named_link(name: str, url: str) -> str:
    name = inline_text(name_as_text(name)) or "Anonymous"
    if not url.startswith(("http://", "https://", "//")):  # (//host/: an http(s) link)
        return name
    target = f"<{url}>" if any(c in url for c in " ()<>") else url
    return f"[{name}]({target})"


def _comments(threads: list[Thread[Comment]], flavor: str, links: Relink | None) -> str:
    """The threads as nested list items: each comment a head line, then its text and
    its replies indented one level further (built line by line, each line indented once)."""
    pad = "    " if flavor == "python-markdown" else "  "
    lines: list[str] = []
    for node, above in walk(threads):
        c = node.comment
        indent = pad * len(above)
        when = _when(c.date)
        stamp = f"[{when}](#comment-{node.key})"  # (on this page: the anchor above)
        head = f'{indent}- <a id="comment-{node.key}"></a>**{_who(c.author, own_link(c.author_url, links))}** · {stamp}'
        if c.status != CommentStatus.APPROVED:
            head += f" ({c.status.value})"
        if lines:
            lines.append("")
        lines += [head, "", _indent(comment_markdown(c.content_html, flavor=flavor, links=links), indent + pad)]
    return "\n".join(lines)


def _ping(ping: Ping, flavor: str, links: Relink | None) -> str:
    # (WordPress gives a ping the same anchor as a comment: a link to #comment-2050 lands on it)
    who = _who(ping.author, own_link(ping.author_url, links))
    head = f'- <a id="comment-{ping.id}"></a>**{who}** · {ping.type.value} · {_when(ping.date)}'
    if ping.status != CommentStatus.APPROVED:
        head += f" ({ping.status.value})"
    body = comment_markdown(ping.content_html, flavor=flavor, links=links)
    pad = "    " if flavor == "python-markdown" else "  "
    return head + ("\n\n" + _indent(body, pad) if body else "")


def responses_markdown(post: Post, flavor: str = "commonmark", links: Relink | None = None) -> str:
    """The Comments and Pingbacks sections of a post ('' when it has neither); ``links``: links
    to other items of the export at their new addresses (:attr:`WriteOptions.relink`)."""
    sections = []
    threads = build_threads(post.comments)
    if threads:
        sections.append("## Comments\n\n" + _comments(threads, flavor, links))
    if post.pings:
        sections.append("## Pingbacks and trackbacks\n\n" + "\n\n".join(_ping(p, flavor, links) for p in post.pings))
    return "\n\n".join(sections)


def _tree(node: Thread[Comment], options: WriteOptions) -> dict[str, Any]:
    data = comment_dict(node, options.selection, nested=False)
    data["html"] = comment_html(node.comment.content_html, options.relink)
    data["author"] = name_as_text(node.comment.author)  # (as text: the templates escape it)
    data["author_url"] = own_link(data["author_url"], options.relink)
    data["replies"] = [_tree(reply, options) for reply in node.replies]
    return data


def comments_data(post: Post, options: WriteOptions) -> dict[str, Any]:
    """A post's comment tree and pings, as the JSON writer shapes them, plus ``html``:
    each comment as the blog showed it (sanitised, links made, paragraphs added)."""
    pings = []
    for ping in post.pings:
        data = ping_dict(ping, options.selection)
        data["html"] = comment_html(ping.content_html, options.relink)
        data["author"] = name_as_text(ping.author)
        data["author_url"] = own_link(data["author_url"], options.relink)
        pings.append(data)
    return {
        "post_id": post.id,
        "comments": [_tree(t, options) for t in build_threads(post.comments)],
        "pings": pings,
    }


def thread_link(post: Post, options: WriteOptions, result: WriteResult) -> str | None:
    """The new absolute address of ``post``'s comment thread, from ``options.url_map``: ``None``
    without a map, or when the map does not have the post (counted in ``result.notes``)."""
    if options.url_map is None:
        return None
    new = options.url_map.new_link(post)
    if new is None:
        result.notes["thread-not-in-url-map"] += 1
    return new

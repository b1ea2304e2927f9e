"""Disqus: its import format ("custom XML", a WXR dialect of ``dsq:`` and ``wp:`` 1.0).

One ``<item>`` per thread with title, link, body, ``dsq:thread_identifier``
(WordPress's Disqus plugin uses ``"<id> <guid>"``), ``wp:post_date_gmt`` and
``wp:comment_status``, then every comment with its id, author, e-mail, URL, IP,
GMT date, content, approval and parent. Disqus refuses a reply whose parent is
not in the file, so replies to comments that were left out point at the top
level, as the threads show them. Files are cut before 50 MB, Disqus's limit:
``disqus-001.xml``, ``disqus-002.xml``... E-mail and IP addresses are written
only with ``--personal-data``; without them Disqus shows the comments as guests'.

Comment ids are numbers in Disqus's format (and in isso, which imports it). The later
comments of an id the export repeats (thread keys ``700-2``, ``700-3``...) are numbered
``N x 10**15 + 700`` for ``700-N+1``: beyond any comment id a WordPress site gives out.

A thread is at its post's old permalink unless ``--url-map`` gives the post a new address
(:class:`~wxrtool.newsite.UrlMap`): then its link and its identifier are the new
absolute address, which a page of the new site sends as ``disqus_config``'s ``page.url``
(and Jekyll's minima theme as ``page.identifier`` too). isso's importer of this format (its
WordPress one, ``isso/migrate.py``) keys each thread by the path and query of ``<link>``,
which is what isso's client asks for: the new path. A thread the map does not have keeps
its old link and identifier and is counted (``thread-not-in-url-map``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from urllib.parse import urlsplit

from ..content import comment_html, render_post_html
from ..content.sanitize import clean_name, safe_url
from ..output import OutputDir
from ..records import Comment, Post
from ..sitestore import SpillCounter
from ..threads import Thread, build_threads, walk
from .frontmatter import shown_title
from .protocol import Entry, WriteOptions, WriteResult
from .responses import thread_link
from .xmltext import ZERO, cdata, escape, gmt

DISQUS_LIMIT = 50_000_000

_DISQUS_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"
\txmlns:content="http://purl.org/rss/1.0/modules/content/"
\txmlns:dsq="http://www.disqus.com/"
\txmlns:dc="http://purl.org/dc/elements/1.1/"
\txmlns:wp="http://wordpress.org/export/1.0/"
>
<channel>
"""
_DISQUS_FOOT = "</channel>\n</rss>\n"


_DUPLICATE_SPACING = 10**15


def numeric_id(key: str) -> int:
    """A thread key as the number Disqus takes: ``"700"`` is 700, a repeat ``"700-2"`` is 10**15 + 700.

    >>> numeric_id("700"), numeric_id("700-2"), numeric_id("700-3"), numeric_id("-20"), numeric_id("-20-2")
    (700, 1000000000000700, 2000000000000700, -20, 999999999999980)
    """
    first, _, nth = key.rpartition("-") if key.count("-") > key.startswith("-") else (key, "", "")
    return int(first) + (int(nth) - 1) * _DUPLICATE_SPACING if nth else int(first)


def _disqus_comment(node: Thread[Comment], path: tuple[int, ...], options: WriteOptions, undated: str = ZERO) -> str:
    c = node.comment
    # Its parent in the tree as built (threads.py): a reply to a comment not in the file, which
    # Disqus would refuse, is at the top; one too deep hangs under its nearest ancestor, as
    # everywhere else, not at the top.
    parent = path[-1] if path else 0
    moment = c.date_utc or c.date
    when = gmt(moment) if moment else undated
    email = c.author_email if options.selection.personal_data else ""
    ip = c.author_ip if options.selection.personal_data else ""
    return (
        "\t\t<wp:comment>\n"
        f"\t\t\t<wp:comment_id>{numeric_id(node.key)}</wp:comment_id>\n"
        f"\t\t\t<wp:comment_author>{cdata(clean_name(c.author))}</wp:comment_author>\n"
        f"\t\t\t<wp:comment_author_email>{escape(email)}</wp:comment_author_email>\n"
        f"\t\t\t<wp:comment_author_url>{escape(safe_url(c.author_url))}</wp:comment_author_url>\n"
        f"\t\t\t<wp:comment_author_IP>{escape(ip)}</wp:comment_author_IP>\n"
        f"\t\t\t<wp:comment_date_gmt>{when}</wp:comment_date_gmt>\n"
        f"\t\t\t<wp:comment_content>{cdata(comment_html(c.content_html))}</wp:comment_content>\n"
        f"\t\t\t<wp:comment_approved>{1 if c.status.value == 'approved' else 0}</wp:comment_approved>\n"
        f"\t\t\t<wp:comment_parent>{parent}</wp:comment_parent>\n"
        "\t\t</wp:comment>\n"
    )


UNDATED = "comment-undated-dated-as-its-post"
"""The account's note: a comment the export dates 0000-00-00, written with its post's date."""


def disqus_thread(post: Post, options: WriteOptions, link: str | None = None, identifier: str | None = None) -> str:
    """One Disqus thread (an ``<item>``) with all of a post's comments, at ``link`` (its own by
    default), known by ``identifier`` (by default ``"<id> <guid>"``, as WordPress's Disqus plugin).

    An importer skips a thread without a title (isso does, and its comments are lost): an
    untitled post is "(untitled)", as in Ghost.
    """
    # A comment without a date (0000-00-00 in the export) is dated as its post: isso's import
    # stopped at the zero date, and none of the file's comments after it were stored.
    undated = gmt(post.date_utc or post.date)
    comments = "".join(
        _disqus_comment(node, path, options, undated) for node, path in walk(build_threads(post.comments))
    )
    if identifier is None:
        identifier = f"{post.id} {post.guid}".strip()
    return (
        "\t<item>\n"
        f"\t\t<title>{cdata(shown_title(post.title) or '(untitled)')}</title>\n"
        f"\t\t<link>{escape(post.link if link is None else link)}</link>\n"
        f"\t\t<content:encoded>{cdata(render_post_html(post.content_html))}</content:encoded>\n"
        f"\t\t<dsq:thread_identifier>{escape(identifier)}</dsq:thread_identifier>\n"
        f"\t\t<wp:post_date_gmt>{gmt(post.date_utc or post.date)}</wp:post_date_gmt>\n"
        f"\t\t<wp:comment_status>{'closed' if post.comment_status == 'closed' else 'open'}</wp:comment_status>\n"
        f"{comments}"
        "\t</item>\n"
    )


def _unique_link(post_id: int, link: str, seen: SpillCounter | Counter[str]) -> str:
    """A post's link, or, when an earlier thread has it already, the link with ``p=ID`` in its
    query (``p=ID-N`` while that is taken too). Threads are one as importers key them: isso by
    the link's path and query (a second stops it with a UNIQUE error, and the comments after
    it are lost), so ``http://`` and ``https://``, or two hosts, are one link here.

    >>> seen = Counter()
    >>> _unique_link(1, "https://x.org/a/", seen), _unique_link(2, "http://X.org/a/#c", seen)
    ('https://x.org/a/', 'http://X.org/a/?p=2')
    """
    base = link.partition("#")[0]
    key = _thread_key(base)
    seen[key] += 1
    if seen[key] == 1:
        return link
    joined = f"{base}{'&' if '?' in base else '?'}p={post_id}"
    candidate = joined
    while seen[_thread_key(candidate)]:  # (a link of the export's may be "?p=ID" already)
        seen[key] += 1
        candidate = f"{joined}-{seen[key]}"
    seen[_thread_key(candidate)] += 1
    return candidate


def _thread_key(link: str) -> str:
    """What importers key a thread by: the link's path and query, as isso does."""
    try:
        parts = urlsplit(link)
    except ValueError:  # (a host urlsplit cannot read: the link as it is)
        return link
    return parts.path + (f"?{parts.query}" if parts.query else "")


def write(entries: Iterable[Entry], out: OutputDir, options: WriteOptions) -> WriteResult:
    """Write Disqus import files (threads with comments only) into ``out``, each under the limit."""
    number, size, current = 0, 0, None
    result = WriteResult()
    links = SpillCounter()  # (each thread's key, how often asked: on disk when many, wxrtool.sitestore)
    limit = DISQUS_LIMIT - len(_DISQUS_HEAD) - len(_DISQUS_FOOT)
    try:
        for record, _ in entries:
            if not isinstance(record, Post) or not record.comments:
                continue
            new = thread_link(record, options, result)
            link = _unique_link(record.id, new or record.link, links)
            thread = disqus_thread(record, options, link, link if new else None)
            undated = sum(1 for c in record.comments if not (c.date_utc or c.date))
            if undated and (record.date_utc or record.date):
                result.notes[UNDATED] += undated
            length = len(thread.encode("utf-8"))
            if current is None or (size and size + length > limit):
                if current is not None:
                    current.write(_DISQUS_FOOT)
                    current.close()
                number += 1
                current = out.open_text(f"disqus-{number:03d}.xml")
                current.write(_DISQUS_HEAD)
                size = 0
            current.write(thread)
            size += length
        if current is None:
            current = out.open_text("disqus-001.xml")
            current.write(_DISQUS_HEAD)
        current.write(_DISQUS_FOOT)
    finally:
        if current is not None:
            current.close()
    return result

"""Records as plain JSON-ready dicts, shared by the JSON and JSON Lines writers.

Field names here are the public contract documented by the JSON Schema shipped
in ``wxrtool/schema/``; change them only together with it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ..content.sanitize import clean_name, safe_url, sanitize_comment_html
from ..phpserial import decode_serialized, looks_serialized
from ..records import Author, Comment, Meta, Ping, Post, Site, Term
from ..selection import Selection
from ..threads import Thread


def iso(value: datetime | None) -> str | None:
    """ISO 8601 with the offset, or ``None``: ``2011-11-16T09:52:00-06:00``."""
    return value.isoformat() if value is not None else None


def iso_utc(value: datetime | None) -> str | None:
    """ISO 8601 in UTC with a ``Z``: ``2011-11-16T15:52:00Z``, or ``None``."""
    if value is None:
        return None
    return value.astimezone(UTC).isoformat()[:-6] + "Z"  # "+00:00" written as "Z"


def meta_list(meta: tuple[Meta, ...]) -> list[dict[str, Any]]:
    """Meta entries; PHP-serialized values also ``unserialized`` when they decode."""
    out = []
    for m in meta:
        entry: dict[str, Any] = {"key": m.key, "value": m.value}
        if looks_serialized(m.value):  # (Meta.serialized, .decoded and .broken, each asked once)
            decoded = decode_serialized(m.value)
            if decoded is not None or m.value.strip() == "N;":
                entry["unserialized"] = decoded
        out.append(entry)
    return out


def site_dict(site: Site) -> dict[str, Any]:
    return {
        "title": site.title,
        "link": site.link,
        "description": site.description,
        "language": site.language,
        "base_site_url": site.base_site_url,
        "base_blog_url": site.base_blog_url,
        "wxr_version": site.wxr_version,
        "generator": site.generator,
        "exported": iso(site.exported),
    }


def author_dict(author: Author, selection: Selection) -> dict[str, Any]:
    out: dict[str, Any] = {
        "login": author.login,
        "id": author.id,
        "display_name": author.display_name,
        "first_name": author.first_name,
        "last_name": author.last_name,
    }
    if selection.personal_data:
        out["email"] = author.email
    return out


def term_dict(term: Term) -> dict[str, Any]:
    return {
        "taxonomy": term.taxonomy,
        "slug": term.slug,
        "name": term.name,
        "id": term.id,
        "parent": term.parent or None,
        "description": term.description,
        "meta": meta_list(term.meta),
    }


def _response(out: dict[str, Any], c: Comment | Ping, selection: Selection) -> None:
    # (Filled in place: each dict is built once, in its fields' order, the hot path of the
    # JSON formats, which write tens of thousands of them.)
    out["author"] = clean_name(c.author)
    out["author_url"] = safe_url(c.author_url)
    out["date"] = iso(c.date)
    out["date_utc"] = iso_utc(c.date_utc)
    out["status"] = c.status.value
    # Written by strangers: only WordPress's comment tags survive, in every writer.
    out["content_html"] = sanitize_comment_html(c.content_html)
    if selection.personal_data:
        out["author_email"] = c.author_email
        out["author_ip"] = c.author_ip
        out["meta"] = meta_list(c.meta)


def comment_dict(node: Thread[Comment], selection: Selection, *, nested: bool = True) -> dict[str, Any]:
    """A comment; with ``nested``, its ``replies`` as a list of the same shape.

    ``key`` is there only when it is not the id: on a later comment reusing an id.
    """
    c = node.comment
    out: dict[str, Any] = {"id": c.id}
    if node.key != str(c.id):
        out["key"] = node.key
    out["parent"] = c.parent
    out["depth"] = node.depth
    out["type"] = c.type
    _response(out, c, selection)
    out["user_id"] = c.user_id
    if node.promoted is not None:
        out["promoted"] = node.promoted.value
    if nested:
        out["replies"] = [comment_dict(r, selection) for r in node.replies]
    return out


def ping_dict(ping: Ping, selection: Selection) -> dict[str, Any]:
    out: dict[str, Any] = {"id": ping.id, "type": ping.type.value}
    _response(out, ping, selection)
    return out


def post_dict(post: Post) -> dict[str, Any]:
    """Every field of a post but its comments and pings (and never its password)."""
    return {
        "id": post.id,
        "type": post.type,
        "status": post.status,
        "title": post.title,
        "slug": post.slug,
        "slug_raw": post.slug_raw,
        "link": post.link,
        "guid": post.guid,
        "date": iso(post.date),
        "date_utc": iso_utc(post.date_utc),
        "modified": iso(post.modified),
        "modified_utc": iso_utc(post.modified_utc),
        "author": post.author,
        "categories": post.categories,
        "tags": post.tags,
        "terms": [{"taxonomy": t.taxonomy, "slug": t.slug, "name": t.name} for t in post.terms],
        "content_html": post.content_html,
        "excerpt_html": post.excerpt_html,
        "parent": post.parent,
        "menu_order": post.menu_order,
        "sticky": post.sticky,
        "protected": bool(post.password),
        "comment_status": post.comment_status,
        "ping_status": post.ping_status,
        "attachment_url": post.attachment_url or None,
        "meta": meta_list(post.meta),
    }

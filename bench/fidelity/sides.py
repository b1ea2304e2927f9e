"""The two sides compared: what WordPress showed, and what wxrtool's Markdown shows once rendered.

Each side is a dict ``{item id: Item}``. WordPress's comes from :mod:`wordpress`
(``the_content``, ``the_title``, the approved comments as ``wp_list_comments`` lists
them, threaded). wxrtool's comes from ``--to markdown`` rendered back to HTML with
markdown-it-py (CommonMark, raw HTML allowed, GFM tables and strikethrough: what
Hugo's Goldmark and Jekyll's kramdown read too): the body, and the Comments and
Pingbacks sections split into one entry per response, each with its parent.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import lxml.html
import yaml
from markdown_it import MarkdownIt

import wxrtool

# Deep reply threads are deep lists: markdown-it's CommonMark preset stops nesting at 20 levels
# (ten replies), its default preset (Eleventy's) at 100; Goldmark and kramdown have no limit.
_MARKDOWN = MarkdownIt("commonmark", {"html": True, "maxNesting": 100}).enable(["table", "strikethrough"])
_COMMENTS = "\n## Comments\n\n"
_PINGS = "\n## Pingbacks and trackbacks\n\n"


@dataclass
class Response:
    """A comment or ping as shown: its parent's position in the list (-1: none) and its HTML."""

    parent: int
    html: str
    author: str = ""
    orphan: bool = False  # WordPress showed a reply at the top level: its parent was not shown


@dataclass
class Item:
    """One published post or page as a side shows it."""

    id: int
    type: str
    title: str
    html: str
    comments: list[Response] = field(default_factory=list)
    pings: list[Response] = field(default_factory=list)
    slug: str = ""
    source: str = ""  # the file it came from, for the side-by-side page


Key = tuple[int, str]
"""An item's id and post type: exports can repeat an id (the importer then gives the later item a new one)."""


def keep(items: dict[Key, Item], item: Item) -> None:
    """``item`` in ``items`` under its id and type, or, an id repeated in the export, under
    its type with ``+`` after it (``post+``): every item kept."""
    key = (item.id, item.type)
    while key in items:
        key = (key[0], key[1] + "+")
    items[key] = item


def wordpress_items(rows: list[dict[str, Any]]) -> dict[Key, Item]:
    """WordPress's rendering (``wordpress.WordPress.site_of``) as items."""
    items = {}
    for row in rows:
        comments: list[Response] = []
        pings: list[Response] = []
        position: dict[int, int] = {}
        for c in row["comments"]:
            if c["type"] in ("pingback", "trackback"):
                pings.append(Response(-1, c["html"], c["author"]))
                continue
            position[c["id"]] = len(comments)
            orphan = bool(c["parent"]) and c["depth"] == 0
            comments.append(Response(position.get(c["parent"], -1), c["html"], c["author"], orphan))
        item = Item(int(row["id"]), row["type"], row["title"], row["html"], comments, pings, slug=row["slug"])
        items[item.id, item.type] = item
    return items


def _front_matter(text: str) -> tuple[dict[str, Any], str]:
    if not text.startswith("---\n"):
        return {}, text
    end = text.index("\n---\n", 4)
    return yaml.safe_load(text[4:end]) or {}, text[end + 5 :]


def _split(body: str, heading: str, first: str) -> tuple[str, str]:
    """``body`` without its last section called ``heading`` (when it starts with ``first``), and that section."""
    at = body.rfind(heading)
    if at < 0 or not body[at + len(heading) :].startswith(first):
        return body, ""
    return body[:at], body[at + len(heading) :]


def _inner(el: lxml.html.HtmlElement) -> str:
    return "".join(lxml.html.tostring(child, encoding="unicode") for child in el)


def _is_reply_list(el: lxml.html.HtmlElement) -> bool:
    first = el.find("li")
    anchor = first.find("p/a") if first is not None else None
    return el.tag == "ul" and anchor is not None and (anchor.get("id") or "").startswith("comment-")


def _responses(section: str, threaded: bool) -> list[Response]:
    """The list items of a rendered Comments (or Pingbacks) section, depth first, with parents."""
    if not section.strip():
        return []
    root = lxml.html.fragment_fromstring(_MARKDOWN.render(section), create_parent="div")
    found: list[Response] = []
    top = root.find("ul")
    stack = [(li, -1) for li in reversed(top.findall("li"))] if top is not None else []
    while stack:
        li, parent = stack.pop()
        children = list(li)
        head = children[0] if children and children[0].tag == "p" else None
        author = head.findtext("strong") or "" if head is not None else ""
        if head is not None and head.find("strong") is not None:
            author = head.find("strong").text_content()
        body = [c for c in children[1:] if not (threaded and _is_reply_list(c))]
        if head is None:  # a one-line item: the head is the item's text
            body = children
        me = len(found)
        found.append(Response(parent, "".join(lxml.html.tostring(c, encoding="unicode") for c in body), author))
        replies = [c for c in children[1:] if threaded and _is_reply_list(c)]
        for lst in reversed(replies):
            stack += [(reply, me) for reply in reversed(lst.findall("li"))]
    return found


def wxrtool_items(export: Path, out: Path | None = None) -> dict[Key, Item]:
    """wxrtool's ``--to markdown`` of ``export`` (what a visitor saw: the default selection), rendered back."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = out or Path(tmp) / "site"
        wxrtool.convert(export, "markdown", str(folder), force=True)
        items = {}
        for path in sorted(folder.rglob("*.md")):
            meta, body = _front_matter(path.read_text(encoding="utf-8"))
            if "id" not in meta:
                continue
            body, pings = _split(body, _PINGS, "- ")
            body, comments = _split(body, _COMMENTS, "- <a id=")
            item = Item(
                int(meta["id"]),
                str(meta.get("type", "")),
                str(meta.get("title", "")),
                _MARKDOWN.render(body),
                _responses(comments, threaded=True),
                _responses(pings, threaded=False),
                slug=str(meta.get("slug", "")),
                source=str(path.relative_to(folder)),
            )
            keep(items, item)
    return items


def render_markdown(text: str) -> str:
    """Markdown rendered to HTML as every Markdown side here is (see the module's docstring).

    >>> render_markdown("*a*")
    '<p><em>a</em></p>\\n'
    """
    return _MARKDOWN.render(text)


_TAGS = re.compile(r"<[^>]+>")


def title_text(title: str) -> str:
    """A title as a reader sees it (WordPress's is HTML, wxrtool's plain text)."""
    from elements import text_of

    return text_of(_TAGS.sub("", title))

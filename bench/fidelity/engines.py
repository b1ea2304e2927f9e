"""Sides built by the engines: ``--to hugo --scaffold`` and ``--to jekyll --scaffold``, built by the
real Hugo and Jekyll, each item's page read back from the built site.

Each item's page is the built page whose ``<article>`` carries its WordPress id
(``data-wordpress-id``, which the scaffolds' layouts write). The layouts put the post in
that ``<article>`` (its title and byline first) and the comments in
``section.comments``, each ``li.comment`` with ``p.comment-meta`` and ``div.comment-body``,
replies in a nested list; pings in ``section.pings``.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import lxml.html
from sides import Item, Key, Response, keep, title_text

import wxrtool

BUILD = {
    "hugo": lambda binary, site: [binary, "--quiet", "--source", str(site), "--destination", str(site / "_built")],
    "jekyll": lambda binary, site: [binary, "build", "--quiet", "--source", str(site), "--destination",
                                    str(site / "_built")],
}  # fmt: skip


def binary(engine: str) -> str | None:
    """The engine's command, or ``None`` when it is not installed."""
    return shutil.which(engine)


def _inner(el: lxml.html.HtmlElement) -> str:
    return (el.text or "") + "".join(lxml.html.tostring(child, encoding="unicode") for child in el)


def _comments(section: lxml.html.HtmlElement | None) -> list[Response]:
    found: list[Response] = []
    if section is None:
        return found
    top = section.find("ol")
    stack = [(li, -1) for li in reversed(top.findall("li"))] if top is not None else []
    while stack:
        li, parent = stack.pop()
        meta, body = li.find("p"), li.find("div")
        me = len(found)
        author = meta.text_content().split(" \u00b7 ")[0] if meta is not None else ""
        found.append(Response(parent, _inner(body) if body is not None else "", author.strip()))
        replies = li.find("ol")
        if replies is not None:
            stack += [(reply, me) for reply in reversed(replies.findall("li"))]
    return found


def _pings(section: lxml.html.HtmlElement | None) -> list[Response]:
    found = []
    for li in section.iter("li") if section is not None else ():
        link = li.find("a")
        author = link.text_content() if link is not None else ""
        if link is not None:
            link.drop_tree()  # (its tail, the ping's text, stays)
        found.append(Response(-1, _inner(li), author.strip()))
    return found


def engine_items(export: Path, engine: str, command: str) -> dict[Key, Item]:
    """The published items of ``export`` as the engine's built site shows them."""
    posts: dict[int, list[wxrtool.Post]] = {}  # (an export can repeat an id: told apart by title)
    for p in wxrtool.read(export):
        if isinstance(p, wxrtool.Post) and p.status == "publish":
            posts.setdefault(p.id, []).append(p)
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        wxrtool.convert(export, engine, str(site), scaffold=True)
        subprocess.run(BUILD[engine](command, site), check=True, capture_output=True)
        items: dict[Key, Item] = {}
        taken: set[int] = set()
        for page in sorted(p for p in (site / "_built").rglob("*.html") if p.is_file()):
            root = lxml.html.parse(str(page)).getroot()
            article = root.find(".//article[@data-wordpress-id]") if root is not None else None
            if article is None or not article.get("data-wordpress-id", "").isdigit():
                continue  # a list, a redirect (an alias), the home page
            heading = article.find("h1")
            shown = title_text(heading.text_content()) if heading is not None else ""
            candidates = posts.get(int(article.get("data-wordpress-id", "")), [])
            post = next((p for p in candidates if title_text(p.title) == shown), None)
            if post is None or id(post) in taken:
                continue
            taken.add(id(post))
            for head in article.findall("h1")[:1] + article.findall("p[@class='byline']")[:1]:
                head.drop_tree()
            sections = {s.get("class"): s for s in root.iter("section")}
            keep(items, Item(
                post.id, post.type, post.title, _inner(article), _comments(sections.get("comments")),
                _pings(sections.get("pings")), slug=post.slug, source=str(page.relative_to(site)),
            ))  # fmt: skip
    return items

"""Markdown with YAML front matter: one file per item, comments threaded at the end.

Each item becomes ``{type}s/{slug}.md`` (the template is configurable); a page
keeps its parents' slugs as folders. The front matter carries what a static site
generator needs and what the old site knew (the permalink, the id); the body is
the post as WordPress showed it, in Markdown. Comments follow in a "Comments"
section as nested lists, replies inside their parent, each with an anchor named
like WordPress's (``#comment-123``) so old links still land; pingbacks and
trackbacks get a list of their own. With ``comments_file`` they go instead to a
JSON or YAML file beside the post, the tree kept.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable

from ..authors import author_data
from ..content import post_markdown
from ..index import SiteIndex
from ..languages import language_data
from ..menus import TitlesSeen, as_data, new_site_menus
from ..output import OutputDir
from ..records import Post
from . import _yaml
from ._placement import localize
from .frontmatter import date_fields, front_matter, metadata, shown_title
from .paths import PathPlanner, url_path
from .protocol import Entry, Posts, WriteOptions, WriteResult
from .responses import comments_data, responses_markdown

MENUS_FILE = "menus.json"
AUTHORS_FILE = "authors.json"
LANGUAGES_FILE = "languages.json"


def item_path(post: Post, planner: PathPlanner, index: SiteIndex, sidecar: str = "") -> str:
    """The relative path of ``post``'s file; pages keep their parents' slugs as folders.

    With ``sidecar`` (an extension such as ``json``), the file's comments file
    ``<stem>.comments.<sidecar>`` is handed out with it: no post's file takes it, nor it a post's.
    """
    ancestors = [a.slug for a in reversed(index.ancestors(post.id))]
    fields = {"type": post.type, **date_fields(post)}
    if not sidecar:
        return planner.path_for(fields, [*ancestors, post.slug], post.id)

    def beside(relative: str) -> str:
        return f"{os.path.splitext(relative)[0]}.comments.{sidecar}".lower()

    relative = planner.path_for(
        fields, [*ancestors, post.slug], post.id, taken=lambda candidate: beside(candidate) in planner.taken
    )
    planner.taken.add(beside(relative))
    return relative


def _sidecar(post: Post, options: WriteOptions) -> str:
    data = comments_data(post, options)
    if options.comments_file == "yaml":
        return _yaml.dump(data)
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def document(post: Post, options: WriteOptions) -> str:
    """The whole Markdown file of one item."""
    parts = [
        front_matter(options.shaped(metadata(post, options), post, "markdown")),
        post_markdown(post.content_html, options.context(post)),
    ]
    if not options.comments_file:
        parts.append(responses_markdown(post, links=options.relink))
    return "\n\n".join(part.strip("\n") for part in parts if part).replace("---\n\n\n", "---\n\n") + "\n"


def render(post: Post, options: WriteOptions) -> tuple[str, str | None]:
    """The post's file and, with ``comments_file``, its comments file (run in a worker)."""
    sidecar = _sidecar(post, options) if options.comments_file and (post.comments or post.pings) else None
    return document(post, options), sidecar


def write(entries: Iterable[Entry], out: OutputDir, options: WriteOptions) -> WriteResult:
    """Write one Markdown file per item into the folder ``out``."""
    result = WriteResult.for_options(options)
    planner = PathPlanner(out.root, options.path_template, files=out.copied)
    for name in (MENUS_FILE, AUTHORS_FILE, LANGUAGES_FILE):  # (the site's data: no item's file takes their names)
        planner.taken.add(name)
    menu_titles = TitlesSeen(options.index.menu_entries)
    posts = Posts(entries)
    for record, (text, sidecar) in posts:
        menu_titles.see(record.id, shown_title(record.title))
        relative = item_path(record, planner, options.index, options.comments_file or "")
        stem = os.path.splitext(relative)[0]
        # A post's media go in a folder named like it, beside it.
        text = localize(record, text, options, out, stem, os.path.basename(stem) + "/", result)
        out.write_text(relative, text)
        result.moved(record.id, record.link, url_path("/" + stem.removesuffix("/index") + "/"))
        if sidecar is not None:
            out.write_text(f"{stem}.comments.{options.comments_file}", sidecar)
    menus = new_site_menus(options.index, result.addresses or {}, menu_titles.titles, None, options.base_url,
                           options.links)  # fmt: skip
    if menus:  # (the site's navigation, as data: an engine of the user's own makes it a menu)
        out.write_text(MENUS_FILE, json.dumps(as_data(menus), ensure_ascii=False, indent=2) + "\n")
    authors = author_data(posts.authors, posts.wrote, options.selection.personal_data)
    if authors:
        out.write_text(AUTHORS_FILE, json.dumps(authors, ensure_ascii=False, indent=2) + "\n")
    if options.index.languages:  # (each item's lang and translations are in its front matter)
        text = json.dumps(language_data(options.index.languages), ensure_ascii=False, indent=2)
        out.write_text(LANGUAGES_FILE, text + "\n")
    return result

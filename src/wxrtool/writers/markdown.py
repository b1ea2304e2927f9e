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

import functools
import html
import json
import os
import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from ..content import Context, comment_html, comment_markdown, post_markdown
from ..content.sanitize import clean_name, inline_text, safe_url
from ..index import SiteIndex
from ..records import Comment, CommentStatus, Ping, Post, Record
from ..threads import Thread, build_threads, walk
from . import _yaml
from ._data import comment_dict, ping_dict
from ._media import localize
from ._options import WriteOptions
from ._output import OutputDir
from ._parallel import RenderedPosts
from ._paths import PathPlanner

_TAG = re.compile(r"<[^>]+>")
_STANDARD_KEYS = {
    "title", "date", "updated", "slug", "id", "type", "status", "draft", "author", "categories",
    "tags", "summary", "featured_image", "permalink", "sticky", "parent", "meta",
}  # fmt: skip
_NOT_CONTENT_TAXONOMIES = {"category", "post_tag", "nav_menu"}


def front_matter(data: dict[str, Any]) -> str:
    """``data`` as a YAML front matter block, quoted wherever YAML needs it.

    >>> print(front_matter({"title": "- a: b #c", "tags": ["x"]}), end="")
    ---
    title: '- a: b #c'
    tags:
    - x
    ---
    """
    return f"---\n{_yaml.dump(data)}---\n"


def plain_text(fragment: str) -> str:
    """HTML reduced to one line of text (for summaries)."""
    return " ".join(html.unescape(_TAG.sub(" ", fragment)).split())


def _date_fields(post: Post) -> dict[str, str]:
    if post.date is None:
        return {"yyyy": "0000", "mm": "00", "dd": "00"}
    return {"yyyy": f"{post.date.year:04d}", "mm": f"{post.date.month:02d}", "dd": f"{post.date.day:02d}"}


def item_path(post: Post, planner: PathPlanner, index: SiteIndex, sidecar: str = "") -> str:
    """The relative path of ``post``'s file; pages keep their parents' slugs as folders.

    With ``sidecar`` (an extension such as ``json``), the file's comments file
    ``<stem>.comments.<sidecar>`` is handed out with it: no post's file takes it, nor it a post's.
    """
    ancestors = [a.slug for a in reversed(index.ancestors(post.id))]
    fields = {"type": post.type, **_date_fields(post)}
    if not sidecar:
        return planner.path_for(fields, [*ancestors, post.slug], post.id)

    def beside(relative: str) -> str:
        return f"{os.path.splitext(relative)[0]}.comments.{sidecar}".lower()

    relative = planner.path_for(
        fields, [*ancestors, post.slug], post.id, taken=lambda candidate: beside(candidate) in planner.taken
    )
    planner.taken.add(beside(relative))
    return relative


def metadata(post: Post, options: WriteOptions) -> dict[str, Any]:
    """The front matter of one item."""
    index = options.index
    data: dict[str, Any] = {"title": post.title}
    if post.date is not None:
        data["date"] = post.date
    if post.modified is not None and post.modified != post.date:
        data["updated"] = post.modified
    data.update(slug=post.slug, id=post.id, type=post.type, status=post.status)
    if post.status != "publish":
        data["draft"] = True
    if post.author:
        data["author"] = index.authors.get(post.author, post.author)
    if post.categories:
        data["categories"] = post.categories
    if post.tags:
        data["tags"] = post.tags
    for ref in post.terms:
        if ref.taxonomy in _NOT_CONTENT_TAXONOMIES:
            continue
        key = ref.taxonomy if ref.taxonomy not in _STANDARD_KEYS else f"taxonomy_{ref.taxonomy}"
        data.setdefault(key, []).append(ref.name)
    summary = plain_text(post.excerpt_html)
    if summary:
        data["summary"] = summary
    thumbnail = post.meta_value("_thumbnail_id")
    if thumbnail and thumbnail.strip().isdigit() and int(thumbnail) in index.attachments:
        featured = safe_url(index.attachments[int(thumbnail)].url, relative=True)
        if featured:
            data["featured_image"] = featured
    permalink = safe_url(post.link, relative=True) if post.link else ""
    if permalink:
        data["permalink"] = permalink
    if post.sticky:
        data["sticky"] = True
    if post.password:
        data["protected"] = True
    chosen = {}
    for key in options.meta_keys:
        values = [m.decoded if m.serialized and not m.broken else m.value for m in post.meta if m.key == key]
        if values:
            chosen[key] = values[0] if len(values) == 1 else values
    if chosen:
        data["meta"] = chosen
    return data


def _indent(text: str, prefix: str) -> str:
    return "\n".join(prefix + line if line else "" for line in text.split("\n"))


def _when(value: datetime | None) -> str:
    # (Twice as fast as strftime, and the year always has four digits.)
    if value is None:
        return "undated"
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d} {value.hour:02d}:{value.minute:02d}"


def _who(name: str, url: str) -> str:
    # (safe_url() outside the cache: it counts each URL it drops.)
    return _named_link(name, safe_url(url) if url else "")


@functools.lru_cache(maxsize=4096)  # regulars comment again and again
def _named_link(name: str, url: str) -> str:
    name = inline_text(html.unescape(clean_name(name))) or "Anonymous"  # stored with entities, shown decoded
    if not url.startswith(("http://", "https://")):
        return name
    target = f"<{url}>" if any(c in url for c in " ()<>") else url
    return f"[{name}]({target})"


def _comments(threads: list[Thread[Comment]], permalink: str, flavor: str = "commonmark") -> str:
    """The threads as nested list items: each comment a head line, then its text and
    its replies indented one level further (built line by line, each line indented once)."""
    pad = "    " if flavor == "python-markdown" else "  "
    lines: list[str] = []
    permalink = safe_url(permalink, relative=True) if permalink else ""
    for node, above in walk(threads):
        c = node.comment
        indent = pad * len(above)
        when = _when(c.date)
        stamp = f"[{when}]({permalink}#comment-{node.key})" if permalink else when
        head = f'{indent}- <a id="comment-{node.key}"></a>**{_who(c.author, c.author_url)}** · {stamp}'
        if c.status != CommentStatus.APPROVED:
            head += f" ({c.status.value})"
        if lines:
            lines.append("")
        lines += [head, "", _indent(comment_markdown(c.content_html, flavor=flavor), indent + pad)]
    return "\n".join(lines)


def _ping(ping: Ping, flavor: str = "commonmark") -> str:
    head = f"- **{_who(ping.author, ping.author_url)}** · {ping.type.value} · {_when(ping.date)}"
    body = comment_markdown(ping.content_html, flavor=flavor)
    pad = "    " if flavor == "python-markdown" else "  "
    return head + ("\n\n" + _indent(body, pad) if body else "")


def responses_markdown(post: Post, flavor: str = "commonmark") -> str:
    """The Comments and Pingbacks sections of a post ('' when it has neither)."""
    sections = []
    threads = build_threads(post.comments)
    if threads:
        sections.append("## Comments\n\n" + _comments(threads, post.link, flavor))
    if post.pings:
        sections.append("## Pingbacks and trackbacks\n\n" + "\n\n".join(_ping(p, flavor) for p in post.pings))
    return "\n\n".join(sections)


def _tree(node: Thread[Comment], options: WriteOptions) -> dict[str, Any]:
    data = comment_dict(node, options.selection, nested=False)
    data["html"] = comment_html(node.comment.content_html)
    data["replies"] = [_tree(reply, options) for reply in node.replies]
    return data


def comments_data(post: Post, options: WriteOptions) -> dict[str, Any]:
    """A post's comment tree and pings, as the JSON writer shapes them, plus ``html``:
    each comment as the blog showed it (sanitised, links made, paragraphs added)."""
    pings = []
    for ping in post.pings:
        data = ping_dict(ping, options.selection)
        data["html"] = comment_html(ping.content_html)
        pings.append(data)
    return {
        "post_id": post.id,
        "comments": [_tree(t, options) for t in build_threads(post.comments)],
        "pings": pings,
    }


def _sidecar(post: Post, options: WriteOptions) -> str:
    data = comments_data(post, options)
    if options.comments_file == "yaml":
        return _yaml.dump(data)
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def document(post: Post, options: WriteOptions) -> str:
    """The whole Markdown file of one item."""
    context = Context(post_id=post.id, attachments=options.index.attachments)
    parts = [front_matter(metadata(post, options)), post_markdown(post.content_html, context)]
    if not options.comments_file:
        parts.append(responses_markdown(post))
    return "\n\n".join(part.strip("\n") for part in parts if part).replace("---\n\n\n", "---\n\n") + "\n"


def _render(post: Post, options: WriteOptions) -> tuple[str, str | None]:
    """The post's file and, with ``comments_file``, its comments file (run in a worker)."""
    sidecar = _sidecar(post, options) if options.comments_file and (post.comments or post.pings) else None
    return document(post, options), sidecar


def write(records: Iterable[Record], out: OutputDir, options: WriteOptions) -> None:
    """Write one Markdown file per item into the folder ``out``."""
    planner = PathPlanner(out.root, options.path_template, files=out.copied)
    for record, (text, sidecar) in RenderedPosts(records, options, _render):
        relative = item_path(record, planner, options.index, options.comments_file or "")
        stem = os.path.splitext(relative)[0]
        # A post's media go in a folder named like it, beside it.
        text = localize(record, text, options, out, stem, os.path.basename(stem) + "/")
        out.write_text(relative, text)
        options.urls[record.id] = (record.link, "/" + stem.removesuffix("/index") + "/")
        if sidecar is not None:
            out.write_text(f"{stem}.comments.{options.comments_file}", sidecar)

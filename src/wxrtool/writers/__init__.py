"""The output formats: one module each, one table of them.

A writer is a function ``write(records, out, options)`` that receives the records
a :class:`~wxrtool.selection.Selector` kept, in reading order, and writes them to
``out``: a text stream for ``file`` formats, an
:class:`~wxrtool.writers._output.OutputDir` for ``directory`` formats.
``FORMATS`` is the only list of valid ``--to`` choices.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ..errors import WXRError
from ..records import Record
from ._options import WriteOptions

WriteFunction = Callable[[Iterable[Record], Any, WriteOptions], None]

# Types that are site machinery, not content: left out of page-per-item formats
# unless asked for with --type (and then accounted for as "type:...").
MACHINERY_TYPES = frozenset(
    {
        "attachment",
        "nav_menu_item",
        "revision",
        "custom_css",
        "customize_changeset",
        "oembed_cache",
        "user_request",
        "wp_block",
        "wp_global_styles",
        "wp_navigation",
        "wp_template",
        "wp_template_part",
        "wp_font_family",
        "wp_font_face",
    }
)


@dataclass(frozen=True)
class Format:
    """An output format: its ``--to`` name, a one-line summary and its writer.

    ``target`` is ``file`` or ``directory``; ``needs_index`` asks for a first pass
    over the export; ``skip_types`` are post types left out unless ``--type`` names them;
    ``keeps`` are the kinds of record (items, comments, pings) the format can hold at all.
    ``module`` names the writer's module, imported on first use: a command that writes
    JSON does not pay for the Markdown, YAML and HTML libraries. ``concatenates``: the
    output for a record stream is the output for any two halves of it, one after the
    other, and holds no line numbers; such a format is written from byte ranges of the
    export read in parallel (see :mod:`wxrtool.ranges`). ``renders``: the writer takes
    its posts through :func:`._parallel.rendered`, so workers can read and render them.
    """

    name: str
    summary: str
    target: str
    module: str
    needs_index: bool = False
    skip_types: frozenset[str] = frozenset()
    keeps: frozenset[str] = frozenset({"items", "comments", "pings"})
    concatenates: bool = False
    renders: bool = False

    @property
    def write(self) -> WriteFunction:
        """The writer, ``write(records, out, options)``."""
        writer: WriteFunction = importlib.import_module(f"{__name__}.{self.module}").write
        return writer


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("json", "one JSON document: site, authors, terms, posts with threaded comments", "file", "json_"),
        Format(
            "jsonl",
            "JSON Lines: one record per line (site, author, term, post, comment, ping)",
            "file",
            "jsonl",
            concatenates=True,
        ),
        Format(
            "wxr",
            "WXR 1.2 that WordPress's importer accepts, after the same filters",
            "file",
            "wxr",
            needs_index=True,
        ),
        Format(
            "markdown",
            "a folder of Markdown files with YAML front matter, comments threaded at the end",
            "directory",
            "markdown",
            needs_index=True,
            renders=True,
            skip_types=MACHINERY_TYPES,
        ),
        Format(
            "hugo",
            "a Hugo site: page bundles, aliases for old permalinks, comments.json beside each post",
            "directory",
            "hugo",
            needs_index=True,
            renders=True,
            skip_types=MACHINERY_TYPES,
        ),
        Format(
            "jekyll",
            "a Jekyll site: _posts, _drafts, pages with their old permalinks, Staticman comment data",
            "directory",
            "jekyll",
            needs_index=True,
            renders=True,
            skip_types=MACHINERY_TYPES,
        ),
        Format(
            "pelican",
            "Pelican content: Markdown with Pelican's metadata header, old URLs kept, comments at the end",
            "directory",
            "pelican",
            needs_index=True,
            renders=True,
            skip_types=MACHINERY_TYPES,
        ),
        Format(
            "ghost",
            "a Ghost 5 import document (posts, pages, tags, users), lengths within Ghost's limits",
            "file",
            "ghost",
            needs_index=True,
            renders=True,
            skip_types=MACHINERY_TYPES,
            keeps=frozenset({"items"}),
        ),
        Format(
            "disqus",
            "Disqus import files (its WXR dialect), threads kept, each file under 50 MB",
            "directory",
            "disqus",
            keeps=frozenset({"comments"}),
        ),
        Format(
            "remark42",
            "a remark42 backup (JSON Lines) of the comments, threads kept",
            "file",
            "remark42",
            keeps=frozenset({"comments"}),
        ),
    )
}


def get(name: str) -> Format:
    """The format called ``name``; an unknown name raises an error naming the choices."""
    try:
        return FORMATS[name]
    except KeyError:
        choices = ", ".join(FORMATS)
        raise WXRError(f"unknown format {name!r}", hint=f"choose one of: {choices}") from None

"""Content conversion: WordPress's stored HTML to the page it showed, and to Markdown.

The steps follow WordPress's ``the_content`` filters: block content is parsed and
rendered per block (:mod:`.blocks`), classic content gets ``wpautop()`` and
``shortcode_unautop()`` (:mod:`.autop`), then shortcodes are expanded
(:mod:`.shortcodes`); :mod:`.render` puts them together and :mod:`.tomarkdown`
turns the result into Markdown. Comments go through the allow-list sanitizer
first (:mod:`.sanitize`).

The names below come from :mod:`.render`, loaded when first asked for: a writer
that only sanitises comments (JSON, JSON Lines) does not pay for the converters'
start-up (their patterns compile at import).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ..index import Attachment
from .sanitize import sanitize_comment_html

if TYPE_CHECKING:
    from .render import comment_html as comment_html
    from .render import comment_markdown as comment_markdown
    from .render import plain_comment_markdown as plain_comment_markdown
    from .render import post_markdown as post_markdown
    from .render import render_post_html as render_post_html
    from .render import safe_post_html as safe_post_html
    from .shortcodes import Context as Context

__all__ = [
    "Attachment",
    "Context",
    "comment_html",
    "comment_markdown",
    "post_markdown",
    "render_post_html",
    "safe_post_html",
    "sanitize_comment_html",
]


def __getattr__(name: str) -> Any:
    if name.startswith("__") or name == "render":
        raise AttributeError(name)
    # (not "from . import render": that asks this module for the attribute first)
    render = importlib.import_module(f"{__name__}.render")
    try:
        return getattr(render, name)
    except AttributeError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None

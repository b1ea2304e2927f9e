"""Content conversion: WordPress's stored HTML to the page it showed, and to Markdown.

The steps follow WordPress's ``the_content`` filters: block content is parsed and
rendered per block (:mod:`.blocks`), classic content gets ``wpautop()`` and
``shortcode_unautop()`` (:mod:`.autop`), then shortcodes are expanded
(:mod:`.shortcodes`). :func:`post_markdown` turns the result into Markdown
(:mod:`.markdown`). Comments go through the allow-list sanitizer first
(:mod:`.sanitize`), then ``make_clickable()`` and ``wpautop()`` as on the blog.

>>> print(post_markdown("Hello *you*\\n\\n[code lang=python]\\nif a < b:\\n    pass\\n[/code]"))
Hello \\*you\\*
<BLANKLINE>
```python
if a < b:
    pass
```
"""

from __future__ import annotations

import re

from . import blocks
from .autop import shortcode_unautop, wpautop
from .markdown import DEFAULT_ENGINE, html_to_markdown
from .sanitize import make_clickable, sanitize_comment_html
from .shortcodes import SHORTCODES, Attachment, Context, do_shortcode, protect_code_shortcodes

__all__ = [
    "Attachment",
    "Context",
    "comment_html",
    "comment_markdown",
    "post_markdown",
    "render_post_html",
    "sanitize_comment_html",
]


def render_post_html(content: str, context: Context | None = None) -> str:
    """The HTML WordPress shows for a post's stored ``content``.

    ``wpautop()`` runs only on content without blocks, as WordPress does.
    """
    context = context or Context()
    if blocks.has_blocks(content):
        rendered = blocks.render(blocks.parse(content))
    else:
        rendered = shortcode_unautop(wpautop(protect_code_shortcodes(content)), SHORTCODES)
    return _unwrap_figures(do_shortcode(rendered, context))


_FIGURE_IN_P = re.compile(r"<p>(\s*<(figure|div)\b.*?</\2>)", re.S)


def _unwrap_figures(page: str) -> str:
    # A caption or gallery expands after wpautop(), inside its paragraph; a browser
    # closes the paragraph before the figure, and so does this.
    return _FIGURE_IN_P.sub(r"\1<p>", page) if "<p><" in page else page


def post_markdown(
    content: str, context: Context | None = None, engine: str = DEFAULT_ENGINE, flavor: str = "commonmark"
) -> str:
    """A post's stored content as Markdown (``flavor``: see :data:`.markdown.FLAVORS`)."""
    return html_to_markdown(render_post_html(content, context), engine, flavor)


def comment_html(content: str) -> str:
    """A comment's stored content as the blog showed it: sanitized, links made, paragraphs added."""
    return wpautop(make_clickable(sanitize_comment_html(content)))


def comment_markdown(content: str, engine: str = DEFAULT_ENGINE, flavor: str = "commonmark") -> str:
    """A comment's stored content as Markdown."""
    return html_to_markdown(comment_html(content), engine, flavor)

"""WordPress's stored HTML to the page it showed, and to Markdown: the steps of
:mod:`wxrtool.content` put together. Classic posts get ``autoembed()`` (:mod:`.autoembed`),
``wpautop()`` and shortcodes; comments are sanitised, then get ``make_clickable()`` and
``wpautop()`` as on the blog (WordPress embeds nothing in a comment).

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
from ._scan import sub_elements
from .autoembed import autoembed
from .autop import shortcode_unautop, wpautop
from .footnotes import hold_references, notes_as_html, put_notes
from .sanitize import make_clickable, note, sanitize_comment_html, sanitize_post_html, sanitize_reader_html
from .shortcodes import SHORTCODES, Context, do_shortcode, protect_code_shortcodes
from .smilies import convert_smilies
from .tomarkdown import DEFAULT_ENGINE, Relink, html_to_markdown, relink, safe_urls


def render_post_html(content: str, context: Context | None = None) -> str:
    """The HTML WordPress shows for a post's stored ``content``.

    ``wpautop()`` runs only on content without blocks, as WordPress does; footnotes written by
    a plugin's shortcodes are numbered references and a list at the end, as the plugin shows them.
    """
    context = context or Context()
    return notes_as_html(_page(content, context), context)


def _page(content: str, context: Context) -> str:
    # The page with a plugin's footnotes as words (see .footnotes), for the Markdown to number.
    if blocks.has_blocks(content):
        rendered = blocks.render(blocks.parse(content), context)
    else:
        rendered = protect_code_shortcodes(content)
        rendered = shortcode_unautop(wpautop(autoembed(rendered, context)), SHORTCODES)
    return _unwrap_figures(convert_smilies(do_shortcode(rendered, context)))


def safe_post_html(content: str, context: Context | None = None) -> str:
    """:func:`render_post_html` for a format that carries HTML to readers (Ghost): every URL
    attribute through the URL policy (see :func:`.markdown.safe_urls`), and no script, style
    or event handler (:func:`.sanitize.sanitize_reader_html`).

    >>> safe_post_html('<a href="javascript:alert(1)" onclick="x()">a</a>').strip()
    '<p><a>a</a></p>'
    """
    context = context or Context()
    return sanitize_reader_html(safe_urls(_relinked(render_post_html(content, context), context)))


def _relinked(page: str, context: Context | None) -> str:
    return relink(page, context.links if context is not None else None)


_FIGURE_IN_P = re.compile(r"<p>\s*<(figure|div)\b")  # to the first end tag after it (_scan.sub_elements)


def _unwrap_figures(page: str) -> str:
    # A caption or gallery expands after wpautop(), inside its paragraph; a browser
    # closes the paragraph before the figure, and so does this.
    return sub_elements(page, _FIGURE_IN_P, lambda m, inner, whole: whole[3:] + "<p>") if "<p><" in page else page


def post_markdown(
    content: str, context: Context | None = None, engine: str = DEFAULT_ENGINE, flavor: str = "commonmark"
) -> str:
    """A post's stored content as Markdown (``flavor``: see :data:`.markdown.FLAVORS`).

    Should the conversion fail, the post is its sanitized HTML instead (Markdown
    carries HTML), noted as ``post-as-html:<error>`` (see :func:`.sanitize.take_notes`):
    one post never stops the others.
    """
    context = context or Context()
    try:
        page = hold_references(_page(content, context), context)
        markdown = html_to_markdown(_relinked(page, context), engine, flavor)
        return put_notes(markdown, context, lambda note: html_to_markdown(_relinked(note, context), engine, flavor))
    except Exception as error:  # any failure: the post is written another way
        return _as_html(content, error)


def _as_html(content: str, error: Exception) -> str:
    note(f"post-as-html:{type(error).__name__}")
    # Raw HTML in Markdown ends at a blank line, so this has none.
    return re.sub(r"\n\s*\n", "\n", sanitize_post_html(content)).strip()


def comment_html(content: str, links: Relink | None = None) -> str:
    """A comment's stored content as the blog showed it: sanitized, links made, smilies, paragraphs
    added; with ``links``, links to other items of the export at their new addresses."""
    shown = wpautop(convert_smilies(make_clickable(sanitize_comment_html(content))))
    return relink(shown, links)


def comment_markdown(
    content: str, engine: str = DEFAULT_ENGINE, flavor: str = "commonmark", links: Relink | None = None
) -> str:
    """A comment's stored content as Markdown (its sanitized HTML should the conversion fail);
    ``links``: as :func:`comment_html`."""
    try:
        return _comment_markdown(content, engine, flavor, links)
    except Exception as error:  # any failure: the comment is written another way
        return _as_html(convert_smilies(content), error)


def _comment_markdown(content: str, engine: str, flavor: str, links: Relink | None) -> str:
    if engine == DEFAULT_ENGINE and flavor == "commonmark":
        # The fast paths take the text as it is shown, smilies converted: on plain words and
        # simple links the sanitizer changes nothing, so converting first is converting after.
        shown = convert_smilies(content)
        if _plain(shown):
            return plain_comment_markdown(shown)
        if "<a " in shown:
            linked = _linked_plain_markdown(relink(shown, links))
            if linked is not None:
                return linked
    # (smilies after sanitizing, as WordPress)
    # (a comment goes inside a list item: Python-Markdown reads no fenced code there)
    return html_to_markdown(comment_html(content, links), engine, flavor, nested=True)


# A link as commenters' links come: a plain http(s) address and a label of plain words.
_SIMPLE_LINK = re.compile(r'<a href="(https?://[A-Za-z0-9./_~%:?=-]+)">([^<>\n]+)</a>')
_TOKEN = "WXRTOOLLINK{}X"  # a link's stand-in: plain words, kept whole by the paragraph steps


def _linked_plain_markdown(content: str) -> str | None:
    """Plain words with simple links, as :func:`comment_markdown` makes them; ``None`` otherwise.

    Each link is its label as plain words for the checks, then ``[label](address)``.
    """
    if "WXRTOOLLINK" in content:
        return None  # (it spells the stand-in for a link itself)
    parts = _SIMPLE_LINK.split(content)
    texts, urls, labels = parts[0::3], parts[1::3], parts[2::3]
    if not urls or any(label != label.strip() for label in labels):
        return None
    if not _plain("".join(t + label for t, label in zip(texts, [*labels, ""], strict=True))):
        return None
    tokens = [_TOKEN.format(n) for n in range(len(urls))]
    words = "".join(t + token for t, token in zip(texts, [*tokens, ""], strict=True))
    markdown = plain_comment_markdown(words)
    for token, url, label in zip(tokens, urls, labels, strict=True):
        markdown = markdown.replace(token, f"[{' '.join(label.split())}]({url})", 1)
    return markdown


# What can make a comment's Markdown differ from its words: markup, entities, Markdown
# syntax, a link to make, white space other than spaces and newlines, and what starts
# a list or a quote at the start of a line, and a digit before "." or ")" (which the
# engine escapes wherever it is, in case it starts a numbered list).
# (The white space is what str.isspace() takes besides " " and newline.)
_NOT_PLAIN_CHAR = re.compile(
    r"[<>&\\`*_\[\]#|~{}=+^$\x00-\x09\x0b-\x1f\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
)
# (Spaces only after the newline: "[ \n]*" matched the same lines, but from every newline
# it read on to the end of a run of blank lines, which made a comment of them quadratic.)
_NOT_PLAIN_AT_LINE_START = re.compile(r"\n *[-+>:]")
_DIGIT_BEFORE_MARK = re.compile(r"\d[.)]")


def _plain(content: str) -> bool:
    # One pass per kind of test: a character class, substrings, then line starts; the
    # same test as a single alternation was a sixth of a plain comment's time.
    return (
        _NOT_PLAIN_CHAR.search(content) is None
        and "://" not in content
        and _DIGIT_BEFORE_MARK.search(content) is None
        and content.lstrip(" \n")[:1] not in ("-", "+", ">", ":")
        and _NOT_PLAIN_AT_LINE_START.search(content) is None
    )


def plain_comment_markdown(content: str) -> str:
    """What :func:`comment_markdown` makes of a comment of plain words, without the round trip.

    wpautop() makes a paragraph of each block between blank lines and a line break
    of each single newline; the HTML engine then collapses runs of spaces. Four in
    ten comments are like that, and this is twenty times faster; tests compare both
    ways on generated text.

    >>> print(plain_comment_markdown("Thanks!\\nGreat   post.\\n\\n\\nBye "))
    Thanks!\\
    Great post.
    <BLANKLINE>
    Bye
    """
    paragraphs = []
    for block in _BLANK_LINE.split(content):
        lines = [" ".join(line.split()) for line in block.split("\n")]
        text = "\\\n".join(line for line in lines if line)
        if text:
            paragraphs.append(text)
    return "\n\n".join(paragraphs)


_BLANK_LINE = re.compile(r"\n[ ]*\n")

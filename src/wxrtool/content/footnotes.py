"""Footnotes, as Markdown footnotes (``text[^1]`` and ``[^1]: the note`` at the end).

WordPress 6.3's footnotes keep each note in the post's ``footnotes`` meta (JSON: a list of
``{"id", "content"}``), mark each reference in the text with ``<sup data-fn="ID">``, and show
the list where the ``core/footnotes`` block stands. Classic sites used plugins' shortcodes:
``[ref]...[/ref]`` (Simple Footnotes), ``[footnote]...[/footnote]``, ``[efn_note]...[/efn_note]``
(Easy Footnotes): each note is written where it is referred to.

For Markdown, each reference becomes a word the converter passes on (drawn per post, so
that an export cannot spell one), then ``[^N]``, numbered in the order the notes are listed;
the notes follow the text, each converted to Markdown. For HTML (Ghost), the footnotes block
shows the list as WordPress does and the references stay links to it.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable

from .shortcodes import Context

# A reference as WordPress's editor saves it (the number inside is WordPress's own), read to its
# end before the next <sup> starts: from each of many left unclosed, to the end of the text, it
# was quadratic (20,000 in 360 KB: 29 s).
_REFERENCE = re.compile(
    r"""<sup\b[^<>]*\bdata-fn=["']([^"'<>]{1,100})["'][^<>]*>(?:(?!<sup\b).)*?</sup\s*>""", re.I | re.S
)
_MAX_NOTES = 1000  # (more is not a post's footnotes: the rest are left as they are)


def notes_of(meta: str) -> list[tuple[str, str]]:
    """The ``footnotes`` meta as ``(id, html)`` pairs, in order; ``[]`` for anything else.

    >>> notes_of('[{"id": "a1", "content": "See <em>this</em>."}]')
    [('a1', 'See <em>this</em>.')]
    """
    try:
        found = json.loads(meta) if meta.strip().startswith("[") else []
    except ValueError:
        return []
    notes = []
    for entry in found[:_MAX_NOTES] if isinstance(found, list) else []:
        if isinstance(entry, dict) and isinstance(entry.get("id"), str) and isinstance(entry.get("content"), str):
            notes.append((entry["id"], entry["content"]))
    return notes


def block_html(context: Context) -> str:
    """What the ``core/footnotes`` block shows: the notes of the post's meta, as WordPress lists them.

    Shown once, where the first such block stands: WordPress shows the whole list again at each
    one, and a post of many blocks (there is one in a post) would be blocks times notes long."""
    notes = notes_of(context.footnote_meta) if not context.footnotes_listed else []
    if not notes:
        return ""
    context.footnotes_listed = True
    items = "".join(
        f'<li id="{html.escape(id_)}">{content} <a href="#{html.escape(id_)}-link">\u21a9\ufe0e</a></li>'
        for id_, content in notes
    )
    return f'{context.mark("footnotes")}<ol class="wp-block-footnotes">{items}</ol>{context.mark("/footnotes")}'


def hold_references(page: str, context: Context) -> str:
    """``page`` (HTML) with each reference to a note a word for :func:`put_notes`, and the
    footnotes block's list taken out (the notes follow the text instead)."""
    start, end = context.mark("footnotes"), context.mark("/footnotes")
    if start in page:
        kept, done = [], 0
        while (opened := page.find(start, done)) >= 0 and (closed := page.find(end, opened)) >= 0:
            kept.append(page[done:opened])
            done = closed + len(end)
        page = "".join(kept) + page[done:]
    notes = dict(notes_of(context.footnote_meta))
    if not notes or "data-fn" not in page:
        return page

    def word(m: re.Match[str]) -> str:
        key = m.group(1)
        return context.note(notes[key], key) if key in notes else m.group(0)

    return _REFERENCE.sub(word, page)


def put_notes(markdown: str, context: Context, to_markdown: Callable[[str], str]) -> str:
    """``markdown`` with each note's word a reference ``[^N]`` and the notes at the end; a note
    whose word the conversion lost (in code, say) is still listed."""
    notes = context.notes
    if not notes:
        return markdown
    markdown = context.with_note_words(markdown, lambda index: f"[^{index + 1}]")
    listed = []
    for number, (content, _key) in enumerate(notes, 1):
        text = to_markdown(content).strip() or "\u200b"
        # A note of several paragraphs: the ones after the first indented, as Markdown wants.
        listed.append(f"[^{number}]: " + text.replace("\n", "\n    ").replace("\n    \n", "\n\n"))
    return markdown.rstrip("\n") + "\n\n" + "\n\n".join(listed)


def notes_as_html(page: str, context: Context) -> str:
    """For HTML readers (Ghost): the notes written where they are referred to (shortcodes) as
    numbered references, listed at the end; the footnotes block's list stays as it is."""
    page = page.replace(context.mark("footnotes"), "").replace(context.mark("/footnotes"), "")
    notes = context.notes
    if not notes:
        return page
    page = context.with_note_words(
        page, lambda i: f'<sup><a href="#note-{i + 1}" id="note-{i + 1}-link">{i + 1}</a></sup>'
    )
    items = "".join(
        f'<li id="note-{number}">{content} <a href="#note-{number}-link">\u21a9\ufe0e</a></li>'
        for number, (content, _) in enumerate(notes, 1)
    )
    return page + f'<ol class="footnotes">{items}</ol>'

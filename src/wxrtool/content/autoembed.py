"""WordPress's ``autoembed()``: in a classic post, a URL alone on its line is an embed.

``WP_Embed::autoembed()`` (wp-includes/class-wp-embed.php) runs on ``the_content``
before ``wpautop()``; each URL it finds is shown as :func:`.shortcodes.embed_html`
shows any embed. Block content makes its embeds in blocks, and comments get none.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_right

from ._scan import sub_elements
from .autop import html_split
from .embeds import wordpress_embeds
from .shortcodes import Context, embed_html

# WP_Embed::autoembed() (wp-includes/class-wp-embed.php): a URL alone on its line, or alone
# in a paragraph. (WordPress's "^(\s*)" may reach back over blank lines: that finds the same
# URLs as white space within the line, but tried at every line of a run of blank lines, it
# read the rest of the run each time.)
_OWN_LINE = re.compile(r"^([^\S\n]*)(https?://[^\s<>\"]+)([^\S\n]*)$", re.M | re.I)
# (A <p> tag ends before the next starts: from each of many left open, the rest was read.)
_OWN_PARAGRAPH = re.compile(r"(<p(?: (?:[^<>]|<(?!p\b))*+)?>\s*)(https?://[^\s<>\"]+)(\s*</p>)", re.I)
_MAY_EMBED = re.compile(r"(?:^|\s|>)https?://", re.I)
# Where a URL is not prose: code, a link's text, script. (WordPress embeds there too.)
_NOT_PROSE = re.compile(r"<(a|pre|code|script|style|textarea)\b[^>]*>?", re.I)


def autoembed(content: str, context: Context) -> str:
    """Classic content with each URL WordPress would embed that stands alone on its line, or
    alone in a ``<p>``, shown as :func:`.shortcodes.embed_html` shows an embed.

    This is ``WP_Embed::autoembed()`` (wp-includes/class-wp-embed.php), which runs on
    ``the_content`` before ``wpautop()``, with its ``autoembed_callback()``: that turns
    ``linkifunknown`` off, so a URL no provider knows stays the text it was
    (:func:`.shortcodes.find_embed`). As WordPress does, a line break inside a tag or a
    comment does not end a line. Unlike WordPress, a URL inside ``<pre>``, ``<code>``,
    ``<script>``, ``<style>``, ``<textarea>`` or a link is left alone.

    >>> print(autoembed("Look:\\nhttps://wordpress.tv/a/\\nhttps://example.com/", Context()))
    Look:
    <p>WordPress.tv video: <a href="https://wordpress.tv/a/">https://wordpress.tv/a/</a></p>
    https://example.com/
    """
    if "://" not in content or not _MAY_EMBED.search(content):
        return content
    return _embed_found(_embed_found(content, _OWN_LINE, context), _OWN_PARAGRAPH, context)


def _embed_found(content: str, pattern: re.Pattern[str], context: Context) -> str:
    found = [m for m in pattern.finditer(content) if wordpress_embeds(html.unescape(m.group(2)))]
    if not found:
        return content
    hidden = _hidden(content)
    out: list[str] = []
    done = 0
    for m in found:
        if any(_inside(spans, m.start(2)) for spans in hidden):
            continue
        shown = embed_html(html.unescape(m.group(2)), context)
        # A line keeps the white space around it; a paragraph becomes the embed's own.
        out += [content[done : m.start()], m.group(1) + shown + m.group(3) if pattern is _OWN_LINE else shown]
        done = m.end()
    return "".join(out) + content[done:] if out else content


def _hidden(content: str) -> list[tuple[list[int], list[int]]]:
    """Where a URL is not embedded, each as sorted starts and ends of spans that do not
    overlap: tags and comments (``wp_html_split()``), then the elements of :data:`_NOT_PROSE`."""
    tags: tuple[list[int], list[int]] = ([], [])
    at = 0
    for n, part in enumerate(html_split(content)):
        if n % 2:
            tags[0].append(at)
            tags[1].append(at + len(part))
        at += len(part)
    elements: tuple[list[int], list[int]] = ([], [])

    def note_span(m: re.Match[str], inner: str, whole: str) -> str:
        elements[0].append(m.start())
        elements[1].append(m.start() + len(whole))
        return whole

    sub_elements(content, _NOT_PROSE, note_span)
    return [tags, elements]


def _inside(spans: tuple[list[int], list[int]], position: int) -> bool:
    n = bisect_right(spans[0], position) - 1
    return n >= 0 and position < spans[1][n]

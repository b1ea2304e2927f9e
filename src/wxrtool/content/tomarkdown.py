"""Rendered HTML to Markdown: code kept byte for byte, the rest by a converter engine.

Before the engine sees the HTML, every ``<pre>`` is lifted out and replaced by a
placeholder: its text (entities decoded, ``<br>`` as newlines, highlighting
markup dropped) goes into a fenced block whose fence is longer than any run of
backticks inside, with the language read from ``language-x``, ``lang-x`` or
SyntaxHighlighter's ``brush: x``. HTML that Markdown should carry as it is
(``<!--more-->``, media elements, markers of dynamic blocks) is lifted out the
same way. The engine converts the rest with no wrapping, inline links, and
literal ``*``, ``_``, ``#`` and ``<`` escaped so text never turns into markup.

The engine is ``html-to-markdown`` (Rust core). The design card named html2text;
measured on every sample and fixture (bench/engines.py), html2text lost
structure on 29 of 493 pages in the round-trip test where html-to-markdown
lost none, and took 3.3x as long, so it did not earn a place.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import re
from collections.abc import Callable
from typing import Any

from ._scan import escape_stray_lt, limit_depth, sub_elements
from .sanitize import URL_ATTRIBUTES, note, safe_content_url, safe_srcset, sanitize_reader_html

# Start tags of the elements lifted out whole; each is read up to the first end
# tag of its name after it (see _scan.sub_elements: in time linear in the text).
_PRE = re.compile(r"<(pre)\b([^>]*)>?", re.I)
_CODE_WRAP = re.compile(r"^\s*<code\b([^>]*)>(.*)</code>\s*$", re.S | re.I)
# (A <details> too: Markdown has no closed disclosure, and its hidden text showed always.)
_KEEP_ELEMENT = re.compile(r"<(video|audio|form|iframe|dl|details)\b[^>]*>?", re.I)
# Inline elements Markdown has no form for, which WordPress's readers saw (E = MC², H₂O, an
# abbreviation's title): kept as HTML tags around text that is converted as the rest is.
_INLINE_TAG = re.compile(r"</?(sup|sub|abbr|ins|u|small|mark|kbd|dfn|q|cite)\b[^<>]*>", re.I)
# Python-Markdown has no strikethrough: "~~gone~~" showed its tildes. There the struck-out
# elements are kept as tags too.
_INLINE_TAG_PYTHON_MARKDOWN = re.compile(
    r"</?(sup|sub|abbr|ins|u|small|mark|kbd|dfn|q|cite|del|s|strike)\b[^<>]*>", re.I
)
# A list counting down (<ol reversed>): Markdown numbers up, so it is kept as HTML, read
# to its own end tag (lists nest).
# ((?=...>): the tag ends, looked at once; without it, a tag of many " reversed" and no ">" made
# the two runs try each other's lengths.)
_REVERSED_LIST = re.compile(r"<ol\b(?=[^<>]*+>)[^<>]*\s(?:reversed\b|type\s*=\s*[\"']?[aAiI]\b)[^<>]*>", re.I)
# A list numbered a., b. or I., II.: Gutenberg's list writes its type as a style, which the
# sanitizer drops; as the type attribute, the list is kept as HTML as a counting-down one is.
_LIST_STYLE = re.compile(
    r"(<ol\b[^<>]*?)\sstyle\s*=\s*[\"'][^\"'<>]*?list-style-type\s*:\s*(lower-alpha|upper-alpha|lower-roman|upper-roman)"
    r"[^\"'<>]*[\"']",
    re.I,
)
_LIST_TYPES = {"lower-alpha": "a", "upper-alpha": "A", "lower-roman": "i", "upper-roman": "I"}
_LIST_TAG = re.compile(r"<(/?)ol\b[^<>]*>", re.I)
# A link around nothing a reader sees (white space, line breaks): the engine would show its
# address as its text, glued to the next word.
_EMPTY_LINK = re.compile(r"<a\b[^<>]*>((?:\s|<br\s*/?>)*)</a\s*>", re.I)
# Where a link may lead in the page (a table of contents: "#setup"): a heading's or a paragraph's id, an empty
# link's id or name. The engine drops them; each comes back as an empty <a id> where it was.
_WITH_ID = re.compile(r"<(?:h[1-6]|p|li|dt|dd|td|th|span)\b[^<>]*\sid\s*=[^<>]*>", re.I)
_ID = re.compile(r"""\s(?:id|name)\s*=\s*(?:"([^"<>]*)"|'([^'<>]*)'|([^\s"'<>=`]+))""", re.I)
_ANCHOR_NAME = re.compile(r"[^\s\"'<>&]{1,200}")
_LINK_OPEN = re.compile(r"<a\b", re.I)
_LINK_TAG = re.compile(r"<(/?)a\b[^<>]*>?", re.I)
# Line breaks at the end of a block show nothing (a browser does not start a line it
# would leave empty), but in Markdown a hard break before "</cite>" or a cell's end is a
# stray backslash. Every run of breaks is matched once (its end tag optional), so a
# thousand breaks are one match, not a thousand tries.
_BREAK_RUN = re.compile(
    r"(?:<br\s*/?>\s*)++((?:</(?:cite|a|em|strong|b|i|span|small)\s*>\s*)*+"
    r"</(?:p|li|td|th|dd|dt|h[1-6]|figcaption|blockquote|div)\s*>)?",
    re.I,
)
# The same at a block's start (after its start tag, or after a block that ended, and any
# inline start tags): Markdown has no form for an empty first line, and kramdown shows the
# backslash of "<cite>\" (a quote's citation after a <br>).
_LEADING_BREAKS = re.compile(
    r"((?:<(?:p|li|td|th|dd|dt|h[1-6]|figcaption|blockquote|div)\b[^<>]*>|</(?:p|h[1-6]|ul|ol|table|blockquote|div)\s*>)"
    r"\s*(?:<(?:cite|a|em|strong|b|i|span|small)\b[^<>]*>\s*)*+)(?:<br\s*/?>\s*)++",
    re.I,
)
# The File block's download button follows its link with nothing between: WordPress's
# style shows a button; in Markdown the two links would read as one word.
_FILE_BUTTON = re.compile(r"(</a\s*>)(<a\b[^<>]*\bwp-block-file__button\b)", re.I)
_TITLE = re.compile(r"""\stitle\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)""", re.I)
_CODE = re.compile(r"<(code)\b[^>]*>?", re.I)
_TAG_TOKEN = re.compile(r"WXRTOOLTAG([A-Z]*)(\d+)X")
# ([^<>]: a marker missing its "-->" is not read to the end of the text each time.)
_KEEP_COMMENT = re.compile(r"<!--\s*more\b[^<>]*-->|<!--\s*nextpage\s*-->|<!-- wp:[a-z][^<>]* /-->", re.I)
_MORE_WITH_TEXT = re.compile(r"<!--\s*more\b\s*\S[^<>]*-->", re.I)


def _marker(comment: str) -> str:
    """A comment kept as it is, but ``<!--more Read on-->``, which is ``<!--more-->``: Hugo (its
    summary's end), Jekyll's ``excerpt_separator`` and the like know only that spelling, and the
    whole post was the summary. The link's words, which a static site does not show, are
    counted (``more-text-dropped``)."""
    if _MORE_WITH_TEXT.fullmatch(comment):
        note("more-text-dropped")
        return "<!--more-->"
    return comment


# A tag inside code, as an HTML parser sees one: "<" then a letter, "/", "!" or "?".
# ("a < b && c > d" is text.)
_TAG = re.compile(r"<!--.*?-->|<[A-Za-z/!?][^>]*>", re.S)
# A start tag with an attribute value, up to its ">" or the end of the text, a quoted
# value read as a parser reads it (a ">" inside does not end the tag); and an
# attribute in one. (Tags without "=" are most tags, and have no URL to check.)
_START_TAG = re.compile(r"""<[A-Za-z][^<>=]*+(?:=\s*+(?:"[^"]*+"?|'[^']*+'?)?[^>=]*+)++>?""")
# ((?<!\s)\s+: white space is read from its start only; from each of its characters, a long run
# before a tag's end was read to its end again and again.)
_ATTRIBUTE = re.compile(r"""((?:(?<!\s)\s+)?)(?<=[\s"'])([^\s"'=<>/]+)(\s*=\s*)("[^"]*"?|'[^']*'?|[^\s"'>]+)""")
_BR = re.compile(r"<br\s*/?>", re.I)
_LANGUAGE = re.compile(r"(?:\blanguage-|\blang-|\bbrush:\s*)([\w+#.-]+)", re.I)
_LANG_ATTR = re.compile(r"""\b(?:data-)?lang(?:uage)?\s*=\s*["']([\w+#.-]+)["']""", re.I)
_PLACEHOLDER = re.compile(r"^([ \t>]*)WXRTOOLKEEP([A-Z]*)(\d+)X[ \t]*$", re.M)
_INLINE_PLACEHOLDER = re.compile(r"WXRTOOLKEEP([A-Z]*)(\d+)X")
_BACKTICKS = re.compile(r"`+")
# Outside <pre>, a blank line in HTML is only white space; engines that keep it
# would split a paragraph in two.
_BLANK_LINES = re.compile(r"[ \t]*\n(?:[ \t]*\n)+[ \t]*")
_BLANK = re.compile(r"\n[ \t]*\n")  # where _BLANK_LINES can match
_BLANKS = re.compile(r"\n[ \t]*\n[ \t]*\n")  # two blank lines in a row: what there is to collapse
# Two block quotes in a row must not run together into one (a pullquote's in its <figure>).
_ADJACENT_QUOTES = re.compile(
    r"(</blockquote\s*>(?:\s*</figure\s*>)?)(\s*)((?:<figure\b[^<>]*>\s*)?<blockquote\b)", re.I
)
# A list that ends where a paragraph starts needs a blank line (inside a quote,
# "> "), or the paragraph continues the last item; engines forget it.
_LIST_END = re.compile(r"(</(?:ul|ol)\s*>)(?!\s*</(?:li|ul|ol)\b)", re.I)
_LIST_NEXT = re.compile(r"\s*<(?:ul|ol)\b", re.I)  # (a list right after the one that ends)
# The same after a table: kramdown (Jekyll) reads a quote or list right after a table's last
# row as more of it, and the whole table as a paragraph of pipes.
_TABLE = re.compile(r"<(table)\b[^>]*>?", re.I)
_VERSE = re.compile(r"""\bclass\s*=\s*["']?[^"'<>]*\bwp-block-verse\b""", re.I)
_THEAD = re.compile(r"<thead\b", re.I)
_FIRST_ROW = re.compile(r"<tr\b.*?(?:</tr\s*>|<tr\b|$)", re.I | re.S)
_TH = re.compile(r"<th\b", re.I)
_TABLE_END = re.compile(r"(</table\s*>)(?!\s*</(?:li|td|th)\b)", re.I)
# Python-Markdown (Pelican, MkDocs) wants a blank line before a quote, list or
# table that follows a paragraph; CommonMark does not mind one.
_BLOCK_AFTER_P = re.compile(r"(</p\s*>\s*)(<(?:blockquote|ul|ol|table)\b)", re.I)
_FIGURE = re.compile(r"<(figure)\b[^>]*>?", re.I)
# (A caption ends before the next one starts: read to the end from each of many, unclosed.)
_FIGCAPTION = re.compile(r"<figcaption\b[^<>]*>((?:(?!<figcaption\b).)*?)</figcaption\s*>", re.S | re.I)
# Emphasis around nothing but an image: Markdown cannot close "**" between ")" and
# a letter, so the markers would show; bold on an image shows nothing anyway.
_EMPHASIZED_IMAGE = re.compile(r"<(strong|b|em|i)>\s*((?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?)\s*</\1>", re.I)
_BLOCK_TAG = re.compile(r"<(?:table|ul|ol|div|blockquote|p|h[1-6]|figure)\b", re.I)


def code_language(attributes: str) -> str:
    """The language named in a ``<pre>``/``<code>`` tag's attributes, or ``""``.

    >>> code_language('class="brush: php; title: ; notranslate"')
    'php'
    """
    m = _LANGUAGE.search(attributes) or _LANG_ATTR.search(attributes)
    return m.group(1).lower() if m else ""


def fence(code: str, language: str = "") -> str:
    """A fenced code block holding ``code`` exactly, fence longer than any backtick run inside.

    >>> print(fence("a ``` b", "py"))
    ````py
    a ``` b
    ````
    """
    longest = max((len(run) for run in _BACKTICKS.findall(code)), default=0)
    marks = "`" * max(3, longest + 1)
    body = code if code.endswith("\n") or not code else code + "\n"
    return f"{marks}{language}\n{body}{marks}"


def pre_to_fence(attributes: str, inner: str) -> str:
    """A ``<pre>`` element's text as a fenced block."""
    return fence(*pre_code(attributes, inner))


def pre_code(attributes: str, inner: str) -> tuple[str, str]:
    """A ``<pre>`` element's text and language (``""`` when it names none)."""
    language = code_language(attributes)
    if inner.startswith("\n"):
        inner = inner[1:]  # HTML ignores a newline right after <pre> (not after <code>)
    wrapped = _CODE_WRAP.match(inner)
    if wrapped and "<code" not in wrapped.group(2).lower():
        language = code_language(wrapped.group(1)) or language
        inner = wrapped.group(2)
    return html.unescape(_TAG.sub("", _BR.sub("\n", inner))), language


def _figure(start: re.Match[str], inner: str, whole: str) -> str:
    # An image and its caption as two paragraphs: engines lose a figure's caption
    # out of list items (galleries), but never a paragraph.
    caption = _FIGCAPTION.search(inner)
    body = _FIGCAPTION.sub("", inner).strip()
    # A link left open inside a figure ends with the figure, as a browser ends it.
    body += "</a>" * (len(re.findall(r"<a\b", body, re.I)) - len(re.findall(r"</a\s*>", body, re.I)))
    body = f"<div>{body}</div>" if _BLOCK_TAG.search(body) else f"<p>{body}</p>" if body else ""
    return body + (f"<p><em>{caption.group(1).strip()}</em></p>" if caption and caption.group(1).strip() else "")


class _Spelled(Exception):
    """The engine's Markdown holds a stand-in that was not given out, or one twice: the text
    spelled one (``&#87;XRTOOLKEEP0X`` is ``WXRTOOLKEEP0X`` once the engine reads it)."""


class _Kept:
    """Pieces lifted out of the HTML, put back after the engine ran.

    Each stand-in is a word, ``WXRTOOLKEEP<nonce><n>X``: the nonce is empty, unless the text
    spelled a stand-in, when the conversion runs again with a nonce made from the text (see
    :func:`_nonce`), which the text cannot spell.
    """

    def __init__(self, nonce: str = "", indented: str = "") -> None:
        self.nonce = nonce
        # Code held as (code, language), put back fenced; as an indented block where Python-Markdown
        # reads no fence: inside a list item or a quote ("nested"), or everywhere ("all": a comment's
        # Markdown, which goes inside a list item). Python-Markdown showed a fence there as backticks.
        self.indented = indented
        self.pieces: list[str | tuple[str, str]] = []
        self.tags: list[str] = []

    def tag(self, html_tag: str) -> str:
        """A word standing for an inline tag, which the engine passes on as text."""
        self.tags.append(html_tag)
        return f"WXRTOOLTAG{self.nonce}{len(self.tags) - 1}X"

    def hold(self, markdown: str | tuple[str, str]) -> str:
        """A paragraph standing for ``markdown``, or for code held as ``(code, language)``."""
        self.pieces.append(markdown)
        return f"<p>WXRTOOLKEEP{self.nonce}{len(self.pieces) - 1}X</p>"

    def restore(self, text: str) -> str:
        if self.tags:
            text = _TAG_TOKEN.sub(self._given(self.tags, lambda m, tag: tag), text)
        if not self.pieces:
            return text

        def put_back(m: re.Match[str], piece: str | tuple[str, str]) -> str:
            prefix = m.group(1)
            if isinstance(piece, tuple):
                if self.indented == "all" or (self.indented == "nested" and prefix):
                    return _indented_code(prefix, piece[0])
                piece = fence(*piece)
            return "\n".join(prefix + line if line else prefix.rstrip() for line in piece.split("\n"))

        used: set[int] = set()
        text = _PLACEHOLDER.sub(self._given(self.pieces, put_back, used), text)
        if "WXRTOOLKEEP" in text:
            # A stand-in the engine ran into a line of text: in a table's cell, a heading, a link
            # (a cell holds no block). Put back as one line of HTML, which they hold; it was shown
            # as "WXRTOOLKEEP0X", the code or the player it stood for lost.
            text = _INLINE_PLACEHOLDER.sub(self._given(self.pieces, _inline, used), text)
        return text

    def _given(
        self, kept: list[Any], put: Callable[[re.Match[str], Any], str], used: set[int] | None = None
    ) -> Callable[[re.Match[str]], str]:
        # Each stand-in given out is put back once (``used``: over the passes that put them back);
        # one of another nonce is the text's own words.
        used = set() if used is None else used

        def back(m: re.Match[str]) -> str:
            if m.group(m.re.groups - 1) != self.nonce:
                return m.group(0)
            number = m.group(m.re.groups)
            n = int(number) if len(number) < 10 else len(kept)
            if n >= len(kept) or n in used:
                raise _Spelled
            used.add(n)
            return put(m, kept[n])

        return back


def _inline(m: re.Match[str], piece: str | tuple[str, str]) -> str:
    """A kept piece as one line of HTML: code as ``<code>`` with ``<br>`` between its lines (and
    its spaces kept), HTML on one line; a ``|`` as ``&#124;``, which ends no table cell."""
    if isinstance(piece, tuple):
        code = html.escape(piece[0].rstrip("\n"), quote=False).replace("  ", "&nbsp; ")
        piece = "<code>" + code.replace("\n", "<br>") + "</code>"
    else:
        piece = " ".join(line.strip() for line in piece.split("\n"))
    return piece.replace("|", "&#124;")


def _nonce(text: str) -> str:
    """Sixteen capital letters from a digest of ``text``: the same text, the same nonce."""
    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()
    return "".join(chr(65 + byte % 26) for byte in digest)


FLAVORS = ("commonmark", "python-markdown")
"""``commonmark`` (CommonMark/GFM: Hugo, Jekyll's kramdown GFM, most tools) or
``python-markdown`` (Pelican, MkDocs): hard breaks as two spaces, lists indented by four."""


def _html_to_markdown_engine(flavor: str = "commonmark") -> Callable[[str], str]:
    import html_to_markdown

    python_markdown = flavor == "python-markdown"
    options = html_to_markdown.ConversionOptions(
        heading_style="atx",
        bullets="-",
        strong_em_symbol="*",
        escape_asterisks=True,
        escape_underscores=True,
        escape_misc=True,
        autolinks=True,
        expand_abbreviations=False,
        highlight_style="html",
        extract_metadata=False,
        wrap=False,
        newline_style="spaces" if python_markdown else "backslash",
        list_indent_width=4 if python_markdown else 2,
        code_block_style="backticks",
        link_style="inline",
        br_in_tables=True,  # (a line break in a cell kept as <br>: a cell is one line of Markdown)
    )

    # The public convert() rebuilds the Rust options object on every call, which
    # cost more than the conversion itself on short posts; build it once.
    try:
        from html_to_markdown import _html_to_markdown as native
        from html_to_markdown.api import _to_rust_conversion_options

        prepared = _to_rust_conversion_options(options)

        def convert(text: str) -> str:
            return str(native.convert(html=text, options=prepared, visitor=None).content)

    except (ImportError, AttributeError, TypeError):  # a future release moved them

        def convert(text: str) -> str:
            return str(html_to_markdown.convert(text, options).content)

    return convert


ENGINES: dict[str, Callable[..., Callable[[str], str]]] = {"html-to-markdown": _html_to_markdown_engine}
"""Engine factories by name; bench/engines.py adds others to compare them."""
DEFAULT_ENGINE = "html-to-markdown"
_loaded: dict[tuple[str, str], Callable[[str], str]] = {}


def engine(name: str = DEFAULT_ENGINE, flavor: str = "commonmark") -> Callable[[str], str]:
    """The converter function of the engine called ``name`` for ``flavor``, loaded once."""
    if (name, flavor) not in _loaded:
        factory = ENGINES[name]
        _loaded[name, flavor] = factory(flavor) if flavor != "commonmark" else factory()
    return _loaded[name, flavor]


def html_to_markdown(
    text: str, engine_name: str = DEFAULT_ENGINE, flavor: str = "commonmark", *, nested: bool = False
) -> str:
    """Convert rendered HTML to Markdown, code blocks and kept HTML exactly as they were; ``nested``:
    the Markdown goes inside a list item (a comment's), where Python-Markdown reads no fenced code.

    >>> print(html_to_markdown('<p>a *b*</p><pre class="lang-py">x = 1</pre>'))
    a \\*b\\*
    <BLANKLINE>
    ```py
    x = 1
    ```
    """
    indented = ("all" if nested else "nested") if flavor == "python-markdown" else ""
    if "WXRTOOL" not in text:
        with contextlib.suppress(_Spelled):  # (spelled with an entity, or in pieces the engine joins)
            return _to_markdown(text, _Kept("", indented), engine_name, flavor)
    return _to_markdown(text, _Kept(_nonce(text), indented), engine_name, flavor)


def _to_markdown(text: str, kept: _Kept, engine_name: str, flavor: str) -> str:
    if "<" in text:
        if "<table" in text or "<TABLE" in text:  # (first: code in a cell stays a block of the kept table)
            text = sub_elements(text, _TABLE, lambda m, inner, whole: _table(kept, inner, whole))
        text = sub_elements(text, _PRE, lambda m, inner, whole: _pre(kept, m.group(2), inner, whole))
        text = escape_stray_lt(text)
        if len(_LINK_OPEN.findall(text)) > text.count("</a") + text.count("</A"):
            text = close_links(text)
        text = limit_depth(text)
        text = safe_urls(text)
        # Raw HTML in Markdown ends at a blank line, so kept HTML has none.
        text = sub_elements(text, _KEEP_ELEMENT, lambda m, inner, whole: _keep(kept, sanitize_reader_html(whole)))
        if "<!--" in text:
            text = _KEEP_COMMENT.sub(lambda m: _keep(kept, _marker(m.group(0))), text)
        if "list-style-type" in text:
            text = _LIST_STYLE.sub(lambda m: f'{m.group(1)} type="{_LIST_TYPES[m.group(2).lower()]}"', text)
        if "reversed" in text or "type=" in text or "TYPE=" in text:
            text = _keep_reversed_lists(text, kept)
        if "<br" in text or "<BR" in text:
            text = _BREAK_RUN.sub(lambda m: m.group(1) if m.group(1) else m.group(0), text)
            text = _LEADING_BREAKS.sub(r"\1", text)
        if "</a" in text or "</A" in text:
            text = _EMPTY_LINK.sub(lambda m: _anchor_of(m.group(0), kept) + m.group(1), text)
            text = _FILE_BUTTON.sub(r"\1 \2", text)
        if " id=" in text or " ID=" in text:
            text = _WITH_ID.sub(lambda m: m.group(0) + _anchor_of(m.group(0), kept), text)
        inline = _INLINE_TAG_PYTHON_MARKDOWN if flavor == "python-markdown" else _INLINE_TAG
        if inline.search(text):
            text = _inline_tags(text, kept, inline)
    if _BLANK.search(text):  # (a literal-led search: much faster than the sub finding nothing)
        text = _BLANK_LINES.sub("\n", text)
    # (Python-Markdown joins two quotes a blank line apart: an HTML comment between them it does not)
    between = "<!-- -->" if flavor == "python-markdown" else ""
    text = _ADJACENT_QUOTES.sub(lambda m: m.group(1) + kept.hold(between) + m.group(3), text)
    # (two lists in a row are one to every engine when nothing stands between them: a comment does)
    text = _LIST_END.sub(lambda m: m.group(1) + kept.hold("<!-- -->" if _LIST_NEXT.match(text, m.end()) else ""), text)
    if "</table" in text or "</TABLE" in text:
        text = _TABLE_END.sub(lambda m: m.group(1) + kept.hold(""), text)
    text = _BLOCK_AFTER_P.sub(lambda m: m.group(1) + kept.hold("") + m.group(2), text)
    if "<figure" in text or "<FIGURE" in text:
        text = sub_elements(text, _FIGURE, _figure)
    text = _EMPHASIZED_IMAGE.sub(r"\2", text)
    markdown = engine(engine_name, flavor)(text)
    if "\\" in markdown:
        markdown = _unescape_needless(markdown, flavor)
    if "{" in markdown:
        markdown = escape_braces(markdown)
    if "$$" in markdown and flavor == "commonmark":
        markdown = escape_math(markdown)
    if "<<" in markdown or ">>" in markdown:
        markdown = _no_angle_quotes(markdown)
    if ":" in markdown:
        # (a line of text starting ": " after another is a definition to Hugo, kramdown and
        # Python-Markdown: "Term\n: text" was shown as a definition list; "&#58;" is the colon)
        markdown = _DEFINITION_LINE.sub(r"\1&#58;", markdown)
    markdown = kept.restore(markdown)
    if _BLANKS.search(markdown):
        markdown = _collapse_blank_lines(markdown)
    return markdown.strip("\n")


# Escapes that only matter at the start of a line (list items, headings, setext
# underlines, quotes, "1." and "1)" list markers), before something entity-like or
# tag-like, or around emphasis; elsewhere they only make the text harder to read
# (``HTML5\.``, ``snake\_case``, ``a \< b``), so they go. Code spans are left alone.
# An underscore between letters or digits opens and closes nothing in CommonMark,
# kramdown or Python-Markdown; "<" opens raw HTML or an autolink only before a letter,
# "/", "!" or "?".
_NEEDLESS_FORM = r"\\([{}])|\\&(?![A-Za-z0-9#]+;)|(?<=[^\W_])\\(_)(?=[^\W_])|\\(<)(?![A-Za-z/!?])"
_NEEDLESS = re.compile(_NEEDLESS_FORM.format("-+=#.)>"))
_NEEDLESS_PYTHON_MARKDOWN = re.compile(_NEEDLESS_FORM.format("-+=#.)"))  # (">" stays: see _unescape_needless)
# A line's containers (quote markers, list markers, nested) and its first character, or a
# "1\." that is not a list item: the escape there is kept.
_LINE_START = re.compile(r"^(?:[ \t]*(?:>|(?:[-+*]|\d{1,9}[.)])(?=[ \t])))*[ \t]*(?:\d{1,9}\\[.)]|\S?)")
_DEFINITION_LINE = re.compile(r"^((?:>[ \t]?)*[ \t]{0,3}):(?=[ \t]|$)", re.M)
_FENCE_LINE = re.compile(r"^[ \t>]*(`{3,}|~{3,})")


def escape_braces(markdown: str) -> str:
    """Markdown with every ``{`` outside code escaped: text that kramdown (Jekyll) and
    Python-Markdown's ``attr_list`` (Pelican) would read as attributes (``{: onfocus=...}``)
    or raw HTML (``{::nomarkdown}``). Every engine shows ``\\{`` as ``{``.

    >>> print(escape_braces('x{: onclick="y"} and `{code}`'))
    x\\{: onclick="y"} and `{code}`
    """
    return _escape_outside_code(markdown, "{", "\\{")


def escape_math(markdown: str) -> str:
    """Markdown with every ``$$`` outside code escaped: kramdown (Jekyll) reads ``$$...$$`` as
    math and shows a comment's "the $$ in my bank account" as a formula. CommonMark engines
    show ``\\$`` as ``$``; Python-Markdown does not (it has no math), so Pelican's flavor is left alone.

    >>> print(escape_math('costs $$ and `$$`'))
    costs \\$\\$ and `$$`
    """
    return _escape_outside_code(markdown, "$$", "\\$\\$")


def _escape_outside_code(markdown: str, text: str, escaped: str) -> str:
    """``markdown`` with ``text`` made ``escaped`` everywhere but in fenced code blocks and code spans."""
    lines = markdown.split("\n")
    fenced = False
    for n, line in enumerate(lines):
        if _FENCE_LINE.match(line):
            fenced = not fenced
        elif not fenced and text in line:
            lines[n] = (
                _outside_code_spans(line, lambda part: part.replace(text, escaped))
                if "`" in line
                else line.replace(text, escaped)
            )
    return "\n".join(lines)


def _no_angle_quotes(markdown: str) -> str:
    """``<<`` and ``>>`` in text as entities: Hugo's typographer and kramdown made guillemets of
    them (a post's ``cout << x`` showed ``cout « x``), where WordPress showed them as written. A
    line's quote markers and its code spans are left as they are.

    >>> print(_no_angle_quotes("> cout << x >> y and `a << b`"))
    > cout &lt;&lt; x &gt;&gt; y and `a << b`
    """
    lines = markdown.split("\n")
    for n, line in enumerate(lines):
        if "<<" in line or ">>" in line:
            head = len(line) - len(line.lstrip(" \t>"))  # (its quote markers, "> >")
            lines[n] = line[:head] + _outside_code_spans(line[head:], _angles_as_entities)
    return "\n".join(lines)


_ANGLE_QUOTES = re.compile(r"<<|>>")


def _angles_as_entities(text: str) -> str:
    return _ANGLE_QUOTES.sub(lambda m: "&lt;&lt;" if m.group() == "<<" else "&gt;&gt;", text)


def _outside_code_spans(line: str, change: Callable[[str], str]) -> str:
    """One line of Markdown with ``change`` made to each piece of it outside its code spans."""
    out, at = [], 0
    for start, end in code_spans(line):
        out.append(change(line[at:start]))
        out.append(line[start:end])
        at = end
    out.append(change(line[at:]))
    return "".join(out)


def code_spans(line: str) -> list[tuple[int, int]]:
    """Where the code spans of one line of Markdown are, as CommonMark finds them: a run of
    backticks not escaped by a backslash opens one, the next run of the same length closes it.

    Anything taken for code here is left as it is, so a span found where there is none
    would let text through unescaped: an escaped backtick opens nothing.

    >>> code_spans("a `x` b ``y ` z`` c \\\\`d` e")  # (an escaped backtick opens nothing)
    [(2, 5), (8, 17)]
    """
    runs: list[tuple[int, int, bool]] = []  # (start, length, the first backtick escaped)
    i, n = 0, len(line)
    while i < n:
        i = line.find("`", i)
        if i < 0:
            break
        j = i
        while j < n and line[j] == "`":
            j += 1
        backslashes = 0
        while i - backslashes > 0 and line[i - backslashes - 1] == "\\":
            backslashes += 1
        runs.append((i, j - i, backslashes % 2 == 1))
        i = j
    # The closer of an opener of length L is the next run of length L: one pointer per length,
    # only ever moving forward, keeps this linear however the runs are laid out.
    by_length: dict[int, list[int]] = {}
    for index, (_, length, _) in enumerate(runs):
        by_length.setdefault(length, []).append(index)
    pointer = dict.fromkeys(by_length, 0)
    spans: list[tuple[int, int]] = []
    index = 0
    while index < len(runs):
        start, length, escaped = runs[index]
        if escaped:  # "\`": the first backtick is text, the rest of the run may open
            start, length = start + 1, length - 1
        candidates = by_length.get(length, [])
        k = pointer.get(length, 0)
        while k < len(candidates) and candidates[k] <= index:
            k += 1
        if length:
            pointer[length] = k
        if length and k < len(candidates):
            closer = candidates[k]
            spans.append((start, runs[closer][0] + length))
            index = closer + 1
        else:
            index += 1
    return spans


def _anchor_of(tag: str, kept: _Kept) -> str:
    """A word standing for ``<a id="..."></a>`` when the start tag ``tag`` has an id (or a link's
    name) a page can be linked to, else ''."""
    m = _ID.search(tag)
    name = next((g for g in m.groups() if g is not None), "") if m else ""
    if not _ANCHOR_NAME.fullmatch(name):
        return ""
    return kept.tag(f'<a id="{name}"></a>')


def _inline_tags(text: str, kept: _Kept, inline: re.Pattern[str] = _INLINE_TAG) -> str:
    """``text`` with the inline tags of ``inline`` (:data:`_INLINE_TAG`) as words for the engine to pass on,
    except inside ``<code>``: a code span cannot hold HTML, and shows its text as it is."""
    if "WXRTOOLCODE" in text:
        return text  # (it spells the stand-in itself)
    codes: list[str] = []

    def hide(m: re.Match[str], inner: str, whole: str) -> str:
        codes.append(whole)
        return f"WXRTOOLCODE{len(codes) - 1}X"

    hidden = sub_elements(text, _CODE, hide) if "<code" in text.lower() else text
    hidden = inline.sub(lambda m: kept.tag(_clean_inline(m)), hidden)
    return re.sub(r"WXRTOOLCODE(\d+)X", lambda m: codes[int(m.group(1))], hidden) if codes else hidden


def _clean_inline(m: re.Match[str]) -> str:
    """The tag of an inline element as it is kept: its name, and an ``abbr``'s or ``dfn``'s title."""
    name = m.group(1).lower()
    if m.group(0).startswith("</"):
        return f"</{name}>"
    title = _TITLE.search(m.group(0)) if name in ("abbr", "dfn") else None
    if title is None:
        return f"<{name}>"
    value = html.unescape(title.group(1).strip("\"'"))
    return f'<{name} title="{html.escape(value, quote=True)}">'


def close_links(text: str) -> str:
    """HTML with each link closed before the next one opens, as an HTML parser closes it.

    (A link cannot hold another. Left open, links make the engine's time grow with the
    square of their number.)

    >>> close_links('<a href="/1">one <a href="/2">two</a> <A>three')
    '<a href="/1">one </a><a href="/2">two</a> <A>three'
    """
    out: list[str] = []
    done = 0
    open_link = False
    for tag in _LINK_TAG.finditer(text):
        if tag.group(1):
            open_link = False
        elif open_link:
            out += [text[done : tag.start()], "</a>"]
            done = tag.start()
        else:
            open_link = True
    return "".join(out) + text[done:] if out else text


def _keep_reversed_lists(text: str, kept: _Kept) -> str:
    """Each ``<ol reversed>``, or numbered by letters or roman numerals (``type="a"``: Markdown
    numbers up from 1), with the lists inside it, kept as sanitized HTML; one pass."""
    out: list[str] = []
    done = 0
    for start in _REVERSED_LIST.finditer(text):
        if start.start() < done:
            continue  # inside a list already kept
        depth = 0
        for tag in _LIST_TAG.finditer(text, start.start()):
            depth += -1 if tag.group(1) else 1
            if depth == 0:
                out += [text[done : start.start()], _keep(kept, sanitize_reader_html(text[start.start() : tag.end()]))]
                done = tag.end()
                break
        else:
            break  # never closed: left to the engine, as a browser would close it at the end
    return "".join(out) + text[done:] if out else text


def _keep(kept: _Kept, piece: str) -> str:
    return kept.hold(_BLANK_LINES.sub("\n", piece.strip()))


def _pre(kept: _Kept, attributes: str, inner: str, whole: str) -> str:
    """A ``<pre>``: code, held to be fenced; a Verse block's (``wp-block-verse``) is a poem, shown in
    the text's font with its italics and links, kept as HTML, its stanzas' blank lines too (a
    ``<pre>`` of raw HTML ends at its end tag, not at a blank line). It was a code block, its
    markup lost."""
    if _VERSE.search(attributes):
        return kept.hold(sanitize_reader_html(whole).strip())
    return kept.hold(pre_code(attributes, inner))


def _headed(table: str) -> bool:
    """Whether a table (its inner HTML) has a header: a ``<thead>``, or ``<th>`` in its first row.
    Markdown's tables have one; the engine made one of the first row of a table without."""
    if _THEAD.search(table):
        return True
    first = _FIRST_ROW.search(table)
    return first is not None and _TH.search(first.group()) is not None


def _table(kept: _Kept, inner: str, table: str) -> str:
    """A table with a header as it is, for the engine; one without, kept as HTML (Markdown has no
    table without one: its first row was made a header, and a one-row table was shown by Jekyll
    as its source), code in its cells as blocks."""
    return table if _headed(inner) else _keep(kept, sanitize_reader_html(table))


def safe_urls(text: str) -> str:
    """HTML with every URL attribute through the URL policy, and no event handler.

    A link or image address that is not a URL to keep loses its attribute (the text
    of the link stays); the others are percent-encoded where they must be
    (:func:`.sanitize.safe_url`). Tags without either come back as they were.

    >>> safe_urls('<a href="javascript:x()" onclick="y()">a</a> <img src="/a b.png">')
    '<a>a</a> <img src="/a%20b.png">'
    """
    return _START_TAG.sub(_safe_tag, text) if "=" in text else text


Relink = Callable[[str], "str | None"]
"""A link's address -> the address to write instead, or ``None`` to keep it (see :func:`relink`)."""

_ANCHOR_START = re.compile(r"<a\s", re.I)


def relink(text: str, new_address: Relink | None) -> str:
    """HTML with each link's ``href`` that ``new_address`` answers for replaced by its answer
    (links to other items of the export: :mod:`wxrtool.itemlinks`); the rest as it was, and all
    of it without ``new_address``.

    Attributes are read one after another as a parser reads them, so an ``href=`` inside
    another attribute's value is not taken for the link's.

    >>> relink('<a title="href=x" href="/old/">a</a> <a href="/other/">b</a>', {"/old/": "/new/"}.get)
    '<a title="href=x" href="/new/">a</a> <a href="/other/">b</a>'
    """
    if new_address is None or not _ANCHOR_START.search(text):
        return text

    def attribute(m: re.Match[str]) -> str:
        raw = m.group(4)
        if m.group(2).lower() != "href" or (raw[:1] in "\"'" and (len(raw) < 2 or raw[-1] != raw[0])):
            return m.group(0)
        new = new_address(html.unescape(raw[1:-1] if raw[:1] in "\"'" else raw).strip())
        return m.group(0) if new is None else f'{m.group(1)}{m.group(2)}{m.group(3)}"{html.escape(new)}"'

    def tag(m: re.Match[str]) -> str:
        # (Every start tag is read, not only links': "<a href>" inside another's attribute is text.)
        found = m.group(0)
        return _ATTRIBUTE.sub(attribute, found) if _ANCHOR_START.match(found) else found

    return _START_TAG.sub(tag, text)


def _safe_tag(m: re.Match[str]) -> str:
    tag = m.group(0)
    if "=" not in tag:
        return tag
    return _ATTRIBUTE.sub(_safe_attribute, tag)


def _safe_attribute(m: re.Match[str]) -> str:
    name = m.group(2).lower()
    if name.startswith("on"):
        return ""  # an event handler: script, whatever its value
    if name not in URL_ATTRIBUTES:
        return m.group(0)
    raw = m.group(4)
    quote = raw[:1] if raw[:1] in "\"'" else ""
    if quote and (len(raw) < 2 or not raw.endswith(quote)):
        return ""  # a quoted value left open: a parser reads it past this tag
    value = html.unescape(raw[1:-1] if quote else raw)
    url = safe_srcset(value) if name == "srcset" else safe_content_url(value, image=name in ("src", "poster"))
    if url == value:
        return m.group(0)
    if not url:
        return ""
    return f'{m.group(1)}{m.group(2)}="{html.escape(url)}"'


def _unescape(text: str, needless: re.Pattern[str] = _NEEDLESS) -> str:
    return needless.sub(lambda e: e.group(0)[1:], text)


def _unescape_needless(markdown: str, flavor: str = "commonmark") -> str:
    # Python-Markdown cannot escape "<" ("\<" is a backslash, then a tag): there the escaped
    # ">" is what keeps "\<img onerror=...\>" from being a tag, so it stays.
    needless = _NEEDLESS_PYTHON_MARKDOWN if flavor == "python-markdown" else _NEEDLESS

    def line_fix(line: str) -> str:
        if "\\" not in line:
            return line
        start = _LINE_START.match(line)
        head = start.end() if start else 0
        if line[head - 1 : head] == "\\":
            head += 1  # keep the escape of the line's first character
        return line[:head] + _outside_code_spans(line[head:], lambda part: _unescape(part, needless))

    lines = (line_fix(line) for line in markdown.split("\n"))
    escapes = _PYTHON_MARKDOWN_ESCAPES if flavor == "python-markdown" else _KRAMDOWN_ESCAPES
    return "\n".join(_known_escapes(line, escapes) if "\\" in line else line for line in lines)


# The characters Python-Markdown takes a backslash before (with its "extra" extensions, as
# Pelican has them); before any other ("\<", "\~", "\&", "\="), the backslash shows. And those
# kramdown (Jekyll) does, of CommonMark's (every ASCII punctuation character): before "&", "~",
# "^" or "@", kramdown shows the backslash ("\&amp;" for a post's "&amp;"). Such an escape is
# written as the character's entity, which is the character and never syntax, to every engine.
_PYTHON_MARKDOWN_ESCAPES = frozenset("\\`*_{}[]()>#+-.!|")
_KRAMDOWN_ESCAPES = frozenset("\\.*_+-`()[]{}#!:|\"'$=<>")
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def _known_escapes(line: str, escapes: frozenset[str]) -> str:
    """One line of Markdown, outside its code spans, with each escape of a character not in
    ``escapes`` written as the character's entity (``a \\~ b``: ``a &#126; b``)."""

    def known(m: re.Match[str]) -> str:
        return m.group(0) if m.group(1) in escapes else f"&#{ord(m.group(1))};"

    return _outside_code_spans(line, lambda part: _ESCAPE.sub(known, part))


def _indented_code(prefix: str, code: str) -> str:
    """``code`` as an indented block after ``prefix`` (a list item's indentation, a quote's ``>``),
    as Python-Markdown reads code where it reads no fence: its language is left out (Pelican's
    highlighting would show a ``:::lang`` line as code where it is not set up).

    >>> print(_indented_code("    ", "x = 1\\n\\ny\\n"))
            x = 1
    <BLANKLINE>
            y
    """
    lines = code[:-1].split("\n") if code.endswith("\n") else code.split("\n")
    return "\n".join(f"{prefix}    {line}" if line.strip() else prefix.rstrip() for line in lines)


def _collapse_blank_lines(markdown: str) -> str:
    """At most one blank line between blocks, never touching the inside of a fence."""
    out: list[str] = []
    fence: str | None = None
    for line in markdown.split("\n"):
        m = _FENCE_LINE.match(line)
        if fence is None and m:
            fence = m.group(1)
        elif fence is not None and m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
            fence = None
        elif fence is None and not line.strip() and out and not out[-1].strip():
            continue
        out.append(line)
    return "\n".join(out)

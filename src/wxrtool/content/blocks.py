"""Gutenberg blocks: the block comment grammar, parsed into a tree, rendered per block.

A block post stores ``<!-- wp:name {"json":"attrs"} -->inner HTML<!-- /wp:name -->``,
self-closing ``<!-- wp:name /-->`` for blocks with nothing saved, nested freely.
The tokenizer is the regular expression of WordPress's ``WP_Block_Parser``.
Static blocks saved the HTML WordPress shows, so most render as their inner HTML
with their inner blocks in place; the few that WordPress renders on the server
(embeds, the read-more marker, dynamic blocks) get a static equivalent here.
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Union

from ..quirks import parse_id
from .footnotes import block_html
from .sanitize import note
from .shortcodes import Context, embed_html

_TOKEN = re.compile(
    r"<!--\s+(?P<closer>/)?wp:(?P<namespace>[a-z][a-z0-9_-]*/)?(?P<name>[a-z][a-z0-9_-]*)\s+"
    r"(?P<attrs>\{(?:(?:[^}]+|\}+(?=\})|(?!\}\s+/?-->).)*+)?\}\s+)?(?P<void>/)?-->",
    re.S,
)


@dataclass
class Block:
    """One block: ``name`` is ``core/paragraph``-style, ``None`` for freeform HTML between blocks.

    ``inner`` interleaves HTML strings and inner blocks in document order.
    """

    name: str | None
    attrs: dict[str, Any] = field(default_factory=dict)
    inner: list[Union[str, Block]] = field(default_factory=list)  # noqa: UP007
    void: bool = False

    @property
    def inner_html(self) -> str:
        """The block's own HTML, inner blocks left out."""
        return "".join(part for part in self.inner if isinstance(part, str))

    def walk(self) -> Iterator[Block]:
        """This block and every block inside it, depth first (without recursion: blocks nest without limit)."""
        stack: list[Block] = [self]
        while stack:
            block = stack.pop()
            yield block
            stack += reversed([part for part in block.inner if isinstance(part, Block)])


def has_blocks(content: str) -> bool:
    """Whether WordPress would treat ``content`` as block content (``has_blocks()``)."""
    return "<!-- wp:" in content


_TOKEN_START = re.compile(r"<!--\s+/?wp:")
_ATTRS_END = re.compile(r"\}\s+/?-->")
# _TOKEN without its JSON: what it can match where no "} -->" is left to end the JSON.
_BARE_TOKEN = re.compile(
    r"<!--\s+(?P<closer>/)?wp:(?P<namespace>[a-z][a-z0-9_-]*/)?(?P<name>[a-z][a-z0-9_-]*)\s+"
    r"(?P<attrs>)(?P<void>/)?-->"
)


def _tokens(content: str) -> Iterator[re.Match[str]]:
    """``_TOKEN.finditer(content)``, in time linear in ``content``.

    The pattern reads a comment's JSON up to a "}" before "-->"; where none is left,
    each try would read to the end. Where the last one is, is looked up once.
    """
    position = 0
    attrs_end: re.Match[str] | None = None
    none_left_from = len(content) + 1  # no "} -->" at or after this
    while True:
        start = _TOKEN_START.search(content, position)
        if start is None:
            return
        if start.start() >= none_left_from:
            m = _BARE_TOKEN.match(content, start.start())
        else:
            m = _TOKEN.match(content, start.start())
            if m is None and (attrs_end is None or attrs_end.start() < start.end()):
                attrs_end = _ATTRS_END.search(content, start.end())
                if attrs_end is None:
                    none_left_from = start.start()
        if m is None:
            position = start.start() + 1
            continue
        yield m
        position = m.end()


def _attrs(text: str | None) -> dict[str, Any]:
    if not text:
        return {}
    if text.count("[") + text.count("{") > _MAX_ATTRIBUTE_DEPTH and _depth(text) > _MAX_ATTRIBUTE_DEPTH:
        # (json.loads recurses as deep as the text nests: 5,000 "[" stopped --to ghost with a
        # RecursionError; no block's attributes nest more than a few levels.)
        note("block-attributes-too-deep")
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


_MAX_ATTRIBUTE_DEPTH = 64
# A JSON string (read once to its end, or to the text's end when it never closes: each escape
# is not the start of another try), or a bracket.
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*+"?|([][{}])', re.S)


def _depth(text: str) -> int:
    """How deep the arrays and objects of a JSON text nest (its strings left out), in one pass.

    >>> _depth('{"a": [[1], "]]]"], "b": {}}'), _depth('{"x": "\\\\"' + '\\\\"' * 3)
    (3, 1)
    """
    depth = deepest = 0
    for m in _JSON_TOKEN.finditer(text):
        bracket = m.group(1)
        if bracket is not None:
            depth += 1 if bracket in "[{" else -1
            deepest = max(deepest, depth)
    return deepest


def parse(content: str) -> list[Block]:
    """Parse block content into top-level blocks (freeform HTML between them included).

    Unbalanced markup is closed leniently: a closer with no opener is kept as text,
    and blocks still open at the end are closed there.

    >>> [b.name for b in parse('<!-- wp:paragraph --><p>a</p><!-- /wp:paragraph -->x')]
    ['core/paragraph', None]
    """
    root = Block(name=None)
    stack: list[Block] = [root]
    open_names: Counter[str | None] = Counter()  # (of the blocks on the stack: a closer asks it)
    position = 0
    for m in _tokens(content):
        if m.start() > position:
            _append_html(stack, content[position : m.start()])
        position = m.end()
        name = (m.group("namespace") or "core/") + m.group("name")
        if m.group("closer"):
            if open_names[name]:
                while stack[-1].name != name:
                    open_names[stack.pop().name] -= 1
                open_names[stack.pop().name] -= 1
            else:
                _append_html(stack, m.group(0))
            continue
        block = Block(name=name, attrs=_attrs(m.group("attrs")), void=bool(m.group("void")))
        stack[-1].inner.append(block)
        if not block.void:
            stack.append(block)
            open_names[name] += 1
    if position < len(content):
        _append_html(stack, content[position:])
    return [part if isinstance(part, Block) else Block(name=None, inner=[part]) for part in root.inner]


def _append_html(stack: list[Block], text: str) -> None:
    if len(stack) == 1 and not text.strip():
        return  # white space between top-level blocks
    stack[-1].inner.append(text)


def block_names(content: str) -> Iterator[str]:
    """The name of every block in ``content``, nested ones included, for ``stats``."""
    for m in _tokens(content):
        if not m.group("closer"):
            namespace = m.group("namespace")
            yield (namespace or "") + m.group("name")


def _comment(block: Block) -> str:
    short = block.name.removeprefix("core/") if block.name else ""
    attrs = " " + json.dumps(block.attrs, ensure_ascii=False, separators=(",", ":")) if block.attrs else ""
    return f"<!-- wp:{short}{attrs} /-->"


# An embed's URL, and its caption. (A run without white space or a tag, and a caption ending before
# the next starts: from each of many wrappers or captions unclosed, the text was read to its end.)
_EMBED_WRAPPER = re.compile(r'wp-block-embed__wrapper">\s*+((?:(?!wp-block-embed__wrapper")[^\s<])++)\s*</div>')
_EMBED_CAPTION = re.compile(r"<figcaption[^<>]*>((?:(?!<figcaption).)*?)</figcaption>", re.S)


def _embed(block: Block, context: Context) -> str:
    url = str(block.attrs.get("url", "")).strip()
    if not url:
        m = _EMBED_WRAPPER.search(block.inner_html)
        url = html.unescape(m.group(1)) if m else ""
    caption = _EMBED_CAPTION.search(block.inner_html)
    return embed_html(url, context) + (f"<p><em>{caption.group(1)}</em></p>" if caption else "")


def render(blocks: list[Block], context: Context | None = None) -> str:
    """The HTML WordPress would show for ``blocks``, with static stand-ins for server-rendered ones
    (an embed as :func:`.shortcodes.embed_html` shows it, in ``context``)."""
    context = context or Context()
    out: list[str] = []
    # Depth first without recursion (blocks nest without limit): a block's parts
    # are pushed in reverse, so they come off the stack in order.
    stack: list[str | Block | _Leave] = list(reversed(blocks))
    showing: set[int] = set()  # (the reusable blocks being shown, each inside the one before)
    while stack:
        part = stack.pop()
        if isinstance(part, str):
            out.append(part)
            continue
        if isinstance(part, _Leave):
            showing.discard(part.ref)
            continue
        if part.name == "core/block":
            stack += _reusable(part, context, showing)
            continue
        whole = _render_whole(part, context)
        if whole is not None:
            out.append(whole)
        else:
            stack += reversed(part.inner)
            if part.name == "core/cover" and (background := _cover_background(part)):
                stack.append(background)  # (before the cover: the next part taken)
    return "".join(out)


@dataclass(frozen=True)
class _Leave:
    """Where a reusable block's parts end, on :func:`render`'s stack."""

    ref: int


def _reusable(block: Block, context: Context, showing: set[int]) -> list[str | Block | _Leave]:
    """What a reusable block (``<!-- wp:block {"ref":N} /-->``) shows, to go on :func:`render`'s
    stack: the ``wp_block`` item's blocks, as ``render_block_core_block()`` shows them.

    As WordPress, nothing for a block inside itself (a cycle); and for one the export lacks
    (WordPress showed it if the site had it) its comment stays, and the account says
    ``reusable-block-missing``; past what the post may show (:func:`.shortcodes.reusable_budget`), a
    line saying so.
    """
    ref = parse_id(str(block.attrs.get("ref", "")))
    content = context.reusable.get(ref) if ref is not None else None
    if ref is None or content is None:
        note("reusable-block-missing")
        return ["\n" + _comment(block) + "\n"]
    if ref in showing:
        note("reusable-block-in-itself")
        return []
    if len(content) > context.reusable_bytes_left:
        note("reusable-block-over-limit")
        return [f"<p>[reusable block {ref} not shown: the post's reusable blocks pass what it may show]</p>"]
    context.reusable_bytes_left -= len(content)
    showing.add(ref)
    return [_Leave(ref), *reversed(parse(content))]


def _cover_background(block: Block) -> str:
    """A Cover block's background as an image (or a video) before it, where its markup holds the
    image only in a ``style`` (WordPress before 5.6): the sanitizer drops styles, and the image
    went with it, unsaid. '' where the markup has an element for it, or no URL."""
    url = block.attrs.get("url")
    first = block.inner[0] if block.inner and isinstance(block.inner[0], str) else ""
    if not isinstance(url, str) or not url or "background-image" not in first:
        return ""
    if block.attrs.get("backgroundType") == "video":
        return f'<video src="{html.escape(url)}" muted loop></video>'
    alt = block.attrs.get("alt")
    return f'<img src="{html.escape(url)}" alt="{html.escape(alt if isinstance(alt, str) else "")}">'


def _highlighted(block: Block) -> str:
    """SyntaxHighlighter Evolved's code block: its language is in the block's attributes only,
    given to its ``<pre>`` as ``language-x``, as the code blocks of core write it.

    >>> [b] = parse('<!-- wp:syntaxhighlighter/code {"language":"python"} --><pre class="x">p()</pre>'
    ...             '<!-- /wp:syntaxhighlighter/code -->')
    >>> _highlighted(b)
    '<pre class="language-python x">p()</pre>'
    """
    inner = block.inner_html
    language = block.attrs.get("language")
    if not isinstance(language, str) or not _LANGUAGE.fullmatch(language):
        return inner
    if _PRE_CLASS.search(inner):
        return _PRE_CLASS.sub(lambda m: f"{m.group(1)}language-{language} ", inner, count=1)
    return _PRE.sub(lambda m: f'{m.group(0)} class="language-{language}"', inner, count=1)


_LANGUAGE = re.compile(r"[A-Za-z0-9_+#-]{1,40}")
_PRE_CLASS = re.compile(r"""(<pre\b[^<>]*?\bclass=["'])""", re.I)
_PRE = re.compile(r"<pre\b", re.I)


def _render_whole(block: Block, context: Context) -> str | None:
    # A block rendered as one piece, or None for one that is its inner parts in order.
    name = block.name
    if name == "core/more":
        return "\n<!--more-->\n"
    if name == "core/nextpage":
        return "\n<!--nextpage-->\n"
    if name == "core/footnotes":
        return block_html(context)
    if name is not None and (name == "core/embed" or name.startswith("core-embed/")):
        return _embed(block, context)
    if name == "syntaxhighlighter/code":
        return _highlighted(block)
    if block.void and not block.inner:
        # A dynamic block (latest posts, a form...) saved nothing: say where it was.
        return "\n" + _comment(block) + "\n"
    return None

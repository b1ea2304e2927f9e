"""Shortcodes: WordPress's parser, and a registry with one handler per shortcode.

``[name attr="value"]content[/name]`` is found with the same regular expression
WordPress builds in ``get_shortcode_regex()`` and its attributes are read as
``shortcode_parse_atts()`` reads them. A handler turns one shortcode into the
HTML WordPress (or the plugin that owns it) would show; a shortcode with no
handler stays in the text exactly as written, and :func:`find_shortcodes`
lets ``stats`` list it.

Embeds are shown one way, by :func:`embed_html`, however WordPress made them: the
``[embed]`` shortcode, Jetpack's ``[youtube]``, embed blocks and a URL alone on its line.
"""

from __future__ import annotations

import html
import re
import secrets
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..index import Attachment
from ..quirks import parse_id, parse_ids
from .embeds import EngineEmbed, find_embed, media_player

if TYPE_CHECKING:
    from .tomarkdown import Relink

_ATTRS = re.compile(
    r"""([\w-]+)\s*=\s*"([^"]*)"(?:\s|$)"""
    r"""|([\w-]+)\s*=\s*'([^']*)'(?:\s|$)"""
    r"""|([\w-]+)\s*=\s*([^\s'"]+)(?:\s|$)"""
    r"""|"([^"]*)"(?:\s|$)"""
    r"""|'([^']*)'(?:\s|$)"""
    r"""|(\S+)(?:\s|$)"""
)
# Any shortcode-looking tag, for counting: a name that starts with a letter.
_ANY = re.compile(r"\[(\[?)([A-Za-z][\w-]*)(?![\w-])[^\]\[]*\]")


# The most images a post's galleries show in all: each [gallery] shows all of the post's images,
# so a post of many galleries and many images was their number times theirs (35 MB of Markdown
# from a post of 484 KB). A real post shows a few hundred.
GALLERY_IMAGES = 10_000


# The most bytes of reusable blocks a post shows in all (a reusable block used twice counts twice):
# a reference is some thirty bytes, the block it shows may be megabytes. A real one is a few
# kilobytes (a call to action, a sign-up form, a disclaimer). A post shows REUSABLE_FLOOR and 16
# times its own length, at most REUSABLE_BYTES: a thousand posts of one reference each to a block
# of a megabyte wrote a gigabyte.
REUSABLE_BYTES = 1_000_000
REUSABLE_FLOOR = 100_000


def reusable_budget(content: str) -> int:
    """How many bytes of reusable blocks a post of ``content`` may show (see :data:`REUSABLE_BYTES`)."""
    return min(REUSABLE_BYTES, REUSABLE_FLOOR + 16 * len(content))


@dataclass
class Context:
    """What handlers can look up: the post being converted and the site's attachments.

    ``engine_embed``, when set, gives a writer's own markup for an embed (Hugo's
    ``{{< youtube ID >}}``) or ``None`` for the link every other engine gets
    (:func:`embed_html`). That markup is not HTML and must not be converted: it is
    held here behind a word the Markdown engine passes on (:meth:`hold`), and the
    writer puts it back into the finished Markdown (:meth:`put_back`). The word has
    a random part drawn per context, so text from the export cannot spell it.

    ``links``, when set, gives the new address of a link to another item of the export
    (:func:`.tomarkdown.relink`).
    """

    post_id: int = 0
    attachments: Mapping[int, Attachment] = field(default_factory=dict)
    engine_embed: EngineEmbed | None = None
    links: Relink | None = None
    footnote_meta: str = ""  # the post's "footnotes" meta (WordPress 6.3's footnotes: .footnotes)
    reusable: Mapping[int, str] = field(default_factory=dict)  # reusable blocks' content, by id (.blocks)
    reusable_bytes_left: int = REUSABLE_BYTES  # (what the post may show of them: reusable_budget())
    _notes: list[tuple[str, str]] = field(default_factory=list, init=False, repr=False)
    _note_numbers: dict[str, int] = field(default_factory=dict, init=False, repr=False)  # key -> index
    footnotes_listed: bool = field(default=False, init=False, repr=False)  # (a footnotes block shown)
    gallery_images_left: int = field(default=GALLERY_IMAGES, init=False, repr=False)
    _held: list[tuple[str, str]] = field(default_factory=list, init=False, repr=False)
    _token: str = field(default_factory=lambda: f"WXRTOOLEMBED{secrets.token_hex(8)}N", init=False, repr=False)

    def mark(self, name: str) -> str:
        """An HTML comment naming ``name`` that text from the export cannot spell."""
        return f"<!--{self._token}{name}-->"

    def note(self, content: str, key: str) -> str:
        """A word standing for a reference to the footnote ``content`` (HTML) until
        :func:`.footnotes.put_notes`; the same ``key`` twice is the same note."""
        index = self._note_numbers.get(key)
        if index is None:
            index = self._note_numbers[key] = len(self._notes)
            self._notes.append((content, key))
        return self.note_word(index)

    def note_word(self, index: int) -> str:
        return f"{self._token}F{index}X"

    def with_note_words(self, text: str, word: Callable[[int], str]) -> str:
        """``text`` with each word of :meth:`note_word` replaced by ``word(index)``, in one pass."""
        if not self._notes or self._token not in text:
            return text
        pattern = re.compile(re.escape(self._token) + r"F(\d{1,9})X")

        def replaced(m: re.Match[str]) -> str:
            index = int(m.group(1))
            return word(index) if index < len(self._notes) else m.group(0)

        return pattern.sub(replaced, text)

    @property
    def note_count(self) -> int:
        return len(self._notes)

    @property
    def notes(self) -> list[tuple[str, str]]:
        """The footnotes referred to so far: ``(content, key)``, numbered from 1 in this order."""
        return list(self._notes)

    def children(self, post_id: int) -> list[Attachment]:
        """Attachments whose parent is ``post_id``, as WordPress orders a default gallery."""
        children_of = getattr(self.attachments, "children_of", None)  # (a table on disk: indexed)
        if children_of is not None:
            found = children_of(post_id)
        else:
            found = [a for a in self.attachments.values() if a.parent == post_id]
        return sorted(found, key=lambda a: (a.menu_order, a.id))

    def hold(self, markup: str, fallback: str) -> str:
        """A word standing for ``markup`` until :meth:`put_back`; ``fallback`` (Markdown)
        takes its place where the word is not a block of its own (in code, a table, a link)."""
        self._held.append((markup, fallback))
        return f"{self._token}{len(self._held) - 1}X"

    def put_back(self, markdown: str) -> str:
        """``markdown`` with each word from :meth:`hold` replaced: alone on its line (inside
        quotes or list items too) and outside fenced code by its markup, anywhere else by its fallback.

        >>> context = Context()
        >>> context.put_back("> " + context.hold("{{< x >}}", "<https://x.com/>"))
        '> {{< x >}}'
        """
        if not self._held or self._token not in markdown:
            return markdown
        token = re.compile(re.escape(self._token) + r"(\d+)X")
        # (after the containers a line can be in: quote markers and list item markers)
        alone = re.compile(r"((?:[ \t]*(?:>|[-+*][ \t]|\d{1,9}[.)][ \t]))*[ \t]*)" + token.pattern + r"[ \t]*")
        lines = markdown.split("\n")
        fence = ""
        for n, line in enumerate(lines):
            opening = _FENCE.match(line)
            if opening and (not fence or (opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence))):
                fence = "" if fence else opening.group(1)
                continue
            if self._token not in line:
                continue
            m = None if fence else alone.fullmatch(line)
            if m is not None and int(m.group(2)) < len(self._held):
                lines[n] = m.group(1) + self._held[int(m.group(2))][0]
            else:
                lines[n] = token.sub(lambda t: self._fallback(int(t.group(1)), t.group(0)), line)
        return "\n".join(lines)

    def _fallback(self, index: int, word: str) -> str:
        return self._held[index][1] if index < len(self._held) else word


_FENCE = re.compile(r"^[ \t>]*(`{3,}|~{3,})")


Handler = Callable[[dict[str, str], "str | None", Context], str]
SHORTCODES: dict[str, Handler] = {}
CODE_SHORTCODES = ("code", "sourcecode", "source")


def register(*names: str) -> Callable[[Handler], Handler]:
    """Register a handler for the shortcodes ``names``."""

    def wrap(handler: Handler) -> Handler:
        for name in names:
            SHORTCODES[name] = handler
        return handler

    return wrap


def shortcode_regex(names: list[str] | tuple[str, ...]) -> re.Pattern[str]:
    """``get_shortcode_regex()``: groups are 1 ``[`` escape, 2 name, 3 attributes,
    4 ``/`` of a self-closing tag, 5 content, 6 ``]`` escape.

    It is the reference :class:`Scanner` is tested against: as a pattern it reads to
    the end of the text at each tag that has no ``]`` or no end tag after it.
    """
    tags = "|".join(re.escape(n) for n in names)
    return re.compile(
        r"\[(\[?)(" + tags + r")(?![\w-])"
        r"([^\]/]*(?:/(?!\])[^\]/]*)*?)"
        r"(?:(/)\]|\](?:([^\[]*+(?:\[(?!/\2\])[^\[]*+)*+)\[/\2\])?)"
        r"(\]?)"
    )


_OPENING = re.compile(r"\[(\[?)([\w-]+)")


@dataclass
class Found:
    """One shortcode as :func:`shortcode_regex` matches it: ``group(n)`` is its group n."""

    start: int
    end: int
    groups: tuple[str, str, str, str | None, str | None, str]  # groups 1 to 6
    text: str

    def group(self, n: int) -> Any:
        """Group ``n`` (0: the whole shortcode)."""
        return self.text[self.start : self.end] if n == 0 else self.groups[n - 1]


class Scanner:
    """Finds shortcodes as :func:`shortcode_regex` does, in time linear in the text.

    Where a tag's ``]`` or its end tag is, is looked up once and remembered, so ten
    thousand ``[gallery`` with no ``]`` after them cost one read, not ten thousand.
    """

    def __init__(self, text: str, names: Iterable[str]) -> None:
        self.text = text
        self.names = set(names)
        self._bracket = -2  # the first "]" at or after some position (-1: none)
        self._bracket_from = 0
        self._ends: dict[str, int] = {}  # name -> start of the next "[/name]" (-1: none)
        self._ends_from: dict[str, int] = {}

    def _next_bracket(self, position: int) -> int:
        if self._bracket == -1 and position >= self._bracket_from:
            return -1
        if self._bracket < position:
            self._bracket = self.text.find("]", position)
            self._bracket_from = position
        return self._bracket

    def _next_end(self, name: str, position: int) -> int:
        at = self._ends.get(name, -2)
        if at == -1 and position >= self._ends_from[name]:
            return -1
        if at < position:
            at = self._ends[name] = self.text.find(f"[/{name}]", position)
            self._ends_from[name] = position
        return at

    def at(self, position: int, escapes: bool = True, content: bool = True) -> Found | None:
        """The shortcode starting at ``position`` (its ``[``), if one does."""
        m = _OPENING.match(self.text, position) if escapes else _BARE_OPENING.match(self.text, position)
        if m is None or m.group(2) not in self.names:
            return None
        return self._rest(position, m.group(1) if escapes else "", m.group(2), m.end(), content)

    def _rest(self, start: int, escape: str, name: str, after: int, content: bool) -> Found | None:
        text = self.text
        close = self._next_bracket(after)
        if close < 0:
            return None
        void = close > after and text[close - 1] == "/"
        attrs = text[after : close - 1] if void else text[after:close]
        end = close + 1
        inner: str | None = None
        if not void and content:
            closer = self._next_end(name, end)
            if closer >= 0:
                inner = text[end:closer]
                end = closer + len(name) + 3
        trailing = "]" if text.startswith("]", end) else ""
        groups = (escape, name, attrs, "/" if void else None, inner, trailing)
        return Found(start, end + len(trailing), groups, text)

    def __iter__(self) -> Iterator[Found]:
        """Every shortcode, left to right, as ``re.finditer()`` with the pattern finds them."""
        position = 0
        text = self.text
        while True:
            m = _OPENING.search(text, position)
            if m is None:
                return
            found = None
            if m.group(2) in self.names:
                found = self._rest(m.start(), m.group(1), m.group(2), m.end(), True)
                if found is None and self._bracket == -1:
                    return  # no "]" left: no shortcode either
            if found is None and m.group(1):
                # "[[name": the second "[" may start one (the pattern tries there next).
                found = self.at(m.start() + 1)
            if found is None:
                position = m.start() + 1
                continue
            yield found
            position = found.end


_BARE_OPENING = re.compile(r"\[()([\w-]+)")


def sub_shortcodes(text: str, names: Iterable[str], replace: Callable[[Found], str]) -> str:
    """``shortcode_regex(names).sub(replace, text)``, in linear time."""
    out: list[str] = []
    done = 0
    for found in Scanner(text, names):
        out += [text[done : found.start], replace(found)]
        done = found.end
    if not out:
        return text
    out.append(text[done:])
    return "".join(out)


def parse_atts(text: str) -> dict[str, str]:
    """``shortcode_parse_atts()``: named attributes by lower-case name, positional ones as "0", "1", ...

    >>> parse_atts('id="a" Width=300 \\'x\\' https://example.com/v')
    {'id': 'a', 'width': '300', '0': 'x', '1': 'https://example.com/v'}
    """
    text = re.sub("[\u00a0\u200b]+", " ", text)
    attrs: dict[str, str] = {}
    position = 0
    for m in _ATTRS.finditer(text):
        if m.group(1):
            attrs[m.group(1).lower()] = m.group(2)
        elif m.group(3):
            attrs[m.group(3).lower()] = m.group(4)
        elif m.group(5):
            attrs[m.group(5).lower()] = m.group(6)
        else:
            value = next(g for g in (m.group(7), m.group(8), m.group(9)) if g is not None)
            attrs[str(position)] = value
            position += 1
    return attrs


def do_shortcode(text: str, context: Context, names: tuple[str, ...] | None = None) -> str:
    """Replace every registered shortcode in ``text`` by its handler's HTML (``do_shortcode()``).

    ``[[name]]`` is WordPress's escape for a literal ``[name]``.
    """
    names = tuple(SHORTCODES) if names is None else names
    present = [n for n in names if "[" + n in text]
    if not present:
        return text

    def replace(m: Found) -> str:
        if m.group(1) == "[" and m.group(6) == "]":
            return str(m.group(0))[1:-1]
        attrs = parse_atts(m.group(3))
        content = m.group(5)
        return str(m.group(1) + SHORTCODES[m.group(2)](attrs, content, context) + m.group(6))

    return sub_shortcodes(text, present, replace)


def find_shortcodes(text: str) -> Iterator[str]:
    """The name of every shortcode-looking tag in ``text``, escaped ones left out.

    >>> list(find_shortcodes('[gallery ids="1"] [[not]] [kaltura-widget id=x /] [...]'))
    ['gallery', 'kaltura-widget']
    """
    for m in _ANY.finditer(text):
        if not m.group(1):
            yield m.group(2)


def _attr(value: str) -> str:
    return html.escape(value, quote=True)


def _figure(image_html: str, caption: str) -> str:
    caption_html = f"<figcaption>{caption}</figcaption>" if caption else ""
    return f"<figure>{image_html}{caption_html}</figure>"


@register("ref", "footnote", "efn_note")
def footnote(attrs: dict[str, str], content: str | None, context: Context) -> str:
    """``[ref]note[/ref]`` (Simple Footnotes), ``[footnote]`` and ``[efn_note]`` (Easy Footnotes):
    a footnote written where it is referred to (see :mod:`.footnotes`)."""
    if not content or not content.strip():
        return ""
    return context.note(content.strip(), f"shortcode-{context.note_count}")


@register("caption", "wp_caption")
def caption(attrs: dict[str, str], content: str | None, context: Context) -> str:
    """``[caption]<img ...> Caption text[/caption]``: an image with its caption."""
    content = content or ""
    text = attrs.get("caption", "")
    if not text:
        # Before WordPress 3.4 the caption was an attribute; since, it follows the image.
        m = re.match(r"((?:<a [^>]+>\s*)?<img [^>]+>(?:\s*</a>)?)(.*)", content, re.S | re.I)
        if m:
            content, text = m.group(1), m.group(2).strip()
    return _figure(do_shortcode(content, context), text)


@register("gallery")
def gallery(attrs: dict[str, str], content: str | None, context: Context) -> str:
    """``[gallery ids="1,2"]`` or ``[gallery]`` (the post's own attachments): the images, in order."""
    if attrs.get("ids"):
        ids = parse_ids(attrs["ids"])
        items = [context.attachments[i] for i in ids if i in context.attachments]
        missing = [i for i in ids if i not in context.attachments]
    else:
        given = parse_id(attrs.get("id", ""))
        parent = context.post_id if given is None else given
        items, missing = context.children(parent), []
    shown = len(items) + len(missing)
    if not shown:
        return ""  # (gallery_shortcode(): nothing for a gallery of no images, not an empty box)
    if shown > context.gallery_images_left:
        from .sanitize import note  # (sanitize imports nothing of this module's)

        note("gallery-over-limit")
        return f"<p>[a gallery of {shown} images: the post's galleries show more than {GALLERY_IMAGES:,} images]</p>"
    context.gallery_images_left -= shown
    # The alt text only, as wp_get_attachment_image() in WordPress 6.1 (never the title).
    figures = [_figure(f'<img src="{_attr(a.url)}" alt="{_attr(a.alt)}" />', html.escape(a.caption)) for a in items]
    # An id that names no attachment in the export is kept visibly, not dropped.
    figures += [f"<p>[gallery image {i} is not in the export]</p>" for i in missing]
    return '<div class="gallery">' + "".join(figures) + "</div>"


def embed_html(url: str, context: Context) -> str:
    """How an embed is shown, for every way WordPress makes one: the ``[embed]`` shortcode,
    Jetpack's ``[youtube]``, embed blocks and a URL alone on its line (:func:`.render.autoembed`).

    WordPress asked the provider for a player (``WP_Embed::shortcode()`` in
    wp-includes/class-wp-embed.php); a static copy cannot, so an embed is the writer's own
    (``context.engine_embed``: Hugo's shortcodes), or else a paragraph that says what was
    there, then the link. A URL of an audio or video file is a player, as WordPress shows
    it; any other URL is a link to itself (``maybe_make_link()``).

    >>> print(embed_html("https://wordpress.tv/a/", Context()))
    <p>WordPress.tv video: <a href="https://wordpress.tv/a/">https://wordpress.tv/a/</a></p>
    """
    url = url.strip()
    if not url:
        return ""
    player = media_player(url)
    if player:
        return _media(player, {"src": url}, ())
    found = find_embed(url)
    if found is None:
        return _link(url)
    markup = context.engine_embed(found) if context.engine_embed is not None and found.provider else None
    if markup:
        return f"<p>{context.hold(markup, f'{found.label}: <{found.url}>')}</p>"
    return _labelled(found.label, url)


def _link(url: str) -> str:
    return f'<p><a href="{_attr(url)}">{html.escape(url)}</a></p>' if url else ""


@register("embed")
def embed(attrs: dict[str, str], content: str | None, context: Context) -> str:
    """``[embed]URL[/embed]``: WordPress asks the provider (oEmbed); here :func:`embed_html`."""
    return embed_html(html.unescape(content or attrs.get("src", "")), context)


@register("youtube")
def youtube(attrs: dict[str, str], content: str | None, context: Context) -> str:
    """Jetpack's ``[youtube URL]`` and ``[youtube=URL]``."""
    url = attrs.get("0", "") or content or attrs.get("url", "")
    return embed_html(html.unescape(url.lstrip("=")), context)


# Jetpack's (and WordPress.com's) embed shortcodes: each one's address from what it was given,
# an id or a URL (jetpack/modules/shortcodes/*.php). A value that is neither gives nothing.
_JETPACK_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_GIST = re.compile(r"(?:[A-Za-z0-9-]{1,39}/)?[0-9a-f]{1,40}")
_VIMEO_ID = re.compile(r"[0-9]{1,20}")
_TWEET_ID = re.compile(r"[0-9]{1,25}")


def _given(attrs: dict[str, str], content: str | None, *names: str) -> str:
    for key in ("0", *names):
        if attrs.get(key):
            return html.unescape(attrs[key]).lstrip("=").strip()
    return html.unescape(content or "").strip()


def _url_or(value: str, pattern: re.Pattern[str] | None = None, address: str = "") -> str:
    """``value`` if it is a URL, else the ``address`` of the id it is when ``pattern`` matches it."""
    if value.startswith(("http://", "https://")):
        return value
    return address.format(value) if pattern is not None and pattern.fullmatch(value) else ""


@register("vimeo")
def vimeo(attrs: dict[str, str], content: str | None, context: Context) -> str:
    """Jetpack's ``[vimeo ID]``, ``[vimeo URL]``, ``[vimeo id=ID]``: the video's embed."""
    given = _given(attrs, content, "id", "url")
    return embed_html(_url_or(given, _VIMEO_ID, "https://vimeo.com/{}"), context)


@register("tweet")
def tweet(attrs: dict[str, str], content: str | None, context: Context) -> str:
    """Jetpack's ``[tweet URL]``, ``[tweet ID]``, ``[tweet tweet=URL]``: the post on X's embed."""
    given = _given(attrs, content, "tweet")
    return embed_html(_url_or(given, _TWEET_ID, "https://twitter.com/i/status/{}"), context)


@register("soundcloud")
def soundcloud(attrs: dict[str, str], content: str | None, context: Context) -> str:
    """Jetpack's ``[soundcloud url=...]``: a link to what was played (WordPress.com's player)."""
    return _labelled("SoundCloud audio", _url_or(_given(attrs, content, "url")))


@register("gist")
def gist(attrs: dict[str, str], content: str | None, context: Context) -> str:
    """Jetpack's ``[gist URL]``, ``[gist ID]``, ``[gist user/ID]``: a link to the gist."""
    return _labelled("GitHub Gist", _url_or(_given(attrs, content, "url", "id"), _GIST, "https://gist.github.com/{}"))


@register("googlemaps")
def googlemaps(attrs: dict[str, str], content: str | None, context: Context) -> str:
    """Jetpack's ``[googlemaps URL]``: a link to the map."""
    return _labelled("Google map", _url_or(_given(attrs, content, "url")))


@register("wpvideo", "videopress")
def videopress(attrs: dict[str, str], content: str | None, context: Context) -> str:
    """WordPress.com's ``[wpvideo GUID]`` and ``[videopress GUID]``: a link to the VideoPress video."""
    return _labelled("VideoPress video", _url_or(_given(attrs, content), _JETPACK_ID, "https://videopress.com/v/{}"))


def _labelled(label: str, url: str) -> str:
    """An embed as a paragraph that says what it was, then its link ('' for no URL)."""
    if not url:
        return ""
    return f'<p>{html.escape(label)}: <a href="{_attr(url)}">{html.escape(url)}</a></p>'


@register("playlist")
def playlist(attrs: dict[str, str], content: str | None, context: Context) -> str:
    """``[playlist ids="1,2" type="video"]`` or ``[playlist]`` (the post's own attachments): a
    player for each, with its title (``wp_playlist_shortcode()``), in order. WordPress lists only
    the attachments of the type (audio unless ``type="video"``): here, those whose file is one."""
    kind = "video" if attrs.get("type", "").lower() == "video" else "audio"
    if context.gallery_images_left <= 0:
        return ""
    if attrs.get("ids"):
        items = [context.attachments[i] for i in parse_ids(attrs["ids"]) if i in context.attachments]
    else:
        given = parse_id(attrs.get("id", ""))
        items = context.children(context.post_id if given is None else given)
    # (each file looked at counts, shown or not, as a gallery's: 5,000 playlists of a post of
    # 1,000 images, none of them played, took time with their product)
    items = items[: context.gallery_images_left]
    context.gallery_images_left -= len(items)
    shown = []
    for item in items:
        if media_player(item.url) == kind:
            title = f"<figcaption>{html.escape(item.title)}</figcaption>" if item.title else ""
            shown.append(f"<figure>{_media(kind, {'src': item.url}, ())}{title}</figure>")
    return '<div class="playlist">' + "".join(shown) + "</div>" if shown else ""


def _media(tag: str, attrs: dict[str, str], extensions: tuple[str, ...]) -> str:
    sources = [attrs[k] for k in ("src", *extensions) if attrs.get(k)]
    if not sources and attrs.get("0"):
        # WordPress.com's positional form, [audio URL] or [audio URL|titles=...]: core
        # WordPress shows nothing for it, but a WordPress.com blog's readers saw a player.
        url = html.unescape(attrs["0"]).lstrip("=").split("|", 1)[0].strip()
        sources = [url] if url.startswith(("http://", "https://", "/")) else []
    if not sources:
        return ""
    extra = f' poster="{_attr(attrs["poster"])}"' if attrs.get("poster") else ""
    inner = "".join(f'<source src="{_attr(s)}" />' for s in sources)
    return f"<{tag} controls{extra}>{inner}</{tag}>"


@register("video")
def video(attrs: dict[str, str], content: str | None, context: Context) -> str:
    """``[video src=... mp4=... poster=...]``: an HTML5 video element."""
    return _media("video", attrs, ("mp4", "m4v", "webm", "ogv", "wmv", "flv"))


@register("audio")
def audio(attrs: dict[str, str], content: str | None, context: Context) -> str:
    """``[audio src=... mp3=...]``: an HTML5 audio element."""
    return _media("audio", attrs, ("mp3", "m4a", "ogg", "wav", "wma"))


def code_block(attrs: dict[str, str], content: str | None) -> str:
    """``[code lang=x]``, ``[sourcecode language=x]``: a ``<pre><code>`` block with its language.

    The content is what was typed (entities the visual editor added are decoded),
    so it is escaped once for HTML here and unescaped once by the Markdown step.
    """
    language = attrs.get("lang") or attrs.get("language") or attrs.get("0", "")
    language = re.sub(r"[^\w+#.-]", "", language)
    # SyntaxHighlighter trims the line breaks around the code, as the reader sees it.
    code = html.unescape(content or "").strip("\r\n")
    cls = f' class="language-{language}"' if language else ""
    return f"<pre><code{cls}>{html.escape(code, quote=False)}</code></pre>"


def protect_code_shortcodes(text: str) -> str:
    """Turn code shortcodes into ``<pre>`` blocks before ``wpautop()`` sees them.

    SyntaxHighlighter and its kin run before ``wpautop()`` for the same reason:
    a blank line in code is not a paragraph.
    """
    if "[" not in text:
        return text
    present = [n for n in CODE_SHORTCODES if "[" + n in text]
    if not present:
        return text

    def replace(m: Found) -> str:
        if m.group(1) == "[" and m.group(6) == "]":
            return str(m.group(0))[1:-1]
        return code_block(parse_atts(m.group(3)), m.group(5))

    return sub_shortcodes(text, present, replace)

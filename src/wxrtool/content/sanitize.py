"""Comment HTML, made safe with an allow-list before any writer sees it; and URLs.

Comments and pings are written by strangers. nh3 (the Rust ``ammonia`` sanitizer)
keeps the tags WordPress allows in comments (``$allowedtags`` in wp-includes/kses.php)
and the structure an editor's comment may hold (headings, lists, tables, definition
lists, superscripts: WordPress showed them); links keep only http, https and mailto
targets. No script, style, event handler, form, embed, image or ``javascript:`` link survives.

Every URL wxrtool writes goes through :func:`safe_url`: a scheme from an
allow-list, a host that parses, and none of the characters that could end the
Markdown or HTML around it (they are percent-encoded). A URL that fails is
dropped and noted (:func:`note`), and the writer counts it in the account.
"""

from __future__ import annotations

import html
import re
import sys
from collections import Counter
from urllib.parse import urlsplit

import nh3

from ._scan import escape_stray_lt, limit_depth

# WordPress shows a comment as it was stored, and what was stored was filtered when it was
# posted, by the commenter's role: $allowedtags for visitors, anything for an editor. So
# a comment keeps its structure as WordPress showed it (headings, tables, definition
# lists, lists with their numbering, superscripts...), and nothing that acts or loads
# from elsewhere: no script, style, handler, form, embed or image.
_TAGS = {
    "a", "abbr", "acronym", "b", "blockquote", "br", "cite", "code", "del", "em", "i",
    "li", "ol", "p", "pre", "q", "s", "strike", "strong", "ul",
    "h1", "h2", "h3", "h4", "h5", "h6", "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
    "dl", "dt", "dd", "sup", "sub", "ins", "u", "small", "big", "tt", "kbd", "samp", "var", "mark", "hr",
    "span", "div", "address", "dfn",
}  # fmt: skip
_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "acronym": {"title"},
    "blockquote": {"cite"},
    "del": {"datetime", "cite"},
    "ins": {"datetime", "cite"},
    "q": {"cite"},
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "dfn": {"title"},
}
_SCHEMES = {"http", "https", "mailto"}
# wp_allowed_protocols(): what WordPress lets an author link to in a post.
CONTENT_SCHEMES = frozenset(
    {
        "http",
        "https",
        "ftp",
        "ftps",
        "mailto",
        "news",
        "irc",
        "irc6",
        "ircs",
        "gopher",
        "nntp",
        "feed",
        "telnet",
        "mms",
        "rtsp",
        "sms",
        "svn",
        "tel",
        "fax",
        "xmpp",
        "webcal",
        "urn",
    }
)
# Every attribute that holds a URL (HTML 4 and 5, SVG): whichever of them an
# allow-list lets through, the scheme check applies. ``srcset`` holds several.
URL_ATTRIBUTES = frozenset(
    {
        "href",
        "src",
        "cite",
        "longdesc",
        "poster",
        "action",
        "formaction",
        "data",
        "background",
        "xlink:href",
        "srcset",
        "ping",
        "codebase",
        "manifest",
        "icon",
        "profile",
        "usemap",
        "archive",
        "classid",
        "lowsrc",
        "dynsrc",
    }
)


def _cleaned(cleaner: nh3.Cleaner, text: str) -> str:
    """``cleaner.clean(text)``, and what the URL callback raised raised here.

    nh3 calls :func:`_filter_attribute` from Rust, and an exception raised in it (above all an
    interrupt: Ctrl-C lands in the callback as Python code runs again) is printed as "Exception
    ignored" and the attribute dropped: the run went on, exit 0, links missing from its output.
    The printing goes through ``sys.unraisablehook``, which is ours while the cleaner runs."""
    raised: list[BaseException] = []
    previous = sys.unraisablehook
    sys.unraisablehook = lambda unraisable: raised.append(unraisable.exc_value or RuntimeError(unraisable.err_msg))
    try:
        cleaned = cleaner.clean(text)
    finally:
        sys.unraisablehook = previous
    if raised:
        raise raised[0]
    return cleaned


def _filter_attribute(tag: str, name: str, value: str) -> str | None:
    if name not in URL_ATTRIBUTES:
        return value
    url = safe_srcset(value) if name == "srcset" else safe_url(value, relative=True)
    return url or None


# Built once: nh3.clean() builds its allow-lists on every call, twice the time of cleaning.
_CLEANER = nh3.Cleaner(
    tags=_TAGS,
    attributes=_ATTRIBUTES,
    url_schemes=_SCHEMES,
    link_rel="nofollow ugc",
    strip_comments=True,
    attribute_filter=_filter_attribute,
)
# A post's HTML when its conversion failed: ammonia's default tags (text, links,
# images, tables, lists, headings), every URL through the policy.
_POST_CLEANER = nh3.Cleaner(
    url_schemes=set(CONTENT_SCHEMES), link_rel=None, strip_comments=True, attribute_filter=_filter_attribute
)

# HTML that goes to readers as HTML: Ghost's post bodies, and the embeds (video, audio,
# iframe, form) that Markdown carries as they are. Everything a post shows (ammonia's
# default tags, figures, embeds, form fields) with its layout attributes, and no script,
# style, object, event handler or unsafe URL.
_EMBED_ATTRIBUTES = {
    "video": {"src", "poster", "controls", "autoplay", "loop", "muted", "preload", "playsinline"},
    "audio": {"src", "controls", "autoplay", "loop", "muted", "preload"},
    "source": {"src", "srcset", "type", "media", "sizes"},
    "track": {"src", "kind", "srclang", "label", "default"},
    "iframe": {"src", "allow", "allowfullscreen", "frameborder", "loading", "referrerpolicy", "scrolling"},
    "form": {"action", "method"},
    "input": {"type", "name", "value", "placeholder", "checked", "disabled"},
    "button": {"type", "name", "value", "disabled"},
    "label": {"for"},
    "select": {"name", "multiple"},
    "option": {"value", "selected"},
    "textarea": {"name", "rows", "cols", "placeholder"},
    "img": {"srcset", "sizes", "loading", "title"},
    "a": {"title", "target", "rel"},
    "ol": {"start", "reversed", "type"},  # (a list counting down is kept as HTML: Markdown has no form)
}
_READER_CLEANER = nh3.Cleaner(
    tags=set(nh3.ALLOWED_TAGS) | set(_EMBED_ATTRIBUTES) | {"fieldset", "legend", "picture", "cite"},
    attributes={
        tag: set(nh3.ALLOWED_ATTRIBUTES.get(tag, ())) | _EMBED_ATTRIBUTES.get(tag, set())
        for tag in {*nh3.ALLOWED_ATTRIBUTES, *_EMBED_ATTRIBUTES}
    }
    | {"*": {"class", "id", "title", "lang", "dir", "width", "height"}},
    url_schemes=set(CONTENT_SCHEMES),
    link_rel=None,
    strip_comments=False,
    attribute_filter=_filter_attribute,
)

_NEEDS_CLEANING = re.compile("[<>&\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_URL = re.compile(r"(?<![\w/=\"'>])(https?://[^\s<>\"']+)")
_LINK_OR_TAG = re.compile(r"(<a\b.*?</a\s*>|<[^>]*>)", re.S | re.I)


def sanitize_comment_html(text: str) -> str:
    """Keep only WordPress's comment tags; drop scripts, styles, handlers, unsafe links.

    >>> sanitize_comment_html('<b onclick="x()">hi</b><script>bad()</script><a href="javascript:x">y</a>')
    '<b>hi</b><a rel="nofollow ugc">y</a>'
    """
    if not _NEEDS_CLEANING.search(text):
        return text  # plain text: nothing the sanitizer would change (most comments)
    # (The sanitizer checks every open element at each tag: past a few hundred levels
    # its time grows with the square of the depth.)
    return _cleaned(_CLEANER, limit_depth(escape_stray_lt(text)))


def sanitize_post_html(text: str) -> str:
    """A post's HTML with no script, style, event handler or unsafe URL, markup past
    :data:`._scan.MAX_DEPTH` levels flattened: what is written when its conversion fails.

    >>> sanitize_post_html('<p onclick="x()">a<script>b()</script> <img src="javascript:c" alt="d"></p>')
    '<p>a <img alt="d"></p>'
    """
    return _cleaned(_POST_CLEANER, limit_depth(escape_stray_lt(text)))


def sanitize_reader_html(text: str) -> str:
    """HTML that goes to readers as it is (a Ghost post, an embed kept in Markdown): what a
    post shows, embeds and forms included, without script, style, event handler or unsafe URL.

    >>> sanitize_reader_html('<video src="a.mp4" controls onplay="x()"><script>b()</script></video>')
    '<video src="a.mp4" controls=""></video>'
    """
    return _cleaned(_READER_CLEANER, limit_depth(escape_stray_lt(text)))


def make_clickable(text: str) -> str:
    """Link bare http(s) URLs outside tags and links, as WordPress shows comments.

    >>> make_clickable('see http://example.com/a. or <a href="http://x">http://x</a>')
    'see <a href="http://example.com/a">http://example.com/a</a>. or <a href="http://x">http://x</a>'
    """
    if "://" not in text:
        return text  # no address to link (most comments)
    parts = _LINK_OR_TAG.split(text)
    for i in range(0, len(parts), 2):
        parts[i] = _URL.sub(_link, parts[i])
    return "".join(parts)


def _link(m: re.Match[str]) -> str:
    url = m.group(1)
    trailing = ""
    while url and url[-1] in ".,;:!?)":
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        trailing = url[-1] + trailing
        url = url[:-1]
    return f'<a href="{url}">{url}</a>{trailing}'


_NOTES: Counter[str] = Counter()


def note(reason: str) -> None:
    """Count something the content steps changed or gave up on (``"url-dropped"``...)."""
    _NOTES[reason] += 1


def take_notes() -> Counter[str]:
    """What was noted since the last call, and start again (writers put it in the account)."""
    taken = Counter(_NOTES)
    _NOTES.clear()
    return taken


# The WHATWG URL parser strips C0 controls and spaces around a URL, and drops tabs
# and newlines anywhere in it ("java\tscript:" is "javascript:").
_AROUND = "".join(map(chr, range(0x21)))
_TAB_OR_NEWLINE = re.compile("[\t\n\r]")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
# What could end the Markdown or the HTML attribute a URL sits in, or hide in it.
# (Braces too: a browser sends them percent-encoded, and Pelican reads an address that starts
# with "{attach}", "{static}" or "{filename}" as a file to copy into the site, from anywhere the
# builder can read: "{attach}../../../../etc/passwd" published /etc/passwd. "|attach|" likewise.)
_UNSAFE = re.compile("[\x00-\x20\x7f<>\"'`{}]|^\\|")
# What a host can never hold (the WHATWG "forbidden host code points", and "%":
# a host is not percent-decoded here).
_BAD_HOST = re.compile("[\x00-\x20\x7f#%/<>?@\\[\\]^|\"'`{}]")
# An http(s) URL with a plain host name, or a path, query or fragment: most URLs,
# and nothing in them that the checks below would drop or encode.
_PLAIN_URL = re.compile(
    r"(?:(https?)://[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*(?::\d{1,4})?)?(?:(?!//)[/?#][^\x00-\x20\x7f<>\"'`{}]*)?\Z", re.I
)
_DATA_IMAGE = re.compile(r"data:image/(?:png|gif|jpeg|webp);base64,[A-Za-z0-9+/=\s]*\Z", re.I)


def _percent(m: re.Match[str]) -> str:
    return f"%{ord(m.group(0)):02X}"


def safe_url(url: str, schemes: frozenset[str] | set[str] = _SCHEMES, relative: bool = False) -> str:
    """``url`` made safe to write anywhere, or ``""`` when it is not a URL to keep.

    It keeps a scheme of ``schemes`` (http, https and mailto by default), or no
    scheme when ``relative``; an http(s) URL must have a host that parses, and so
    must a protocol-relative one (``//host/path``), which is an http(s) URL. Spaces,
    controls, quotes, backticks, ``<``, ``>``, braces and a leading ``|`` are percent-encoded. Dropped URLs
    are noted as ``url-dropped``.

    >>> safe_url(" https://example.com/a b "), safe_url("javascript:alert(1)"), safe_url("JAVA\tSCRIPT:x")
    ('https://example.com/a%20b', '', '')
    >>> safe_url("https://x/<script>'"), safe_url("/about/", relative=True), safe_url("http://[::1")
    ('https://x/%3Cscript%3E%27', '/about/', '')
    >>> safe_url("//wordpressfoundation.org/"), safe_url("///etc/passwd"), safe_url("//x.org/", {"mailto"})
    ('//wordpressfoundation.org/', '', '')
    >>> safe_url("{attach}../../etc/passwd", relative=True), safe_url("|static|x", relative=True)
    ('%7Battach%7D../../etc/passwd', '%7Cstatic|x')
    """
    url = url.strip(_AROUND)
    if not url:
        return ""
    plain = _PLAIN_URL.match(url)
    if plain is not None and ((plain.group(1) is None and relative) or (plain.group(1) or "").lower() in schemes):
        return url  # the usual address: nothing to check further or to encode
    if "\t" in url or "\n" in url or "\r" in url:
        url = _TAB_OR_NEWLINE.sub("", url)
    scheme = _SCHEME.match(url)
    if scheme is None:
        # A protocol-relative URL (//host/path) is an http(s) URL: the page's own scheme.
        web = url.startswith("//") and not schemes.isdisjoint(("http", "https"))
        ok = (relative and _parses(url)) or (web and _parses(url, needs_host=True))
    else:
        name = scheme.group(1).lower()
        ok = name in schemes and _parses(url, name in ("http", "https"))
    if not ok:
        note("url-dropped")
        return ""
    return _UNSAFE.sub(_percent, url) if _UNSAFE.search(url) else url


def _parses(url: str, needs_host: bool = False) -> bool:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 -- raises ValueError for a port that is not a number
    except ValueError:
        return False
    if needs_host and not parts.hostname:
        return False
    host = parts.netloc.rpartition("@")[2]
    if host.startswith("["):
        return True  # an IPv6 address, which urlsplit() checked
    return _BAD_HOST.search(host.rpartition(":")[0] if ":" in host else host) is None


def safe_srcset(value: str) -> str:
    """A ``srcset``'s candidates, each URL through :func:`safe_url` (bad ones left out).

    >>> safe_srcset("a.png 1x, javascript:x 2x, b.png 3x")
    'a.png 1x, b.png 3x'
    """
    kept = []
    for candidate in value.split(","):
        url, _, descriptor = candidate.strip().partition(" ")
        url = safe_url(url, CONTENT_SCHEMES, relative=True)
        if url:
            kept.append(f"{url} {descriptor.strip()}".rstrip())
    return ", ".join(kept)


def safe_content_url(url: str, image: bool = False) -> str:
    """A link or image address in a post: WordPress's protocols, relative URLs, and
    for an image a base64 ``data:`` PNG, GIF, JPEG or WebP.

    >>> safe_content_url("vbscript:x"), safe_content_url("#top"), safe_content_url("data:image/png;base64,AA", True)
    ('', '#top', 'data:image/png;base64,AA')
    """
    if image and url[:5].lower() == "data:" and _DATA_IMAGE.match(url.strip()):
        return url.strip()
    return safe_url(url, CONTENT_SCHEMES, relative=True)


def inline_text(text: str) -> str:
    """Plain text (a name) made safe to put in Markdown: no HTML, no link syntax.

    >>> print(inline_text('<script>x</script> [Eve]*'))
    &lt;script&gt;x&lt;/script&gt; \\[Eve\\]\\*
    """
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return re.sub(r"([\\`*_\[\]{])", r"\\\1", text)


_TAG_ANYWHERE = re.compile(r"<[^>]*>?")


def clean_name(name: str) -> str:
    """A commenter's name without markup, as WordPress's kses leaves it on the way in.

    >>> clean_name('<script>alert(1)</script>Eve')
    'alert(1)Eve'
    """
    return _TAG_ANYWHERE.sub("", name).strip()


def name_as_text(name: str) -> str:
    """A commenter's name as the blog showed it, as text: markup dropped, then entities decoded
    (WordPress stores ``Tom &amp; Jerry`` and ``&raquo;``, and shows ``Tom & Jerry`` and ``»``),
    white space one space (a line break in a name began a heading, or a code block that took
    the comments after it, in Markdown); what is given to a template that escapes it, or to a
    program that shows it as text.

    >>> name_as_text("Estuary Watch &raquo; <b>Weekly</b> &amp;amp; more")
    'Estuary Watch » Weekly &amp; more'
    """
    return " ".join(html.unescape(clean_name(name)).split())  # (one line, as a browser shows it)

"""Comment HTML, made safe with an allow-list before any writer sees it.

Comments and pings are written by strangers. nh3 (the Rust ``ammonia`` sanitizer)
keeps only the tags and attributes WordPress itself allows in comments
(``$allowedtags`` in wp-includes/kses.php), plus paragraphs, line breaks, lists
and code; links keep only http, https and mailto targets. No script, style,
event handler or ``javascript:`` link survives.
"""

from __future__ import annotations

import re

import nh3

_TAGS = {
    "a", "abbr", "acronym", "b", "blockquote", "br", "cite", "code", "del", "em", "i",
    "li", "ol", "p", "pre", "q", "s", "strike", "strong", "ul",
}  # fmt: skip
_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "acronym": {"title"},
    "blockquote": {"cite"},
    "del": {"datetime"},
    "q": {"cite"},
}
_SCHEMES = {"http", "https", "mailto"}
# Built once: nh3.clean() builds its allow-lists on every call, twice the time of cleaning.
_CLEANER = nh3.Cleaner(
    tags=_TAGS, attributes=_ATTRIBUTES, url_schemes=_SCHEMES, link_rel="nofollow ugc", strip_comments=True
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
    return _CLEANER.clean(text)


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


_SAFE_SCHEMES = ("http://", "https://", "mailto:")
_CONTROL = re.compile("[\x00-\x1f\x7f]")


def safe_url(url: str) -> str:
    """A commenter's link, kept only when it is http, https or mailto ('' otherwise).

    >>> safe_url(" https://example.com/ "), safe_url("javascript:alert(1)"), safe_url("JAVASCRIPT:x")
    ('https://example.com/', '', '')
    """
    url = url.strip()
    if _CONTROL.search(url):
        url = _CONTROL.sub("", url)
    return url if url.lower().startswith(_SAFE_SCHEMES) else ""


def inline_text(text: str) -> str:
    """Plain text (a name) made safe to put in Markdown: no HTML, no link syntax.

    >>> print(inline_text('<script>x</script> [Eve]*'))
    &lt;script&gt;x&lt;/script&gt; \\[Eve\\]\\*
    """
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return re.sub(r"([\\`*_\[\]])", r"\\\1", text)


_TAG_ANYWHERE = re.compile(r"<[^>]*>?")


def clean_name(name: str) -> str:
    """A commenter's name without markup, as WordPress's kses leaves it on the way in.

    >>> clean_name('<script>alert(1)</script>Eve')
    'alert(1)Eve'
    """
    return _TAG_ANYWHERE.sub("", name).strip()

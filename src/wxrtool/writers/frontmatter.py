"""Front matter: what an item's file says about it, in the vocabulary every engine starts from.

:func:`metadata` gathers an item's fields (title, dates, slug, author, terms, summary,
featured image, old permalink, chosen custom fields; ``category_paths`` beside the
categories' names, which two categories may share); each engine's writer renames or
drops them (Hugo's ``lastmod``, Pelican's header lines). :func:`front_matter` writes
them as a YAML block, quoted wherever YAML needs it.
"""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from typing import Any

from ..authors import co_authors
from ..content.sanitize import safe_url
from ..index import SiteIndex
from ..languages import LANGUAGE_TAXONOMIES
from ..quirks import thumbnail_id
from ..records import Meta, Post, TermRef
from . import _yaml
from .paths import term_slug
from .protocol import WriteOptions

_TAG = re.compile(r"<[^<>]+>")  # ([^<>]: from each of many "<" with no ">", the rest was read)
_STANDARD_KEYS = {
    "title", "date", "updated", "slug", "id", "type", "status", "draft", "author", "categories",
    "category_paths", "tags", "summary", "featured_image", "permalink", "sticky", "parent", "meta",
    "lang", "translation_key", "translations",
}  # fmt: skip
# (author: co-authors, below; the languages' own: lang and translations, below)
_NOT_CONTENT_TAXONOMIES = {"category", "post_tag", "nav_menu", "author", *LANGUAGE_TAXONOMIES}


def front_matter(data: dict[str, Any]) -> str:
    """``data`` as a YAML front matter block, quoted wherever YAML needs it.

    >>> print(front_matter({"title": "- a: b #c", "tags": ["x"]}), end="")
    ---
    title: '- a: b #c'
    tags:
    - x
    ---
    """
    return f"---\n{_yaml.dump(data)}---\n"


_MARKUP = re.compile(r"<[A-Za-z/!?][^<>]*>")  # what a browser reads as a tag ("a < b" is text)


def shown_title(title: str) -> str:
    """A title as readers saw it: WordPress prints it as HTML, so its markup is not shown
    and its entities are (``Tom &amp; Jerry <b>now</b>`` is ``Tom & Jerry now``).

    >>> shown_title("Tom &amp; Jerry &#8211; <b>bold</b>, a < b") == "Tom & Jerry \u2013 bold, a < b"
    True
    """
    if "<" not in title and "&" not in title:
        return title
    return " ".join(html.unescape(_MARKUP.sub("", title)).split())


def plain_text(fragment: str) -> str:
    """HTML reduced to one line of text (for summaries)."""
    return " ".join(html.unescape(_TAG.sub(" ", fragment)).split())


def date_fields(post: Post, date: datetime | None = None) -> dict[str, str]:
    """The ``{yyyy}``, ``{mm}`` and ``{dd}`` of a path template (zeros when undated); ``date``
    instead of the item's own."""
    date = date or post.date
    if date is None:
        return {"yyyy": "0000", "mm": "00", "dd": "00"}
    return {"yyyy": f"{date.year:04d}", "mm": f"{date.month:02d}", "dd": f"{date.day:02d}"}


def stand_in_date(post: Post, exported: datetime | None = None) -> datetime:
    """The date an engine that needs one (Pelican, Jekyll's ``_posts``) gives an item: its own,
    else the nearest true one: when it was last modified, when the site was exported, the epoch.

    WordPress itself shows an undated published post dated when it was imported; an engine
    that drops undated posts (Jekyll puts them in ``_drafts``, Pelican refuses them) would lose it.
    """
    return post.date or post.modified or exported or datetime(1970, 1, 1, tzinfo=UTC)


def category_refs(post: Post, index: SiteIndex) -> list[tuple[TermRef, str]]:
    """The item's categories, each with its slug (looked up by name when the export gave none: WXR 1.0)."""
    return term_refs(post, index, "category")


def term_refs(post: Post, index: SiteIndex, taxonomy: str) -> list[tuple[TermRef, str]]:
    """The item's terms of ``taxonomy``, each with its slug (looked up by name when the export
    gave none: WXR 1.0)."""
    slugs = index.term_slugs
    return [(ref, ref.slug or slugs.get((taxonomy, ref.name), "")) for ref in post.terms if ref.taxonomy == taxonomy]


def category_path(slug: str, name: str, index: SiteIndex) -> str:
    """A category's place in its hierarchy: its ancestors' slugs and its own, joined by ``/``,
    as in its WordPress address (``/category/bar/foo/``); each made a plain segment by
    :func:`~wxrtool.writers.paths.term_slug`, so no ``..``, no ``/`` of a slug's own.

    >>> from wxrtool.index import TermInfo
    >>> index = SiteIndex(terms={("category", "bar"): TermInfo("Bar"), ("category", "foo-bar"): TermInfo("Foo", "bar")})
    >>> category_path("foo-bar", "Foo", index), category_path("", "Not Declared", index)
    ('bar/foo-bar', 'not-declared')
    >>> category_path("../x", "X", index)
    'x'
    """
    if not slug:
        return term_slug(name, "category")
    return "/".join(term_slug(s, term_slug(name, "category")) for s in index.term_path("category", slug))


def category_labels(post: Post, index: SiteIndex) -> list[str]:
    """The item's categories as an engine that knows them by name must have them: each one's
    name, or, for a name two categories share, the names of its path (``Bar / Foo``)."""
    refs = category_refs(post, index)
    return [index.term_label("category", slug, ref.name) if slug else ref.name for ref, slug in refs]


def metadata(post: Post, options: WriteOptions) -> dict[str, Any]:
    """The front matter of one item."""
    index = options.index
    data: dict[str, Any] = {"title": shown_title(post.title)}
    if post.date is not None:
        data["date"] = post.date
    if post.modified is not None and post.modified != post.date:
        data["updated"] = post.modified
    data.update(slug=post.slug, id=post.id, type=post.type, status=post.status)
    if post.status != "publish":
        data["draft"] = True
    if post.author:
        data["author"] = index.authors.get(post.author, post.author)
    co = co_authors(post)
    if co:
        data["authors"] = co  # (Co-Authors Plus: every author of the post)
    if post.categories:
        data["categories"] = post.categories
        # Names are not unique ("Foo" and "Bar > Foo"): where each category sits tells them apart.
        data["category_paths"] = [category_path(slug, ref.name, index) for ref, slug in category_refs(post, index)]
    if post.tags:
        data["tags"] = post.tags
    for ref in post.terms:
        if ref.taxonomy in _NOT_CONTENT_TAXONOMIES:
            continue
        key = ref.taxonomy if ref.taxonomy not in _STANDARD_KEYS else f"taxonomy_{ref.taxonomy}"
        data.setdefault(key, []).append(ref.name)
    summary = plain_text(post.excerpt_html)
    if summary:
        data["summary"] = summary
    thumbnail = thumbnail_id(post)
    if thumbnail is not None and thumbnail in index.attachments:
        featured = safe_url(index.attachments[thumbnail].url, relative=True)
        if featured:
            data["featured_image"] = featured
    permalink = safe_url(post.link, relative=True) if post.link else ""
    if permalink:
        data["permalink"] = permalink
    if index.languages:
        data.update(language_fields(post, options))
    if post.sticky:
        data["sticky"] = True
    if post.password:
        data["protected"] = True
    chosen = {}
    keys = meta_keys_of(post, options.meta_keys)
    if keys:
        by_key: dict[str, list[Meta]] = {}  # (one pass over the meta, not one per key)
        for m in post.meta:
            by_key.setdefault(m.key, []).append(m)
        for key in keys:
            values = [typed(m) for m in by_key.get(key, ())]
            if values:
                chosen[key] = values[0] if len(values) == 1 else values
    if chosen:
        data["meta"] = chosen
    return data


def language_fields(post: Post, options: WriteOptions) -> dict[str, Any]:
    """On a multilingual site, the item's language (``lang``: the site's default one when it
    has none), its group of translations (``translation_key``) and its translations' addresses,
    by language (``translations``): each the translation's new address once written
    (:mod:`wxrtool.itemlinks`), else its old one. Only translations the output shows (by the
    selection's statuses and types) are listed."""
    index, languages = options.index, options.index.languages
    data: dict[str, Any] = {"lang": languages.of(post.id) or languages.default}
    key = languages.key(post.id)
    if not key:
        return data
    data["translation_key"] = key
    selection = options.selection
    shown: dict[str, str] = {}
    for code, item in languages.translations(post.id).items():
        info = index.items.get(item)
        if info is None or (selection.statuses is not None and info.status not in selection.statuses):
            continue
        if selection.types is not None and info.type not in selection.types:
            continue
        link = languages.items[item].link
        if options.links is not None:
            shown[code] = options.links.to_item(item, link)
        else:
            shown[code] = safe_url(link, relative=True) if link else ""
    if shown:
        data["translations"] = {code: link for code, link in shown.items() if link}
    return data


EVERY_FIELD = "*"
"""``--meta '*'``: every custom field whose key does not start with ``_`` (WordPress's private ones)."""


def meta_keys_of(post: Post, asked: tuple[str, ...]) -> list[str]:
    """The custom fields ``--meta`` asks for of ``post``, in order, each once."""
    if EVERY_FIELD not in asked:
        return list(dict.fromkeys(asked))
    public = [m.key for m in post.meta if m.key and not m.key.startswith("_")]
    return list(dict.fromkeys([*(k for k in asked if k != EVERY_FIELD), *public]))


_INTEGER = re.compile(r"-?(?:0|[1-9][0-9]{0,17})")
_DECIMAL = re.compile(r"-?(?:0|[1-9][0-9]{0,17})\.[0-9]{1,15}")


def typed(meta: Meta) -> Any:
    """A custom field's value as front matter types it: a PHP-serialized array decoded, a whole
    number an integer, a decimal one a number, ``true``/``false`` a boolean, else the text.

    >>> [typed(Meta(k, v)) for k, v in (("a", "42"), ("b", "3.50"), ("c", "007"), ("d", "true"), ("e", "x"))]
    [42, 3.5, '007', True, 'x']
    """
    if meta.serialized and not meta.broken:
        return meta.decoded
    value = meta.value
    if _INTEGER.fullmatch(value):
        return int(value)
    if _DECIMAL.fullmatch(value):
        return float(value)
    if value in ("true", "false"):
        return value == "true"
    return value

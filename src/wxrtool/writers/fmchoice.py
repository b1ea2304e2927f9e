"""Front matter as the user wants it (``--front-matter``, ``--date-format``, ``--timezone``,
``--seo``), applied to what a writer made of an item just before it is written.

- **fields**: ``title,date:created,tags:keywords`` keeps those fields, in that order, each
  under its new name if one follows ``:``; the fields an engine needs to place a page (Hugo's
  ``aliases``, ``url`` and ``draft``; Jekyll's ``permalink``, ``redirect_from``, ``layout``,
  ``published`` and ``render_with_liquid``) stay whatever the list says.
- **dates**: every date shown in a time zone (an IANA name such as ``Europe/Paris``, or
  ``UTC``) and in a ``strftime`` format (``%Y-%m-%d``), or ``date`` for the day alone; by
  default, ISO 8601 with the offset the export gives, as before.
- **SEO**: the fields Yoast, Rank Math and All in One SEO keep in post meta become
  ``description`` (what themes show and put in ``<meta name="description">``) and a ``seo``
  block (``title``, ``description``, ``canonical``, ``noindex``, ``image``). A plugin's
  variables (``%%title%%``, ``%sep%``) are filled where the item says what they are, and
  dropped where it does not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..content.sanitize import safe_url
from ..errors import OptionsError
from ..records import Post

# What each engine needs to place a page: never dropped by --front-matter.
KEPT = {
    "hugo": frozenset({"aliases", "url", "draft"}),
    "jekyll": frozenset({"permalink", "redirect_from", "layout", "published", "render_with_liquid"}),
    "markdown": frozenset(),
}
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]{0,63}")
# The fields the writers' front matter holds, by their usual names: a field asked for that is
# a letter or two off one of them is likely misspelled (a custom field may be called anything).
USUAL_FIELDS = (
    "title", "date", "updated", "lastmod", "last_modified_at", "draft", "published", "author", "authors",
    "categories", "category_paths", "tags", "summary", "excerpt", "description", "featured_image", "image",
    "images", "permalink", "url", "aliases", "redirect_from", "slug", "sticky", "protected", "meta", "seo",
    "layout", "lang", "language", "translations", "translation_key", "comments",
)  # fmt: skip

# The SEO plugins' post meta, in the order they are asked: Yoast, Rank Math, All in One SEO 4 and 3.
SEO_META = {
    "title": ("_yoast_wpseo_title", "rank_math_title", "_aioseo_title", "_aioseop_title"),
    "description": ("_yoast_wpseo_metadesc", "rank_math_description", "_aioseo_description", "_aioseop_description"),
    "canonical": ("_yoast_wpseo_canonical", "rank_math_canonical_url", "_aioseo_canonical_url", "_aioseop_custom_link"),
    "image": ("_yoast_wpseo_opengraph-image", "rank_math_facebook_image", "_aioseo_og_image_custom_url"),
}
_VARIABLE = re.compile(r"%%?[a-z_]+%%?")
# A strftime directive as the C library reads one (flags, width, E/O), and the letters it knows:
# another is written as it stands, in every date ("%Q" for each).
_DIRECTIVE = re.compile(r"%[-_0^#]*[0-9]*[EO]?(.?)", re.S)
_DIRECTIVES = frozenset("aAbBcCdDeFgGhHIjklmMnpPrRsStTuUVwWxXyYzZ%")


@dataclass(frozen=True)
class FrontMatterChoice:
    """What ``--front-matter``, ``--date-format``, ``--timezone`` and ``--seo`` ask for."""

    fields: tuple[tuple[str, str], ...] | None = None  # (field, written as); None: every field
    date_format: str | None = None
    timezone: str | None = None
    seo: bool = False

    @classmethod
    def parse(
        cls, fields: str | None = None, date_format: str | None = None, timezone: str | None = None, seo: bool = False
    ) -> FrontMatterChoice:
        """The options as given on the command line; :class:`OptionsError` for one that cannot be.

        >>> FrontMatterChoice.parse("title,date:created").fields
        (('title', 'title'), ('date', 'created'))
        """
        chosen: list[tuple[str, str]] | None = None
        if fields is not None:
            chosen = []
            for part in (p.strip() for p in fields.split(",") if p.strip()):
                name, _, shown = part.partition(":")
                name, shown = name.strip(), (shown.strip() or name.strip())
                if not _NAME.fullmatch(name) or not _NAME.fullmatch(shown):
                    raise OptionsError(
                        f"--front-matter {part!r}: a field is a name (letters, digits, '_', '-'), "
                        "optionally ':' and the name to write it as"
                    )
                if shown in (s for _, s in chosen):
                    raise OptionsError(f"--front-matter: two fields written as {shown!r}")
                chosen.append((name, shown))
            if not chosen:
                raise OptionsError("--front-matter: name at least one field (title,date,...)")
        if timezone is not None:
            _zone(timezone)
        if date_format is not None and date_format != "date":
            unknown = [m.group(0) for m in _DIRECTIVE.finditer(date_format) if m.group(1) not in _DIRECTIVES]
            if "%" not in date_format or unknown:
                what = (
                    f"{unknown[0]!r} is no strftime directive" if unknown else "a strftime format (%Y-%m-%d) or 'date'"
                )
                raise OptionsError(f"--date-format {date_format[:60]!r}: {what}")
        return cls(tuple(chosen) if chosen is not None else None, date_format, timezone, seo)

    def shape(self, data: dict[str, Any], post: Post, engine: str) -> dict[str, Any]:
        """``data`` (a writer's front matter for ``post``) as chosen."""
        if self.seo:
            data = {**data, **_seo(post, data)}
        if self.date_format is not None or self.timezone is not None:
            zone = _zone(self.timezone) if self.timezone else None
            data = {key: self._date(value, zone) for key, value in data.items()}
        if self.fields is None:
            return data
        shaped = {shown: data[name] for name, shown in self.fields if name in data}
        for name in KEPT.get(engine, frozenset()):
            if name in data and name not in shaped:
                shaped[name] = data[name]
        return shaped

    def _date(self, value: Any, zone: tzinfo | None) -> Any:
        if not isinstance(value, datetime):
            return value
        if zone is not None and value.tzinfo is not None:
            value = value.astimezone(zone)
        if self.date_format is None:
            return value
        return value.date().isoformat() if self.date_format == "date" else value.strftime(self.date_format)


def _zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise OptionsError(f"--timezone {name!r}: not a time zone (UTC, Europe/Paris, America/New_York...)") from None


def _seo(post: Post, data: dict[str, Any]) -> dict[str, Any]:
    """``description`` and ``seo`` from the SEO plugins' meta of ``post`` ({} when it has none)."""
    found: dict[str, Any] = {}
    for field, keys in SEO_META.items():
        value = next((v.strip() for v in map(post.meta_value, keys) if v and v.strip()), "")
        if field in ("title", "description"):
            value = _filled(value, post, str(data.get("title", post.title)))
        elif value:
            value = safe_url(value, relative=True)
        if value:
            found[field] = value
    if _noindex(post):
        found["noindex"] = True
    if not found:
        return {}
    extra: dict[str, Any] = {"seo": found}
    if "description" in found and "description" not in data:
        extra["description"] = found["description"]
    return extra


def _filled(text: str, post: Post, title: str) -> str:
    """A plugin's template with the variables the item answers filled, the others dropped.

    >>> from wxrtool.records import Post
    >>> post = Post(id=1, type="post", status="publish", title="Swifts", slug="s", slug_raw="s", link="", guid="",
    ...             date=None, date_utc=None, modified=None, modified_utc=None, author="", content_html="",
    ...             excerpt_html="")
    >>> _filled("%%title%% %%sep%% %%sitename%%", post, "Swifts"), _filled("%title% %sep% Notes", post, "Swifts")
    ('Swifts', 'Swifts - Notes')
    """
    known = {"title": title, "sep": "-", "page": "", "excerpt": ""}
    filled = _VARIABLE.sub(lambda m: known.get(m.group(0).strip("%"), ""), text)
    if filled == text:
        return " ".join(text.split())
    return " ".join(filled.split()).strip(" -|")  # (a separator left at an end by a dropped variable)


def _noindex(post: Post) -> bool:
    if (post.meta_value("_yoast_wpseo_meta-robots-noindex") or "").strip() == "1":
        return True
    if (post.meta_value("_aioseop_noindex") or "").strip() == "on":
        return True
    for meta in (m for m in post.meta if m.key == "rank_math_robots"):  # (a PHP array: ["index"] or ["noindex"])
        value = meta.decoded if meta.serialized and not meta.broken else meta.value
        values = list(value.values()) if isinstance(value, dict) else value if isinstance(value, list) else [value]
        if "noindex" in values:
            return True
    return False

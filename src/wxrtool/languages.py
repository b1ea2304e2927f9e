"""The languages of a multilingual site, and which items translate which.

WordPress has no languages of its own; the two plugins that give it some keep them where an
export carries them:

- **Polylang** keeps each language as a term of its ``language`` taxonomy (slug ``fr``, name
  ``Français``, its locale and direction in the term's description, PHP-serialized), and each
  group of translations as a term of ``post_translations`` (named ``pll_<unique id>``); an item
  names both: ``<category domain="language" nicename="fr">`` and
  ``<category domain="post_translations" nicename="pll_…">``. Terms have their own
  (``term_language``, ``term_translations``), which are no post's topic.
- **WPML**, through its Export and Import add-on, writes three custom fields on each item:
  ``_wpml_import_language_code``, ``_wpml_import_translation_group`` and, on a translation,
  ``_wpml_import_source_language_code``.

:func:`item_language` reads an item's language and group; :class:`Languages` (made from the
site index) knows the site's languages, which one is the default (the one the site's header
names, else the one with most items), and each item's translations: the other items of its
group, one per language (a second item of a language in a group is left on its own: an engine
shows one translation per language). A language code from the export becomes a file name, a
folder and a configuration key: only codes of the form ``fr``, ``pt-br``, ``zh-hans`` are taken
(lower case, ``_`` as ``-``); an item with any other has no language.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from .devices import DEVICES
from .phpserial import decode_serialized
from .records import Post, Term, pickled_by_fields

#: Polylang's taxonomies: what language an item or term is in, and which translate which.
LANGUAGE_TAXONOMY = "language"
GROUP_TAXONOMY = "post_translations"
LANGUAGE_TAXONOMIES = frozenset({LANGUAGE_TAXONOMY, GROUP_TAXONOMY, "term_language", "term_translations"})

# WPML Export and Import's custom fields.
WPML_LANGUAGE = "_wpml_import_language_code"
WPML_GROUP = "_wpml_import_translation_group"
WPML_SOURCE = "_wpml_import_source_language_code"

_CODE = re.compile(r"[a-z]{2,3}(?:-[a-z0-9]{2,8}){0,3}")
_LOCALE = re.compile(r"[A-Za-z]{2,3}(?:_[A-Za-z0-9]{2,8}){0,3}")


def language_code(text: str) -> str:
    """``text`` as a language code an engine can take as a file name and a key, or '' (a name
    Windows keeps for a device, ``con`` or ``nul``, is no language: it is a folder's name).

    >>> [language_code(t) for t in ("fr", "pt_BR", " de ", "../x", "en}", "zh-Hans-CN", "", "NUL", "con-ab")]
    ['fr', 'pt-br', 'de', '', '', 'zh-hans-cn', '', '', 'con-ab']
    """
    code = text.strip().lower().replace("_", "-")
    return code if _CODE.fullmatch(code) and code not in DEVICES else ""


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class ItemLanguage:
    """An item's language and its group of translations ('' when it is in none)."""

    code: str
    group: str = ""
    source: bool = True  # (False: WPML names it a translation of another language's item)
    link: str = ""  # its old permalink (where a link to it leads when the output has it not)


def item_language(post: Post) -> ItemLanguage | None:
    """The language ``post`` is in, as Polylang or WPML recorded it, or ``None``."""
    code = group = ""
    for ref in post.terms:
        if ref.taxonomy == LANGUAGE_TAXONOMY and not code:
            code = language_code(ref.slug)
        elif ref.taxonomy == GROUP_TAXONOMY and not group:
            group = ref.slug.strip()
    source = True
    if not code and post.meta:
        code = language_code(post.meta_value(WPML_LANGUAGE) or "")
        group = (post.meta_value(WPML_GROUP) or "").strip()
        source = not (post.meta_value(WPML_SOURCE) or "").strip()
    if not code:
        return None
    return ItemLanguage(code, group[:200], source, post.link)


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Language:
    """One of the site's languages: its code, the name it calls itself and its locale."""

    code: str
    name: str
    locale: str = ""
    rtl: bool = False


def declared_language(term: Term) -> Language | None:
    """The language a term of Polylang's ``language`` taxonomy declares, or ``None``."""
    code = language_code(term.slug) if term.taxonomy == LANGUAGE_TAXONOMY else ""
    if not code:
        return None
    about = decode_serialized(term.description) if term.description else None
    locale = rtl = None
    if isinstance(about, dict):
        locale, rtl = about.get("locale"), about.get("rtl")
    locale_text = locale if isinstance(locale, str) and _LOCALE.fullmatch(locale) else ""
    return Language(code, " ".join(term.name.split())[:100] or code, locale_text, rtl in (1, True, "1"))


#: The most items of one group of translations (one per language) that are each other's translations.
MAX_TRANSLATIONS = 256


class Languages:
    """The site's languages, its default one, and each item's translations.

    Made from what the index pass kept: the languages declared (``declared``, in order) and
    each item's language (``items``); ``site_language`` is the header's ``<language>``.

    >>> items = {1: ItemLanguage("en", "g"), 2: ItemLanguage("fr", "g"), 3: ItemLanguage("fr", "g"),
    ...          4: ItemLanguage("fr")}
    >>> langs = Languages({}, items, "fr-FR")
    >>> langs.default, list(langs.codes), langs.translations(1), langs.translations(3)
    ('fr', ['fr', 'en'], {'fr': 2}, {})
    >>> langs.key(1), langs.key(3), langs.original(2), langs.original(1)
    ('g', '', True, False)
    """

    def __init__(
        self, declared: Mapping[str, Language], items: Mapping[int, ItemLanguage], site_language: str = ""
    ) -> None:
        self.items = items
        counts = Counter(language.code for language in items.values())
        found = dict(declared)
        for code in counts:
            found.setdefault(code, Language(code, code))
        header = language_code(site_language)
        primary = header.split("-")[0]
        if header in found:
            self.default = header
        elif primary in found:
            self.default = primary
        elif counts:
            self.default = counts.most_common(1)[0][0]
        else:
            self.default = next(iter(found), "")
        # The default language first, then the others as declared.
        self.codes: dict[str, Language] = {}
        if self.default:
            self.codes[self.default] = found[self.default]
        self.codes.update(found)
        # Each group's items, one per language: the first of each, and MAX_TRANSLATIONS at most
        # (an item past them is in no group: each item lists its group, so a group of n items made
        # n times n entries; a site has tens of languages).
        self._groups: dict[str, dict[str, int]] = {}
        for item_id, language in items.items():
            if language.group:
                members = self._groups.setdefault(language.group, {})
                if len(members) < MAX_TRANSLATIONS or language.code in members:
                    members.setdefault(language.code, item_id)
        self._order = {code: n for n, code in enumerate(self.codes)}

    def __bool__(self) -> bool:
        return bool(self.items)

    def of(self, item_id: int) -> str:
        """The item's language code ('' when it has none: it is then in the default one)."""
        language = self.items.get(item_id)
        return language.code if language is not None else ""

    def key(self, item_id: int) -> str:
        """The item's group of translations, when it has others in it ('' when it has none)."""
        language = self.items.get(item_id)
        if language is None or not language.group:
            return ""
        members = self._groups[language.group]
        if members.get(language.code) != item_id or len(members) < 2:
            return ""
        return language.group

    def translations(self, item_id: int) -> dict[str, int]:
        """The item's translations, by language in the site's order."""
        group = self.key(item_id)
        if not group:
            return {}
        members = self._groups[group]
        # (the group's own languages put in the site's order: not every language of the site per item)
        codes = sorted((code for code, other in members.items() if other != item_id), key=self._order.__getitem__)
        return {code: members[code] for code in codes}

    def original(self, item_id: int) -> bool:
        """Whether the item is its group's original: the default language's item, else the one
        WPML names the source, else the first; an item in no group is its own."""
        group = self.key(item_id)
        if not group:
            return True
        members = self._groups[group]
        if self.default in members:
            return members[self.default] == item_id
        sources = [i for i in members.values() if self.items[i].source]
        return item_id == (sources or list(members.values()))[0]


def language_data(languages: Languages) -> dict[str, dict[str, object]]:
    """The site's languages as a data file gives them to templates: by code, the default one
    first, each with its name, locale, direction and whether it is the default.

    >>> language_data(Languages({"fr": Language("fr", "Français", "fr_FR")}, {1: ItemLanguage("fr")}))
    {'fr': {'name': 'Français', 'locale': 'fr_FR', 'direction': 'ltr', 'default': True}}
    """
    return {
        code: {
            "name": language.name,
            "locale": language.locale,
            "direction": "rtl" if language.rtl else "ltr",
            "default": code == languages.default,
        }
        for code, language in languages.codes.items()
    }

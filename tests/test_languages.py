"""A multilingual site (Polylang, WPML): each item's language and translations read, written in
every folder format, and shown by the real engines: each page in its language, linking each of
its published translations, at its old address (``samples/languages.xml``)."""

from __future__ import annotations

import csv
import json
import re
import subprocess
from pathlib import Path
from urllib.parse import unquote, urljoin

import lxml.html
import pytest
import yaml

import wxrtool
from wxrtool.index import SiteIndex
from wxrtool.languages import ItemLanguage, Language, Languages, item_language, language_code
from wxrtool.records import Meta, Post, TermRef

from .conftest import SAMPLES
from .test_astro import astro_bin  # noqa: F401 (a fixture)
from .test_pelican import build as pelican_build

LANGUAGES = SAMPLES / "languages.xml"
SITE = "https://joinery.example.org"

# The sample's published items: id -> (language, title, old path), and the groups of
# translations among them (15, the French translation of 13, is a draft: not listed).
ITEMS = {
    10: ("en", "Spring in the workshop", "/2024/03/spring-in-the-workshop/"),
    11: ("fr", "Le printemps à l\u2019atelier", "/fr/2024/03/printemps-a-latelier/"),
    12: ("de", "Frühling in der Werkstatt", "/de/2024/03/fruehling-in-der-werkstatt/"),
    13: ("en", "Sharpening chisels", "/2024/04/sharpening-chisels/"),
    14: ("fr", "Les rabots", "/fr/2024/04/les-rabots/"),
    20: ("en", "About", "/about/"),
    21: ("fr", "À propos", "/fr/a-propos/"),
}
GROUPS = [{10, 11, 12}, {20, 21}]


def translations_of(item: int) -> dict[str, int]:
    group = next((g for g in GROUPS if item in g), {item})
    return {ITEMS[other][0]: other for other in sorted(group - {item})}


def _post(*terms: TermRef, meta: tuple[Meta, ...] = (), link: str = "") -> Post:
    return Post(
        id=1, type="post", status="publish", title="t", slug="t", slug_raw="t", link=link, guid="", date=None,
        date_utc=None, modified=None, modified_utc=None, author="", content_html="", excerpt_html="",
        terms=terms, meta=meta,
    )  # fmt: skip


# -- reading ------------------------------------------------------------------------------


def test_polylang_and_wpml_languages_are_read() -> None:
    polylang = _post(TermRef("language", "fr", "Français"), TermRef("post_translations", "pll_1", "pll_1"))
    assert item_language(polylang) == ItemLanguage("fr", "pll_1", True, "")
    wpml = _post(
        meta=(Meta("_wpml_import_language_code", "pt_BR"), Meta("_wpml_import_translation_group", "42"),
              Meta("_wpml_import_source_language_code", "en")),
    )  # fmt: skip
    assert item_language(wpml) == ItemLanguage("pt-br", "42", False, "")
    assert item_language(_post(TermRef("category", "fr", "fr"))) is None


@pytest.mark.parametrize(
    "code", ["../x", "fr/../../etc", "en}", "x", "'; alert(1)//", "fr\nde", "e n", "é", "nul", "CON", "com1"]
)
def test_a_language_code_that_is_no_code_gives_no_language(code: str) -> None:
    """A code becomes a file name, a folder and a configuration key: anything else is refused."""
    assert language_code(code) == ""
    assert item_language(_post(TermRef("language", code, code))) is None


def test_the_default_language_is_the_headers_else_the_most_used() -> None:
    items = {1: ItemLanguage("en"), 2: ItemLanguage("fr"), 3: ItemLanguage("fr")}
    assert Languages({}, items, "en-US").default == "en"
    assert Languages({}, items, "").default == "fr"
    assert Languages({}, items, "de-DE").default == "fr"
    declared = {"de": Language("de", "Deutsch"), "en": Language("en", "English")}
    assert list(Languages(declared, items, "en-GB").codes) == ["en", "de", "fr"]


def test_one_translation_per_language_in_a_group() -> None:
    """A second French item in a group is on its own (an engine shows one per language)."""
    items = {1: ItemLanguage("en", "g"), 2: ItemLanguage("fr", "g"), 3: ItemLanguage("fr", "g")}
    languages = Languages({}, items, "en")
    assert languages.translations(1) == {"fr": 2}
    assert languages.translations(3) == {} and languages.key(3) == ""
    assert languages.original(1) and not languages.original(2)


def test_the_index_pass_reads_the_languages() -> None:
    """The light read of the index pass keeps Polylang's terms and WPML's fields of every item."""
    light = SiteIndex.build(wxrtool.Reader(LANGUAGES, light=True))
    assert {i: (found.code, found.group) for i, found in light.item_languages.items()} == {
        10: ("en", "pll_6661a0b1c2d40"), 11: ("fr", "pll_6661a0b1c2d40"), 12: ("de", "pll_6661a0b1c2d40"),
        13: ("en", "pll_6661a0b1c2d42"), 14: ("fr", ""), 15: ("fr", "pll_6661a0b1c2d42"),
        20: ("en", "pll_6661a0b1c2d41"), 21: ("fr", "pll_6661a0b1c2d41"),
    }  # fmt: skip
    assert [(lang.code, lang.name, lang.locale) for lang in light.languages.codes.values()] == [
        ("en", "English", "en_GB"), ("fr", "Français", "fr_FR"), ("de", "Deutsch", "de_DE")
    ]  # fmt: skip
    assert light.languages.default == "en"


# -- the formats --------------------------------------------------------------------------


def _front_matter(path: Path) -> dict[str, object]:
    text = path.read_text(encoding="utf-8")
    data = yaml.safe_load(text.split("---\n", 2)[1])
    assert isinstance(data, dict)
    return data


def test_markdown_front_matter_names_the_language_and_the_translations(tmp_path: Path) -> None:
    out = tmp_path / "md"
    wxrtool.convert(LANGUAGES, "markdown", str(out))
    found = {}
    for path in out.rglob("*.md"):
        data = _front_matter(path)
        found[data["id"]] = data
        assert not {"language", "post_translations", "term_language", "term_translations"} & data.keys()
    assert set(found) == set(ITEMS)
    new_path = {item: f"/{data['type']}s/{data['slug']}/" for item, data in found.items()}
    for item, data in found.items():
        assert data["lang"] == ITEMS[item][0]
        expected = {code: new_path[other] for code, other in translations_of(item).items()}
        assert data.get("translations", {}) == expected, item
    # 13's only translation is a draft: it has a group, but no translation to show.
    assert found[13]["translation_key"] == "pll_6661a0b1c2d42" and "translations" not in found[13]
    assert "translation_key" not in found[14]
    languages = json.loads((out / "languages.json").read_text(encoding="utf-8"))
    assert list(languages) == ["en", "fr", "de"] and languages["en"]["default"] is True
    assert languages["fr"] == {"name": "Français", "locale": "fr_FR", "direction": "ltr", "default": False}


def test_a_single_language_site_has_no_language_fields(tmp_path: Path) -> None:
    out = tmp_path / "md"
    wxrtool.convert(SAMPLES / "menus.xml", "markdown", str(out))
    assert not (out / "languages.json").exists()
    assert all("lang" not in _front_matter(p) for p in out.rglob("*.md"))


def _hostile(tmp_path: Path) -> Path:
    """The sample with a group key and a language name made to break what they are written into."""
    text = LANGUAGES.read_text(encoding="utf-8")
    key = "pll_6661a0b1c2d40"
    hostile_key = 'pll: x #\n- "y"\nTitle: z {{ a }} {% b %}'
    text = text.replace(
        f'nicename="{key}"', f'nicename="{hostile_key.replace(chr(10), "&#10;").replace(chr(34), "&quot;")}"'
    )
    text = text.replace(
        "<![CDATA[Deutsch]]></wp:term_name>", "<![CDATA[</a><script>alert(1)</script>{{ x }}]]></wp:term_name>"
    )
    path = tmp_path / "hostile.xml"
    path.write_text(text, encoding="utf-8")
    return path


def test_hostile_group_keys_and_names_stay_values(tmp_path: Path) -> None:
    export = _hostile(tmp_path)
    md, pelican, hugo = tmp_path / "md", tmp_path / "pelican", tmp_path / "hugo"
    wxrtool.convert(export, "markdown", str(md))
    wxrtool.convert(export, "pelican", str(pelican), scaffold=True)
    wxrtool.convert(export, "hugo", str(hugo), scaffold=True)
    data = _front_matter(md / "posts/spring-in-the-workshop.md")
    assert data["title"] == "Spring in the workshop" and data["translation_key"].startswith("pll: x #")
    assert set(data["translations"]) == {"fr", "de"}
    head = (pelican / "content/posts/spring-in-the-workshop.md").read_text(encoding="utf-8").split("\n\n")[0]
    assert [line for line in head.splitlines() if line.startswith("Title:")] == ["Title: Spring in the workshop"]
    assert re.search(r"^Translation_key: pll: x # - .y. Title: z", head, re.M), head
    hugo_data = _front_matter(hugo / "content/posts/spring-in-the-workshop/index.md")
    assert hugo_data["translationKey"].startswith("pll: x #")
    config = yaml.safe_load((hugo / "config/_default/languages.yaml").read_text(encoding="utf-8"))
    assert config["de"]["label"] == "</a><script>alert(1)</script>{{ x }}"


# -- the real engines ---------------------------------------------------------------------


def _built(engine: str, site: Path, tools: dict[str, str], astro: Path) -> Path:
    if engine == "hugo":
        out = site / "public"
        subprocess.run([tools["hugo"], "--quiet", "--panicOnWarning", "--source", str(site)], check=True)
        return out
    if engine == "jekyll":
        out = site / "_site"
        subprocess.run([tools["jekyll"], "build", "--source", str(site), "--destination", str(out)],
                       check=True, capture_output=True)  # fmt: skip
        return out
    if engine == "pelican":
        return pelican_build(tools["pelican"], site)
    if engine == "eleventy":
        from .test_eleventy import build, install_eleventy

        return build(install_eleventy(), site)
    from .test_astro import build as astro_build

    return astro_build(astro, site)[0]


def _page(built: Path, path: str) -> Path:
    file = built / unquote(path).lstrip("/")
    return file / "index.html" if path.endswith("/") else file


def _title(page: Path) -> str:
    return lxml.html.parse(str(page)).findtext(".//title") or ""


@pytest.mark.parametrize("engine", ["hugo", "jekyll", "pelican", "eleventy", "astro"])
def test_each_page_is_in_its_language_and_links_its_translations(
    engine: str,
    hugo: str,
    jekyll: str,
    pelican: str,
    astro_bin: Path,  # noqa: F811 (the fixture)
    tmp_path: Path,
) -> None:
    site, table = tmp_path / "site", tmp_path / "redirects.csv"
    wxrtool.convert(LANGUAGES, engine, str(site), scaffold=True, redirects=("csv", str(table)))
    built = _built(engine, site, {"hugo": hugo, "jekyll": jekyll, "pelican": pelican}, astro_bin)
    moved = dict(csv.reader(table.read_text(encoding="utf-8").splitlines()[1:]))
    new = {item: moved.get(old, old) for item, (_, _, old) in ITEMS.items()}
    for item, (language, title, old) in ITEMS.items():
        page = _page(built, new[item])
        assert page.is_file(), (item, new[item])
        document = lxml.html.parse(str(page)).getroot()
        assert document.get("lang") == language, (engine, item)
        assert title in _title(page), (engine, item)
        # Each translation linked by its language, and the link leads to that translation's page.
        links = document.xpath("//body//a[@hreflang]")  # (Pelican's theme: in the article's footer)
        shown = {a.get("hreflang"): urljoin(new[item], a.get("href")) for a in links}
        expected = translations_of(item)
        assert set(shown) == set(expected), (engine, item, shown)
        for code, other in expected.items():
            assert ITEMS[other][1] in _title(_page(built, shown[code])), (engine, item, code)
        # The old address answers: the page itself, or (Hugo) an alias that leads to it.
        answered = _page(built, old)
        assert answered.is_file(), (engine, item, old)
        if answered != page:
            assert f'url={new[item]}"' in answered.read_text(encoding="utf-8") or (
                f"url={SITE}" not in answered.read_text(encoding="utf-8")
            ), (engine, item)


def test_hugo_serves_a_translations_old_address_outside_its_language_folder(hugo: str, tmp_path: Path) -> None:
    """A translation whose old address is not under its language's folder (WPML with a query,
    another domain) is at that address itself: Hugo would put its alias under /fr/."""
    text = LANGUAGES.read_text(encoding="utf-8").replace(f"{SITE}/fr/a-propos/", f"{SITE}/a-propos-fr/")
    export = tmp_path / "moved.xml"
    export.write_text(text, encoding="utf-8")
    site = tmp_path / "site"
    wxrtool.convert(export, "hugo", str(site), scaffold=True)
    data = _front_matter(site / "content/a-propos/index.fr.md")
    assert data["url"] == "/a-propos-fr/" and "aliases" not in data
    subprocess.run([hugo, "--quiet", "--panicOnWarning", "--source", str(site)], check=True)
    page = site / "public/a-propos-fr/index.html"
    assert "À propos" in _title(page) and lxml.html.parse(str(page)).getroot().get("lang") == "fr"


def test_hugo_publishes_a_translations_comments_and_media(hugo: str, tmp_path: Path) -> None:
    """A bundle's files are published with its language's page only when they name it
    (comments.fr.json, etabli.fr.jpg): otherwise the French page has no comments, no image."""
    image = f"{SITE}/wp-content/uploads/2024/03/etabli.jpg"
    text = LANGUAGES.read_text(encoding="utf-8").replace(
        "<p>L\u2019établi est dégagé", f'<p><img src="{image}" alt="établi"></p><p>L\u2019établi est dégagé'
    )
    export = tmp_path / "with-image.xml"
    export.write_text(text, encoding="utf-8")
    media = tmp_path / "media" / "joinery.example.org" / "wp-content" / "uploads" / "2024" / "03"
    media.mkdir(parents=True)
    (media / "etabli.jpg").write_bytes(b"\xff\xd8 jpeg")
    site = tmp_path / "site"
    wxrtool.convert(export, "hugo", str(site), scaffold=True, media=str(tmp_path / "media"))
    bundle = site / "content/posts/printemps-a-latelier"
    assert sorted(p.name for p in bundle.iterdir()) == ["comments.fr.json", "etabli.fr.jpg", "index.fr.md"]
    subprocess.run([hugo, "--quiet", "--panicOnWarning", "--source", str(site)], check=True)
    page = site / "public/fr/posts/printemps-a-latelier/index.html"
    document = lxml.html.parse(str(page)).getroot()
    assert [li.get("id") for li in document.xpath('//section[@class="comments"]//li')] == [
        "comment-31", "comment-32", "comment-33"
    ]  # fmt: skip
    (src,) = [img.get("src") for img in document.iter("img")]
    assert (site / "public" / urljoin("/fr/posts/printemps-a-latelier/", src).lstrip("/")).read_bytes() == (
        b"\xff\xd8 jpeg"
    )

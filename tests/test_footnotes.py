"""Footnotes (WordPress 6.3's and footnote plugins' shortcodes) as Markdown footnotes, and in
the sites Hugo, Jekyll and Pelican build from ``samples/footnotes.xml``."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

import wxrtool
from wxrtool.content import Context, post_markdown
from wxrtool.content.render import safe_post_html

from .conftest import SAMPLES
from .test_astro import astro_bin  # noqa: F401 (a fixture)

FOOTNOTES = SAMPLES / "footnotes.xml"


def _sup(key: str, n: int) -> str:
    return f'<sup data-fn="{key}" class="fn"><a href="#{key}" id="{key}-link">{n}</a></sup>'


def _meta(*notes: tuple[str, str]) -> str:
    return json.dumps([{"content": content, "id": key} for key, content in notes])


def test_wordpress_footnotes_become_markdown_footnotes() -> None:
    content = f"<!-- wp:paragraph --><p>One{_sup('a', 1)} two{_sup('b', 2)} one again{_sup('a', 1)}.</p><!-- /wp:paragraph -->"
    content += "\n\n<!-- wp:footnotes /-->"
    meta = _meta(("a", "First <em>note</em>."), ("b", "Second."))
    markdown = post_markdown(content, Context(footnote_meta=meta))
    assert markdown == "One[^1] two[^2] one again[^1].\n\n[^1]: First *note*.\n\n[^2]: Second."


def test_what_is_not_a_footnote_stays() -> None:
    # A reference the meta does not have, meta that is not WordPress's: left as they were.
    content = f"<p>One{_sup('zz', 1)}.</p>"
    for meta in ("", "{not json", '[{"id": 5}]', _meta(("a", "A."))):
        markdown = post_markdown(content, Context(footnote_meta=meta))
        assert "[^" not in markdown and "[1](#zz)" in markdown


def test_plugins_shortcodes() -> None:
    markdown = post_markdown(
        "A[ref]Simple.[/ref] b[footnote]Plain.[/footnote] c[efn_note]Easy.[/efn_note] d[ref][/ref]."
    )
    assert markdown == "A[^1] b[^2] c[^3] d.\n\n[^1]: Simple.\n\n[^2]: Plain.\n\n[^3]: Easy."


def test_a_note_of_several_paragraphs_is_indented() -> None:
    markdown = post_markdown("Text[ref]<p>One.</p><p>Two.</p>[/ref]")
    assert markdown.endswith("[^1]: One.\n\n    Two.")


def test_an_export_cannot_spell_the_stand_in() -> None:
    context = Context()
    spelled = context.note_word(0)  # (this context's own word, drawn for it: another post cannot know it)
    markdown = post_markdown(f"Text {spelled.replace(context._token, 'WXRTOOLEMBED0000000000000000N')}[ref]n[/ref]")
    assert "WXRTOOLEMBED0000000000000000NF0X" in markdown and markdown.count("[^1]") == 2


def test_ghost_gets_the_notes_as_html() -> None:
    page = safe_post_html("Text[ref]A <em>note</em>.[/ref]", Context())
    assert '<sup><a href="#note-1" id="note-1-link">1</a></sup>' in page
    assert '<li id="note-1">A <em>note</em>. <a href="#note-1-link">' in page
    content = f"<!-- wp:paragraph --><p>One{_sup('a', 1)}</p><!-- /wp:paragraph --><!-- wp:footnotes /-->"
    page = safe_post_html(content, Context(footnote_meta=_meta(("a", "First."))))
    assert '<ol class="wp-block-footnotes"><li id="a">First.' in page and "<!--" not in page


def test_hostile_notes_are_converted_as_posts_are() -> None:
    meta = _meta(("a", "<script>alert(1)</script><img src=x onerror=alert(2)>[x](javascript:alert(3))"))
    markdown = post_markdown(f"<p>One{_sup('a', 1)}</p><!-- wp:footnotes /-->", Context(footnote_meta=meta))
    note = markdown.split("[^1]: ", 1)[1]
    assert "<script" not in note and "onerror" not in note
    assert re.search(r"(?<!\\)\]\(javascript:", note) is None  # (written as text: "\](", no link)


def _built_notes(page: str) -> list[str]:
    # The text of each note in a built page's footnote list (Goldmark, kramdown, Python-Markdown).
    section = re.search(r'<(?:section|div)[^>]* class="footnotes?"[^>]*>(.*?)</(?:section|div)>', page, re.S)
    assert section is not None, page[-2000:]
    return [
        " ".join(re.sub(r"<[^>]+>", " ", li).split()) for li in re.findall(r"<li[^>]*>(.*?)</li>", section[1], re.S)
    ]


@pytest.mark.parametrize("engine", ["hugo", "jekyll", "pelican"])
def test_the_engines_show_the_notes(engine: str, hugo: str, jekyll: str, pelican: str, tmp_path: Path) -> None:
    site = tmp_path / "site"
    wxrtool.convert(FOOTNOTES, engine, str(site), scaffold=True)
    if engine == "hugo":
        subprocess.run([hugo, "--quiet", "--source", str(site), "--destination", str(site / "out")], check=True)
        pages = [site / "out/posts/swifts-in-the-air/index.html", site / "out/posts/old-books/index.html"]
    elif engine == "jekyll":
        subprocess.run([jekyll, "build", "--source", str(site), "--destination", str(site / "out")], check=True,
                       capture_output=True)  # fmt: skip
        pages = [site / "out/2024/04/swifts-in-the-air/index.html", site / "out/2024/04/old-books/index.html"]
    else:
        subprocess.run([pelican, "content", "-s", "pelicanconf.py", "-o", "out"], cwd=site, check=True,
                       capture_output=True)  # fmt: skip
        pages = [site / "out/2024/04/swifts-in-the-air/index.html", site / "out/2024/04/old-books/index.html"]
    _check_notes(pages)


def _check_notes(pages: list[Path]) -> None:
    swifts, books = (_built_notes(p.read_text(encoding="utf-8")) for p in pages)
    assert len(swifts) == 2 and swifts[0].startswith("Hedenström et al., Current Biology 26 (2016)")
    assert swifts[1].startswith("And, once in a while, to read")
    assert len(books) == 2 and books[1].startswith("Anthony Grafton, The Footnote: A Curious History (1997).")


def test_astro_and_eleventy_show_the_notes(astro_bin: Path, tmp_path: Path) -> None:  # noqa: F811 (the fixture)
    from .test_astro import build as astro_build
    from .test_eleventy import build as eleventy_build
    from .test_eleventy import install_eleventy

    for engine in ("astro", "eleventy"):
        site = tmp_path / engine
        wxrtool.convert(FOOTNOTES, engine, str(site), scaffold=True)
        built = astro_build(astro_bin, site)[0] if engine == "astro" else eleventy_build(install_eleventy(), site)
        _check_notes([built / "2024/04/swifts-in-the-air/index.html", built / "2024/04/old-books/index.html"])

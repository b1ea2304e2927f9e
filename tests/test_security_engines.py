"""No script from an export runs in the sites the engines build (a review's findings, kept).

Markdown engines read more than Markdown: kramdown (Jekyll) and Python-Markdown's
``attr_list`` (Pelican) take ``{: onfocus=...}`` as attributes and kramdown takes
``{::nomarkdown}`` as raw HTML; Pelican puts titles, names and summaries into pages as
HTML, and its default theme decodes them (``striptags``) into attributes and ``<title>``.
Each case is built by the real engine and every page is read as a browser would.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import lxml.html
import pytest

import wxrtool

from .test_hugo import build as build_hugo
from .test_jekyll import build as build_jekyll
from .test_pelican import build as build_pelican

SCRIPT = "document.title='PWNED'"
HOSTILE_TITLES = [
    f'<img src=x onerror="{SCRIPT}">',
    f'Say " autofocus onfocus="{SCRIPT}" x="',
    f"&lt;/title&gt;&lt;img src=x onerror={SCRIPT}&gt;",
    f"x <img src=x onerror={SCRIPT} ",
]
HOSTILE_COMMENTS = [
    f'<em>x</em>{{: tabindex="1" autofocus="" onfocus="{SCRIPT}"}}',
    f'{{::nomarkdown}}&lt;img src=x onerror="{SCRIPT}"&gt;{{:/}}',
    f'*x*{{: onmouseover="{SCRIPT}"}}',
    # A backtick on each side: a code-span finder that took escaped backticks for one let it through.
    f'&#96; <a href="https://x.org/">l</a>{{: x="&#96;" onmouseover="{SCRIPT}"}}',
]
HOSTILE_CONTENT = (
    f'<p><img src="x.png">{{: onerror="{SCRIPT}"}}</p>\n\n<p>text{{::nomarkdown}}<b onclick="x()">b</b>{{:/}}</p>'
    f'\n\n<p>&#96; <img src="https://x.invalid/a.png" alt="x">{{: x="&#96;" onerror="{SCRIPT}"}}</p>'
)
# Pelican renders Summary as Markdown with attr_list.
HOSTILE_EXCERPT = f"![i](https://x.invalid/b.png){{: onerror='{SCRIPT}' }} &lt;img src=x onerror={SCRIPT}&gt;"


def export(path: Path) -> Path:
    def cdata(text: str) -> str:
        return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"

    comments = "".join(
        f"<wp:comment><wp:comment_id>{n}</wp:comment_id><wp:comment_author>{cdata('Eve ' + text[:20])}"
        "</wp:comment_author><wp:comment_date>2024-01-02 10:00:00</wp:comment_date>"
        "<wp:comment_date_gmt>2024-01-02 10:00:00</wp:comment_date_gmt>"
        f"<wp:comment_content>{cdata(text)}</wp:comment_content><wp:comment_approved>1</wp:comment_approved>"
        "<wp:comment_type>comment</wp:comment_type><wp:comment_parent>0</wp:comment_parent></wp:comment>"
        for n, text in enumerate(HOSTILE_COMMENTS, 1)
    )
    items = "".join(
        f"<item><title>{cdata(title)}</title><link>https://example.com/p{n}/</link>"
        f"<content:encoded>{cdata(HOSTILE_CONTENT)}</content:encoded>"
        f"<excerpt:encoded>{cdata(HOSTILE_EXCERPT)}</excerpt:encoded>"
        f"<wp:post_id>{n}</wp:post_id><wp:post_date>2024-01-0{n} 10:00:00</wp:post_date>"
        f"<wp:post_date_gmt>2024-01-0{n} 10:00:00</wp:post_date_gmt><wp:post_name>p{n}</wp:post_name>"
        "<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>"
        f'<category domain="category" nicename="c{n}">{cdata(title)}</category>'
        f"{comments if n == 1 else ''}</item>"
        for n, title in enumerate(HOSTILE_TITLES, 1)
    )
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"'
        ' xmlns:content="http://purl.org/rss/1.0/modules/content/"'
        ' xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/">'
        f"<channel><title>{cdata('</title><img src=x onerror=' + SCRIPT + '>')}</title>"
        "<link>https://example.com</link><wp:wxr_version>1.2</wp:wxr_version>"
        f"{items}</channel></rss>",
        encoding="utf-8",
    )
    return path


def scripts_in(page: Path) -> list[str]:
    """What in ``page`` would run: script elements, event handlers, javascript: URLs."""
    found = []
    for element in lxml.html.parse(str(page)).getroot().iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag == "script":
            found.append(f"<script> in {page.name}")
        for name, value in element.attrib.items():
            if name.lower().startswith("on") or value.strip().lower().startswith("javascript:"):
                found.append(f"<{element.tag} {name}={value!r}> in {page.name}")
    return found


def check_site(built: Path, pages: int) -> None:
    html_pages = sorted(built.rglob("*.html"))
    assert len(html_pages) >= pages
    assert [finding for page in html_pages for finding in scripts_in(page)] == []
    chromium = shutil.which("chromium")
    if chromium:  # and as a browser runs them (the title the script would set)
        for page in html_pages[:12]:
            dom = subprocess.run(
                [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--no-first-run", f"--user-data-dir={built.parent / 'chromium'}", "--dump-dom", page.as_uri()],
                capture_output=True, text=True, timeout=60, check=False,
            ).stdout  # fmt: skip
            assert "<title>PWNED</title>" not in dom, page


def test_jekyll_site_runs_no_script_from_the_export(jekyll: str, tmp_path: Path) -> None:
    site = tmp_path / "site"
    wxrtool.convert(export(tmp_path / "x.xml"), "jekyll", str(site), scaffold=True)
    check_site(build_jekyll(jekyll, site), len(HOSTILE_TITLES))


def test_pelican_site_runs_no_script_from_the_export(pelican: str, tmp_path: Path) -> None:
    site = tmp_path / "site"
    wxrtool.convert(export(tmp_path / "x.xml"), "pelican", str(site), scaffold=True)
    check_site(build_pelican(pelican, site), len(HOSTILE_TITLES))


def test_hugo_site_runs_no_script_from_the_export(hugo: str, tmp_path: Path) -> None:
    site = tmp_path / "site"
    wxrtool.convert(export(tmp_path / "x.xml"), "hugo", str(site), scaffold=True)
    check_site(build_hugo(hugo, site), len(HOSTILE_TITLES))


@pytest.mark.parametrize("text", HOSTILE_COMMENTS)
def test_braces_are_escaped_outside_code(text: str) -> None:
    markdown = wxrtool.content.comment_markdown(text)
    assert "{" not in markdown.replace("\\{", "")

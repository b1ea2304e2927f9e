"""Compare HTML-to-Markdown engines on fidelity and speed, on every sample and fixture.

    pip install -e '.[test]' html2text && python bench/engines.py

Fidelity is the round-trip check of tests/test_roundtrip.py (paragraphs, headings,
list items, links, code blocks and quotes survive Markdown -> HTML). Speed is the
time spent in html_to_markdown() over all pages, repeated to smooth the timing.
Both engines get the same preparation (code blocks, figures, kept HTML).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from markdown_it import MarkdownIt  # noqa: E402
from tests.structure import differences, structure  # noqa: E402

import wxrtool  # noqa: E402
from wxrtool.content import comment_html, render_post_html  # noqa: E402
from wxrtool.content import tomarkdown as md  # noqa: E402


def html2text_engine():  # type: ignore[no-untyped-def]
    import html2text

    def convert(text: str) -> str:
        h = html2text.HTML2Text()
        h.body_width = 0
        h.unicode_snob = True
        h.escape_snob = True
        h.inline_links = True
        h.protect_links = False
        h.wrap_links = False
        h.mark_code = False
        h.bypass_tables = False
        h.pad_tables = False
        return str(h.handle(text))

    return convert


def pages() -> list[tuple[str, str]]:
    files = sorted((ROOT / "samples").glob("*.xml")) + sorted((ROOT.parent / "shared" / "fixtures").glob("*/*.xml"))
    found = []
    for path in files:
        try:
            for record in wxrtool.read(path):
                if isinstance(record, wxrtool.Post):
                    found.append((f"{path.name}#{record.id}", render_post_html(record.content_html)))
                    responses: list[wxrtool.Comment | wxrtool.Ping] = [*record.comments, *record.pings]
                    found += [(f"{path.name}#{record.id}/{c.id}", comment_html(c.content_html)) for c in responses]
        except wxrtool.WXRError:
            pass
    return found


def main() -> None:
    md.ENGINES["html2text"] = html2text_engine
    renderer = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    corpus = pages()
    print(f"{len(corpus)} pages from the samples and fixtures\n")
    print("| engine | pages losing structure | seconds (5 passes) |")
    print("|---|---:|---:|")
    for name in md.ENGINES:
        lost = sum(
            1
            for _, page in corpus
            if differences(structure(page), structure(renderer.render(md.html_to_markdown(page, name))))
        )
        started = time.perf_counter()
        for _ in range(5):
            for _, page in corpus:
                md.html_to_markdown(page, name)
        print(f"| {name} | {lost} | {time.perf_counter() - started:.2f} |")


if __name__ == "__main__":
    main()

"""Round trip: Markdown rendered back to HTML keeps the structure WordPress showed.

For every post, page, comment and ping in every sample and fixture: the paragraphs,
headings, list items, links, code blocks and block quotes of the WordPress-rendered
HTML must all be found in the HTML that markdown-it (CommonMark, plus GFM tables and
strikethrough, the dialect wxrtool writes) makes of wxrtool's Markdown.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from markdown_it import MarkdownIt

import wxrtool
from wxrtool.content import comment_html, comment_markdown, post_markdown, render_post_html

from .conftest import FIXTURE_FILES, SAMPLE_FILES, expected_errors, fixture_cases
from .structure import differences, structure

MARKDOWN = MarkdownIt("commonmark").enable(["table", "strikethrough"])
# The fixtures INDEX.md calls unreadable have their own test (test_fixtures); every other
# export must read, so that a reader error fails here instead of leaving nothing to compare.
READABLE = [p for p in FIXTURE_FILES if not expected_errors(p)]


@pytest.mark.parametrize("path", SAMPLE_FILES + fixture_cases(READABLE), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_round_trip_keeps_structure(path: Path) -> None:
    failures = []
    for post in [r for r in wxrtool.read(path) if isinstance(r, wxrtool.Post)]:
        if "[/ref]" in post.content_html or "[/efn_note]" in post.content_html:
            continue  # (footnotes: CommonMark has none; tests/test_footnotes.py reads them from the engines' pages)
        page = render_post_html(post.content_html)
        lost = differences(structure(page), structure(MARKDOWN.render(post_markdown(post.content_html))))
        if lost:
            failures.append(f"post {post.id}: {lost}")
        for response in (*post.comments, *post.pings):
            page = comment_html(response.content_html)
            result = MARKDOWN.render(comment_markdown(response.content_html))
            lost = differences(structure(page), structure(result))
            if lost:
                failures.append(f"post {post.id} comment {response.id}: {lost}")
    assert not failures, "\n".join(failures)


def test_the_check_can_fail() -> None:
    page = "<p>One</p><p>Two</p><blockquote><p>q</p></blockquote><pre>a\n\n\nb</pre>"
    merged = "<p>One Two</p><blockquote><p>q</p></blockquote><pre>a\nb</pre>"
    assert {d.split(":")[0] for d in differences(structure(page), structure(merged))} == {"paragraphs", "code"}

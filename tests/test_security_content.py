"""Comment HTML is sanitised: nothing executable survives into any output."""

from __future__ import annotations

import pytest

from wxrtool.content import comment_html, comment_markdown, sanitize_comment_html

HOSTILE = [
    "<script>alert(1)</script>ok",
    '<img src=x onerror="alert(1)">ok',
    '<a href="javascript:alert(1)">ok</a>',
    '<a href="JaVaScRiPt:alert(1)">ok</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD4=">ok</a>',
    "<style>body{display:none}</style>ok",
    '<p style="background:url(javascript:alert(1))">ok</p>',
    '<iframe src="https://evil.example/"></iframe>ok',
    '<svg onload="alert(1)"><circle/></svg>ok',
    '<b onmouseover="alert(1)">ok</b>',
    '<form action="https://evil.example/"><input name="p"></form>ok',
]


@pytest.mark.parametrize("html", HOSTILE)
def test_nothing_executable_survives(html: str) -> None:
    for output in (sanitize_comment_html(html), comment_html(html), comment_markdown(html)):
        lowered = output.lower()
        for marker in (
            "<script",
            "onerror",
            "onload",
            "onmouseover",
            "javascript:",
            "<style",
            "<iframe",
            "<svg",
            "style=",
            "data:",
            "<form",
        ):
            assert marker not in lowered, (html, output)
        assert "ok" in output


def test_allowed_markup_survives() -> None:
    html = '<strong>bold</strong> <a href="https://example.com/" title="t">link</a> <code>x</code> <blockquote>q</blockquote>'
    assert sanitize_comment_html(html) == (
        '<strong>bold</strong> <a href="https://example.com/" title="t" rel="nofollow ugc">link</a> '
        "<code>x</code> <blockquote>q</blockquote>"
    )

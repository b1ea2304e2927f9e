"""The index pass reads light items; the index is the one full records give."""

from __future__ import annotations

from pathlib import Path

import pytest

import wxrtool
from wxrtool.index import SiteIndex
from wxrtool.read import Reader

from .conftest import FIXTURE_FILES, SAMPLE_FILES, SAMPLES, fixture_cases, readable

EXPORTS = [p for p in SAMPLE_FILES if readable(p)] + fixture_cases(p for p in FIXTURE_FILES if readable(p))


@pytest.mark.parametrize("path", EXPORTS, ids=lambda p: p.name)
def test_light_items_index_as_full_ones(path: Path) -> None:
    full = SiteIndex.build(Reader(path))
    light = SiteIndex.build(Reader(path, light=True))
    assert light == full
    # and it indexes something: every item is there
    items = {r.id for r in wxrtool.read(path) if isinstance(r, wxrtool.Post)}
    assert set(light.items) == items


def test_light_items_carry_no_content(tmp_path: Path) -> None:
    post = next(r for r in Reader(SAMPLE_FILES[0], light=True) if isinstance(r, wxrtool.Post))
    assert (post.content_html, post.comments, post.terms, post.date) == ("", (), (), None)


def test_comments_false_reads_the_items_without_their_responses() -> None:
    # No pass of wxrtool's own uses it any more (index passes read light items), but
    # Reader(comments=False) is public: same items, no comments or pings.
    path = SAMPLES / "klout.xml"
    full = [r for r in Reader(path) if isinstance(r, wxrtool.Post)]
    bare = [r for r in Reader(path, comments=False) if isinstance(r, wxrtool.Post)]
    assert [p.id for p in bare] == [p.id for p in full] and full[0].comments
    assert all(p.comments == () and p.pings == () for p in bare)
    assert [p.content_html for p in bare] == [p.content_html for p in full]

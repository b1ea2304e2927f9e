"""Every real export in ../shared/fixtures: read with counts equal to an independent count.

The independent count uses the standard library's expat parser and matches
elements by namespace URI, sharing no code with wxrtool's reader. Files that
INDEX.md marks as not well-formed for lxml, or whose wxr_version is missing or
invalid, must fail with one clear, located error instead.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest

import wxrtool
from wxrtool import stats

from .conftest import expected_errors, fixture_cases

WP = re.compile(r"^\{https?://wordpress\.org/export/\d+\.\d+/\}(.+)$")


def wp_local(tag: str) -> str | None:
    match = WP.match(tag)
    return match.group(1) if match else None


def independent_count(path: Path) -> dict[str, Counter[str]]:
    counts: dict[str, Counter[str]] = {
        "items": Counter(),
        "comments": Counter(),
        "pings": Counter(),
        "terms": Counter(),
    }
    root = ET.parse(path).getroot()
    channel = root.find("channel")
    assert channel is not None
    counts["authors"] = Counter(n=sum(1 for c in channel if wp_local(c.tag) == "author"))
    for child in channel:
        local = wp_local(child.tag)
        if local in ("category", "tag"):
            counts["terms"]["category" if local == "category" else "post_tag"] += 1
        elif local == "term":
            taxonomy = next((g.text or "" for g in child if wp_local(g.tag) == "term_taxonomy"), "")
            counts["terms"][taxonomy.strip()] += 1
    for item in channel.iter("item"):
        post_type = next(((c.text or "").strip() for c in item if wp_local(c.tag) == "post_type"), "")
        counts["items"][post_type or "post"] += 1
        for comment in (c for c in item if wp_local(c.tag) == "comment"):
            kind = next(((g.text or "").strip() for g in comment if wp_local(g.tag) == "comment_type"), "")
            if kind in ("pingback", "trackback"):
                counts["pings"][kind] += 1
            else:
                counts["comments"][kind or "comment"] += 1
    return counts


def totals(block: dict[str, dict[str, int]]) -> Counter[str]:
    return Counter({name: sum(statuses.values()) for name, statuses in block.items()})


@pytest.mark.parametrize("path", fixture_cases())
def test_fixture(path: Path, tmp_path: Path) -> None:
    errors = expected_errors(path)
    if not errors:
        numbers = stats.collect(path)
        counts = independent_count(path)
        assert totals(numbers["items"]["by_type"]) == counts["items"]
        assert totals(numbers["comments"]["by_type"]) == counts["comments"]
        assert totals(numbers["pings"]["by_type"]) == counts["pings"]
        assert Counter(numbers["terms"]) == counts["terms"]
        assert numbers["authors"]["declared"] == counts["authors"]["n"]
        account = wxrtool.convert(path, "jsonl", str(tmp_path / "out.jsonl"), wxrtool.Selection.everything())
        assert account.balanced()
        assert account.written["items"] == sum(counts["items"].values())
        account = wxrtool.convert(path, "json", str(tmp_path / "out.json"))
        assert account.balanced()
    else:
        with pytest.raises(errors) as info:
            list(wxrtool.read(path))
        assert info.value.file == str(path)
        assert info.value.line is not None
        assert "\n" not in str(info.value)

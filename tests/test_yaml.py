"""The front matter's quick YAML writes exactly what PyYAML writes, and reads back the same."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from wxrtool.writers import _yaml

# Characters that decide a scalar's style: indicators, spaces, breaks YAML knows
# (U+0085, U+2028, U+2029), tabs, controls, the byte-order mark, non-ASCII letters.
_TRICKY = list("aZ09 -?:#,[]{}&*!|>'\"%@`.~=<+_/\\\t\n\r\x00\x7f\x85\x9f\xa0\u2028\u2029\ufeff\ue000é漢😀")
_WORDS = ["yes", "No", "ON", "off", "null", "Null", "~", "true", "1", "-1", "1.5", "1e3", "0x1F", "0o17", ".inf",
          ".NaN", "2011-01-01", "2011-01-01 10:00:00", "<<", "=", "---", "...", "--- x", "... x", "-", "?", ":",
          "- x", "? x", ": x", "x:", "x: y", "x #y", "x#y", "#x", "a:b", "http://x.org/a?b=c#d", "", " ", "x "]  # fmt: skip

scalars = st.one_of(
    st.text(alphabet=st.sampled_from(_TRICKY), max_size=12),
    st.sampled_from(_WORDS),
    st.text(max_size=20),
    st.integers(),
    st.booleans(),
    st.none(),
    st.datetimes(
        timezones=st.sampled_from(
            # (an offset with seconds is no YAML timestamp: PyYAML quotes it)
            [
                None,
                UTC,
                timezone(timedelta(hours=-5)),
                timezone(timedelta(minutes=330)),
                timezone(timedelta(seconds=30)),
            ]
        )
    ),
)
values = st.one_of(scalars, st.lists(scalars, max_size=4), st.dictionaries(st.text(max_size=5), scalars, max_size=2))
documents = st.dictionaries(st.one_of(st.sampled_from(["title", "tags", "x y", "yes", "-", "a:b"]), st.text(max_size=8)),
                            values, max_size=6)  # fmt: skip


def pyyaml(data: dict[str, Any]) -> str:
    return str(yaml.dump(data, Dumper=_yaml.Dumper, sort_keys=False, allow_unicode=True, width=_yaml.WIDTH))


@settings(max_examples=2000, deadline=None)
@given(documents)
@example({"title": "- a: b #c", "tags": ["x", "yes", ""], "date": datetime(2011, 1, 2, 3, 4, 5, tzinfo=UTC)})
@example({"title": "x" * 5000})
@example({"k" * 200: "v"})
@example({"k" * 127: "v", "l" * 128: "w"})
@example({"漢" * 42: "v", "字" * 43: "w"})
@example({"tags": []})
def test_same_bytes_as_pyyaml(data: dict[str, Any]) -> None:
    assert _yaml.dump(data) == pyyaml(data)


@given(st.lists(st.text(alphabet=st.sampled_from(_TRICKY), min_size=1, max_size=12), min_size=1, max_size=5))
def test_reads_back(words: list[str]) -> None:
    data = {"title": words[0], "tags": words}
    assert yaml.safe_load(_yaml.dump(data)) == data


def test_front_matter_takes_the_quick_way() -> None:
    # A typical post's front matter never reaches PyYAML (the point of the module).
    data = {
        "title": "Klout Scores: 'meh', and #hashtags?",
        "date": datetime(2011, 10, 27, 9, 5, tzinfo=timezone(timedelta(hours=-5))),
        "slug": "klout",
        "id": 1903,
        "type": "post",
        "status": "publish",
        "author": "Jeff Turner",
        "categories": ["Social Media", "Überlegungen"],
        "tags": ["klout", "2011"],
        "summary": "Why a score: it is not influence.",
        "permalink": "https://www.example.com/2011/10/klout/",
        "sticky": True,
    }
    quick = _yaml._quick(data)
    assert quick is not None
    assert quick == pyyaml(data)


@pytest.mark.parametrize("text", ["1e3", "1E3", "12e-3", "0o17", "0x1F", ".5", "-2.", ".inf", ".NaN", "+7"])
def test_text_a_yaml_1_2_reader_would_take_for_a_number_is_quoted(text: str) -> None:
    # Hugo's, Eleventy's and Astro's readers follow YAML 1.2, PyYAML 1.1: "1e3" is text to the
    # second and 1000 to the first, so a title "1e3" would show as "1000". Both ways quote it.
    quick = _yaml.dump({"title": text, "tags": [text]})
    assert quick == f"title: '{text}'\ntags:\n- '{text}'\n"
    assert yaml.dump({"title": text}, Dumper=_yaml.Dumper, sort_keys=False) == f"title: '{text}'\n"
    assert yaml.safe_load(quick) == {"title": text, "tags": [text]}


@pytest.mark.parametrize("text", ["a\u2028b", "a\u2029b", "a\x85b", "line\u2028\nnext"])
def test_unicode_line_breaks_are_escaped(text: str) -> None:
    # A YAML 1.2 reader (js-yaml: Eleventy's, Astro's) reads U+2028 inside single quotes as a
    # break in the text; escaped in double quotes every reader reads the character back.
    written = _yaml.dump({"title": text})
    assert not any(ch in written for ch in "\x85\u2028\u2029") and written.startswith('title: "')
    assert yaml.safe_load(written) == {"title": text}

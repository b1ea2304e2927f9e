"""WordPress's quirks and the PHP unserializer, value by value."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wxrtool import CommentStatus, PingType, quirks
from wxrtool.phpserial import looks_serialized, unserialize


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2011-11-16 09:52:00", datetime(2011, 11, 16, 9, 52)),
        ("0000-00-00 00:00:00", None),
        ("", None),
        ("  2011-11-16 09:52:00\n", datetime(2011, 11, 16, 9, 52)),
        ("16 Nov 2011 09:52", datetime(2011, 11, 16, 9, 52)),
        ("not a date", None),
    ],
)
def test_parse_wp_date(text: str, expected: datetime | None) -> None:
    assert quirks.parse_wp_date(text) == expected


def test_half_hour_offsets_and_damage() -> None:
    resolver = quirks.DateResolver()
    date, utc, known = resolver.resolve("2024-11-11 09:00:00", "2024-11-11 03:30:00")
    assert known and date is not None and date.utcoffset() == timedelta(hours=5, minutes=30)
    # 40 hours apart is no time zone: the local time keeps the last good offset.
    date, utc, known = resolver.resolve("2024-11-13 09:00:00", "2024-11-11 17:00:00")
    assert not known and utc is None and date is not None and date.utcoffset() == timedelta(hours=5, minutes=30)


def test_rfc822_zero_date() -> None:
    assert quirks.parse_rfc822("Wed, 30 Nov -0001 00:00:00 +0000") is None
    assert quirks.parse_rfc822("Sat, 02 Mar 2024 17:20:44 +0000") is not None


@pytest.mark.parametrize(
    ("value", "status"),
    [
        ("1", CommentStatus.APPROVED),
        ("0", CommentStatus.PENDING),
        ("", CommentStatus.PENDING),
        ("spam", CommentStatus.SPAM),
        ("trash", CommentStatus.TRASH),
        ("post-trashed", CommentStatus.POST_TRASHED),
    ],
)
def test_comment_status(value: str, status: CommentStatus) -> None:
    assert quirks.comment_status(value) is status


def test_comment_kind() -> None:
    assert quirks.comment_kind("") == "comment"
    assert quirks.comment_kind("Pingback") is PingType.PINGBACK
    assert quirks.comment_kind("webmention") == "webmention"


def test_unserialize_values() -> None:
    assert unserialize('a:3:{i:0;s:1:"a";i:1;d:0.5;i:2;N;}') == (True, {0: "a", 1: 0.5, 2: None})
    assert unserialize('s:6:"日本";') == (True, "日本")  # lengths are UTF-8 bytes
    assert unserialize('s:2:"日本";') == (False, None)
    assert unserialize('O:8:"stdClass":1:{s:1:"a";b:0;}') == (True, {"__class__": "stdClass", "a": False})
    assert unserialize('a:1:{s:1:"a";i:1;}trailing') == (False, None)
    assert unserialize("a:1:{" * 200 + "}" * 200) == (False, None)  # depth bound, no RecursionError


def test_meta_json_form_lists_sequential_arrays() -> None:
    meta = quirks.make_meta("k", 'a:2:{i:0;s:1:"x";i:1;s:1:"y";}')
    assert meta.decoded == ["x", "y"]


@given(st.text(max_size=40))
def test_unserialize_never_raises(text: str) -> None:
    ok, _value = unserialize(text)
    assert ok in (True, False)
    looks_serialized(text)


def php_serialize(value: object) -> str:
    if value is None:
        return "N;"
    if isinstance(value, bool):
        return f"b:{int(value)};"
    if isinstance(value, int):
        return f"i:{value};"
    if isinstance(value, str):
        return f's:{len(value.encode())}:"{value}";'
    assert isinstance(value, dict)
    body = "".join(php_serialize(k) + php_serialize(v) for k, v in value.items())
    return f"a:{len(value)}:{{{body}}}"


values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.dictionaries(st.integers() | st.text(), inner, max_size=4),
    max_leaves=12,
)


@given(values)
def test_unserialize_round_trips_what_php_writes(value: object) -> None:
    assert unserialize(php_serialize(value)) == (True, value)

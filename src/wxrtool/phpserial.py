"""A safe, bounded decoder for PHP ``serialize()`` output found in WXR meta.

WordPress stores arrays in meta as PHP-serialized text (``a:1:{s:3:"key";i:5;}``).
This decoder builds only plain Python values; objects (``O:``) become a dict with
their class name under ``"__class__"`` and nothing is ever instantiated or run.
String lengths are byte counts in the original encoding (UTF-8), exactly as PHP
counts them, so a value whose lengths were broken by a search-and-replace on the
database fails to decode instead of decoding wrongly.

The ``phpserialize`` package does the same job but has not had a release since
2012 and recurses without bound; this is small enough to own.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import Any

_SERIALIZED = re.compile(r"^(?:[aO]:\d+:[\"{]|[CsSidb]:|N;)")

MAX_DEPTH = 64


class _Malformed(Exception):
    pass


def looks_serialized(text: str) -> bool:
    """Whether ``text`` has the shape WordPress's ``is_serialized()`` looks for.

    >>> looks_serialized('a:0:{}'), looks_serialized('hello')
    (True, False)
    """
    text = text.strip()
    if len(text) < 2 or not (text.endswith(";") or text.endswith("}")):
        return False
    return text == "N;" or _SERIALIZED.match(text) is not None


def unserialize(text: str) -> tuple[bool, Any]:
    """Decode PHP-serialized ``text``.

    Returns ``(True, value)`` on success and ``(False, None)`` when the text is
    not a complete, well-formed serialized value.

    >>> unserialize('a:2:{i:0;s:1:"x";s:1:"k";b:1;}')
    (True, {0: 'x', 'k': True})
    """
    data = text.strip().encode("utf-8", "surrogatepass")
    try:
        value, end = _decode(data, 0, 0)
    except (_Malformed, ValueError, IndexError, RecursionError):
        return False, None
    if end != len(data):
        return False, None
    return True, value


@lru_cache(maxsize=256)
def decode_serialized(text: str) -> Any:
    """The JSON-friendly decoded form of PHP-serialized ``text``, or ``None`` when it does not decode.

    Cached: writers ask for the same meta value more than once.
    """
    ok, value = unserialize(text)
    return to_json_safe(value) if ok else None


def to_json_safe(value: Any) -> Any:
    """Make a decoded value JSON-friendly: dict keys become strings.

    PHP arrays with keys 0..n-1 in order become lists, as PHP programmers read them.
    """
    if isinstance(value, dict):
        keys = list(value)
        if keys == list(range(len(keys))):
            return [to_json_safe(value[k]) for k in keys]
        return {str(k): to_json_safe(v) for k, v in value.items()}
    return value


_NEXT = re.compile(rb'([ibd]):([^;:{}"]*);|(N);|s:(\d+):"|a:(\d+):\{|O:\d+:"([^"]*)":(\d+):\{')


def _decode(data: bytes, pos: int, depth: int) -> tuple[Any, int]:
    # One regular-expression match per value: PHP's format is regular but for the
    # byte counts of strings, which are read by length.
    if depth > MAX_DEPTH:
        raise _Malformed(pos)
    m = _NEXT.match(data, pos)
    if m is None:
        raise _Malformed(pos)
    kind, scalar, null, size, count, class_name, members = m.groups()
    end = m.end()
    if kind is not None:
        if kind == b"i":
            return int(scalar), end
        if kind == b"d":
            number = float(scalar.replace(b"INF", b"inf"))
            # JSON has no NaN or infinity: PHP's own spelling of them, as text, instead.
            return (number if math.isfinite(number) else scalar.decode("ascii")), end
        if scalar not in (b"0", b"1"):
            raise _Malformed(pos)
        return scalar == b"1", end
    if null is not None:
        return None, end
    if size is not None:
        stop = end + int(size)
        if data[stop : stop + 2] != b'";' or stop > len(data):
            raise _Malformed(end)
        return data[end:stop].decode("utf-8", "replace"), stop + 2
    result: dict[Any, Any] = {}
    if class_name is not None:
        result["__class__"] = class_name.decode("utf-8", "replace")
        count = members
    position = end
    for _ in range(int(count)):
        key, position = _decode(data, position, depth + 1)
        if not isinstance(key, (int, str)):
            raise _Malformed(position)
        result[key], position = _decode(data, position, depth + 1)
    if data[position : position + 1] != b"}":
        raise _Malformed(position)
    return result, position + 1

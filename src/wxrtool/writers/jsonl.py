"""JSON Lines: one record per line, streamed, one post held at a time.

Every line is an object with a ``record`` field: ``site``, ``author``, ``term``,
``post``, then the post's ``comment`` lines in thread order (each with
``post_id``, ``parent``, ``depth`` and ``path``, the ids of its ancestors) and
its ``ping`` lines.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any, TextIO, cast

import orjson

from ..records import Author, Post, Site, Term
from ..threads import build_threads, walk
from ._data import author_dict, comment_dict, ping_dict, post_dict, site_dict, term_dict
from .protocol import Entry, WriteOptions, WriteResult

# orjson: several times faster than the standard library's encoder on these records
# (the writer's own hot spot), the same compact UTF-8 output. Its bytes go to the binary
# stream under the text layer where there is one (a file, standard output, a worker's
# buffer): decoding each line to text to have it encoded again was a tenth of the writer.

_RECORD = {kind: f'{{"record":"{kind}",'.encode() for kind in ("site", "author", "term", "post", "comment", "ping")}


def _line(kind: str, body: dict[str, Any]) -> bytes:
    """``{"record": kind, **body}`` as one compact JSON line, UTF-8."""
    try:
        encoded = orjson.dumps(body, option=orjson.OPT_APPEND_NEWLINE)
    except TypeError:
        # orjson takes integers of 64 bits at most; an export can hold larger ones (an id,
        # a serialized meta value). The standard library writes the same compact line.
        record = {"record": kind, **body}
        return (json.dumps(record, ensure_ascii=False, separators=(",", ":"), default=_iso) + "\n").encode()
    # ("record" first: its bytes put before the body's, not the body copied into a new dict)
    return _RECORD[kind] + encoded[1:] if len(encoded) > 3 else b'{"record":"' + kind.encode() + b'"}\n'


def _iso(value: Any) -> str:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


def _sink(out: TextIO) -> Callable[[bytes], Any]:
    """Where the lines go: the bytes under ``out``'s text layer, or ``out`` itself as text."""
    buffer = getattr(out, "buffer", None)
    if buffer is None:
        return lambda line: out.write(line.decode("utf-8"))
    out.flush()  # (what the text layer holds goes first)
    return cast("Callable[[bytes], Any]", buffer.write)


def write(entries: Iterable[Entry], out: TextIO, options: WriteOptions) -> WriteResult:
    """Write ``records`` to ``out`` as JSON Lines."""
    selection = options.selection
    emit = _sink(out)
    for record, _ in entries:
        if isinstance(record, Post):
            body = post_dict(record)
            body["comment_count"] = len(record.comments)
            body["ping_count"] = len(record.pings)
            emit(_line("post", body))
            if record.comments:
                post_id = record.id
                for node, path in walk(build_threads(record.comments)):
                    comment = comment_dict(node, selection, nested=False)
                    comment["post_id"] = post_id
                    comment["path"] = list(path)
                    emit(_line("comment", comment))
            for ping in record.pings:
                emit(_line("ping", {"post_id": record.id, **ping_dict(ping, selection)}))
        elif isinstance(record, Site):
            emit(_line("site", site_dict(record)))
        elif isinstance(record, Author):
            emit(_line("author", author_dict(record, selection)))
        elif isinstance(record, Term):
            emit(_line("term", term_dict(record)))
    return WriteResult()

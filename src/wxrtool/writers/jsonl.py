"""JSON Lines: one record per line, streamed, one post held at a time.

Every line is an object with a ``record`` field: ``site``, ``author``, ``term``,
``post``, then the post's ``comment`` lines in thread order (each with
``post_id``, ``parent``, ``depth`` and ``path``, the ids of its ancestors) and
its ``ping`` lines.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, TextIO

import orjson

from ..records import Author, Post, Site, Term
from ..threads import build_threads, walk
from ._data import author_dict, comment_dict, ping_dict, post_dict, site_dict, term_dict
from .protocol import Entry, WriteOptions, WriteResult

# orjson: several times faster than the standard library's encoder on these records
# (the writer's own hot spot), the same compact UTF-8 output.


def _line(kind: str, body: dict[str, Any]) -> str:
    record = {"record": kind, **body}
    try:
        return orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE).decode("utf-8")
    except TypeError:
        # orjson takes integers of 64 bits at most; an export can hold larger ones (an id,
        # a serialized meta value). The standard library writes the same compact line.
        return json.dumps(record, ensure_ascii=False, separators=(",", ":"), default=_iso) + "\n"


def _iso(value: Any) -> str:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


def write(entries: Iterable[Entry], out: TextIO, options: WriteOptions) -> WriteResult:
    """Write ``records`` to ``out`` as JSON Lines."""
    selection = options.selection
    for record, _ in entries:
        if isinstance(record, Post):
            threads = build_threads(record.comments)
            body = post_dict(record)
            body["comment_count"] = len(record.comments)
            body["ping_count"] = len(record.pings)
            out.write(_line("post", body))
            for node, path in walk(threads):
                comment = comment_dict(node, selection, nested=False)
                comment["post_id"] = record.id
                comment["path"] = list(path)
                out.write(_line("comment", comment))
            for ping in record.pings:
                out.write(_line("ping", {"post_id": record.id, **ping_dict(ping, selection)}))
        elif isinstance(record, Site):
            out.write(_line("site", site_dict(record)))
        elif isinstance(record, Author):
            out.write(_line("author", author_dict(record, selection)))
        elif isinstance(record, Term):
            out.write(_line("term", term_dict(record)))
    return WriteResult()

"""One JSON document: ``{"site", "authors", "terms", "posts"}``.

Posts are written as the export streams, one at a time; each carries its
``comments`` as the reply tree and its ``pings`` as a flat list. Authors and
terms come first in the document, so posts are spooled (to memory while small,
then to a temporary file) until the input has been read: an author or term that
an export lists after its items still lands in its place.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterable
from typing import Any, TextIO

from ..records import Author, Post, Site, Term
from ..threads import build_threads
from ._data import author_dict, comment_dict, ping_dict, post_dict, site_dict, term_dict
from .protocol import Entry, WriteOptions, WriteResult

_SPOOL_IN_MEMORY = 8 << 20


def _dump(value: Any, indent: str) -> str:
    text = json.dumps(value, ensure_ascii=False, indent=2)
    return text.replace("\n", "\n" + indent)


def _array(out: TextIO, name: str, items: list[dict[str, Any]], last: bool = False) -> None:
    out.write(f'  "{name}": [')
    for n, item in enumerate(items):
        out.write(("," if n else "") + "\n    " + _dump(item, "    "))
    out.write("\n  ]" if items else "]")
    out.write("\n" if last else ",\n")


def write(entries: Iterable[Entry], out: TextIO, options: WriteOptions) -> WriteResult:
    """Write ``records`` to ``out`` as one JSON document."""
    selection = options.selection
    site: dict[str, Any] | None = None
    authors: list[dict[str, Any]] = []
    terms: list[dict[str, Any]] = []
    with tempfile.SpooledTemporaryFile(_SPOOL_IN_MEMORY, mode="w+", encoding="utf-8", newline="\n") as spool:
        count = 0
        for record, _ in entries:
            if isinstance(record, Post):
                body = post_dict(record)
                body["comments"] = [comment_dict(t, selection) for t in build_threads(record.comments)]
                body["pings"] = [ping_dict(p, selection) for p in record.pings]
                spool.write(("," if count else "") + "\n    " + _dump(body, "    "))
                count += 1
            elif isinstance(record, Site):
                site = site_dict(record)
            elif isinstance(record, Author):
                authors.append(author_dict(record, selection))
            elif isinstance(record, Term):
                terms.append(term_dict(record))
        out.write('{\n  "site": ' + _dump(site, "  ") + ",\n")
        _array(out, "authors", authors)
        _array(out, "terms", terms)
        out.write('  "posts": [')
        spool.seek(0)
        shutil.copyfileobj(spool, out, 1 << 20)
        out.write("\n  ]\n}\n" if count else "]\n}\n")
    return WriteResult()

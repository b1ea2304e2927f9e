"""The output formats: one module each, one table of them.

A writer is a function ``write(records, out, selection)`` that receives the
records a :class:`~wxrtool.selection.Selector` kept, in reading order, and writes
them to ``out``. ``FORMATS`` is the only list of valid ``--to`` choices.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TextIO

from ..errors import WXRError
from ..records import Record
from ..selection import Selection
from . import json_, jsonl

WriteFunction = Callable[[Iterable[Record], TextIO, Selection], None]


@dataclass(frozen=True)
class Format:
    """An output format: its ``--to`` name, a one-line summary and its writer."""

    name: str
    summary: str
    target: str
    write: WriteFunction


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("json", "one JSON document: site, authors, terms, posts with threaded comments", "file", json_.write),
        Format(
            "jsonl", "JSON Lines: one record per line (site, author, term, post, comment, ping)", "file", jsonl.write
        ),
    )
}


def get(name: str) -> Format:
    """The format called ``name``; an unknown name raises an error naming the choices."""
    try:
        return FORMATS[name]
    except KeyError:
        choices = ", ".join(FORMATS)
        raise WXRError(f"unknown format {name!r}", hint=f"choose one of: {choices}") from None

"""The main job as one library call: read, select, write, account."""

from __future__ import annotations

from . import writers
from .read import read
from .selection import Account, Selection, Selector
from .source import Source
from .writers._output import text_output


def convert(source: Source, to: str, output: str | None = None, selection: Selection | None = None) -> Account:
    """Convert a WXR export to the format ``to`` and return the account of records.

    Parameters:
        source: what :func:`wxrtool.read` accepts.
        to: a name from :data:`wxrtool.writers.FORMATS` (``json``, ``jsonl``, ...).
        output: the file to write (written atomically), or ``None``/``"-"`` for stdout.
        selection: what to keep; the default is what a visitor of the blog could see.

    >>> import os, tempfile
    >>> out = os.path.join(tempfile.mkdtemp(), "klout.json")
    >>> account = convert(samples / "klout.xml", "json", out)
    >>> account.balanced(), account.written["comments"]
    (True, 36)
    """
    fmt = writers.get(to)
    selector = Selector(selection)
    with text_output(output) as out:
        fmt.write(selector.apply(read(source)), out, selector.selection)
    return selector.account

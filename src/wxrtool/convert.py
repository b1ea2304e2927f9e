"""The main job as one library call: read, select, write, account."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

from . import ranges, writers
from .batch import PartsReader
from .errors import OutputError
from .index import SiteIndex
from .read import Reader
from .records import Record
from .selection import Account, Selection, Selector
from .source import Source, reopenable, source_name
from .writers._options import Unrecorded, WriteOptions
from .writers._output import dir_output, text_output
from .writers._paths import DEFAULT_TEMPLATE

if TYPE_CHECKING:
    from .redirects import Refusal


def convert(
    source: Source | list[str],
    to: str,
    output: str | None = None,
    selection: Selection | None = None,
    *,
    path_template: str = DEFAULT_TEMPLATE,
    comments_file: str | None = None,
    meta_keys: tuple[str, ...] = (),
    force: bool = False,
    scaffold: bool = False,
    redirects: tuple[str, str] | None = None,
    recover: bool = False,
    media: str | None = None,
    progress: Callable[[int, int | None, int], None] | None = None,
    jobs: int = 1,
) -> Account:
    """Convert a WXR export to the format ``to`` and return the account of records.

    Parameters:
        source: what :func:`wxrtool.read` accepts, or a list of the parts of one split
            export (read in order as one site; see :mod:`wxrtool.batch`).
        to: a name from :data:`wxrtool.writers.FORMATS` (``json``, ``jsonl``, ``markdown``...).
        output: the file (or folder, for folder formats) to write, atomically;
            ``None`` or ``"-"`` for standard output (file formats only).
        selection: what to keep; the default is what a visitor of the blog could see.
        path_template, comments_file, meta_keys: see :class:`~wxrtool.writers._options.WriteOptions`.
        force: replace a folder that is not empty.
        scaffold: with an engine format (``hugo``...), also write a minimal site that builds.
        media: a folder filled by ``wxrtool media --download``: folder formats place each
            post's media with it and rewrite the links (missing ones are listed in the account).
        progress: called about twice a second with (bytes read, total bytes or None, items
            read) while the export is converted.
        jobs: worker processes rendering posts (markdown, the engines, ghost) while this one
            reads and writes; the files are the same, byte for byte, as with 1.
        recover: repair a damaged export as it is read (see :mod:`wxrtool.recover`); the
            repairs are listed in the account.
        redirects: ``(style, path)``: also write redirect rules from every old permalink to
            its new address (see :mod:`wxrtool.redirects`), for formats that give new addresses.

    >>> import os, tempfile
    >>> out = os.path.join(tempfile.mkdtemp(), "klout.json")
    >>> account = convert(samples / "klout.xml", "json", out)
    >>> account.balanced(), account.written["comments"]
    (True, 36)
    """
    fmt = writers.get(to)
    selection = selection or Selection()
    if fmt.skip_types and selection.types is None:
        selection = dataclasses.replace(selection, exclude_types=selection.exclude_types | fmt.skip_types)
    if fmt.target == "directory" and output in (None, "-"):
        raise OutputError(f"--to {to} writes a folder", hint="give it with -o FOLDER")
    parts = list(source) if isinstance(source, list) else None
    name = source_name(parts[0] if parts else source)  # type: ignore[arg-type]
    selector = Selector(selection)
    single: Source = parts[0] if parts else source  # type: ignore[assignment]

    personal = selection.personal_data
    inputs = parts or ([os.fspath(single)] if isinstance(single, (str, os.PathLike)) else [])

    def open_reader(readable: Source, light: bool = False) -> Reader | PartsReader:
        if parts:
            return PartsReader(parts, recover=recover, light=light, personal_data=personal)
        return Reader(readable, name, recover=recover, light=light, personal_data=personal)

    jobs = max(1, jobs)
    # An export on disk is read in byte ranges by the workers (see wxrtool.ranges) for
    # formats that can take it that way, when the output can be started again should
    # a range fail to parse (a file or a folder, not standard output).
    plan = (
        ranges.plan(single, name, jobs)
        if (fmt.concatenates or fmt.renders) and jobs > 1 and not parts and not recover and output not in (None, "-")
        else None
    )

    with reopenable(single) if fmt.needs_index and not parts else _as_is(single) as readable:
        index = SiteIndex()
        if fmt.needs_index:
            index = (plan and ranges.index(plan, jobs)) or SiteIndex.build(open_reader(readable, light=True))
        options = WriteOptions(
            selection=selection,
            index=index,
            path_template=path_template,
            comments_file=comments_file,
            meta_keys=meta_keys,
            scaffold=scaffold,
            jobs=jobs,
            urls={} if redirects is not None else Unrecorded(),
            media_dir=media,
        )

        def emit(records: Iterable[Record]) -> tuple[Refusal, ...]:
            """Write the output (and the redirect file); the redirects left out of that file."""
            # The redirect file is written before the output is put in place and put in
            # place after it: a failure of either leaves both as they were.
            with _redirect_file(redirects) as write_redirects:
                if fmt.target == "directory":
                    assert output is not None
                    with dir_output(output, force=force, inputs=inputs) as folder:
                        fmt.write(records, folder, options)
                        return write_redirects(options.urls)
                else:
                    with text_output(output) as stream:
                        fmt.write(records, stream, options)
                        return write_redirects(options.urls)

        account = selector.account
        reader = open_reader(readable)
        records = selector.apply(reader)
        if progress is not None and isinstance(reader, Reader):
            records = _reporting(records, reader, _size(single), progress, account)
        done = False
        refused: tuple[Refusal, ...] = ()
        if plan:
            try:
                if fmt.renders:
                    ranged = ranges.Ranged(plan, progress)
                    refused = emit(ranged)
                    outcome = ranged.outcome
                else:
                    with text_output(output) as stream:
                        outcome = ranges.write(plan, fmt, options, stream, progress)
                account.add(outcome.account)
                done = True
            except ranges.RangeFailed:
                # A cut in the wrong place, or a damaged export: everything again, in one
                # reading process, which writes the same output or reports the real error.
                options = dataclasses.replace(
                    options, urls=type(options.urls)(), media_copied={}, media_missing={}, notes=Counter()
                )
        if not done:
            refused = emit(records)
    account = selector.account
    account.redirects_refused = [(r.old, r.new, r.reason) for r in refused]
    account.repairs = reader.repairs
    account.media_copied = len(options.media_copied)
    account.media_missing = sorted(options.media_missing)
    account.content.update(options.notes)
    for kind in ("items", "comments", "pings"):
        if kind not in fmt.keeps and account.written[kind]:
            # The format has no place for this kind of record: say so, not "written".
            account.leave_out(kind, f"not-in-{fmt.name}", account.written[kind])
            account.written[kind] = 0
    return account


def _size(source: Source) -> int | None:
    if isinstance(source, (str, os.PathLike)) and os.fspath(source) != "-" and os.path.isfile(source):
        with open(source, "rb") as f:
            magic = f.read(6)
        # Progress counts decompressed bytes, so a compressed file's size says nothing.
        compressed = magic.startswith((b"\x1f\x8b", b"BZh", b"\xfd7zXZ"))
        return None if compressed else os.path.getsize(source)
    return None


def _reporting(
    records: Iterator[Record],
    reader: Reader,
    total: int | None,
    report: Callable[[int, int | None, int], None],
    account: Account,
) -> Iterator[Record]:
    last = 0.0
    for record in records:
        now = time.monotonic()
        if now - last >= 0.5:
            report(reader.bytes_read, total, account.read["items"])
            last = now
        yield record
    report(reader.bytes_read, total, account.read["items"])


@contextlib.contextmanager
def _redirect_file(
    redirects: tuple[str, str] | None,
) -> Iterator[Callable[[dict[int, tuple[str, str]]], tuple[Refusal, ...]]]:
    """A function that writes the redirect rules (nothing without ``redirects``) and returns
    those it left out; the file is put in place when the block ends."""
    if redirects is None:
        yield lambda urls: ()
        return
    from .redirects import render_checked

    style, path = redirects
    with text_output(path) as stream:

        def write(urls: dict[int, tuple[str, str]]) -> tuple[Refusal, ...]:
            rendered = render_checked(style, urls)
            stream.write(rendered.text)
            return rendered.refused

        yield write


class _as_is:
    def __init__(self, source: Source) -> None:
        self.source = source

    def __enter__(self) -> Source:
        return self.source

    def __exit__(self, *exc: object) -> None:
        return None

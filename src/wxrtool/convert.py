"""The main job as one library call: an export in, a format out, an account of every record.

:func:`run` is the pipeline, its stages in the order the data flows:

1. **input**: the export opened once (:mod:`wxrtool.inputs`);
2. **index**: for formats that need it, a first, light read of the whole site (titles,
   slugs, parents, attachments: :class:`~wxrtool.index.SiteIndex`);
3. **records**: the export read as typed records (:mod:`wxrtool.read`);
4. **selection**: what the options keep, every record counted (:mod:`wxrtool.selection`);
5. **render**: posts rendered for formats that render (:mod:`wxrtool.rendering`);
6. **write**: the format's writer, the output put in place atomically, and the redirect
   file (:mod:`wxrtool.output`, :mod:`wxrtool.redirects`);
7. **account**: what was read, written and left out, and why (:mod:`wxrtool.account`).

With ``jobs`` above 1, an export on disk may be read in byte ranges by worker processes
(:mod:`wxrtool.parallel`), which then do stages 3 to 5 (and 6, for a format whose output
concatenates); should a range fail to parse, stages 3 to 7 run again in one process.
The output is the same, byte for byte, however it was made.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections import Counter
from collections.abc import Callable, Container, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .account import Account, Reason
from .conversion import ConvertOptions
from .errors import OutputError
from .index import SiteIndex
from .inputs import Input, opened
from .itemlinks import Filled, fill, fill_file
from .output import clashing_outputs, dir_output, overwritten_input, text_output
from .parallel import cuts
from .parallel.ranges import RangedRead, RangeFailed
from .parallel.ranges import index as index_in_ranges
from .read import Reader
from .records import Record
from .rendering import Rendering
from .selection import Selection, Selector
from .source import Source
from .update import CHANGED, UNCHANGED, HashedText, Update, file_hash, outcome
from .writers.protocol import Entry, Format, WriteOptions, WriteResult

if TYPE_CHECKING:
    from .recover import Repair
    from .redirects import Refusal
    from .rerun import Rerun

Progress = Callable[[int, "int | None", int], None]
"""Told about twice a second: (bytes read, total bytes or ``None``, items read)."""


def convert(
    source: Source | Sequence[str],
    to: str,
    output: str | None = None,
    selection: Selection | None = None,
    *,
    progress: Progress | None = None,
    **options: Any,
) -> Account:
    """Convert a WXR export to the format ``to`` and return the account of records.

    ``source`` is what :func:`wxrtool.read` accepts, or a list of the parts of one split
    export (read in order as one site); the keywords are the fields of
    :class:`ConvertOptions`; ``progress``: see :data:`Progress`.

    >>> import os, tempfile
    >>> out = os.path.join(tempfile.mkdtemp(), "klout.json")
    >>> account = convert(samples / "klout.xml", "json", out)
    >>> account.balanced(), account.written["comments"]
    (True, 36)
    """
    return run(source, ConvertOptions(to, output, selection or Selection(), **options), progress)


def run(source: Source | Sequence[str], options: ConvertOptions, progress: Progress | None = None) -> Account:
    """The pipeline: ``source`` converted as ``options`` say; the account of every record."""
    fmt = options.format()
    jobs = max(1, options.jobs)  # (0 or less from a caller means "no workers", as 1 does)
    read_all_because = None
    parts = source if isinstance(source, (list, tuple)) else [source]
    outputs = [("output", options.output), ("redirects", options.redirects[1] if options.redirects else None)]
    overwritten = overwritten_input(outputs, [os.fspath(p) for p in parts if isinstance(p, (str, os.PathLike))])
    if overwritten is not None:
        raise OutputError(f"the {overwritten[0]} would write over the export", file=overwritten[1])
    clash = clashing_outputs(outputs, "output" if fmt.target == "directory" else "")
    if clash is not None:
        raise OutputError(clash)
    with opened(source, twice=fmt.needs_index or options.redirects is not None) as export:
        if options.update:
            from . import rerun

            if fmt.name in rerun.FORMATS and export.path is None:
                read_all_because = "the export is not one uncompressed file"
            elif fmt.name in rerun.FORMATS:
                try:  # (only the items that changed read and written, when nothing else did)
                    return _rerun_account(rerun.update(export, fmt, options), fmt)
                except rerun.Fallback as exc:
                    read_all_because = str(exc)
        plan = _cuts(export, fmt, options, jobs)
        index = _index(export, fmt, options, plan, jobs)
        write_options = options.write_options(fmt, index)
        written = None
        if plan is not None:
            with contextlib.suppress(RangeFailed):
                # A cut in the wrong place, or a damaged export: everything again, in one
                # reading process, which writes the same output or reports the real error.
                written = _write_in_ranges(export, plan, fmt, options, write_options, jobs, progress)
        if written is None:
            written = _write_streamed(export, fmt, options, write_options, jobs, progress)
    account = written.account_for(fmt)  # (after the input is closed: a spooled copy is gone)
    if account.update is not None and read_all_because is not None:
        account.update.read_all_because = read_all_because
    return account


def _rerun_account(done: Rerun, fmt: Format) -> Account:
    """The account of an update that read only the items that changed (:mod:`wxrtool.rerun`)."""
    from .redirects import Refusal

    refused = tuple(Refusal(old, new, why) for old, new, why in done.refused)
    emitted = _Emitted(WriteResult(), refused, done.filled, done.update)
    return _Written(done.account, emitted, done.notes, []).account_for(fmt)


def _remembering(
    export: Input, fmt: Format, options: ConvertOptions, write_options: WriteOptions, rendering: Rendering
) -> Callable[[Callable[[], Account]], Remember] | None:
    """For a run that keeps a record for the next update (:func:`wxrtool.rerun.remembers`): what
    keeps it, given the account once read; ``rendering`` then counts each post's notes."""
    from . import rerun

    if not rerun.remembers(fmt, options, export, write_options.index):
        return None
    assert export.path is not None
    path = export.path
    notes: dict[int, Counter[str]] = {}
    rendering.notes_by_item = notes

    def keeping(account: Callable[[], Account]) -> Remember:
        def keep(out: Any, emitted: _Emitted) -> None:
            rerun.remember(out, path, options, write_options.index, emitted.result, emitted.links, account(), notes,
                           emitted.refused)  # fmt: skip

        return keep

    return keeping


Remember = Callable[[Any, "_Emitted"], None]
"""Keeps the record of a run in its output folder, with what the write stage did."""


def _cuts(export: Input, fmt: Format, options: ConvertOptions, jobs: int) -> cuts.Plan | None:
    """Where workers may cut the export: only a plain file on disk, for a format that renders or
    concatenates, when the output can be started again should a range fail (not standard output)."""
    if jobs < 2 or export.path is None or options.recover or options.output in (None, "-"):
        return None
    if not (fmt.concatenates or fmt.render is not None):
        return None
    return cuts.plan(export.path, export.name, jobs)


def _index(export: Input, fmt: Format, options: ConvertOptions, plan: cuts.Plan | None, jobs: int) -> SiteIndex:
    if not fmt.needs_index:
        return SiteIndex()
    in_ranges = index_in_ranges(plan, jobs) if plan is not None else None
    if in_ranges is not None:
        return in_ranges
    reader = export.reader(recover=options.recover, light=True, personal_data=options.selection.personal_data)
    return SiteIndex.build(reader)


@dataclass
class _Written:
    """What the write stage leaves for the account."""

    account: Account
    emitted: _Emitted
    notes: Counter[str]
    repairs: list[Repair]

    def account_for(self, fmt: Format) -> Account:
        account = self.account
        account.redirects_refused = [(r.old, r.new, r.reason) for r in self.emitted.refused]
        account.links_rewritten = self.emitted.links.rewritten
        account.links_kept = self.emitted.links.kept
        account.update = self.emitted.update
        account.repairs = self.repairs
        result = self.emitted.result
        account.media_copied = len(result.media_placed)
        account.media_missing = sorted(result.media_missing)
        account.content.update(self.notes)
        account.content.update(result.notes)
        for kind in ("items", "comments", "pings"):
            if kind not in fmt.keeps and account.written[kind]:
                # The format has no place for this kind of record: say so, not "written".
                account.leave_out(kind, Reason.NOT_IN.of(fmt.name), account.written[kind])
                account.written[kind] = 0
        return account


def _write_streamed(
    export: Input,
    fmt: Format,
    options: ConvertOptions,
    write_options: WriteOptions,
    jobs: int,
    progress: Progress | None,
) -> _Written:
    """Stages 3 to 6 in this process, posts rendered here or by a pool of workers."""
    reader = export.reader(recover=options.recover, personal_data=options.selection.personal_data)
    selector = Selector(write_options.selection, known=write_options.index.status_of)
    records = selector.apply(reader)
    # Parts are read one after the other, each from its start: no byte count spans them.
    if progress is not None and isinstance(reader, Reader):
        records = _reporting(records, reader, export.size, progress, selector.account)
    rendering = Rendering(fmt.render, write_options, jobs)
    keeping = _remembering(export, fmt, options, write_options, rendering)
    entries = rendering.entries(records)
    keep = keeping(lambda: selector.account) if keeping is not None else None
    emitted = _emit(fmt, options, export, _writing(fmt, entries, write_options, keep), write_options, keep)
    return _Written(selector.account, emitted, rendering.notes, reader.repairs)


def _writing(
    fmt: Format, entries: Iterator[Entry], options: WriteOptions, keep: Remember | None
) -> Callable[[Any], WriteResult]:
    """The writer at work on ``entries``; each post's files known as its own when a record is kept."""
    if keep is None:
        return lambda out: fmt.writer.write(entries, out, options)
    from .rerun import owned

    return lambda out: fmt.writer.write(owned(entries, out), out, options)


def _write_in_ranges(
    export: Input,
    plan: cuts.Plan,
    fmt: Format,
    options: ConvertOptions,
    write_options: WriteOptions,
    jobs: int,
    progress: Progress | None,
) -> _Written:
    """Stages 3 to 6 with the export read in ranges by workers; raises :class:`RangeFailed`."""
    ranges = RangedRead(plan, write_options, jobs, progress)
    rendering = Rendering(fmt.render, write_options, jobs)
    # A format that renders is written here from the workers' entries; one that
    # concatenates is written by the workers themselves, range by range.
    if fmt.render is not None:
        keeping = _remembering(export, fmt, options, write_options, rendering)
        keep = keeping(lambda: ranges.outcome.account) if keeping is not None else None
        entries = rendering.entries_in_ranges(ranges)
        emitted = _emit(fmt, options, export, _writing(fmt, entries, write_options, keep), write_options, keep)
    else:
        emitted = _emit(fmt, options, export, lambda out: _concatenated(ranges, fmt, write_options, out), write_options)
    return _Written(ranges.outcome.account, emitted, rendering.notes, [])


def _concatenated(ranges: RangedRead, fmt: Format, options: WriteOptions, out: Any) -> WriteResult:
    """The ranges' texts, written by the workers, one after the other in ``out``."""
    result = WriteResult.for_options(options)
    for text, part in ranges.texts(fmt.writer.write):
        # The texts are UTF-8 already: written to the bytes under the text layer, which
        # must hold nothing of its own first.
        out.flush()
        out.buffer.write(text)
        result.merge(part)
    return result


@dataclass
class _Emitted:
    """What the write stage did: the writer's result, the redirects left out, the links filled."""

    result: WriteResult
    refused: tuple[Refusal, ...]
    links: Filled
    update: Update | None = None  # (--update: what was written, kept and removed)


def _emit(
    fmt: Format,
    options: ConvertOptions,
    export: Input,
    write: Callable[[Any], WriteResult],
    write_options: WriteOptions,
    keep: Remember | None = None,
) -> _Emitted:
    """``write`` into the output, the links between items filled in, then the redirect file."""
    # The redirect file is written before the output is put in place and put in place
    # after it: a failure of either leaves both as they were.
    links = write_options.links
    record = _RedirectFile(os.path.abspath(options.redirects[1])) if options.redirects else None
    with _redirect_file(options.redirects, options.site_url, record) as write_redirects:
        if fmt.target == "directory":
            if options.output is None:
                raise OutputError(f"--to {fmt.name} writes a folder", hint="give it with -o FOLDER")
            folder_output = dir_output(
                options.output,
                force=options.force,
                inputs=export.files,
                update=options.update,
                keep_removed=options.keep_removed,
                kind=fmt.name,
            )
            with folder_output as folder:
                folder.marker = links.prefix if links is not None else None
                result = write(folder)
                filled = fill(folder, links, result.addresses or {}, options.site_url) if links else Filled()
                others = _item_addresses(export, options, result, write_options.index.hosts)
                refused = write_redirects(result.addresses or {}, others)
                emitted = _Emitted(result, refused, filled)
                if keep is not None:  # (the run's record, for the next update: wxrtool.rerun)
                    keep(folder, emitted)
                if record is not None:  # (the redirect file's hashes, kept in the folder's manifest by
                    # its path from the folder: the same however the two are moved together)
                    key = os.path.relpath(record.path, folder.target)
                    record.previous = folder.previous.outside.get(key) if folder.previous else None
                    folder.outside[key] = record.written
            emitted.update = folder.updated
            if record is not None:
                record.update = folder.updated  # (what the redirect file's place adds to it, below)
            return emitted
        written: list[WriteResult] = []
        filled = Filled()

        def finish(path: str) -> None:  # (the file written, before it is put in place)
            nonlocal filled
            if links is not None:  # ('' for where a link is: in the output, whatever its name)
                filled = fill_file(path, "", links, written[0].addresses or {}, options.site_url)

        with text_output(options.output, finish) as stream:
            written.append(write(stream))
            result = written[0]
            others = _item_addresses(export, options, result, write_options.index.hosts)
            refused = write_redirects(result.addresses or {}, others)
        return _Emitted(result, refused, filled)


def _item_addresses(
    export: Input, options: ConvertOptions, result: WriteResult, hosts: Container[str] = ()
) -> Iterator[tuple[str, str]]:
    """Every old address of each item given a new one (:mod:`wxrtool.oldurls`: its permalink,
    ``?p=ID`` or ``?page_id=ID`` where the blog is, its old slugs), with that new address;
    then the archives, feeds and attachment pages, each to the closest new page
    (:mod:`wxrtool.archives`); then each media file placed (``--media``) that was on the site's
    own ``hosts`` (``/wp-content/uploads/...``), to its copy: an image another site shows, or a
    feed reader, asks there. The export is read again for it, only when redirects are asked for."""
    from .redirects import STYLES

    if options.redirects is None or options.redirects[0] not in STYLES:
        return  # (a Disqus URL map has the items' own permalinks)
    from .archives import archive_target
    from .index import site_host
    from .oldurls import ITEM_KINDS, canonical_address, old_addresses

    moved = result.addresses or {}
    for address in old_addresses(export.reader(recover=options.recover)):
        if address.kind not in ITEM_KINDS:
            if (page := archive_target(options.to, address, moved)) is not None:
                yield address.url, page
        elif address.item is not None and (new := moved.get(address.item)) is not None:
            yield address.url, new[1]
    for url, new_path in result.media_moved.items():
        if site_host(url) in hosts and (old := canonical_address(url)) is not None:
            yield old, new_path


def _reporting(
    records: Iterator[Record], reader: Reader, total: int | None, report: Progress, account: Account
) -> Iterator[Record]:
    last = 0.0
    for record in records:
        now = time.monotonic()
        if now - last >= 0.5:
            report(reader.bytes_read, total, account.read["items"])
            last = now
        yield record
    report(reader.bytes_read, total, account.read["items"])


@dataclass
class _RedirectFile:
    """With ``--update``, what decides whether the redirect file is replaced: the hash of what
    was written into it before (the output's manifest) and of what is written now, and the
    update's record, where a file edited since is listed as a conflict."""

    path: str
    previous: str | None = None
    written: str = ""
    update: Update | None = None

    def keep_in_place(self, _new: str) -> bool:
        """Whether the file in place stays (the new one dropped): it is the same, or edited since."""
        if self.update is None or not os.path.isfile(self.path):
            return False
        done = outcome(file_hash(self.path), self.written, self.previous)  # (the folder's files' rule)
        if done == UNCHANGED:
            self.update.unchanged += 1
        elif done == CHANGED:
            self.update.changed.append(self.path)
        else:
            self.update.conflicts.append((self.path, "the redirect file, edited since wxrtool wrote it"))
        return done != CHANGED


@contextlib.contextmanager
def _redirect_file(
    redirects: tuple[str, str] | None,
    base_url: str | None = None,
    record: _RedirectFile | None = None,
) -> Iterator[Callable[[Mapping[int, tuple[str, str]], Iterable[tuple[str, str]]], tuple[Refusal, ...]]]:
    """A function that writes the redirect rules (nothing without ``redirects``) and returns
    those it left out; the file is put in place when the block ends (with ``record``, an
    update's, only if it changed and was not edited since)."""
    if redirects is None:
        yield lambda urls, others: ()
        return
    from .redirects import write_checked

    style, path = redirects
    with text_output(path, keep=record.keep_in_place if record is not None else None) as stream:

        def write(urls: Mapping[int, tuple[str, str]], others: Iterable[tuple[str, str]]) -> tuple[Refusal, ...]:
            hashed = HashedText(stream)
            refused = write_checked(style, urls, others, hashed, base_url=base_url or "")
            if record is not None:
                record.written = hashed.hexdigest()
            return refused

        yield write

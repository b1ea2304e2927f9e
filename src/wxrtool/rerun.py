"""``convert --update`` reading only the items that changed since the last run.

A folder output of the formats in :data:`FORMATS` keeps a record of its run
(:mod:`wxrtool.rerunstate`). An update then cuts the new export into items by their bytes
(:mod:`wxrtool.itemspans`) and compares each with the last run's. When only the texts of some
items changed (their content or excerpt: what nothing else is made of), only those items are
read and written, and the rest of the folder is left as it is: an update of a 100 MB export
with 1% of its posts edited takes about 1.5x a bare parse's time.

Anything else and the whole export is read again, as a conversion would (:mod:`wxrtool.update`);
the account says which, and why (:class:`Fallback`): items added, removed or moved; the channel,
its authors or terms changed; an item changed beyond its texts (a title, a slug, a date, a term,
a status, metadata, a comment, an attachment's caption); a menu entry changed (menus are made of
them); options not the last run's; other code than the last run's; an item that does not read alone (a cut
in the wrong place); an item whose files would be named otherwise than they are (two items
with one slug); no record of the last run, or one edited since.

The outcome is the same, file for file and in the account, as reading everything would give:
``tests/test_rerun.py`` checks it, for every sample, format and kind of change.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import dataclasses
import functools
import hashlib
import io
import os
import stat
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .account import Account
from .conversion import ConvertOptions
from .errors import WXRError
from .itemlinks import Filled, fill
from .itemspans import Spans, cuts_are_real, scan
from .output import MANIFEST, OutputDir, folder_target
from .quirks import DateResolver
from .read import Reader
from .records import Post, Record
from .rendering import Rendering
from .rerunstate import STATE, FileLinks, RerunState, StateError
from .selection import Selector
from .update import CHANGED, UNCHANGED, Manifest, Update, file_hash, move_in, outcome, remove_gone
from .writers.protocol import Entry, Format, WriteResult

if TYPE_CHECKING:
    from .index import SiteIndex
    from .inputs import Input

#: The formats whose files of an item are made of that item and the site index only.
FORMATS = ("markdown", "hugo", "jekyll", "pelican", "astro", "eleventy")

# Items other items are made of (a menu's entries, a reusable block the posts show): read again
# means everything. (An attachment's caption, title and alt text, which galleries show, are in
# its skeleton.)
_SHOWN_BY_OTHERS = ("nav_menu_item", "wp_block")


class Fallback(Exception):
    """Why the whole export must be read again (the message, for the account)."""


@functools.cache
def code_version() -> str:
    """This wxrtool: its version and a hash of its code. A record made by other code is not
    trusted, even of the same version number (an unchanged item's files might differ)."""
    from importlib import metadata

    digest = hashlib.blake2b(digest_size=8)
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\x00" + path.read_bytes())
    try:
        number = metadata.version("wxrtool")
    except metadata.PackageNotFoundError:  # (run from a source tree not installed)
        number = "source"
    return f"{number}+{digest.hexdigest()}"


def fingerprint(options: ConvertOptions) -> str:
    """What a run was asked, but for where and how it runs: two runs with the same write the same."""
    # (the redirect file's style, not its path: an update checks the file itself where the
    # manifest says it was written; migrate writes it under a temporary folder first)
    redirects = (options.redirects[0], "") if options.redirects else None
    asked = dataclasses.replace(
        options, output=None, force=False, update=False, keep_removed=False, jobs=1, redirects=redirects
    )
    return repr(asked)


def remembers(fmt: Format, options: ConvertOptions, export: Input, index: SiteIndex) -> bool:
    """Whether this run keeps a record for the next update: a format of :data:`FORMATS`, read
    from one plain file on disk, with no media placed (a picture may serve many posts), no
    repairs, and an index in memory."""
    return (
        fmt.name in FORMATS
        and export.path is not None
        and options.media is None
        and not options.recover
        and not index.on_disk
        and options.output not in (None, "-")
    )


def owned(entries: Iterable[Entry], out: OutputDir) -> Iterator[Entry]:
    """``entries``, each post's id made the owner of what the writer writes while it takes it."""
    for record, value in entries:
        out.owner = record.id if isinstance(record, Post) else None
        yield record, value
    out.owner = None


def remember(
    out: OutputDir,
    export_path: str,
    options: ConvertOptions,
    index: SiteIndex,
    result: WriteResult,
    filled: Filled,
    account: Account,
    notes: Mapping[int, Counter[str]],
    refused: Iterable[Any],
) -> None:
    """Write the run's record (:data:`STATE`) into the output, with the files written."""
    spans = scan(export_path)
    state = RerunState(
        version=code_version(),
        options=fingerprint(options),
        frame=spans.frame,
        source=spans.source,
        skeleton=spans.skeleton,
        ids=spans.ids,
        files=_files_by_item(out),
        notes={item: dict(counts) for item, counts in notes.items()},
        links=_file_links(out.written, filled),
        addresses=dict(result.addresses or {}),
        counts={
            "read": dict(account.read),
            "written": dict(account.written),
            "left_out": {kind: dict(counts) for kind, counts in account.left_out.items()},
            "refused": [[r.old, r.new, r.reason] for r in refused],
        },
        index=index,
    )
    with out.open_text(STATE) as f:
        state.write(f)


def _files_by_item(out: OutputDir) -> dict[int, list[str]]:
    """The files each item wrote into ``out``, in the order written."""
    files: dict[int, list[str]] = {}
    for name, item in out.owned.items():
        files.setdefault(item, []).append(name)
    return files


def _file_links(names: Iterable[str], filled: Filled) -> list[FileLinks]:
    """Each of the files ``names``, in order, with its links between items as ``filled`` says."""
    rewritten = filled.files
    kept: dict[str, list[str]] = {}
    for name, link in filled.kept:
        kept.setdefault(name, []).append(link)
    return [FileLinks(name, rewritten.get(name, 0), kept.get(name, [])) for name in names]


@dataclass
class Rerun:
    """What an update that read only the changed items did, for the account."""

    account: Account
    notes: Counter[str]
    filled: Filled
    refused: list[tuple[str, str, str]]
    update: Update


def update(export: Input, fmt: Format, options: ConvertOptions) -> Rerun:
    """Bring the output of ``options`` up to date reading only the items that changed;
    :class:`Fallback` (nothing touched) when it cannot (see the module's text)."""
    assert export.path is not None and options.output is not None
    target = folder_target(options.output)
    manifest = Manifest.read(os.path.join(target, MANIFEST))
    state_path = os.path.join(target, STATE)
    if manifest is None or STATE not in manifest.files or not os.path.isfile(state_path):
        raise Fallback("the folder has no record of the last run")
    try:
        state = RerunState.read(state_path)
    except StateError as exc:
        raise Fallback(f"{STATE} is {exc}") from None
    if state.version != code_version():
        raise Fallback("the last run was made by another wxrtool")
    if state.options != fingerprint(options):
        raise Fallback("the options are not the last run's")
    spans = scan(export.path, previous=state.source, skeletons=False)
    if len(spans.source) != len(state.source) or spans.ids != state.ids:
        raise Fallback("items were added, removed or moved")
    if spans.frame != state.frame:
        raise Fallback("the channel, its authors or terms changed")
    for place in spans.kept:
        if spans.skeleton[place] != state.skeleton[place]:
            raise Fallback(f"item {state.ids[place]} changed beyond its texts")
    redirect = _redirect_file(options, target, manifest)
    changed = {state.ids[place] for place in spans.kept}
    for place in spans.kept:  # (the record to keep: these items as they are now)
        state.source[place] = spans.source[place]
    scratch = OutputDir(os.path.join(os.path.dirname(target), f".{os.path.basename(target)}.rerun"))
    try:
        written = _write_changed(spans, changed, export.name, fmt, options, state, scratch)
        done = _merge(scratch, written, changed, state, manifest, target, options.keep_removed)
    finally:
        scratch.abort()
    if redirect is not None:  # (the same as the last run's: the addresses are)
        if redirect == UNCHANGED:
            done.update.unchanged += 1
        else:
            done.update.conflicts.append((redirect, "the redirect file, edited since wxrtool wrote it"))
    done.update.items_read_again = (len(changed), len(state.ids))
    return done


def _redirect_file(options: ConvertOptions, target: str, manifest: Manifest) -> str | None:
    """What the redirect file in place is: as written (:data:`UNCHANGED`), else its path (edited
    since); ``None`` without one. One that is gone is written again: everything is read."""
    if options.redirects is None:
        return None
    path = os.path.abspath(options.redirects[1])
    recorded = manifest.outside.get(os.path.relpath(path, target))
    if not os.path.isfile(path) or recorded is None:
        raise Fallback("the redirect file is not where the last run wrote it")
    return UNCHANGED if file_hash(path) == recorded else path


@dataclass
class _Written:
    result: WriteResult
    notes: dict[int, Counter[str]]
    filled: Filled


def _write_changed(
    spans: Spans,
    changed: set[int],
    name: str,
    fmt: Format,
    options: ConvertOptions,
    state: RerunState,
    out: OutputDir,
) -> _Written:
    """The changed items read alone (the export's head, them, its tail) and written into ``out``."""
    if not changed:
        return _Written(WriteResult(), {}, Filled())
    if not all(cuts_are_real(item) for item in spans.kept.values()):
        raise Fallback("a text of an item changed holds what looks like one of its tags")
    document = spans.head + b"".join(spans.kept[place] for place in sorted(spans.kept)) + spans.tail
    dates = DateResolver()
    reader = Reader(io.BytesIO(document), name, dates=dates, personal_data=options.selection.personal_data)
    write_options = options.write_options(fmt, state.index)
    selector = Selector(write_options.selection, known=state.index.status_of)
    rendering = Rendering(fmt.render, write_options, jobs=1)
    rendering.notes_by_item = {}
    out.marker = write_options.links.prefix if write_options.links is not None else None
    try:
        entries = rendering.entries(selector.apply(_checked(reader, changed)))
        result = fmt.writer.write(owned(entries, out), out, write_options)
    except WXRError as exc:
        raise Fallback(f"an item changed does not read alone ({exc.__class__.__name__})") from None
    if dates.leaned:
        raise Fallback("a date of an item changed takes its offset from the items before it")
    for item in changed:
        if (result.addresses or {}).get(item) != state.addresses.get(item):
            raise Fallback(f"item {item}'s new address would not be the last run's")
    mine = _files_by_item(out)
    for item in changed:
        if sorted(mine.get(item, [])) != sorted(state.files.get(item, [])):
            raise Fallback(f"item {item}'s files would be named otherwise than the last run's")
    filled = Filled()
    if write_options.links is not None:
        filled = fill(out, write_options.links, state.addresses, options.site_url)
    return _Written(result, dict(rendering.notes_by_item), filled)


def _checked(records: Iterable[Record], changed: set[int]) -> Iterator[Record]:
    seen = set()
    for record in records:
        if isinstance(record, Post):
            if record.id not in changed or record.id in seen:
                raise Fallback(f"item {record.id} read alone is not the item changed")
            if record.type in _SHOWN_BY_OTHERS:
                raise Fallback(f"item {record.id} ({record.type}) changed: other items show it")
            seen.add(record.id)
        yield record


def _merge(
    out: OutputDir,
    written: _Written,
    changed: set[int],
    state: RerunState,
    manifest: Manifest,
    target: str,
    keep_removed: bool,
) -> Rerun:
    """Each changed item's files brought in (by :func:`wxrtool.update.outcome`), every other
    file looked at for edits; the new record and manifest written; what was done."""
    done = Update()
    files = dict(manifest.files)
    new_hashes: dict[str, str] = {}
    for item in sorted(changed):
        for name in state.files.get(item, []):
            new_hashes[name] = file_hash(os.path.join(out.root, name))
    current = {f.file for f in state.links}  # (every file of the last run's output)
    names = sorted(n for n in manifest.files if n not in (STATE, MANIFEST))
    for name, (there, on_disk) in zip(names, _hashes_in_place(target, names), strict=True):
        here = os.path.join(target, name)
        if not there:
            if name in current:
                raise Fallback(f"{name} is gone from the folder: it is written again")
            del files[name]  # (a file kept from an item gone, deleted since)
            continue
        previous = manifest.files.get(name)
        if name not in current:  # (kept from an item gone from an earlier export)
            if remove_gone(target, name, on_disk, previous, keep_removed, done):
                del files[name]
            continue
        new = new_hashes.get(name, previous)
        if new is None:  # (written before outputs recorded hashes: not the case with a record)
            raise Fallback(f"{MANIFEST} has no hash of {name}")
        result = outcome(on_disk, new, previous)
        if result == UNCHANGED:
            done.unchanged += 1
        elif result == CHANGED:
            move_in(os.path.join(out.root, name), here)
            done.changed.append(name)
        else:
            done.conflicts.append((name, "edited since wxrtool wrote it"))
        files[name] = new
    # The account: the last run's, each changed item's part in it replaced.
    notes = state.notes_total()
    for item in changed:
        notes.subtract(state.notes.get(item, {}))
        state.notes.pop(item, None)
    for item, noted in written.notes.items():
        notes.update(noted)
        state.notes[item] = dict(noted)
    mine = [name for item in changed for name in state.files.get(item, [])]
    fresh = {f.file: f for f in _file_links(mine, written.filled)}
    state.links = [fresh.get(f.file, f) for f in state.links]
    filled = Filled(
        rewritten=sum(f.rewritten for f in state.links),
        kept=[(f.file, link) for f in state.links for link in f.kept],
    )
    counts = state.counts
    account = Account(
        read=Counter(counts["read"]),
        written=Counter(counts["written"]),
        left_out={kind: Counter(found) for kind, found in counts["left_out"].items()},
    )
    # The new record and manifest, each put in place whole (as they were, when nothing changed).
    if changed or files != manifest.files:
        with _in_place(os.path.join(target, STATE)) as temp, open(temp, "w", encoding="utf-8", newline="\n") as f:
            state.write(f)
        with _in_place(os.path.join(target, MANIFEST)) as temp:
            Manifest(files, dict(manifest.outside), manifest.kind).write(temp)
    return Rerun(account, +notes, filled, counts["refused"], done)


def _hashes_in_place(target: str, names: list[str]) -> Iterator[tuple[bool, str | None]]:
    """Whether each file is there, and its hash (``None``: not a plain file), read by
    :data:`_READERS` threads: the reading and the hashing let go of the interpreter."""

    def hashed(name: str) -> tuple[bool, str | None]:
        here = os.path.join(target, name)
        try:
            found = os.lstat(here)
        except FileNotFoundError:
            return False, None
        return True, file_hash(here) if stat.S_ISREG(found.st_mode) else None

    with concurrent.futures.ThreadPoolExecutor(_READERS) as pool:
        yield from pool.map(hashed, names, chunksize=64)


_READERS = 2


@contextlib.contextmanager
def _in_place(path: str) -> Iterator[str]:
    """A name to write ``path``'s new text under, put in its place when the block ends (removed on failure)."""
    temp = path + ".part"
    try:
        yield temp
        os.replace(temp, path)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temp)

"""``wxrtool split``: a large export cut into WXR parts that each stand alone.

WordPress's importer (and many hosts' upload limits) chokes on big files. Each
part repeats the header, every author and every term, so it imports on its own;
an item's comments travel inside it; and an item travels with its family (a post,
its attachments, child pages, their attachments, its featured image; a menu's entries
with the items they lead to and the entries above them) so that WordPress's importer,
which links them only among the items of one import, finds them within the part. A family
larger than the limit gets a part of its own, over the limit, and is reported.

Two passes: the first measures every item as it will be written and works out
families and parts; the second writes. Memory holds a few numbers per item.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TextIO

from .errors import WXRError
from .index import SiteIndex
from .output import dir_output
from .quirks import parse_id
from .read import Reader, read
from .records import Author, Post, Record, Site, Term
from .selection import Selection
from .source import Source, reopenable, source_name
from .writers.wxr import FOOTER, head_records, item_xml

# (at most 15 digits: a size past a petabyte is no limit, and float() of hundreds of digits is infinite)
_SIZE = re.compile(r"^\s*([0-9]{1,15}(?:\.[0-9]{1,9})?)\s*([KMG]i?B?|B)?\s*$", re.I)


def parse_size(text: str) -> int:
    """``10MB`` (powers of 1000), ``10MiB`` (of 1024) or a number of bytes.

    >>> parse_size("10MB"), parse_size("1.5KiB"), parse_size("512")
    (10000000, 1536, 512)
    """
    m = _SIZE.match(text)
    if not m:
        shown = text if len(text) <= 40 else text[:40] + "…"  # (what was given, to a line's length)
        raise WXRError(f"not a size: {shown!r}", hint="write it like 10MB, 512KiB or 1000000")
    number, unit = float(m.group(1)), (m.group(2) or "B").upper()
    base = 1024 if "I" in unit else 1000
    power = {"B": 0, "K": 1, "M": 2, "G": 3}[unit[0]]
    return int(number * base**power)


@dataclass
class SplitReport:
    """What ``split`` wrote: the part files, items per part, and parts over the limit."""

    parts: list[str] = field(default_factory=list)
    items: list[int] = field(default_factory=list)
    oversized: list[str] = field(default_factory=list)


@dataclass
class _Plan:
    header: str
    part_of: dict[int, int]  # item position -> part number
    count: int


# What joins items into one family besides a parent: WordPress's importer resolves each of these
# only among the items of one import (its processed_posts), so across parts they were lost (a
# featured image left at an old id, a menu's entry dropped or moved to the top).
_FEATURED = "_thumbnail_id"
_MENU_TARGET, _MENU_TYPE, _MENU_PARENT = "_menu_item_object_id", "_menu_item_type", "_menu_item_menu_item_parent"


def _links(post: Post) -> list[int]:
    """The ids of the items ``post`` needs in its part: its featured image; a menu entry's item
    and its parent entry."""
    meta = {m.key: m.value.strip() for m in post.meta if m.key in (_FEATURED, _MENU_TARGET, _MENU_TYPE, _MENU_PARENT)}
    wanted = [meta.get(_FEATURED, ""), meta.get(_MENU_PARENT, "")]
    if meta.get(_MENU_TYPE) == "post_type":
        wanted.append(meta.get(_MENU_TARGET, ""))
    return [found for value in wanted if (found := parse_id(value))]  # (0: none)


def _families(parents: dict[int, int], links: dict[int, list[int]]) -> dict[int, int]:
    """Each item's family, named by one of its members: the items joined by a parent, a featured
    image or a menu's link (``links``), when both are in the export.

    A union-find with its paths halved: every item costs about one step, however long a chain
    of parents, and nothing recurses.

    >>> _families({1: 0, 2: 1, 3: 2, 4: 5, 5: 4, 6: 0, 7: 0}, {6: [3], 7: [99]})
    {1: 1, 2: 1, 3: 1, 4: 4, 5: 4, 6: 1, 7: 7}
    """
    root = {item: item for item in parents}

    def find(item: int) -> int:
        while root[item] != item:
            root[item] = root[root[item]]
            item = root[item]
        return item

    def join(a: int, b: int) -> None:
        if b in root:
            first, second = sorted((find(a), find(b)))
            root[second] = first

    for item, parent in parents.items():
        join(item, parent)
    for item, needed in links.items():
        for other in needed:
            join(item, other)
    return {item: find(item) for item in parents}


def _plan(records: Iterable[Record], max_size: int, index: SiteIndex, selection: Selection) -> _Plan:
    site: Site | None = None
    authors: list[Author] = []
    terms: list[Term] = []
    sizes: list[int] = []
    ids: list[int] = []
    parents: dict[int, int] = {}
    links: dict[int, list[int]] = {}
    for record in records:
        if isinstance(record, Post):
            sizes.append(len(item_xml(record, index, importable=False).encode("utf-8")))
            ids.append(record.id)
            parents.setdefault(record.id, record.parent)
            if record.meta and (needed := _links(record)):
                links.setdefault(record.id, needed)
        elif isinstance(record, Site):
            site = record
        elif isinstance(record, Author):
            authors.append(record)
        elif isinstance(record, Term):
            terms.append(record)
    header = head_records(site, authors, terms, index, selection)
    room = max_size - len(header.encode("utf-8")) - len(FOOTER)
    if room <= 0:
        raise WXRError(
            f"--max-size is smaller than the header every part repeats ({len(header.encode('utf-8'))} bytes)",
            hint="give a larger --max-size",
        )
    roots = _families(parents, links)
    family_size: dict[int, int] = {}
    for item_id, size in zip(ids, sizes, strict=True):
        family_size[roots[item_id]] = family_size.get(roots[item_id], 0) + size
    part_of: dict[int, int] = {}
    family_part: dict[int, int] = {}
    part, used = 0, 0
    for position, item_id in enumerate(ids):
        root = roots[item_id]
        if root not in family_part:
            if used and used + family_size[root] > room:
                part, used = part + 1, 0
            family_part[root] = part
            used += family_size[root]
        part_of[position] = family_part[root]
    head = len(header.encode("utf-8"))
    if part and 4 * head > 3 * max_size:
        # Every part repeats the header: past three quarters of each, the parts would hold it many
        # times over, a hostile export's header just under --max-size once per item (2 MB: 1 GB of
        # parts). Under it, the parts are at most about four times the items they hold.
        raise WXRError(
            f"the header every part repeats (site, authors and terms: {head:,} bytes) is more than three"
            f" quarters of --max-size, so the parts would be mostly copies of it",
            hint=f"give --max-size of at least {2 * head:,} bytes",
        )
    return _Plan(header, part_of, part + 1 if ids else 1)


def split(source: Source, max_size: int, output: str, *, force: bool = False, recover: bool = False) -> SplitReport:
    """Cut the export ``source`` into standalone WXR parts of about ``max_size`` bytes in ``output``.

    Everything is kept: split repackages an export, it does not publish it.
    """
    name = source_name(source)
    stem = re.sub(r"(\.xml)?(\.(gz|bz2|xz))?$", "", name.rsplit("/", 1)[-1]) or "export"
    selection = Selection.everything()
    report = SplitReport()
    with reopenable(source) as readable:
        index = SiteIndex.build(Reader(readable, name, recover=recover, light=True))
        plan = _plan(read(readable, name, recover=recover), max_size, index, selection)
        width = max(3, len(str(plan.count)))
        report.parts = [f"{stem}.{n + 1:0{width}d}.xml" for n in range(plan.count)]
        report.items = [0] * plan.count
        sizes = [0] * plan.count
        with dir_output(output, force=force, inputs=[name], kind="split") as folder:
            # One part open at a time (a thousand parts would pass the open-file limit):
            # the items of a part mostly come together, and a family member that comes
            # after its part was left reopens it and is appended.
            started: set[int] = set()
            current = -1
            stream: TextIO | None = None
            try:
                position = 0
                for record in read(readable, name, recover=recover):
                    if not isinstance(record, Post):
                        continue
                    part = plan.part_of[position]
                    if part != current:
                        if stream is not None:
                            stream.close()
                        stream = folder.open_text(report.parts[part], append=part in started)
                        if part not in started:
                            stream.write(plan.header)
                            started.add(part)
                        current = part
                    text = item_xml(record, index, importable=False)
                    assert stream is not None
                    stream.write(text)
                    sizes[part] += len(text.encode("utf-8"))
                    report.items[part] += 1
                    position += 1
            finally:
                if stream is not None:
                    stream.close()
            for part, part_name in enumerate(report.parts):
                with folder.open_text(part_name, append=part in started) as end:
                    end.write(FOOTER if part in started else plan.header + FOOTER)
    header_bytes = len(plan.header.encode("utf-8")) + len(FOOTER)
    report.oversized = [p for p, size in zip(report.parts, sizes, strict=True) if size + header_bytes > max_size]
    return report

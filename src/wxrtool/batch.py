"""Many exports at once: parts of one site merged, many sites converted side by side.

:func:`group_inputs` turns files, folders and globs into sites: the parts of a
split export (WP-CLI's and WordPress.com's ``name.000.xml``, ``name.001.xml``...,
and ``wxrtool split``'s) become one site, read in order as one stream by
:func:`read_parts` (the header of the first part; authors and terms de-duplicated
across parts; every item). :func:`convert_sites` converts independent sites in
parallel, each into its own output, a failure of one not stopping the others;
with a Dask scheduler address it hands one task per site to that cluster instead.
"""

from __future__ import annotations

import glob
import os
import re
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from .errors import WXRError
from .processes import start_worker
from .quirks import DateResolver
from .read import Reader
from .records import Author, Record, Site, Term
from .recover import Repair

_PART = re.compile(r"^(?P<stem>.+)\.(?P<number>\d{3})\.xml(?:\.(?:gz|bz2|xz))?$")
_EXPORT = re.compile(r"\.xml(?:\.(?:gz|bz2|xz))?$")
EXTENSIONS = {"json": ".json", "jsonl": ".jsonl", "wxr": ".xml", "ghost": ".json", "remark42": ".jsonl"}


def group_inputs(arguments: list[str]) -> list[list[str]]:
    """Sites to convert, each a list of files (one, or the parts of a split export, in order).

    >>> group_inputs(["a.001.xml", "b.xml", "a.000.xml"])
    [['a.000.xml', 'a.001.xml'], ['b.xml']]
    """
    files: list[str] = []
    for argument in arguments:
        if argument != "-" and os.path.isdir(argument):
            files += _exports_in(argument)
        elif any(ch in argument for ch in "*?[") and not os.path.exists(argument):
            matches = sorted(glob.glob(argument))
            if not matches:
                raise WXRError(f"no file matches {argument!r}", hint="check the pattern, quoted so the shell leaves it")
            files += matches
        else:
            files.append(argument)
    sites: dict[str, list[str]] = {}
    for path in dict.fromkeys(files):
        m = _PART.match(path)
        key = m.group("stem") if m else path
        sites.setdefault(key, []).append(path)
    return [sorted(parts) for parts in sites.values()]


def _exports_in(folder: str) -> list[str]:
    try:
        names = os.listdir(folder)
    except OSError as exc:
        raise WXRError(
            f"cannot read the folder: {exc.strerror or exc}", file=folder, hint="check its permissions"
        ) from None
    found = sorted(os.path.join(folder, n) for n in names if _EXPORT.search(n))
    if not found:
        raise WXRError(
            "the folder holds no export (no *.xml, *.xml.gz, *.xml.bz2 or *.xml.xz file)",
            file=folder,
            hint="give the export file itself, or a folder of exports",
        )
    return found


def site_name(parts: list[str]) -> str:
    """A site's output name: its file name without part number and extensions (never ``.`` or ``..``).

    >>> site_name(["exports/blog.001.xml"]), site_name(["exports/..xml"])
    ('blog', 'site-.')
    """
    base = os.path.basename(parts[0])
    m = _PART.match(base)
    name = m.group("stem") if m else _EXPORT.sub("", base) or base
    # "..xml" would name the batch's folder itself, "...xml" the one above it.
    return f"site-{name}" if not name.strip(".") else name


class PartsReader:
    """Records of a site split into parts, as one stream; ``repairs`` from every part."""

    def __init__(
        self, parts: list[str], *, recover: bool = False, light: bool = False, personal_data: bool = True
    ) -> None:
        self.parts = parts
        self.recover = recover
        self.light = light
        self.personal_data = personal_data
        self.repairs: list[Repair] = []

    def __iter__(self) -> Iterator[Record]:
        return read_parts(
            self.parts,
            recover=self.recover,
            repairs=self.repairs,
            light=self.light,
            personal_data=self.personal_data,
        )


def read_parts(
    parts: list[str],
    *,
    recover: bool = False,
    repairs: list[Repair] | None = None,
    light: bool = False,
    personal_data: bool = True,
) -> Iterator[Record]:
    """Read the parts of one split export as one export.

    The first part's site header is the site's; authors (by login) and terms (by
    taxonomy and slug) that later parts repeat are read once.
    """
    authors: set[str] = set()
    terms: set[tuple[str, str]] = set()
    have_site = False
    dates = DateResolver()
    for part in parts:
        reader = Reader(part, recover=recover, dates=dates, light=light, personal_data=personal_data)
        for record in reader:
            if isinstance(record, Site):
                if have_site:
                    continue
                have_site = True
            elif isinstance(record, Author):
                if record.login in authors:
                    continue
                authors.add(record.login)
            elif isinstance(record, Term):
                key = (record.taxonomy, record.slug or record.name)
                if key in terms:
                    continue
                terms.add(key)
            yield record
        if repairs is not None:
            repairs += reader.repairs


@dataclass
class SiteResult:
    """How converting one site went."""

    name: str
    parts: list[str]
    output: str
    ok: bool
    account: dict[str, Any] = field(default_factory=dict)
    error: str = ""


def convert_site(parts: list[str], to: str, output: str, options: dict[str, Any]) -> SiteResult:
    """Convert one site (one file, or the parts of one) and report, never raise."""
    from .convert import convert

    source: Any = parts[0] if len(parts) == 1 else parts
    try:
        account = convert(source, to, output, **options)
    except WXRError as exc:
        return SiteResult(site_name(parts), parts, output, False, error=str(exc))
    except Exception as exc:
        return SiteResult(site_name(parts), parts, output, False, error=f"internal error: {type(exc).__name__}: {exc}")
    return SiteResult(site_name(parts), parts, output, True, account.as_dict())


def output_for(parts: list[str], to: str, folder: str, directory_format: bool) -> str:
    """Where a site of a batch goes inside the batch's output folder."""
    name = site_name(parts)
    return os.path.join(folder, name if directory_format else name + EXTENSIONS.get(to, ".out"))


def convert_sites(
    sites: list[list[str]],
    to: str,
    folder: str,
    options: dict[str, Any],
    *,
    directory_format: bool,
    jobs: int = 1,
    scheduler: str | None = None,
) -> list[SiteResult]:
    """Convert independent sites into ``folder``, in parallel; results in input order."""
    os.makedirs(folder, exist_ok=True)
    outputs = [output_for(parts, to, folder, directory_format) for parts in sites]
    if len(set(outputs)) != len(outputs):
        raise WXRError("two inputs would write to the same output", hint="give the sites different file names")
    if scheduler:
        from distributed import Client

        with Client(scheduler) as client:  # type: ignore[no-untyped-call]
            futures = client.map(convert_site, sites, [to] * len(sites), outputs, [options] * len(sites), pure=False)
            return list(client.gather(futures))
    if jobs <= 1 or len(sites) == 1:
        return [convert_site(parts, to, out, options) for parts, out in zip(sites, outputs, strict=True)]
    with ProcessPoolExecutor(max_workers=jobs, initializer=start_worker) as pool:
        return list(pool.map(convert_site, sites, [to] * len(sites), outputs, [options] * len(sites)))

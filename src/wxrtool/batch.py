"""Many exports at once: parts of one site merged, many sites converted side by side.

The sites are :func:`wxrtool.exportfiles.group_inputs`'s: the parts of a split export are one
site, read in order as one stream by :func:`wxrtool.read.read_parts` (the header of the first
part; authors and terms de-duplicated across parts; every item). :func:`convert_sites` converts
independent sites in parallel, each into its own output, a failure of one not stopping the
others; with a Dask scheduler address it hands one task per site to that cluster instead.
"""

from __future__ import annotations

import dataclasses
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from . import writers
from .conversion import ConvertOptions
from .convert import run
from .errors import WXRError
from .exportfiles import check_parts, site_name
from .processes import start_worker
from .writers.protocol import Format


@dataclass
class SiteResult:
    """How converting one site went."""

    name: str
    parts: list[str]
    output: str
    ok: bool
    account: dict[str, Any] = field(default_factory=dict)
    error: str = ""


def convert_site(parts: list[str], options: ConvertOptions) -> SiteResult:
    """Convert one site (one file, or the parts of one) as ``options`` say, and report; never raise."""
    source: Any = parts[0] if len(parts) == 1 else parts
    output = options.output or "-"
    try:
        check_parts(parts)
        account = run(source, options)
    except WXRError as exc:
        return SiteResult(site_name(parts), parts, output, False, error=str(exc))
    except Exception as exc:
        return SiteResult(site_name(parts), parts, output, False, error=f"internal error: {type(exc).__name__}: {exc}")
    return SiteResult(site_name(parts), parts, output, True, account.as_dict())


def output_for(parts: list[str], fmt: Format, folder: str) -> str:
    """Where a site of a batch goes inside the batch's output folder."""
    name = site_name(parts)
    return os.path.join(folder, name if fmt.target == "directory" else name + (fmt.extension or ".out"))


def convert_sites(
    sites: list[list[str]],
    folder: str,
    options: ConvertOptions,
    *,
    jobs: int = 1,
    scheduler: str | None = None,
) -> list[SiteResult]:
    """Convert independent sites into ``folder`` as ``options`` say (their ``output`` aside), in
    parallel, ``jobs`` at a time, each converted in one process; results in input order."""
    fmt = writers.get(options.to)
    os.makedirs(folder, exist_ok=True)
    # A site that would write where one before it does fails, unconverted; the others go on.
    outputs = [output_for(parts, fmt, folder) for parts in sites]
    first: dict[str, str] = {}
    clashes: dict[int, SiteResult] = {}
    for k, (parts, out) in enumerate(zip(sites, outputs, strict=True)):
        if out in first:
            error = WXRError(f"{first[out]} writes {out} already", file=parts[0], hint=_RENAME)
            clashes[k] = SiteResult(site_name(parts), parts, out, False, error=str(error))
        first.setdefault(out, parts[0])
    todo = [(parts, dataclasses.replace(options, output=out, redirects=_redirects_of(options, parts)))
            for k, (parts, out) in enumerate(zip(sites, outputs, strict=True)) if k not in clashes]  # fmt: skip
    done = iter(_converted(todo, jobs, scheduler))
    return [clashes[k] if k in clashes else next(done) for k in range(len(sites))]


_RENAME = "give the sites different file names, or convert this one on its own"

SITE = "{site}"
"""In ``--redirects STYLE FILE`` of a batch, the site's name: a redirect file a site."""


def _redirects_of(options: ConvertOptions, parts: list[str]) -> tuple[str, str] | None:
    """A site's redirect file: ``{site}`` of the batch's ``--redirects`` path its name."""
    if options.redirects is None:
        return None
    style, path = options.redirects
    return style, path.replace(SITE, site_name(parts))


def _converted(todo: list[tuple[list[str], ConvertOptions]], jobs: int, scheduler: str | None) -> list[SiteResult]:
    sites, each = [parts for parts, _ in todo], [options for _, options in todo]
    if scheduler:
        from distributed import Client

        with Client(scheduler) as client:  # type: ignore[no-untyped-call]
            futures = client.map(convert_site, sites, each, pure=False)
            return list(client.gather(futures))
    if jobs <= 1 or len(sites) <= 1:
        return [convert_site(parts, site_options) for parts, site_options in zip(sites, each, strict=True)]
    with ProcessPoolExecutor(max_workers=jobs, initializer=start_worker, initargs=(os.getpid(),)) as pool:
        return list(pool.map(convert_site, sites, each))

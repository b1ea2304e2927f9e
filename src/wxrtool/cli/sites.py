"""Several sites converted at once (``wxrtool convert`` of many exports), each on a line of its own."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
from typing import Any

import click

from .. import writers
from ..batch import SITE, convert_sites, output_for
from ..conversion import ConvertOptions
from ..exportfiles import Parts, parts_not_given
from ..output import text_output, within
from ..terminal import printable
from .options import (
    check_options,
    cores,
    plural,
)


def convert_batch(
    sites: list[list[str]],
    options: ConvertOptions,
    jobs: int | None,
    scheduler: str | None,
    quiet: bool,
    report_path: str | None,
) -> None:
    if options.output in (None, "-"):
        raise click.UsageError(f"{len(sites)} sites need an output folder: -o FOLDER")
    if options.redirects and SITE not in options.redirects[1]:
        raise click.UsageError(
            f"--redirects names one file: give it a name with {SITE} for a file a site"
            f" (--redirects {options.redirects[0]} 'redirects/{SITE}.conf'), or convert one site at a time"
        )
    if options.url_map:
        raise click.UsageError("--url-map holds one site's addresses: use it with one site at a time")
    check_options(options)
    folders: dict[str, Parts] = {}  # (each folder read once)
    for parts in sites:
        warn_of_parts_not_given(parts, folders)
    # Each site is converted in one process; --jobs says how many sites at a time.
    folder = options.output
    assert folder is not None
    with contextlib.ExitStack() as stack:
        # The report's file is made first, as for one site (the batch's folder too: it may be in
        # it); it holds every site's account.
        if report_path:
            _report_not_a_site(report_path, [output_for(parts, writers.get(options.to), folder) for parts in sites])
            os.makedirs(folder, exist_ok=True)
        report = stack.enter_context(text_output(report_path)) if report_path else None
        results = convert_sites(
            sites, folder, dataclasses.replace(options, jobs=1), jobs=jobs or cores(), scheduler=scheduler
        )
        if report is not None:
            json.dump({"format": options.to, "sites": [_site_report(r) for r in results]}, report, indent=2)
            report.write("\n")
    failed = [r for r in results if not r.ok]
    for result in results:
        if not result.ok:  # (said even with -q, as one site's error is)
            click.echo(printable(f"failed  {result.name}: {result.error}"), err=True)
        elif not quiet:
            click.echo(printable(f"ok      {result.name}: {_site_counts(result.account)} -> {result.output}"), err=True)
    if not quiet or failed:
        click.echo(f"wxrtool: {len(results) - len(failed)} of {len(results)} sites converted", err=True)
    if failed:
        raise SystemExit(1)


def warn_of_parts_not_given(parts: list[str], folders: dict[str, Parts] | None = None) -> None:
    """A warning (even with -q: items left out unsaid) for the parts of a split export that lie
    beside those given and were not given; converting a part on its own may be meant, so it goes on."""
    beside = parts_not_given(parts, folders)
    if beside:
        names = ", ".join(os.path.basename(p) for p in beside[:3]) + (
            f" and {len(beside) - 3} more" if len(beside) > 3 else ""
        )
        one = len(beside) == 1
        click.echo(
            printable(
                f"wxrtool: warning: {names} {'lies' if one else 'lie'} beside {parts[0]} and {'was' if one else 'were'}"
                f" not given: {'its' if one else 'their'} items are left out (give every part of a split export"
                " to read the whole site)"
            ),
            err=True,
        )


def _report_not_a_site(report: str, outputs: list[str]) -> None:
    """A usage error for a batch's report that is a site's output, or inside one (it was written over
    the site's converted blog, or failed once every site was converted)."""
    real = os.path.realpath(report)
    for output in outputs:
        if within(real, os.path.realpath(output)):
            raise click.UsageError(f"--report {report} is where a site goes ({output}): write it beside the sites")


def _site_counts(account: dict[str, Any]) -> str:
    """A site's counts in a batch's line, what it left out, repaired or kept said:
    ``4 of 13 items (9 left out), 7 of 9 comments (2 left out), 1 of 1 pings; 1 repair (unreadable-rest)``."""
    read, written, left_out = account["read"], account["written"], account["left_out"]
    parts = []
    for kind in ("items", "comments", "pings"):
        dropped = sum(left_out[kind].values())
        parts.append(f"{written[kind]} of {read[kind]} {kind}" + (f" ({dropped} left out)" if dropped else ""))
    line = ", ".join(parts)
    if account["repairs"]:
        kinds = sorted({r["kind"] for r in account["repairs"]})
        line += f"; {plural(len(account['repairs']), 'repair')} ({', '.join(kinds)})"
    update = account.get("update")
    if update is not None:
        line += f"; {len(update['changed']) + len(update['added'])} files written, {len(update['removed'])} removed"
        if update["conflicts"]:
            line += f", {plural(len(update['conflicts']), 'conflict')} kept as you left them (see --report)"
    return line


def _site_report(result: Any) -> dict[str, Any]:
    """One site of a batch's ``--report``: its files, its output, and its account or its error."""
    site = {"name": result.name, "input": result.parts, "output": result.output, "ok": result.ok}
    return {**site, **result.account} if result.ok else {**site, "error": result.error}

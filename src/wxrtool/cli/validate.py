"""``wxrtool validate``: every problem of exports, printed, as JSON, or on a page."""

from __future__ import annotations

import contextlib
import json
from typing import Any, TextIO

import click

from ..exportfiles import group_inputs
from ..output import text_output
from ..terminal import json_safe, printable
from .options import (
    EXAMPLES,
    max_item_size,
    not_over_an_input,
    plural,
)


@click.command("validate", epilog=EXAMPLES)
@click.argument("files", metavar="FILE...", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print the problems as JSON.")
@click.option(
    "--html", "html_path", default=None, metavar="REPORT.html", help="Also write a self-contained report page."
)
@click.option("--recover", is_flag=True, help="Repair what can be repaired, list the repairs, and check the rest.")
@max_item_size
def validate_command(files: tuple[str, ...], as_json: bool, html_path: str | None, recover: bool) -> None:
    """Check WordPress exports and list every problem: severity, code, where, and what to do.

    Exit status 0 when no file has an error (warnings are fine), 1 when one has.
    """
    not_over_an_input([("--html", html_path)], files)
    with contextlib.ExitStack() as stack:
        # The page's file is made first: where it cannot be, nothing is read or said.
        page = stack.enter_context(text_output(html_path)) if html_path else None
        failed = _validate_all(files, recover, as_json, page)
    if failed:
        raise SystemExit(1)


def _validate_all(files: tuple[str, ...], recover: bool, as_json: bool, page: TextIO | None) -> bool:
    """Each export checked, its problems printed (and put in ``page``); whether one has an error."""
    from ..validate import as_json as validation_json
    from ..validate import validate as validate_export

    results: dict[str, list[Any]] = {}
    for parts in group_inputs(list(files)):
        if len(parts) == 1:
            results[parts[0]] = validate_export(parts[0], recover=recover)
            continue
        # The parts of a split export checked across each other (a thumbnail in another part is
        # there), each problem listed under its part.
        problems = validate_export(parts, recover=recover)
        for part in parts:
            results[part] = [p for p in problems if p.file == part]
    if as_json:
        click.echo(json_safe(json.dumps(validation_json(results), ensure_ascii=False, indent=2)))
    else:
        for problems in results.values():
            for problem in problems:
                click.echo(printable(str(problem)))
        totals = validation_json(results)["summary"]
        counted = (plural(len(results), "file"), plural(totals["error"], "error"), plural(totals["warning"], "warning"))
        click.echo(f"{counted[0]}: {counted[1]}, {counted[2]}, {plural(totals['info'], 'note')}", err=True)
    if page is not None:
        from .. import stats
        from ..report import render_all

        sections = []
        for name, problems in results.items():
            fatal = any(p.severity == "error" and p.post_id is None for p in problems)
            sections.append((name, problems, None if fatal else stats.collect(name, recover=recover)))
        page.write(render_all(sections))  # (one page, a section per export)
    return any(p.severity == "error" for problems in results.values() for p in problems)

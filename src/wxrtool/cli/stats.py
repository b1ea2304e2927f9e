"""``wxrtool stats``: what an export holds, counted."""

from __future__ import annotations

import json

import click

from ..terminal import json_safe
from .options import (
    EXAMPLES,
    max_item_size,
)


@click.command("stats", epilog=EXAMPLES)
@click.argument("file", metavar="FILE")
@click.option("--json", "as_json", is_flag=True, help="Print the numbers as JSON.")
@click.option("--recover", is_flag=True, help="Repair a damaged export as it is read.")
@max_item_size
def stats_command(file: str, as_json: bool, recover: bool) -> None:
    """Count what the export FILE holds: items, comments, pings, threads, dates, authors.

    Everything is counted, whatever its status.
    """
    from .. import stats

    numbers = stats.collect(file, recover=recover)
    if as_json:
        click.echo(json_safe(json.dumps(numbers, ensure_ascii=False, indent=2)))
    else:
        click.echo(stats.render(numbers))

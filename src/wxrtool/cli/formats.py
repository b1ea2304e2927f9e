"""``wxrtool formats``: the formats ``convert --to`` takes, plug-ins' too."""

from __future__ import annotations

import json

import click

from .. import writers
from ..terminal import json_safe, printable


@click.command("formats")
@click.option("--json", "as_json", is_flag=True, help="Print each format's declaration as JSON.")
def formats_command(as_json: bool) -> None:
    """List the output formats that `convert --to` accepts, and where each came from.

    Built-in formats come from wxrtool; an installed package can add one through the
    `wxrtool.formats` entry point group (see the README's "Writing a format").
    """
    ignored: list[str] = []
    formats = {**writers.FORMATS, **writers.plugins(ignored)}
    for note in ignored:
        click.echo(printable(f"wxrtool: a plug-in was left out: {note}"), err=True)
    if as_json:
        rows = [
            {
                "name": f.name,
                "summary": f.summary,
                "target": f.target,
                "extension": f.extension,
                "gives_addresses": f.gives_addresses,
                "keeps": sorted(f.keeps),
                "origin": f.origin,
                "module": f.module,
            }
            for f in formats.values()
        ]
        click.echo(json_safe(json.dumps(rows, indent=2)))
        return
    width = max(len(name) for name in formats)
    for fmt in formats.values():
        origin = "" if fmt.origin == "wxrtool" else f"  (from {fmt.origin})"
        click.echo(printable(f"{fmt.name:<{width}}  {fmt.summary}{origin}"))

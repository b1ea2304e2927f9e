"""``wxrtool split``: an export cut into parts that each import on their own."""

from __future__ import annotations

import click

from .options import (
    EXAMPLES,
    max_item_size,
    plural,
)


@click.command("split", epilog=EXAMPLES)
@click.argument("file", metavar="FILE")
@click.option("--max-size", required=True, metavar="SIZE", help="Largest part, e.g. 10MB (1000s) or 8MiB (1024s).")
@click.option("-o", "--output", required=True, metavar="DIR", help="Folder for the parts.")
@click.option("--force", is_flag=True, help="Replace an output folder that is not empty.")
@click.option("--recover", is_flag=True, help="Repair a damaged export as it is read.")
@max_item_size
def split_command(file: str, max_size: str, output: str, force: bool, recover: bool) -> None:
    """Cut the export FILE into WXR parts that each import on their own.

    Each part repeats the header, authors and terms; an item keeps its comments
    and stays with its family (attachments, child pages). Nothing is filtered.
    """
    from ..split import parse_size
    from ..split import split as split_export

    if output == "-":
        raise click.UsageError("split writes a folder of parts; give -o a folder, not standard output")
    report = split_export(file, parse_size(max_size), output, force=force, recover=recover)
    for part, count in zip(report.parts, report.items, strict=True):
        click.echo(f"{part}\t{plural(count, 'item')}")
    for part in report.oversized:
        click.echo(f"wxrtool: {part} is over {max_size}: one family of items does not fit in less", err=True)

"""``wxrtool media``: the media an export refers to, listed or downloaded."""

from __future__ import annotations

import json
import sys
from collections import Counter
from typing import TYPE_CHECKING

import click

from ..terminal import json_safe, printable
from .options import (
    EXAMPLES,
    make_folder,
    max_item_size,
)

if TYPE_CHECKING:
    from ..fetch import Outcome


@click.command("media", epilog=EXAMPLES)
@click.argument("file", metavar="FILE")
@click.option("--json", "as_json", is_flag=True, help="Print the inventory as JSON.")
@click.option("--csv", "as_csv", is_flag=True, help="Print the inventory as CSV.")
@click.option("--download", "folder", default=None, metavar="DIR", help="Download the files into DIR/<host>/<path>.")
@click.option("--host", "hosts", multiple=True, metavar="HOST", help="Also download from this host. Repeatable.")
@click.option("--allow-private", is_flag=True, help="Allow private and loopback addresses (refused by default).")
@click.option("--max-size", default="100MB", show_default=True, metavar="SIZE", help="Largest file to download.")
@click.option("--workers", type=click.IntRange(min=1), default=4, show_default=True, help="Downloads at once.")
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=20.0,
    show_default=True,
    help="Seconds before a connection or read gives up.",
)
@click.option(
    "--deadline",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    metavar="SECONDS",
    help="Seconds one download may take in all, retries included.  [default: 10 x --timeout]",
)
@click.option("--recover", is_flag=True, help="Repair a damaged export as it is read.")
@max_item_size
@click.option("-q", "--quiet", is_flag=True, help="No progress or account on stderr.")
def media_command(
    file: str,
    as_json: bool,
    as_csv: bool,
    folder: str | None,
    hosts: tuple[str, ...],
    allow_private: bool,
    max_size: str,
    workers: int,
    timeout: float,
    deadline: float | None,
    recover: bool,
    quiet: bool,
) -> None:
    """List every media file the export FILE refers to; with --download, fetch them.

    Only the site's own hosts are fetched unless --host adds others; private and
    loopback addresses are refused (redirects included) unless --allow-private.
    Exit status 1 when a download failed or was refused (a host that does not
    resolve, a private address, a file on another host: --host HOST allows it).
    """
    from ..fetch import FetchPolicy, download_all
    from ..media import inventory as media_inventory
    from ..media import to_csv as media_csv
    from ..media import to_json as media_json
    from ..split import parse_size

    if as_json and as_csv:
        raise click.UsageError("--json and --csv: choose one")
    max_bytes = parse_size(max_size)
    found = media_inventory(file, recover=recover)
    if folder:  # (made once the export is read, before any fetch)
        make_folder(folder, "--download")
    # Titles and URLs are the export author's: their control characters are
    # shown, never sent to the terminal as they are. JSON keeps the same data
    # (escapes); CSV is written as it is unless it goes to a terminal.
    if as_json:
        click.echo(json_safe(json.dumps(media_json(found), ensure_ascii=False, indent=2)))
    elif as_csv:
        text = media_csv(found)
        if sys.stdout.isatty():
            text = "\n".join(printable(line) for line in text.split("\n"))
        click.echo(text, nl=False)
    elif not folder:
        for host, count in found.by_host().items():
            click.echo(f"{printable(host) or '(no host)'}\t{count} files")
        for item in found.items.values():
            click.echo(f"{printable(item.url)}\t{','.join(item.roles)}\t{','.join(map(str, item.used_by))}")
    if not folder:
        return
    policy = FetchPolicy(
        hosts=found.site_hosts | {h.lower() for h in hosts},
        allow_private=allow_private,
        max_bytes=max_bytes,
        workers=workers,
        timeout=timeout,
        deadline=deadline,
    )
    total = len(found.items)
    done = 0
    show = not quiet and sys.stderr.isatty()

    def progress(outcome: Outcome) -> None:
        nonlocal done
        done += 1
        if show:
            click.echo(f"\rdownloading {done}/{total}", err=True, nl=False)

    outcomes = download_all(found.items, folder, policy, progress)
    if show:
        click.echo("", err=True)
    counts = Counter(o.status for o in outcomes)
    if not quiet:
        click.echo(
            f"wxrtool: {counts['fetched']} fetched, {counts['skipped']} skipped, {counts['failed']} failed", err=True
        )
        for outcome in outcomes:
            if outcome.status != "fetched":
                click.echo(f"  {outcome.status}: {printable(outcome.url)}: {printable(outcome.reason)}", err=True)
    if counts["failed"]:
        raise SystemExit(1)

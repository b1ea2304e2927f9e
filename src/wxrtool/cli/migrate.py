"""``wxrtool migrate``: a blog moved to a new engine in one step, asked for on a terminal."""

from __future__ import annotations

import dataclasses
import os
import sys

import click

from ..errors import WXRError
from ..exportfiles import check_parts, group_inputs, site_name
from ..selection import COMMENT_CHOICES, Selection
from ..terminal import printable
from .options import (
    EXAMPLES,
    cores,
    max_item_size,
    selection_from,
    warn_of_typos,
)
from .sites import warn_of_parts_not_given


@click.command("migrate", epilog=EXAMPLES)
@click.argument("files", metavar="EXPORT...", nargs=-1, required=True)
@click.option(
    "--to",
    "to",
    # (migration.TARGETS, written out: importing it at start-up would import what migrate uses)
    type=click.Choice(["hugo", "jekyll", "pelican", "astro", "eleventy", "ghost", "markdown"]),
    default=None,
    help="Where the blog goes. Without it, on a terminal, wxrtool asks.",
)
@click.option("-o", "--output", default=None, metavar="DIR", help="The folder to write: the site, the report.")
@click.option("--status", multiple=True, metavar="STATUS[,STATUS]", help="Item statuses to keep (default: publish).")
@click.option("--type", "types", multiple=True, metavar="TYPE[,TYPE]", help="Post types to keep (default: all).")
@click.option(
    "--comments",
    type=click.Choice(COMMENT_CHOICES),
    default=None,
    help="Default: approved; 'none' when they move to a comment system.",
)
@click.option(
    "--media",
    type=click.Choice(["download", "none"]),
    default="download",
    show_default=True,
    help="Download the media the posts use from the old site's hosts, or leave the links.",
)
@click.option("--media-from", default=None, metavar="DIR", help="Take media from this folder first (an uploads copy).")
@click.option("--host", "hosts", multiple=True, metavar="HOST", help="Also download media from this host.")
@click.option("--allow-private", is_flag=True, help="Allow media at private and loopback addresses.")
@click.option("--base-url", default=None, metavar="URL", help="The new site's address, where the engine needs it.")
@click.option("--keep-urls", is_flag=True, help="hugo: each page at its WordPress address, not Hugo's.")
@click.option("--no-check", is_flag=True, help="Do not build the site to check every old address.")
@click.option("--force", is_flag=True, help="Replace an earlier wxrtool output.")
@click.option("--recover", is_flag=True, help="Repair a damaged export as it is read.")
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Worker processes (default: the number of cores).",
)
@max_item_size
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
def migrate_command(
    files: tuple[str, ...],
    to: str | None,
    output: str | None,
    status: tuple[str, ...],
    types: tuple[str, ...],
    comments: str | None,
    media: str,
    media_from: str | None,
    hosts: tuple[str, ...],
    allow_private: bool,
    base_url: str | None,
    keep_urls: bool,
    no_check: bool,
    force: bool,
    recover: bool,
    jobs: int | None,
    quiet: bool,
) -> None:
    """Move the blog in EXPORT to a new engine in one step: validate, media, convert with a
    scaffold, redirects, a check of every old address, and a report (HTML). A split export's
    parts (site.001.xml site.002.xml ...) are one EXPORT.

    On a terminal without --to, wxrtool asks what to do, then prints the command that does
    the same without asking. Exit status 1 when the engine does not build the site, or an
    old address does not answer.
    """
    from ..migrate import MigrateOptions, MigrationStopped, migrate
    from ..wizard import ask, equivalent

    sites = group_inputs(list(files))
    if len(sites) > 1:
        raise click.UsageError(
            f"migrate moves one site, and these are {len(sites)}: give one export (or the parts of one), or"
            " convert several with `wxrtool convert FILE... --to FORMAT -o FOLDER`"
        )
    parts = sites[0]
    check_parts(parts)
    warn_of_parts_not_given(parts)
    file = parts[0]

    asked = to is None
    if asked:
        if not sys.stdin.isatty():
            raise click.UsageError("--to is required (run it on a terminal without --to to be asked)")
        options = ask(file)
    else:
        assert to is not None
        selection = selection_from(Selection(), status, types, comments)
        warn_of_typos(selection, quiet)
        options = MigrateOptions(
            to=to,
            output=output or f"{site_name(parts)}-{to}",  # (a split export's, or a compressed one's: its name)
            selection=selection,
            media=media,
            media_from=media_from,
            media_hosts=hosts,
            allow_private=allow_private,
            base_url=base_url,
            keep_urls=keep_urls,
            check=not no_check,
            force=force,
        )
    options = dataclasses.replace(options, recover=recover, jobs=jobs or cores())

    def say(line: str) -> None:
        if not quiet:
            click.echo(f"wxrtool: {line}", err=True)

    try:
        done = migrate(parts, options, say)
    except MigrationStopped as stopped:
        for problem in stopped.migration.errors[:20]:
            click.echo(f"  {printable(str(problem))}", err=True)
        raise WXRError(
            f"{file}: {stopped}; nothing was written",
            hint="`wxrtool validate` lists them; --recover repairs what it can",
        ) from None
    if not quiet:
        account = done.account
        assert account is not None
        click.echo(account.summary(), err=True)
        bad = [c for c in done.checks if not c.ok]
        if done.checks:
            click.echo(f"old addresses: {len(done.checks) - len(bad)} of {len(done.checks)} answer", err=True)
        else:
            click.echo(f"old addresses: not checked ({done.check_note})", err=True)
        from ..migrate import EXTRAS

        click.echo(f"wxrtool: done; the report is {os.path.join(options.output, EXTRAS, 'report.html')}", err=True)
    if asked:
        click.echo(f"To do the same again: {equivalent(parts, options)}", err=True)
    if done.build_failed:  # (said even with -q: the site written does not build)
        click.echo(printable(f"wxrtool: the site does not build: {done.check_note}"), err=True)
    if done.build_failed or any(not c.ok for c in done.checks):
        raise SystemExit(1)

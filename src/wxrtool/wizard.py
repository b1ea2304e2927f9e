"""``wxrtool migrate EXPORT`` on a terminal without ``--to``: a few questions, each with its
default shown, which become the options of a non-interactive command (printed at the end, so
the move can be run again exactly). Only ever asked on a terminal.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Sequence

import click

from .migration import TARGETS, MigrateOptions, command_line
from .selection import COMMENT_CHOICES, Selection

_WHY = {
    "hugo": "a Hugo site (the scaffold builds as it is)",
    "jekyll": "a Jekyll site (GitHub Pages)",
    "pelican": "a Pelican site",
    "astro": "an Astro site (npm)",
    "eleventy": "an Eleventy site (npm)",
    "ghost": "a file to import into Ghost",
    "markdown": "Markdown files with front matter, for any other generator",
}


def ask(export: str) -> MigrateOptions:
    """The options the user chooses for moving ``export``, asked one by one."""
    click.echo(f"Moving {os.path.basename(export)}. Press Enter to take the default shown in [brackets].", err=True)
    for name in TARGETS:
        click.echo(f"  {name:9} {_WHY[name]}", err=True)
    to = click.prompt("Move the blog to", type=click.Choice(TARGETS), default="hugo", err=True)
    stem = os.path.splitext(os.path.basename(export))[0] or "site"
    output = click.prompt("Folder to write", default=f"{stem}-{to}", err=True)
    drafts = click.confirm("Drafts, private and scheduled posts too?", default=False, err=True)
    pages = click.confirm("Pages too (About, Contact...)?", default=True, err=True)
    comments = click.prompt(
        "Comments: approved ones, all (pending and spam too), or none (they move to a comment system)?",
        type=click.Choice(COMMENT_CHOICES),
        default="approved",
        err=True,
    )
    media = click.prompt(
        "Media: download them from the old site, take them from a folder you have, or leave the links?",
        type=click.Choice(["download", "folder", "none"]),
        default="download",
        err=True,
    )
    media_from = None
    if media == "folder":
        media_from = click.prompt(
            "The folder (a copy of wp-content/uploads, say)", type=click.Path(exists=True), err=True
        )
    keep_urls = False
    if to == "hugo":
        keep_urls = (
            click.prompt(
                "Pages at their old WordPress addresses, or at Hugo's with redirects from the old ones?",
                type=click.Choice(["old", "new"]),
                default="new",
                err=True,
            )
            == "old"
        )
    base_url = click.prompt("The new site's address, if you know it (blank: not yet)", default="", err=True)
    selection = Selection(
        statuses=None if drafts else Selection().statuses,
        types=None if pages else frozenset({"post"}),
        comments=comments,
    )
    return MigrateOptions(
        to=to,
        output=output,
        selection=selection,
        media="none" if media == "none" else "download",
        media_from=media_from,
        keep_urls=keep_urls,
        base_url=base_url.strip() or None,
        force=os.path.isdir(output) and bool(os.listdir(output)) and _replace(output),
    )


def _replace(output: str) -> bool:
    if click.confirm(f"{output} is not empty. Replace it (only an earlier wxrtool output is replaced)?", err=True):
        return True
    raise click.Abort()


def equivalent(parts: Sequence[str], options: MigrateOptions) -> str:
    """The command that does what the answers asked, quoted for a shell."""
    return shlex.join(command_line(parts, options))

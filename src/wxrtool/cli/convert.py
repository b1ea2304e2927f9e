"""``wxrtool convert``: one export, or several sites at once (:mod:`.sites`), to a format."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import sys
import time
from collections import Counter
from datetime import datetime
from typing import TYPE_CHECKING, Any

import click

from .. import writers
from ..conversion import ConvertOptions
from ..convert import run as run_conversion
from ..errors import OptionsError, OutputError
from ..exportfiles import check_parts, group_inputs
from ..output import text_output
from ..selection import COMMENT_CHOICES, Selection
from ..terminal import printable
from ..writers.paths import DEFAULT_TEMPLATE
from .options import (
    EXAMPLES,
    FormatName,
    bar,
    check_options,
    cores,
    max_item_size,
    not_over_an_input,
    selection_from,
    warn_of_typos,
)
from .sites import convert_batch, warn_of_parts_not_given

if TYPE_CHECKING:
    from ..mediafolder import MediaSources


@click.command("convert", epilog=EXAMPLES)
@click.argument("files", metavar="FILE...", nargs=-1, required=True)
@click.option("--to", "to", required=True, type=FormatName(), help="Output format (see `wxrtool formats`).")
@click.option("-o", "--output", default="-", show_default=True, help="Output file ('-': standard output).")
@click.option(
    "--status",
    multiple=True,
    metavar="STATUS[,STATUS]",
    help="Item statuses to write (default: publish); 'all' for every status. Repeatable.",
)
@click.option("--type", "types", multiple=True, metavar="TYPE[,TYPE]", help="Only these post types. Repeatable.")
@click.option(
    "--comments",
    type=click.Choice(COMMENT_CHOICES),
    default=None,
    help="Which comments and pings to write (default: approved); 'none' for posts without them.",
)
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Only items dated on or after this day.")
@click.option(
    "--until", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Only items dated on or before this day."
)
@click.option("--personal-data", is_flag=True, help="Keep e-mail and IP addresses and comment meta.")
@click.option("--all", "everything", is_flag=True, help="Write everything: every status, comment and field.")
@click.option(
    "--path-template",
    default=None,
    metavar="TEMPLATE",
    help="Folder formats: where each item goes, from {type} {slug} {id} {yyyy} {mm} {dd}. Default: {type}s/{slug}.md",
)
@click.option(
    "--comments-file",
    type=click.Choice(["json", "yaml"]),
    default=None,
    help="Folder formats: write comments beside each post in this format instead of in it.",
)
@click.option(
    "--meta",
    "meta_keys",
    multiple=True,
    metavar="KEY",
    help="Folder formats: copy this custom field into front matter, typed ('*': every one not starting with _). "
    "Repeatable.",
)
@click.option(
    "--front-matter",
    "front_matter_fields",
    default=None,
    metavar="FIELD[:NAME],...",
    help="markdown, hugo, jekyll: only these front matter fields, each renamed if NAME follows "
    "(title,date:created,tags:keywords); what the engine needs to place a page is kept.",
)
@click.option(
    "--date-format", default=None, metavar="FORMAT", help="Front matter dates in this strftime format, or 'date'."
)
@click.option("--timezone", default=None, metavar="ZONE", help="Front matter dates in this time zone (Europe/Paris).")
@click.option("--seo", is_flag=True, help="Yoast, Rank Math and All in One SEO fields as description and seo.")
@click.option(
    "--ghost-types",
    type=click.Choice(["post", "tag", "page", "skip"]),
    default="post",
    show_default=True,
    help="ghost: a custom post type's items as posts, posts with an internal tag #<type>, pages, or left out.",
)
@click.option("--force", is_flag=True, help="Replace an output folder that is not empty.")
@click.option(
    "--update",
    is_flag=True,
    help="Bring an earlier output folder up to date: write only what changed, keep every file you edited.",
)
@click.option("--keep-removed", is_flag=True, help="With --update: keep the files of items gone from the export.")
@click.option("--scaffold", is_flag=True, help="Engine formats (hugo...): also write a minimal site that builds.")
@click.option(
    "--redirects",
    nargs=2,
    type=(click.Choice(["nginx", "apache", "netlify", "csv", "disqus"]), str),
    default=None,
    metavar="STYLE FILE",
    help="Also write redirects from every old permalink (and /?p=ID) to the new address "
    "(disqus: the CSV of Disqus's URL mapper, with --base-url).",
)
@click.option(
    "--base-url",
    default=None,
    metavar="URL",
    help="The new site's address (https://example.org[/path]), where a format needs absolute addresses: "
    "scaffold configuration, comment threads, --redirects disqus.",
)
@click.option(
    "--url-map",
    default=None,
    metavar="FILE",
    help="disqus, remark42: key each thread by its post's new address, from this CSV "
    "(as --redirects csv writes it), under --base-url.",
)
@click.option(
    "--keep-urls",
    is_flag=True,
    help="hugo: each published page at its WordPress address (url:), not Hugo's with an alias.",
)
@click.option(
    "--remark42-site",
    default=None,
    metavar="NAME",
    help="remark42: the site id (its SITE) the comments belong to. Default: remark.",
)
@click.option(
    "--media",
    "media_dir",
    default=None,
    metavar="DIR|download",
    help="Folder formats: place media downloaded by `wxrtool media --download DIR` with their posts; "
    "`download`: fetch what the posts use now, by media --download's rules.",
)
@click.option(
    "--media-from",
    default=None,
    metavar="DIR",
    help="Folder formats: take media from this folder first (a copy of wp-content/uploads, a media archive).",
)
@click.option(
    "--host", "media_hosts", multiple=True, metavar="HOST", help="With --media download: also from this host."
)
@click.option("--allow-private", is_flag=True, help="With --media download: allow private and loopback addresses.")
@click.option("--recover", is_flag=True, help="Repair a damaged export as it is read, listing every repair.")
@max_item_size
@click.option("--report", "report_path", default=None, metavar="FILE.json", help="Also write the account as JSON.")
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Worker processes: for one site, posts rendered at once (jsonl: parts of the file read at once); "
    "for several, sites converted at once (default: the number of cores). The output does not depend on it.",
)
@click.option(
    "--scheduler",
    default=None,
    metavar="ADDRESS",
    help="Convert the sites on a Dask cluster (pip install 'wxrtool[dask]').",
)
@click.option("-q", "--quiet", is_flag=True, help="Do not print the account of records on stderr.")
def convert(
    files: tuple[str, ...],
    to: str,
    output: str,
    status: tuple[str, ...],
    types: tuple[str, ...],
    comments: str | None,
    since: datetime | None,
    until: datetime | None,
    personal_data: bool,
    everything: bool,
    path_template: str | None,
    comments_file: str | None,
    meta_keys: tuple[str, ...],
    front_matter_fields: str | None,
    date_format: str | None,
    timezone: str | None,
    seo: bool,
    ghost_types: str,
    force: bool,
    update: bool,
    keep_removed: bool,
    scaffold: bool,
    redirects: tuple[str, str] | None,
    base_url: str | None,
    url_map: str | None,
    remark42_site: str | None,
    keep_urls: bool,
    media_dir: str | None,
    media_from: str | None,
    media_hosts: tuple[str, ...],
    allow_private: bool,
    recover: bool,
    report_path: str | None,
    jobs: int | None,
    scheduler: str | None,
    quiet: bool,
) -> None:
    """Convert the WordPress export FILE ('-' for stdin) to another format.

    By default only what a visitor of the blog could see is written: published
    items, approved comments and pings, no e-mail or IP addresses and never a
    post password. The options widen that; the account printed at the end says
    what was read, written and left out, and why.
    """
    selection = selection_from(
        Selection.everything() if everything else Selection(), status, types, comments, personal_data, since, until
    )
    options = ConvertOptions(
        to=to,
        output=output,
        selection=selection,
        path_template=path_template or DEFAULT_TEMPLATE,
        comments_file=comments_file,
        meta_keys=meta_keys,
        scaffold=scaffold,
        media=media_dir,
        force=force,
        redirects=redirects,
        recover=recover,
        jobs=jobs or cores(),
        base_url=base_url,
        url_map=url_map,
        remark42_site=remark42_site,
        keep_urls=keep_urls,
        front_matter=_front_matter(front_matter_fields, date_format, timezone, seo),
        ghost_types=ghost_types,
        update=update,
        keep_removed=keep_removed,
    )
    warn_of_typos(selection, quiet, options.front_matter)
    if writers.get(to).target != "directory":
        # The flags as given: a folder option is refused even when it repeats the default.
        for flag, value in (
            ("--path-template", path_template),
            ("--comments-file", comments_file),
            ("--meta", meta_keys),
            ("--scaffold", scaffold),
            ("--media", media_dir),
            ("--media-from", media_from),
        ):
            if value:
                raise click.UsageError(f"{flag} applies to folder formats, not to --to {to}")
    if (
        redirects
        or base_url is not None
        or url_map is not None
        or remark42_site is not None
        or keep_urls
        or (options.front_matter is not None)
        or ghost_types != "post"
    ):
        # Options that do not go together are a usage error, said before a missing folder is.
        with contextlib.suppress(OutputError):
            check_options(options)
    sites = group_inputs(list(files))
    not_over_an_input(
        [("-o", output), ("--redirects", redirects[1] if redirects else None), ("--report", report_path)],
        [part for parts in sites for part in parts],
        folder="-o" if writers.get(to).target == "directory" and len(sites) == 1 else "",  # (a batch's is not replaced)
    )
    _check_media(media_dir, media_from)
    if (media_hosts or allow_private) and media_dir != "download":
        raise click.UsageError(f"{'--host' if media_hosts else '--allow-private'} goes with --media download")
    fetching = media_dir == "download" or media_from is not None
    if len(sites) > 1:
        if fetching:
            raise click.UsageError("--media download and --media-from take one export at a time")
        convert_batch(sites, options, jobs, scheduler, quiet, report_path)
        return
    check_options(options)
    parts = sites[0]
    check_parts(parts)
    warn_of_parts_not_given(parts)
    file = parts[0]
    with contextlib.ExitStack() as stack:
        # The report's file is made first: where it cannot be, the run stops before it writes.
        report = stack.enter_context(text_output(report_path)) if report_path else None
        if fetching:
            from ..mediafolder import MediaSources

            options = dataclasses.replace(
                options,
                media=_gather_media(
                    file,
                    MediaSources(media_from, media_dir == "download", media_hosts, allow_private),
                    options,
                    quiet,
                    stack,
                ),
            )
        bar = _ProgressBar() if not quiet and sys.stderr.isatty() else None
        account = run_conversion(parts if len(parts) > 1 else file, options, progress=bar)
        if bar is not None:
            bar.done()
        if report is not None:
            json.dump({"input": file, "format": to, "output": output, **account.as_dict()}, report, indent=2)
            report.write("\n")
    nothing = account.nothing_written()
    if nothing is not None:  # (said even with -q: a run that kept nothing is rarely what was meant)
        click.echo(f"wxrtool: warning: {nothing}", err=True)
    if not quiet:
        where = "standard output" if output == "-" else output
        done = f"brought the {to} output in {where} up to date" if account.update else f"wrote {to} to {where}"
        click.echo(f"wxrtool: {done}", err=True)
        click.echo(account.summary(), err=True)


def _check_media(media: str | None, media_from: str | None) -> None:
    """A usage error for a ``--media`` that is neither ``download`` nor a folder (a misspelled
    ``downlaod`` placed nothing, exit 0), or given with ``--media-from``, which replaced it."""
    if media is not None and media != "download" and not os.path.isdir(media):
        what = "is no folder" if os.path.exists(media) else "no such folder"
        raise click.UsageError(
            f"--media {media}: {what}; give the folder `wxrtool media --download` filled, or 'download'"
        )
    if media_from is not None and not os.path.isdir(media_from):
        raise click.UsageError(f"--media-from {media_from}: no such folder")
    if media not in (None, "download") and media_from is not None:
        raise click.UsageError(
            f"--media {media} and --media-from {media_from}: give one folder (--media-from takes the media there"
            " first and downloads none: add --media download to fetch the rest)"
        )


def _gather_media(file: str, sources: MediaSources, options: ConvertOptions, quiet: bool, stack: Any) -> str:
    """A temporary media folder for ``--media download`` or ``--media-from`` (removed when
    ``stack`` closes), filled now from ``sources``; what failed is said on stderr (and listed
    in the account)."""
    import tempfile

    from ..mediafolder import fill

    folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="wxrtool-media-"))
    say = None if quiet else (lambda line: click.echo(f"wxrtool: {line}", err=True))
    outcomes = fill(file, folder, sources, recover=options.recover, say=say, selection=options.selection)
    if not quiet and outcomes:
        counts = Counter(o.status for o in outcomes)
        click.echo(
            f"media: {counts['fetched']} fetched, {counts['failed']} failed, {counts['skipped']} skipped", err=True
        )
        for outcome in outcomes:
            if outcome.status == "failed":
                click.echo(f"  failed: {printable(outcome.url)}: {printable(outcome.reason)}", err=True)
    return str(folder)


def _front_matter(fields: str | None, date_format: str | None, timezone: str | None, seo: bool) -> Any:
    """The front matter choice of the command's flags (``None``: none given); bad ones, a usage error."""
    if fields is None and date_format is None and timezone is None and not seo:
        return None
    from ..writers.fmchoice import FrontMatterChoice

    try:
        return FrontMatterChoice.parse(fields, date_format, timezone, seo)
    except OptionsError as exc:
        raise click.UsageError(exc.message) from None


class _ProgressBar:
    """One line on a terminal's stderr: share of the file read, speed, items per second, time left."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.shown = False

    def __call__(self, done: int, total: int | None, items: int) -> None:
        elapsed = max(time.monotonic() - self.started, 1e-6)
        speed = done / elapsed / 1e6
        line = f"{done / 1e6:,.1f} MB at {speed:.1f} MB/s, {items / elapsed:,.0f} items/s"
        if total:
            share = min(done / total, 1.0)
            left = (total - done) / (done / elapsed) if done else 0
            line = f"{bar(share)} {line}, {left:,.0f} s left"
        click.echo(f"\r{line}\x1b[K", err=True, nl=False)
        self.shown = True

    def done(self) -> None:
        if self.shown:
            click.echo("\r\x1b[K", err=True, nl=False)

"""The ``wxrtool`` command: parse options, make one library call, print.

Exit status: 0 done, 1 failed (one ``Error: FILE:LINE:COL: ...`` line on
stderr), 2 usage error. Data goes to stdout, messages to stderr; a traceback is
a bug and shows only with ``--traceback``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import sys
import time
from collections import Counter
from datetime import datetime
from typing import TYPE_CHECKING, Any, TextIO

import click
from click.shell_completion import CompletionItem

from . import __version__, writers
from .batch import check_parts, convert_sites, group_inputs, output_for, parts_not_given, site_name
from .conversion import ConvertOptions
from .convert import run as run_conversion
from .errors import OptionsError, OutputError, WXRError, system_error
from .output import file_in_the_way, text_output
from .processes import Stopped, exit_status, stop_on_sigterm
from .selection import Selection
from .terminal import json_safe, printable
from .writers.paths import DEFAULT_TEMPLATE

if TYPE_CHECKING:
    from .fetch import Outcome
    from .mediafolder import MediaSources
    from .writers.fmchoice import FrontMatterChoice

# The commands other than convert import what they need when they run: `convert`
# starts sooner (a tenth of the time of a 10 MB export is starting up).

EXAMPLES = """
\b
Examples:
  wxrtool convert export.xml --to json -o blog.json
  wxrtool convert export.xml.gz --to jsonl --comments all > blog.jsonl
  wxrtool convert 'exports/*.xml' --to hugo -o sites/ --jobs 4
  wxrtool convert export.xml --to markdown -o site/ --path-template '{yyyy}/{slug}.md'
  wxrtool stats export.xml
  wxrtool validate export.xml --html report.html
  wxrtool split export.xml --max-size 10MB -o parts/
  wxrtool media export.xml --download media/
  wxrtool formats
"""


class _Group(click.Group):
    """Turns wxrtool's errors into one ``Error:`` line and exit status 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except WXRError as exc:
            raise click.ClickException(str(exc)) from None
        except (click.ClickException, click.exceptions.Exit, click.Abort, SystemExit):
            raise
        except KeyboardInterrupt as exc:
            click.echo("Stopped." if isinstance(exc, Stopped) else "Interrupted.", err=True)
            sys.exit(exit_status(exc))
        except OSError as exc:
            if ctx.params.get("traceback"):
                raise
            raise click.ClickException(str(system_error(exc))) from None
        except MemoryError:
            raise click.ClickException(
                "out of memory (give wxrtool more memory, use fewer --jobs, or a smaller --max-item-size)"
            ) from None
        except Exception as exc:
            if ctx.params.get("traceback"):
                raise
            raise click.ClickException(
                f"internal error: {type(exc).__name__}: {exc} (a bug in wxrtool; run again with"
                " --traceback and report what it prints)"
            ) from None


@click.group(cls=_Group, epilog=EXAMPLES)
@click.version_option(__version__, prog_name="wxrtool")
@click.option("--traceback", is_flag=True, help="Show a Python traceback on internal errors.")
def main(traceback: bool) -> None:
    """Get a blog out of WordPress without losing anything on the way.

    Reads WordPress exports (WXR 1.0-1.2, WordPress.com, WP-CLI; gzip, bzip2
    and xz) in constant memory and writes them in other formats.
    """
    stop_on_sigterm()
    if not traceback:
        sys.unraisablehook = _unraisable


def _unraisable(info: Any) -> None:
    """Errors Python cannot raise (lxml's error callback out of memory inside libxml2): the
    read ends with its own one-line error; a traceback for each would flood the terminal."""
    if not isinstance(info.exc_value, MemoryError):
        sys.__unraisablehook__(info)


def _set_max_item_size(ctx: click.Context, param: click.Parameter, value: str) -> None:
    from .read import set_max_item_size
    from .source import DEFAULT_MAX_ITEM_SIZE

    if value == param.default:  # "64MB", without importing split to parse it
        set_max_item_size(DEFAULT_MAX_ITEM_SIZE)
        return
    from .split import parse_size

    try:
        size = parse_size(value)
    except WXRError as exc:
        raise click.BadParameter(exc.message) from None
    if size < 1:
        raise click.BadParameter("must be more than 0 bytes")
    set_max_item_size(size)


# Every command that reads an export takes it; the readers it makes (and the worker
# processes it forks) get it as their default.
_max_item_size = click.option(
    "--max-item-size",
    default="64MB",
    show_default=True,
    metavar="SIZE",
    expose_value=False,
    callback=_set_max_item_size,
    help="Largest item (a post with its comments) read into memory; a larger one stops the read.",
)


class _FormatName(click.ParamType[str]):
    """A format's name: a built-in one, or one a plug-in adds (looked up only then)."""

    name = "format"

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return "[" + "|".join(writers.FORMATS) + "|...]"

    def shell_complete(self, ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
        try:
            names = list(writers.available())
        except WXRError:
            names = list(writers.FORMATS)  # a broken plug-in must not break completion
        return [CompletionItem(n) for n in names if n.startswith(incomplete)]

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        # A built-in name never looks at the plug-ins; otherwise one that does not load
        # raises here, an error (exit 1) rather than a usage error.
        if value not in writers.FORMATS and value not in writers.available():
            choices = ", ".join(writers.available())
            self.fail(f"unknown format {value!r}; choose one of: {choices}", param, ctx)
        return str(value)


def _selection(
    base: Selection,
    status: tuple[str, ...],
    types: tuple[str, ...],
    comments: str | None,
    personal_data: bool = False,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Selection:
    """``base`` with what the selection flags given change (``convert``'s and ``migrate``'s)."""
    changes: dict[str, Any] = {}
    if status:
        changes["statuses"] = _statuses(status)
    if types:
        changes["types"] = _statuses(types)
    if comments:
        changes["comments"] = comments
    if personal_data:
        changes["personal_data"] = True
    if since:
        changes["since"] = since.date()
    if until:
        changes["until"] = until.date()
    return dataclasses.replace(base, **changes) if changes else base


def _not_over_an_input(outputs: list[tuple[str, str | None]], inputs: Any, folder: str = "") -> None:
    """A usage error if an output is a file being read (writing it would replace the export),
    or if two outputs clash (one file, or one inside the output folder named by option ``folder``)."""
    from .output import clashing_outputs, overwritten_input

    found = overwritten_input(outputs, inputs)
    if found is not None:
        flag, path, name = found
        what = f"the export {name}" if name == path else f"the export {name} (as {path})"
        raise click.UsageError(f"{flag} would write over {what}; give the output another name")
    clash = clashing_outputs(outputs, folder)
    if clash is not None:
        raise click.UsageError(clash)


def _warn_of_typos(selection: Selection, quiet: bool, front_matter: FrontMatterChoice | None = None) -> None:
    """Say which ``--status`` and ``--type`` values look like WordPress's own misspelled, and which
    ``--front-matter`` fields a usual one (they are kept: a plugin's value or a custom field may be
    anything); a misspelled one kept nothing, or left the field out of every page, and said nothing."""
    from .selection import WORDPRESS_STATUSES, WORDPRESS_TYPES, likely_typos

    if quiet:
        return
    checked = [
        ("--status", selection.statuses, WORDPRESS_STATUSES, "is none of WordPress's"),
        ("--type", selection.types, WORDPRESS_TYPES, "is none of WordPress's"),
    ]
    if front_matter is not None:
        from .writers.fmchoice import USUAL_FIELDS

        fields = frozenset(name for name, _ in front_matter.fields or ())
        checked.append(("--front-matter", fields, USUAL_FIELDS, "is no usual field"))
    for flag, given, known, what in checked:
        for value, close in likely_typos(given, known):
            click.echo(f"wxrtool: {flag} {printable(value)!r} {what}; did you mean {close!r}?", err=True)


def _count(n: int, word: str) -> str:
    """``1 error``, ``2 errors``."""
    return f"{n} {word}{'' if n == 1 else 's'}"


def _statuses(values: tuple[str, ...]) -> frozenset[str] | None:
    names = {v.strip() for value in values for v in value.split(",") if v.strip()}
    return None if "all" in names else frozenset(names)


@main.command(epilog=EXAMPLES)
@click.argument("files", metavar="FILE...", nargs=-1, required=True)
@click.option("--to", "to", required=True, type=_FormatName(), help="Output format (see `wxrtool formats`).")
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
    type=click.Choice(["approved", "all"]),
    default=None,
    help="Which comments and pings to write (default: approved).",
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
@_max_item_size
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
    selection = _selection(
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
        jobs=jobs or _cores(),
        base_url=base_url,
        url_map=url_map,
        remark42_site=remark42_site,
        keep_urls=keep_urls,
        front_matter=_front_matter(front_matter_fields, date_format, timezone, seo),
        ghost_types=ghost_types,
        update=update,
        keep_removed=keep_removed,
    )
    _warn_of_typos(selection, quiet, options.front_matter)
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
            _check(options)
    sites = group_inputs(list(files))
    _not_over_an_input(
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
        _convert_batch(sites, options, jobs, scheduler, quiet, report_path)
        return
    _check(options)
    parts = sites[0]
    check_parts(parts)
    _warn_of_parts_not_given(parts)
    file = parts[0]
    with contextlib.ExitStack() as stack:
        # The report's file is made first: where it cannot be, the run stops before it writes.
        report = stack.enter_context(text_output(report_path)) if report_path else None
        if fetching:
            from .mediafolder import MediaSources

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


def _make_folder(folder: str, flag: str) -> None:
    """``folder`` made if it is not there (before any work: each file fetched into a file's
    place failed on a line of its own); a usage error where it cannot be."""
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as exc:
        blocked = file_in_the_way(folder)
        why = f"{blocked} is a file, not a folder" if blocked is not None else exc.strerror or exc
        raise click.UsageError(f"{flag} {folder}: cannot make the folder: {why}") from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise click.UsageError(f"{flag} {folder}: the folder cannot be written")


def _gather_media(file: str, sources: MediaSources, options: ConvertOptions, quiet: bool, stack: Any) -> str:
    """A temporary media folder for ``--media download`` or ``--media-from`` (removed when
    ``stack`` closes), filled now from ``sources``; what failed is said on stderr (and listed
    in the account)."""
    import tempfile

    from .mediafolder import fill

    folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="wxrtool-media-"))
    say = None if quiet else (lambda line: click.echo(f"wxrtool: {line}", err=True))
    outcomes = fill(file, folder, sources, recover=options.recover, say=say)
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
    from .writers.fmchoice import FrontMatterChoice

    try:
        return FrontMatterChoice.parse(fields, date_format, timezone, seo)
    except OptionsError as exc:
        raise click.UsageError(exc.message) from None


def _check(options: ConvertOptions) -> None:
    """The library's check of the options against the format, options that do not go together as a usage error."""
    try:
        options.format()
    except OptionsError as exc:
        raise click.UsageError(exc.message) from None


def _cores() -> int:
    """The cores this process may run on (a container's CPU set, not the machine's count)."""
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity is not None else os.cpu_count() or 1


def _bar(share: float, width: int = 24) -> str:
    """``[######      ]  50%``: a share of the work done, drawn."""
    return f"[{'#' * int(min(share, 1.0) * width):<{width}}] {min(share, 1.0):4.0%}"


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
            line = f"{_bar(share)} {line}, {left:,.0f} s left"
        click.echo(f"\r{line}\x1b[K", err=True, nl=False)
        self.shown = True

    def done(self) -> None:
        if self.shown:
            click.echo("\r\x1b[K", err=True, nl=False)


def _convert_batch(
    sites: list[list[str]],
    options: ConvertOptions,
    jobs: int | None,
    scheduler: str | None,
    quiet: bool,
    report_path: str | None,
) -> None:
    if options.output in (None, "-"):
        raise click.UsageError(f"{len(sites)} sites need an output folder: -o FOLDER")
    if options.redirects:
        raise click.UsageError("--redirects names one file: use it with one site at a time")
    if options.url_map:
        raise click.UsageError("--url-map holds one site's addresses: use it with one site at a time")
    _check(options)
    for parts in sites:
        _warn_of_parts_not_given(parts)
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
            sites, folder, dataclasses.replace(options, jobs=1), jobs=jobs or _cores(), scheduler=scheduler
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


def _warn_of_parts_not_given(parts: list[str]) -> None:
    """A warning (even with -q: items left out unsaid) for the parts of a split export that lie
    beside those given and were not given; converting a part on its own may be meant, so it goes on."""
    beside = parts_not_given(parts)
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
        site = os.path.realpath(output)
        if real == site or real.startswith(site + os.sep):
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
        line += f"; {_count(len(account['repairs']), 'repair')} ({', '.join(kinds)})"
    update = account.get("update")
    if update is not None:
        line += f"; {len(update['changed']) + len(update['added'])} files written, {len(update['removed'])} removed"
        if update["conflicts"]:
            line += f", {_count(len(update['conflicts']), 'conflict')} kept as you left them (see --report)"
    return line


def _site_report(result: Any) -> dict[str, Any]:
    """One site of a batch's ``--report``: its files, its output, and its account or its error."""
    site = {"name": result.name, "input": result.parts, "output": result.output, "ok": result.ok}
    return {**site, **result.account} if result.ok else {**site, "error": result.error}


@main.command("stats", epilog=EXAMPLES)
@click.argument("file", metavar="FILE")
@click.option("--json", "as_json", is_flag=True, help="Print the numbers as JSON.")
@click.option("--recover", is_flag=True, help="Repair a damaged export as it is read.")
@_max_item_size
def stats_command(file: str, as_json: bool, recover: bool) -> None:
    """Count what the export FILE holds: items, comments, pings, threads, dates, authors.

    Everything is counted, whatever its status.
    """
    from . import stats

    numbers = stats.collect(file, recover=recover)
    if as_json:
        click.echo(json_safe(json.dumps(numbers, ensure_ascii=False, indent=2)))
    else:
        click.echo(stats.render(numbers))


@main.command("validate", epilog=EXAMPLES)
@click.argument("files", metavar="FILE...", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print the problems as JSON.")
@click.option(
    "--html", "html_path", default=None, metavar="REPORT.html", help="Also write a self-contained report page."
)
@click.option("--recover", is_flag=True, help="Repair what can be repaired, list the repairs, and check the rest.")
@_max_item_size
def validate_command(files: tuple[str, ...], as_json: bool, html_path: str | None, recover: bool) -> None:
    """Check WordPress exports and list every problem: severity, code, where, and what to do.

    Exit status 0 when no file has an error (warnings are fine), 1 when one has.
    """
    _not_over_an_input([("--html", html_path)], files)
    with contextlib.ExitStack() as stack:
        # The page's file is made first: where it cannot be, nothing is read or said.
        page = stack.enter_context(text_output(html_path)) if html_path else None
        failed = _validate_all(files, recover, as_json, page)
    if failed:
        raise SystemExit(1)


def _validate_all(files: tuple[str, ...], recover: bool, as_json: bool, page: TextIO | None) -> bool:
    """Each export checked, its problems printed (and put in ``page``); whether one has an error."""
    from .validate import as_json as validation_json
    from .validate import validate as validate_export

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
        counted = (_count(len(files), "file"), _count(totals["error"], "error"), _count(totals["warning"], "warning"))
        click.echo(f"{counted[0]}: {counted[1]}, {counted[2]}, {_count(totals['info'], 'note')}", err=True)
    if page is not None:
        from . import stats
        from .report import render_all

        sections = []
        for name, problems in results.items():
            fatal = any(p.severity == "error" and p.post_id is None for p in problems)
            sections.append((name, problems, None if fatal else stats.collect(name, recover=recover)))
        page.write(render_all(sections))  # (one page, a section per export)
    return any(p.severity == "error" for problems in results.values() for p in problems)


@main.command("media", epilog=EXAMPLES)
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
@_max_item_size
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
    from .fetch import FetchPolicy, download_all
    from .media import inventory as media_inventory
    from .media import to_csv as media_csv
    from .media import to_json as media_json
    from .split import parse_size

    if as_json and as_csv:
        raise click.UsageError("--json and --csv: choose one")
    max_bytes = parse_size(max_size)
    found = media_inventory(file, recover=recover)
    if folder:  # (made once the export is read, before any fetch)
        _make_folder(folder, "--download")
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


@main.command("migrate", epilog=EXAMPLES)
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
@click.option("--comments", type=click.Choice(["approved", "all"]), default=None, help="Default: approved.")
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
@_max_item_size
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
    the same without asking.
    """
    from .migrate import MigrateOptions, MigrationStopped, migrate
    from .wizard import ask, equivalent

    sites = group_inputs(list(files))
    if len(sites) > 1:
        raise click.UsageError(
            f"migrate moves one site, and these are {len(sites)}: give one export (or the parts of one), or"
            " convert several with `wxrtool convert FILE... --to FORMAT -o FOLDER`"
        )
    parts = sites[0]
    check_parts(parts)
    _warn_of_parts_not_given(parts)
    file = parts[0]

    asked = to is None
    if asked:
        if not sys.stdin.isatty():
            raise click.UsageError("--to is required (run it on a terminal without --to to be asked)")
        options = ask(file)
    else:
        assert to is not None
        selection = _selection(Selection(), status, types, comments)
        _warn_of_typos(selection, quiet)
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
    options = dataclasses.replace(options, recover=recover, jobs=jobs or _cores())

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
        from .migrate import EXTRAS

        click.echo(f"wxrtool: done; the report is {os.path.join(options.output, EXTRAS, 'report.html')}", err=True)
    if asked:
        click.echo(f"To do the same again: {equivalent(parts, options)}", err=True)
    if any(not c.ok for c in done.checks):
        raise SystemExit(1)


@main.command("check-urls", epilog=EXAMPLES)
@click.argument("file", metavar="EXPORT")
@click.argument("site", metavar="SITE")
@click.option(
    "--redirects",
    "redirect_file",
    default=None,
    metavar="FILE",
    help="Apply this redirect map (wxrtool's --redirects netlify or csv) when serving a folder.",
)
@click.option(
    "--kinds",
    default="items,archives,feeds",
    show_default=True,
    metavar="KIND[,KIND]",
    help="Which old addresses to ask for: items (permalinks, ?p=ID, old slugs), archives, feeds.",
)
@click.option("--json", "as_json", is_flag=True, help="Print every address and where it landed as JSON.")
@click.option("--recover", is_flag=True, help="Repair a damaged export as it is read.")
@_max_item_size
@click.option("-q", "--quiet", is_flag=True, help="No progress or summary on stderr.")
def check_urls_command(
    file: str, site: str, redirect_file: str | None, kinds: str, as_json: bool, recover: bool, quiet: bool
) -> None:
    """Ask the new site for every old address of EXPORT and say where each lands.

    SITE is a built site's folder (Hugo's public/, Jekyll's _site/, Pelican's output/),
    served on a loopback port while the check runs, or the base URL of a running server.
    Each address is found (200), redirected (to where), or missing; an item's address
    must reach that item's page. Exit status 1 when any address is missing.
    """
    from contextlib import nullcontext

    from .oldurls import GROUPS, old_addresses
    from .read import Reader
    from .urlcheck import Check, RedirectRules, StaticSite, check_all, decoded, summary, unanswered, unbuilt

    wanted = {k.strip() for k in kinds.split(",") if k.strip()}
    unknown = wanted - set(GROUPS)
    if unknown or not wanted:
        raise click.UsageError(f"--kinds: choose from {', '.join(GROUPS)} (not {', '.join(sorted(unknown)) or 'none'})")
    chosen = {kind for group in wanted for kind in GROUPS[group]}
    is_url = site.startswith(("http://", "https://"))
    if is_url and redirect_file:
        raise click.UsageError("--redirects applies to a folder SITE; a running server applies its own")
    if not is_url and not os.path.isdir(site):
        what = "a file, not a folder" if os.path.exists(site) else "no such folder"
        raise click.UsageError(f"{site}: {what} (SITE is a built site's folder or an http(s) address)")
    if not is_url and (sources := unbuilt(site)) is not None:
        raise click.UsageError(sources)
    if is_url and (silent := unanswered(site)) is not None:
        raise WXRError(f"nothing answers at {site}: {silent}", hint="start the new site's server, or give its folder")
    rules = RedirectRules.read(redirect_file) if redirect_file else None
    addresses = [a for a in old_addresses(Reader(file, recover=recover)) if a.kind in chosen]
    show = not quiet and sys.stderr.isatty()
    done = not_ok = 0
    shown = 0.0

    def progress(result: Check) -> None:
        # A bar on a terminal, drawn at most ten times a second (and for the last address).
        nonlocal done, not_ok, shown
        done += 1
        not_ok += not result.ok
        if show and (time.monotonic() - shown >= 0.1 or done == len(addresses)):
            shown = time.monotonic()
            line = f"{_bar(done / max(len(addresses), 1))} {done}/{len(addresses)} addresses, {not_ok} not found"
            click.echo(f"\r{line}\x1b[K", err=True, nl=False)

    with nullcontext(site) if is_url else StaticSite(site, rules) as served:
        base = served if isinstance(served, str) else served.url
        results = check_all(addresses, base, progress)
    if show:
        click.echo("\r\x1b[K", err=True, nl=False)
    if as_json:
        document = {"site": site, "summary": summary(results), "addresses": [r.to_json() for r in results]}
        click.echo(json_safe(json.dumps(document, ensure_ascii=False, indent=2)))
    if not quiet:
        for result in results:
            if not result.ok:
                where = f" (at {printable(decoded(result.final))})" if result.final != result.address.url else ""
                click.echo(
                    f"  {result.outcome}: {printable(decoded(result.address.url))} [{result.address.kind}]{where}:"
                    f" {printable(result.reason)}",
                    err=True,
                )
        counts = summary(results)
        click.echo("wxrtool: " + ", ".join(f"{n} {outcome}" for outcome, n in counts.items()), err=True)
    if any(not r.ok for r in results):
        raise SystemExit(1)


@main.command("split", epilog=EXAMPLES)
@click.argument("file", metavar="FILE")
@click.option("--max-size", required=True, metavar="SIZE", help="Largest part, e.g. 10MB (1000s) or 8MiB (1024s).")
@click.option("-o", "--output", required=True, metavar="DIR", help="Folder for the parts.")
@click.option("--force", is_flag=True, help="Replace an output folder that is not empty.")
@click.option("--recover", is_flag=True, help="Repair a damaged export as it is read.")
@_max_item_size
def split_command(file: str, max_size: str, output: str, force: bool, recover: bool) -> None:
    """Cut the export FILE into WXR parts that each import on their own.

    Each part repeats the header, authors and terms; an item keeps its comments
    and stays with its family (attachments, child pages). Nothing is filtered.
    """
    from .split import parse_size
    from .split import split as split_export

    if output == "-":
        raise click.UsageError("split writes a folder of parts; give -o a folder, not standard output")
    report = split_export(file, parse_size(max_size), output, force=force, recover=recover)
    for part, count in zip(report.parts, report.items, strict=True):
        click.echo(f"{part}\t{count} items")
    for part in report.oversized:
        click.echo(f"wxrtool: {part} is over {max_size}: one family of items does not fit in less", err=True)


@main.command("formats")
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

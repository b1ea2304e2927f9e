"""What the commands share: the examples, options several take, and their checks.

Nothing here imports more than click and the package's light modules: ``wxrtool convert``
starts sooner (a tenth of the time of a 10 MB export is starting up).
"""

from __future__ import annotations

import dataclasses
import os
from datetime import datetime
from typing import TYPE_CHECKING, Any

import click
from click.shell_completion import CompletionItem

from .. import writers
from ..conversion import ConvertOptions
from ..errors import OptionsError, WXRError
from ..output import file_in_the_way
from ..selection import Selection
from ..terminal import printable

if TYPE_CHECKING:
    from ..writers.fmchoice import FrontMatterChoice


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


def _set_max_item_size(ctx: click.Context, param: click.Parameter, value: str) -> None:
    from ..read import set_max_item_size
    from ..source import DEFAULT_MAX_ITEM_SIZE

    if value == param.default:  # "64MB", without importing split to parse it
        set_max_item_size(DEFAULT_MAX_ITEM_SIZE)
        return
    from ..split import parse_size

    try:
        size = parse_size(value)
    except WXRError as exc:
        raise click.BadParameter(exc.message) from None
    if size < 1:
        raise click.BadParameter("must be more than 0 bytes")
    set_max_item_size(size)


# Every command that reads an export takes it; the readers it makes (and the worker
# processes it forks) get it as their default.
max_item_size = click.option(
    "--max-item-size",
    default="64MB",
    show_default=True,
    metavar="SIZE",
    expose_value=False,
    callback=_set_max_item_size,
    help="Largest item (a post with its comments) read into memory; a larger one stops the read.",
)


class FormatName(click.ParamType[str]):
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


def selection_from(
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


def _statuses(values: tuple[str, ...]) -> frozenset[str] | None:
    names = {v.strip() for value in values for v in value.split(",") if v.strip()}
    return None if "all" in names else frozenset(names)


def not_over_an_input(outputs: list[tuple[str, str | None]], inputs: Any, folder: str = "") -> None:
    """A usage error if an output is a file being read (writing it would replace the export),
    or if two outputs clash (one file, or one inside the output folder named by option ``folder``)."""
    from ..output import clashing_outputs, overwritten_input

    found = overwritten_input(outputs, inputs)
    if found is not None:
        flag, path, name = found
        what = f"the export {name}" if name == path else f"the export {name} (as {path})"
        raise click.UsageError(f"{flag} would write over {what}; give the output another name")
    clash = clashing_outputs(outputs, folder)
    if clash is not None:
        raise click.UsageError(clash)


def warn_of_typos(selection: Selection, quiet: bool, front_matter: FrontMatterChoice | None = None) -> None:
    """Say which ``--status`` and ``--type`` values look like WordPress's own misspelled, and which
    ``--front-matter`` fields a usual one (they are kept: a plugin's value or a custom field may be
    anything); a misspelled one kept nothing, or left the field out of every page, and said nothing."""
    from ..selection import WORDPRESS_STATUSES, WORDPRESS_TYPES, likely_typos

    if quiet:
        return
    checked = [
        ("--status", selection.statuses, WORDPRESS_STATUSES, "is none of WordPress's"),
        ("--type", selection.types, WORDPRESS_TYPES, "is none of WordPress's"),
    ]
    if front_matter is not None:
        from ..writers.fmchoice import USUAL_FIELDS

        fields = frozenset(name for name, _ in front_matter.fields or ())
        checked.append(("--front-matter", fields, USUAL_FIELDS, "is no usual field"))
    for flag, given, known, what in checked:
        for value, close in likely_typos(given, known):
            click.echo(f"wxrtool: {flag} {printable(value)!r} {what}; did you mean {close!r}?", err=True)


def plural(n: int, word: str) -> str:
    """``1 error``, ``2 errors``."""
    return f"{n} {word}{'' if n == 1 else 's'}"


def make_folder(folder: str, flag: str) -> None:
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


def check_options(options: ConvertOptions) -> None:
    """The library's check of the options against the format, options that do not go together as a usage error."""
    try:
        options.format()
    except OptionsError as exc:
        raise click.UsageError(exc.message) from None


def cores() -> int:
    """The cores this process may run on (a container's CPU set, not the machine's count)."""
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity is not None else os.cpu_count() or 1


def bar(share: float, width: int = 24) -> str:
    """``[######      ]  50%``: a share of the work done, drawn."""
    return f"[{'#' * int(min(share, 1.0) * width):<{width}}] {min(share, 1.0):4.0%}"

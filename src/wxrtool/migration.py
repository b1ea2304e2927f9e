"""What a migration is (:mod:`wxrtool.migrate` does it, :mod:`wxrtool.migrationpage` reports
it): the options it is given, what it did step by step, and where its files go."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field

from .account import Account
from .errors import OptionsError
from .fetch import Outcome
from .selection import Selection
from .urlcheck import Check
from .validate import Problem

TARGETS = ("hugo", "jekyll", "pelican", "astro", "eleventy", "ghost", "markdown")
"""What ``migrate --to`` moves a blog to."""
EXTRAS = "_wxrtool-migration"
"""The folder in the output with the report and the redirect files (engines skip ``_`` folders)."""
REDIRECT_FILES = {"netlify": "_redirects", "nginx": "redirects-nginx.conf", "apache": "redirects-apache.conf"}
IMPORT_FILE = "ghost-import.json"
MEDIA_CHOICES = ("download", "none")


@dataclass(frozen=True)
class MigrateOptions:
    """What ``wxrtool migrate`` is asked to do.

    Parameters:
        to: one of :data:`TARGETS`.
        output: the folder to write (the site itself, or Ghost's import file and the extras).
        selection: what to keep (:class:`~wxrtool.selection.Selection`; default: what a visitor saw).
        media: ``download`` (what ``media_from`` does not have, from the old site's hosts) or ``none``.
        media_from: a folder of media the user has (:mod:`wxrtool.localmedia`), used first.
        media_hosts, allow_private: as ``wxrtool media --host`` and ``--allow-private``.
        base_url: the new site's address, where the engine needs it (``--base-url``).
        keep_urls: Hugo: each page at its WordPress address (``--keep-urls``).
        check: build the site and ask for every old address, where the engine is installed.
        force: replace an earlier output (``--force``'s rules).
        recover, jobs: as for ``convert``.
    """

    to: str
    output: str
    selection: Selection = field(default_factory=Selection)
    media: str = "download"
    media_from: str | None = None
    media_hosts: tuple[str, ...] = ()
    allow_private: bool = False
    base_url: str | None = None
    keep_urls: bool = False
    check: bool = True
    force: bool = False
    recover: bool = False
    jobs: int = 1

    def checked(self) -> MigrateOptions:
        """These options, or :class:`OptionsError` for ones that do not go together."""
        if self.to not in TARGETS:
            raise OptionsError(f"migrate --to {self.to}: choose one of {', '.join(TARGETS)}")
        if self.media not in MEDIA_CHOICES:
            raise OptionsError(f"--media {self.media}: choose one of {', '.join(MEDIA_CHOICES)}")
        if self.media_from is not None and not os.path.isdir(self.media_from):
            raise OptionsError(f"--media-from {self.media_from}: no such folder")
        if self.keep_urls and self.to != "hugo":
            raise OptionsError(f"--keep-urls applies to --to hugo, not to --to {self.to}")
        return self


@dataclass
class Migration:
    """What a migration did, step by step (see the module); the report is made of it."""

    export: str
    options: MigrateOptions
    problems: list[Problem] = field(default_factory=list)
    media: list[Outcome] = field(default_factory=list)
    account: Account | None = None
    redirects: dict[str, int] = field(default_factory=dict)  # file in EXTRAS -> rules written
    # file in EXTRAS -> the redirects its server could not be given: (old, why)
    redirects_left_out: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)
    check_note: str = ""  # why the site was not checked, or how it was built
    build_failed: bool = False  # the engine refused the site (check_note says how)
    stopped: str = ""  # why the move stopped (validation errors), '' when it went through

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


class MigrationStopped(Exception):
    """The export has errors that would lose records: nothing was written."""

    def __init__(self, migration: Migration) -> None:
        super().__init__(migration.stopped)
        self.migration = migration


def command_line(parts: Sequence[str], options: MigrateOptions) -> list[str]:
    """The non-interactive command that does what ``options`` say for the export ``parts`` (one
    file, or a split export's parts), for the wizard to print."""
    words = ["wxrtool", "migrate", *parts, "--to", options.to, "-o", options.output]
    defaults = MigrateOptions(options.to, options.output)
    statuses = options.selection.statuses
    if statuses is None or statuses != defaults.selection.statuses:
        words += ["--status", "all" if statuses is None else ",".join(sorted(statuses))]
    if options.selection.types is not None:
        words += ["--type", ",".join(sorted(options.selection.types))]
    if options.selection.comments != defaults.selection.comments:
        words += ["--comments", options.selection.comments]
    if options.media != defaults.media:
        words += ["--media", options.media]
    if options.media_from:
        words += ["--media-from", options.media_from]
    if options.base_url:
        words += ["--base-url", options.base_url]
    if options.keep_urls:
        words += ["--keep-urls"]
    if not options.check:
        words += ["--no-check"]
    if options.force:
        words += ["--force"]
    return words

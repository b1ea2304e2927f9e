"""``wxrtool migrate``: the whole move in one call, each step one that also runs on its own.

1. **validate** the export (:mod:`wxrtool.validate`): errors stop the move, warnings are reported;
2. **media**: each file the export uses taken from a folder the user has (``media_from``:
   :mod:`wxrtool.localmedia`), the rest downloaded from the old site by the rules of
   ``wxrtool media --download`` (:mod:`wxrtool.fetch`), unless ``media="none"``;
3. **convert** with the engine's scaffold, the media placed with their posts, links between items
   pointed at their new addresses (:func:`wxrtool.convert.run`);
4. **redirects** from every old address, in each server's language (:mod:`wxrtool.redirects`);
5. **check** the result where the engine is installed here: the site built into a temporary
   folder, served on a loopback port with the redirects, every old address asked for
   (:mod:`wxrtool.urlcheck`);
6. **report**: what moved, what was left out and why, problems, media, redirects, the check and
   the next steps, as one self-contained HTML page (:mod:`wxrtool.migrationpage`).

Everything goes into one folder, put in place whole at the end (a failure leaves nothing
half-written): the site itself (Hugo, Jekyll, Pelican, Markdown) or the import file (Ghost:
``ghost-import.json``), and :data:`EXTRAS`, a folder every engine leaves out of the built site,
with the report and the redirect files.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from collections import Counter
from collections.abc import Callable, Sequence

from . import writers
from .conversion import ConvertOptions
from .convert import run
from .errors import OutputError, WXRError
from .mediafolder import MediaSources
from .mediafolder import fill as fill_media
from .migration import (
    EXTRAS,
    IMPORT_FILE,
    REDIRECT_FILES,
    TARGETS,
    MigrateOptions,
    Migration,
    MigrationStopped,
    command_line,
)
from .migrationpage import report_page
from .output import MANIFEST, OutputDir, dir_output
from .redirects import render_checked, site_folder
from .terminal import printable
from .validate import validate

Say = Callable[[str], None]
"""Told what each step is doing, a line at a time (the command prints it on a terminal)."""

__all__ = [
    "EXTRAS",
    "IMPORT_FILE",
    "REDIRECT_FILES",
    "TARGETS",
    "MigrateOptions",
    "Migration",
    "MigrationStopped",
    "command_line",
    "migrate",
]


# validate's codes for a file that is no export to mend: unreadable, another kind of file, a
# WXR version this reads not.
_NO_EXPORT = ("unreadable", "not-wxr", "wxr-version")


def migrate(export: str | Sequence[str], options: MigrateOptions, say: Say | None = None) -> Migration:
    """Move the blog in ``export`` (a file, or the parts of a split export in order) as ``options``
    say; what was done. Raises :class:`MigrationStopped` when validation finds errors (nothing is
    written then)."""
    options = options.checked()
    tell = say or (lambda line: None)
    parts = [export] if isinstance(export, str) else list(export)
    source: str | list[str] = parts[0] if len(parts) == 1 else parts
    done = Migration(parts[0], options)
    tell("validating the export" if len(parts) == 1 else f"validating the export's {len(parts)} parts")
    done.problems = validate(source, recover=options.recover)
    no_export = next((p for p in done.errors if p.code in _NO_EXPORT), None)
    if no_export is not None:  # (nothing --recover could mend: said as convert says it)
        raise WXRError(no_export.message, file=no_export.file, line=no_export.line, hint=no_export.hint)
    if done.errors:
        done.stopped = f"{len(done.errors)} error{'' if len(done.errors) == 1 else 's'} in the export"
        raise MigrationStopped(done)
    with (
        tempfile.TemporaryDirectory(prefix="wxrtool-migrate-") as work,
        dir_output(options.output, force=options.force, inputs=parts, kind="migrate") as folder,
    ):
        media_dir = _media(source, options, work, done, tell)
        tell(f"converting to {options.to}")
        csv_path = os.path.join(work, "redirects.csv")
        convert_options = ConvertOptions(
            to=options.to,
            output=_site_output(folder, options.to),
            selection=options.selection,
            scaffold=options.to in ("hugo", "jekyll", "pelican", "astro", "eleventy"),
            media=media_dir,
            redirects=("csv", csv_path),
            recover=options.recover,
            jobs=options.jobs,
            base_url=options.base_url,
            keep_urls=options.keep_urls,
        )
        done.account = run(source, convert_options)
        _adopt(folder, options.to)
        extras = os.path.join(folder.root, EXTRAS)
        if os.path.exists(extras):
            raise OutputError(f"the output already holds {EXTRAS}/, the report's folder", file=options.output)
        tell("writing the redirects")
        pairs = _redirect_pairs(csv_path)
        for style, name in REDIRECT_FILES.items():
            rendered = render_checked(style, {}, pairs)
            folder.write_text(f"{EXTRAS}/{name}", rendered.text)
            done.redirects[name] = len(pairs) - len(rendered.refused)
            done.redirects_left_out[name] = [(r.old, r.reason) for r in rendered.refused]
        shutil.copyfile(csv_path, os.path.join(extras, "redirects.csv"))
        folder.record(f"{EXTRAS}/redirects.csv")
        done.redirects["redirects.csv"] = len(pairs)
        done.redirects_left_out["redirects.csv"] = [(old, why) for old, _new, why in done.account.redirects_refused]
        if options.check:
            _check(source, options, folder.root, work, done, tell)
        else:
            done.check_note = "not asked for (--no-check)"
        folder.write_text(f"{EXTRAS}/report.html", report_page(done))
        folder.write_text(f"{EXTRAS}/account.json", json.dumps(done.account.as_dict(), indent=2) + "\n")
    return done


def _site_output(folder: OutputDir, to: str) -> str:
    # A folder format writes its own folder where the migration's is (put in place with it);
    # a file format writes its file into it.
    return folder.root if writers.get(to).target == "directory" else os.path.join(folder.root, IMPORT_FILE)


def _adopt(folder: OutputDir, to: str) -> None:
    """Count what the conversion wrote as the migration's own files (for the manifest)."""
    if writers.get(to).target != "directory":
        folder.record(IMPORT_FILE)
        return
    with open(os.path.join(folder.root, MANIFEST), encoding="utf-8") as f:
        for name in json.load(f)["files"]:
            folder.record(name)
    folder.copied.update(name.lower() for name in folder.written)


def _media(export: str | list[str], options: MigrateOptions, work: str, done: Migration, tell: Say) -> str | None:
    """The media folder for ``convert --media`` (``None``: links kept as they are)."""
    if options.media == "none" and options.media_from is None:
        return None
    folder = os.path.join(work, "media")
    os.makedirs(folder)
    sources = MediaSources(options.media_from, options.media == "download", options.media_hosts, options.allow_private)
    done.media = fill_media(export, folder, sources, recover=options.recover, say=tell, selection=options.selection)
    # Why files were not downloaded, said here (the account lists them; only the report said why).
    failed = Counter(o.reason for o in done.media if o.status == "failed")
    for reason, count in failed.most_common(3):
        tell(f"{count} media file{'s' if count > 1 else ''} not downloaded: {printable(reason)}")
    if len(failed) > 3:
        tell(f"{sum(failed.values()) - sum(n for _, n in failed.most_common(3))} more not downloaded (see the report)")
    return folder


def _redirect_pairs(csv_path: str) -> list[tuple[str, str]]:
    import csv

    with open(csv_path, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    return [(old, new) for old, new in rows[1:]]


# How each engine builds a site into a folder, without writing into the site's own.
_BUILDS: dict[str, Callable[[str, str], list[str]]] = {
    # (not --quiet: it hides the error a failed build gives, leaving the launcher's banner to quote)
    "hugo": lambda site, out: ["hugo", "--logLevel", "error", "--source", site, "--destination", out],
    "jekyll": lambda site, out: ["jekyll", "build", "--disable-disk-cache", "--source", site, "--destination", out],
    "pelican": lambda site, out: ["pelican", os.path.join(site, "content"), "-s", "pelicanconf.py", "-o", out],
}


# The engines a site installs from npm: the folder they build into (with the scaffold's "build" script).
_NPM_BUILDS = {"astro": "dist", "eleventy": "_site"}


def _check(export: str | list[str], options: MigrateOptions, site: str, work: str, done: Migration, tell: Say) -> None:
    """Build the site into ``work`` and ask it for every old address (:mod:`wxrtool.urlcheck`)."""
    build = _BUILDS.get(options.to)
    if options.to in _NPM_BUILDS:
        # (an npm site's engine is installed into it, from the registry: not done behind the user's back)
        into = _NPM_BUILDS[options.to]
        done.check_note = (
            f"{options.to} is built with npm: npm install && npm run build, then "
            f"wxrtool check-urls EXPORT {into}/ checks every old address"
        )
        return
    if build is None:
        done.check_note = f"{options.to} is not built here: check it once imported (wxrtool check-urls EXPORT URL)"
        return
    command = build(site, os.path.join(work, "built"))
    if shutil.which(command[0]) is None:
        done.check_note = f"{command[0]} is not installed here, so the site was not built and checked"
        return
    tell(f"building the site with {command[0]} to check every old address")
    environment = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}  # (pelicanconf.py: no __pycache__ in the site)
    before = _paths(site)
    try:
        built = subprocess.run(command, cwd=site, capture_output=True, text=True, env=environment, timeout=3600)
    finally:
        _remove_new(site, before)
    if built.returncode != 0:
        done.check_note = f"{command[0]} could not build the site: " + build_error(built.stdout + "\n" + built.stderr)
        done.build_failed = True
        return
    from .oldurls import old_addresses
    from .read import read
    from .urlcheck import RedirectRules, StaticSite, check_all

    # (The CSV: every redirect; a server that cannot tell two old addresses apart, such as
    # Netlify's, which ignores case, has one fewer, listed in the report.)
    rules = RedirectRules.read(os.path.join(site, EXTRAS, "redirects.csv"))
    # (under the folder of --base-url, where the engine built the site's links to be)
    folder = site_folder(options.base_url or "")
    with StaticSite(os.path.join(work, "built"), rules, folder) as served:
        done.checks = check_all(old_addresses(read(export, recover=options.recover)), served.url)
    done.check_note = f"built with {command[0]}, served with the redirects in {EXTRAS}/redirects.csv"


_ERROR_LINE = re.compile(r"\b(?:error|exception|errno)\b", re.I)


def build_error(output: str, most: int = 3) -> str:
    """What a failed build says of why: its last lines naming an error (an engine's banner, its
    page counts or a Ruby backtrace are no reason), or its last lines when none does.

    >>> build_error("Running Hugo 0.168.0\\nERROR error building site: open x: file name too long\\nTotal in 19 ms")
    'ERROR error building site: open x: file name too long'
    """
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    named = [line for line in lines if _ERROR_LINE.search(line)]
    return " / ".join((named or lines)[-most:])[:2000]


def _paths(site: str) -> set[str]:
    found: set[str] = set()
    for root, folders, names in os.walk(site):
        found.update(os.path.join(root, name) for name in folders + names)
    return found


def _remove_new(site: str, before: set[str]) -> None:
    """Remove what appeared in ``site`` since ``before`` (what an engine leaves: a lock file, a cache)."""
    for path in sorted(_paths(site) - before, key=len, reverse=True):  # (a folder's files before it)
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path, ignore_errors=True)
        elif os.path.lexists(path):
            os.unlink(path)

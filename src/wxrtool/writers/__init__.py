"""The output formats: one module each, declared in one table, more from plug-ins.

What a format is (its :class:`~wxrtool.writers.protocol.Format` declaration, the
``write`` and ``render`` functions of its module) is in :mod:`wxrtool.writers.protocol`.
:data:`FORMATS` holds the built-in ones; another package adds a format by declaring
a :class:`~wxrtool.writers.protocol.Format` and naming it in its ``wxrtool.formats``
entry points (``name = "package.module:FORMAT"``). :func:`get` and :func:`available`
see both; plug-ins are looked up only when asked for, so a command that names a
built-in format never scans the installed packages.
"""

from __future__ import annotations

from typing import Any

from ..errors import FormatError
from .protocol import Format

ENTRY_POINTS = "wxrtool.formats"

# Types that are site machinery, not content: left out of page-per-item formats
# unless asked for with --type (and then accounted for as "type:...").
MACHINERY_TYPES = frozenset(
    {
        "attachment",
        "nav_menu_item",
        "revision",
        "custom_css",
        "customize_changeset",
        "oembed_cache",
        "user_request",
        "wp_block",
        "wp_global_styles",
        "wp_navigation",
        "wp_template",
        "wp_template_part",
        "wp_font_family",
        "wp_font_face",
    }
)


_PAGES: dict[str, Any] = {"needs_index": True, "skip_types": MACHINERY_TYPES, "gives_addresses": True}
_FOLDER = "directory"

FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format(
            "json",
            "one JSON document: site, authors, terms, posts with threaded comments",
            f"{__name__}.json_",
            extension=".json",
        ),
        Format(
            "jsonl",
            "JSON Lines: one record per line (site, author, term, post, comment, ping)",
            f"{__name__}.jsonl",
            extension=".jsonl",
            concatenates=True,
        ),
        Format(
            "wxr",
            "WXR 1.2 that WordPress's importer accepts, after the same filters",
            f"{__name__}.wxr",
            extension=".xml",
            needs_index=True,
        ),
        Format(
            "markdown",
            "a folder of Markdown files with YAML front matter, comments threaded at the end",
            f"{__name__}.markdown",
            _FOLDER,
            **_PAGES,
        ),
        Format(
            "hugo",
            "a Hugo site: page bundles, aliases for old permalinks, comments.json beside each post",
            f"{__name__}.hugo",
            _FOLDER,
            **_PAGES,
        ),
        Format(
            "jekyll",
            "a Jekyll site: _posts, _drafts, pages with their old permalinks, Staticman comment data",
            f"{__name__}.jekyll",
            _FOLDER,
            **_PAGES,
        ),
        Format(
            "pelican",
            "Pelican content: Markdown with Pelican's metadata header, old URLs kept, comments at the end",
            f"{__name__}.pelican",
            _FOLDER,
            **_PAGES,
        ),
        Format(
            "astro",
            "an Astro 5 content collection: items at their old addresses, comments as a data collection",
            f"{__name__}.astro",
            _FOLDER,
            **_PAGES,
        ),
        Format(
            "ghost",
            "a Ghost 5 import document (posts, pages, tags, users), lengths within Ghost's limits",
            f"{__name__}.ghost",
            extension=".json",
            keeps=frozenset({"items"}),
            **_PAGES,
        ),
        Format(
            "eleventy",
            "an Eleventy site: items at their old permalinks, comments as data files, collections of the terms",
            f"{__name__}.eleventy",
            _FOLDER,
            **_PAGES,
        ),
        Format(
            "disqus",
            "Disqus import files (its WXR dialect), threads kept, each file under 50 MB",
            f"{__name__}.disqus",
            _FOLDER,
            keeps=frozenset({"comments"}),
        ),
        Format(
            "remark42",
            "a remark42 backup (JSON Lines) of the comments, threads kept",
            f"{__name__}.remark42",
            extension=".jsonl",
            keeps=frozenset({"comments"}),
        ),
    )
}


def plugins(ignored: list[str] | None = None) -> dict[str, Format]:
    """Formats added by installed packages, each with the distribution it came from as ``origin``.

    An entry point that does not load, or names no :class:`Format`, is a
    :class:`~wxrtool.errors.FormatError` naming it: a broken plug-in should be seen, not
    skipped. One that declares a built-in name is left out, and described in ``ignored``.
    """
    # (Imported here: importlib.metadata and the email package it reads metadata with are a
    # tenth of the start-up of a command that names a built-in format, which never needs them.)
    from importlib.metadata import entry_points

    found: dict[str, Format] = {}
    for point in entry_points(group=ENTRY_POINTS):
        where = f"{point.dist.name} {point.dist.version}" if point.dist is not None else point.value
        try:
            declared = point.load()
        except Exception as exc:  # a plug-in's own error, whatever it is
            raise FormatError(
                f"the format plug-in {point.name!r} ({where}) does not load: {type(exc).__name__}: {exc}",
                file=point.value,
                hint="fix or uninstall the package that declares it",
            ) from None
        if not isinstance(declared, Format):
            raise FormatError(
                f"the format plug-in {point.name!r} ({where}) names {type(declared).__name__}, not a Format",
                file=point.value,
                hint="its entry point must name a wxrtool.writers.protocol.Format",
            )
        if declared.name in FORMATS:
            # A built-in name is never replaced: the same command must mean the same output.
            if ignored is not None:
                ignored.append(f"{declared.name!r} from {where}: the name of a built-in format")
            continue
        found[declared.name] = Format(**{**declared.__dict__, "origin": where})
    return found


def available() -> dict[str, Format]:
    """Every format: the built-in ones, then those of plug-ins."""
    return {**FORMATS, **plugins()}


def get(name: str) -> Format:
    """The format called ``name``; an unknown name raises an error naming the choices."""
    if name in FORMATS:
        return FORMATS[name]
    formats = available()
    try:
        return formats[name]
    except KeyError:
        choices = ", ".join(formats)
        raise FormatError(f"unknown format {name!r}", hint=f"choose one of: {choices}") from None

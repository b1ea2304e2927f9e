"""Which of the files given are one export: a split export's parts, grouped, checked, named.

:func:`group_inputs` turns files, folders and globs into sites: the parts of a split export
(WP-CLI's and WordPress.com's ``name.000.xml``, ``name.001.xml``..., and ``wxrtool split``'s)
become one site, read in order as one stream by :func:`wxrtool.read.read_parts`.
:func:`check_parts` refuses parts that skip a number; :func:`parts_not_given` finds the parts
lying beside those given that were not given; :func:`site_name` names a site's output. Used by
every command that takes several exports (convert, migrate, validate).
"""

from __future__ import annotations

import glob
import os
import re

from .errors import PartsError, WXRError
from .source import zip_without_xml

_PART = re.compile(r"^(?P<stem>.+)\.(?P<number>\d{3})\.xml(?:\.(?:gz|bz2|xz))?$")
_EXPORT = re.compile(r"\.xml(?:\.(?:gz|bz2|xz))?$|\.zip$")


def group_inputs(arguments: list[str]) -> list[list[str]]:
    """Sites to convert, each a list of files (one, or the parts of a split export, in order).

    >>> group_inputs(["a.001.xml", "b.xml", "a.000.xml"])
    [['a.000.xml', 'a.001.xml'], ['b.xml']]
    """
    files: list[str] = []
    for argument in arguments:
        if argument != "-" and os.path.isdir(argument):
            files += _exports_in(argument)
        elif any(ch in argument for ch in "*?[") and not os.path.exists(argument):
            matches = sorted(glob.glob(argument))
            if not matches:
                raise WXRError(f"no file matches {argument!r}", hint="check the pattern, quoted so the shell leaves it")
            files += matches
        else:
            files.append(argument)
    sites: dict[tuple[str, str], list[str]] = {}
    for path in _once_each(files):
        m = _PART.match(path)
        # A part by its stem's real place (``a/x.001.xml`` and ``./a/x.002.xml`` are one site's), a
        # whole export by its path: ``x`` and ``x.001.xml`` are not one site.
        key = ("part", _real(m.group("stem"))) if m else ("file", path)
        sites.setdefault(key, []).append(path)
    return [sorted(parts, key=_part_number) for parts in sites.values()]


def _real(stem: str) -> str:
    return os.path.join(os.path.realpath(os.path.dirname(stem) or "."), os.path.basename(stem))


def _part_number(path: str) -> tuple[int, str]:
    m = _PART.match(path)
    return (int(m.group("number")) if m else -1, path)


def _once_each(files: list[str]) -> list[str]:
    """``files`` without repeats, the first name of each kept: a file given twice, under one name
    or two (``a.xml ./a.xml``), is one site (two names made two sites clash on one output)."""
    seen: set[tuple[int, int]] = set()
    kept = []
    for path in dict.fromkeys(files):
        try:
            found = os.stat(path)
        except (OSError, ValueError):
            kept.append(path)  # (not there: the reading says so, with its name)
            continue
        if (found.st_dev, found.st_ino) not in seen:
            seen.add((found.st_dev, found.st_ino))
            kept.append(path)
    return kept


def check_parts(parts: list[str]) -> None:
    """A :class:`~wxrtool.errors.PartsError` when the parts of a split export skip a number (``001 003``: the
    items of 002 were left out, and nothing said so), or start past ``001``; the site fails then,
    not the others of a batch."""
    if len(parts) < 2:
        return
    numbers = [_part_number(p)[0] for p in parts]
    for before, after, path in zip(numbers, numbers[1:], parts[1:], strict=False):
        if after == before:
            raise PartsError(
                f"part {after:03d} of a split export is given twice", file=path, hint="give each part once"
            )
        if after != before + 1:
            missing = f"{before + 1:03d}" + (f" to {after - 1:03d}" if after - before > 2 else "")
            raise PartsError(
                f"the parts of a split export skip {missing}: they would be read as one site without it",
                file=path,
                hint="give every part of the export, or convert each part on its own",
            )
    if numbers[0] > 1:
        raise PartsError(
            f"the parts of a split export start at {numbers[0]:03d}: the first is missing",
            file=parts[0],
            hint="give every part of the export, or convert each part on its own",
        )


def check_zip_parts(names: list[str]) -> None:
    """:func:`check_parts` for the XML files of a zip archive (WordPress.com's download), by their
    names in it, when they are the parts of one split export: a part missing, or one in the
    archive twice (``x.000.xml`` and ``copy/x.000.xml``: its items read twice). Files named
    otherwise, or the parts of several exports, are read as they are.

    >>> try:
    ...     check_zip_parts(["a/x.000.xml", "a/x.002.xml"])
    ... except WXRError as error:
    ...     print(error.message)
    the parts of a split export skip 001: they would be read as one site without it
    """
    found = [_PART.match(name) for name in names]
    if len(names) < 2 or any(m is None for m in found):
        return
    if len({os.path.basename(m.group("stem")) for m in found if m is not None}) > 1:
        return
    check_parts(sorted(names, key=_part_number))


def parts_not_given(parts: list[str], folders: dict[str, Parts] | None = None) -> list[str]:
    """The parts of a split export lying beside those given that were not given, in order
    (``x.003.xml`` when ``x.001.xml x.002.xml`` are): the site is read without their items, which
    :func:`check_parts` cannot see when the last parts, or all but one, are the ones left out.
    ``[]`` for a whole export. ``folders``: each folder's parts by stem, kept between calls (a batch
    of many sites in one folder read it once for each).

    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> for n in ("001", "002", "003"):
    ...     _ = (folder / f"x.{n}.xml").write_text("")
    >>> [pathlib.Path(p).name for p in parts_not_given([str(folder / "x.001.xml")])]
    ['x.002.xml', 'x.003.xml']
    """
    first = _PART.match(parts[0])
    if first is None:
        return []
    folder = os.path.dirname(parts[0])
    known = folders if folders is not None else {}
    if folder not in known:
        known[folder] = _parts_by_stem(folder)
    given = {_part_number(part)[0] for part in parts}
    stem = os.path.basename(first.group("stem"))
    return [os.path.join(folder, name) for number, name in sorted(known[folder].get(stem, [])) if number not in given]


Parts = dict[str, list[tuple[int, str]]]
"""The parts of split exports in a folder, by stem: each part's number and file name."""


def _parts_by_stem(folder: str) -> Parts:
    found: Parts = {}
    try:
        names = os.listdir(folder or ".")
    except OSError:
        return found
    for name in names:
        m = _PART.match(name)
        if m is not None:
            found.setdefault(m.group("stem"), []).append((int(m.group("number")), name))
    return found


def _exports_in(folder: str) -> list[str]:
    try:
        names = os.listdir(folder)
    except OSError as exc:
        raise WXRError(
            f"cannot read the folder: {exc.strerror or exc}", file=folder, hint="check its permissions"
        ) from None
    found = sorted(os.path.join(folder, n) for n in names if _EXPORT.search(n))
    # (A zip of photos or a theme beside the exports is not one of them.)
    found = [f for f in found if not (f.endswith(".zip") and zip_without_xml(f))]
    if not found:
        raise WXRError(
            "the folder holds no export (no *.xml, *.xml.gz, *.xml.bz2, *.xml.xz or *.zip file)",
            file=folder,
            hint="give the export file itself, or a folder of exports",
        )
    return found


def site_name(parts: list[str]) -> str:
    """A site's output name: its file name without part number and extensions (never ``.`` or ``..``).

    >>> site_name(["exports/blog.001.xml"]), site_name(["exports/..xml"])
    ('blog', 'site-.')
    """
    base = os.path.basename(parts[0])
    m = _PART.match(base)
    name = m.group("stem") if m else _EXPORT.sub("", base) or base
    # "..xml" would name the batch's folder itself, "...xml" the one above it.
    return f"site-{name}" if not name.strip(".") else name

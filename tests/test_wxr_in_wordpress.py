"""``--to wxr`` round trip through the real WordPress: importing wxrtool's WXR stores what
importing the original stores.

Each export and wxrtool's ``--to wxr --all`` of it are imported, one after the other, into a
fresh WordPress 6.1 with WordPress's own importer, and what the importer stored is read back
from the database (``WordPress.database_of`` in bench/fidelity/wordpress.py): users, terms
with their parents and meta, every post with its content, excerpt, dates, slug, parent, terms
and meta, every comment with its content, parent and meta, text byte for byte. The two must
be equal, but for the differences ``EXCEPTIONS`` names, each with its reason.

Needs Debian's ``wordpress``, ``mariadb-server``, ``php-cli``, ``php-mysql``, ``php-xml``,
``php-mbstring`` and ``php-gd`` (``.ci/run`` installs them) and ../shared/tools/wordpress-importer.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

import pytest

import wxrtool

from .conftest import FIDELITY, FIXTURE_FILES, SAMPLE_FILES, fixture_cases, readable

sys.path.insert(0, str(FIDELITY))
from wordpress import WordPress

ABSENT = object()  # a key one side does not have
UPLOADS = "http://wordpress.test/wp-content/uploads/"


@dataclass(frozen=True)
class Difference:
    """One place where the two imports differ: the keys down to it, and both values there
    (for text, the differing run of words, ``at`` its character offset in the original's)."""

    path: tuple[str, ...]
    before: Any
    after: Any
    at: int | None = None
    length: int | None = None  # of the original's whole text

    def __str__(self) -> str:
        where = " / ".join(self.path)
        if self.before is ABSENT:
            return f"{where}: only in the WXR's import"
        if self.after is ABSENT:
            return f"{where}: only in the original's import"
        at = "" if self.at is None else f" at character {self.at}"
        return f"{where}{at}: {_short(self.before)} became {_short(self.after)}"


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 160 else text[:120] + "..." + text[-30:]


# Words, runs of white space and the characters around attribute values, kept as tokens:
# a changed URL or a dropped line is one run, not scattered characters.
_TOKENS = re.compile(r"(\s+|[\"'<>=])")


def differences(before: Any, after: Any, path: tuple[str, ...] = ()) -> list[Difference]:
    """Where two dumps differ; text compared by runs of words and spaces."""
    if isinstance(before, dict) and isinstance(after, dict):
        found = []
        for key in [*before, *(k for k in after if k not in before)]:
            found += differences(before.get(key, ABSENT), after.get(key, ABSENT), (*path, str(key)))
        return found
    if before == after:
        return []
    if not (isinstance(before, str) and isinstance(after, str)):
        return [Difference(path, before, after)]
    a, b = _TOKENS.split(before), _TOKENS.split(after)
    offsets = [0]
    for token in a:
        offsets.append(offsets[-1] + len(token))
    return [
        Difference(path, "".join(a[i1:i2]), "".join(b[j1:j2]), offsets[i1], len(before))
        for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
        if op != "equal"
    ]


@dataclass(frozen=True)
class Excepted:
    """Differences that are not wxrtool's WXR writer's to fix, and why."""

    name: str
    reason: str
    applies: Callable[[str, Difference, list[Difference]], bool]  # (export name, difference, all of them)


def _padding_trimmed(export: str, d: Difference, every: list[Difference]) -> bool:
    if d.path[-1] not in _TEXT or d.after != "" or not isinstance(d.before, str) or d.before.strip():
        return False
    # White space gone at the very start or end; gone in the middle would be a dropped line.
    return d.at is not None and (d.at == 0 or d.at + len(d.before) == d.length)


_TEXT = {"post_content", "post_excerpt", "comment_content", "description"}


def _created_authors(export: str, d: Difference, every: list[Difference]) -> bool:
    created = {x.path[1] for x in every if x.path[0] == "users" and len(x.path) == 2 and x.before is ABSENT}
    if d.path[0] == "users":
        return d.path[1] in created
    return d.path[-1] in ("post_author", "user_id", "_edit_last") and d.before == "admin" and d.after in created


PADDED_ATTACHMENT_URLS = {"a11y-unit-test-data.xml", "sitetitle.wordpress.2025-01-19.000.xml"}


def _padded_attachment_url(export: str, d: Difference, every: list[Difference]) -> bool:
    if export not in PADDED_ATTACHMENT_URLS:
        return False
    if d.path[1].startswith("attachment/") and len(d.path) == 2 and d.before is ABSENT:
        return True  # the attachment the original's import could not fetch
    # ...and what the importer does with an attachment it fetched: the links to it in
    # content and enclosures rewritten to the copy in its uploads, featured images set.
    if d.path[-1] == "_thumbnail_id":
        return str(d.before).isdigit() and str(d.after).startswith("attachment/")  # unmapped: not imported
    return UPLOADS in str(d.after) and UPLOADS not in str(d.before)


def _typeless_item(export: str, d: Difference, every: list[Difference]) -> bool:
    if export != "a11y-unit-test-data.xml":
        return False

    def names_it(x: Difference) -> bool:
        return any(
            "page-with-comments-disabled" in str(v) or "Page with comments" in str(v)
            for v in (*x.path, x.before, x.after)
        )

    # ...and the menu items that link to it, which take its parent.
    return names_it(d) or d.path[:2] in {x.path[:2] for x in every if names_it(x)}


def _comment_without_status(export: str, d: Difference, every: list[Difference]) -> bool:
    return export == "wxr-with-sub-data.xml" and d.path[-1] == "comment_approved" and (d.before, d.after) == ("", "0")


def _unmappable_parents(export: str) -> set[str]:
    """The keys (``date author``, as the dump names comments) of the replies in ``export`` whose
    parent WordPress's importer cannot map: not in the item, the comment's own id, or a later one."""
    path = next(p for p in (*SAMPLE_FILES, *FIXTURE_FILES) if p.name == export)
    found = set()
    for record in wxrtool.read(path):
        if isinstance(record, wxrtool.Post):
            responses = (*record.comments, *record.pings)
            ids = {r.id for r in responses}
            for r in responses:
                if r.parent and not (r.parent in ids and r.parent < r.id) and r.date is not None:
                    found.add(f"{r.date.replace(tzinfo=None)} {r.author}")
    return found


def _parent_not_mappable(export: str, d: Difference, every: list[Difference]) -> bool:
    return d.path[-1] == "comment_parent" and d.after == "0" and d.path[-2] in _unmappable_parents(export)


EXCEPTIONS = [
    Excepted(
        "parent-not-mappable",
        "A reply whose parent the importer cannot map (process_post_comments maps a parent only when "
        "it inserted it before, in the order of the old ids: a parent left out, absent, the reply's own "
        "id or a later one) keeps its old id there, pointing at nothing or at another comment of the new "
        "site; wxrtool writes it at the top level (0), as its other formats show it. The original's "
        "side is compared after bench/fidelity's repair of the threads, which sets the parent it meant.",
        _parent_not_mappable,
    ),
    Excepted(
        "padding-trimmed",
        "wxrtool's reader trims the white space around every text value (read.py, _text()), content, "
        "excerpts, comments and term descriptions included, and WordPress's importer keeps it: leading "
        "and trailing lines of white space are lost. Not the importer's doing: the reader must keep "
        "these values as they are (its _raw()), which is outside the WXR writer; remove this exception then.",
        _padding_trimmed,
    ),
    Excepted(
        "authors-declared",
        "An item's dc:creator that the export does not declare as a wp:author (and every author of "
        "a WXR 1.0 export, which the importer never creates) gets no user: its items go to the "
        "importing administrator. wxrtool declares every creator (see writers/wxr.py), so the "
        "importer creates that user and the items are theirs.",
        _created_authors,
    ),
    Excepted(
        "attachment-url-padded",
        "The export's wp:attachment_url has white space around the URL. The importer fetches it as "
        "it is and fails (or keeps the padding in the URLs it rewrites, which then match nothing); "
        "wxrtool reads the URL without it, so the attachment arrives, and links to it in content, "
        "enclosures and featured images point to the imported copy.",
        _padded_attachment_url,
    ),
    Excepted(
        "item-without-type",
        "An item without wp:post_type (id 156, 'Page with comments', a fragment): the importer "
        "refuses it (no post type ''), wxrtool gives it wp_insert_post()'s defaults (post, draft), "
        "so it is imported, and the page that repeats its id after it is then skipped by the "
        "importer as already imported.",
        _typeless_item,
    ),
    Excepted(
        "comment-without-status",
        "A comment without wp:comment_approved: the importer stores '' (neither approved nor "
        "pending to WordPress), wxrtool reads it as pending and writes 0.",
        _comment_without_status,
    ),
]


def unexplained(export: Path, found: list[Difference]) -> list[str]:
    """The differences no exception explains, as readable lines."""
    return [str(d) for d in found if not any(e.applies(export.name, d, found) for e in EXCEPTIONS)]


def imports_alike(export: Path, site: WordPress, folder: Path) -> list[str]:
    out = folder / "out.xml"
    wxrtool.convert(export, "wxr", str(out), wxrtool.Selection.everything())
    original = site.database_of(export)
    assert original["posts"] or original["terms"], f"WordPress imported nothing of {export}:\n{site.import_log}"
    return unexplained(export, differences(original, site.database_of(out)))


@pytest.mark.parametrize("export", SAMPLE_FILES, ids=lambda p: p.stem)
def test_samples_import_as_the_original(export: Path, wordpress: WordPress, tmp_path: Path) -> None:
    found = imports_alike(export, wordpress, tmp_path)
    assert not found, "the two imports differ:\n" + "\n".join(found)


@pytest.mark.parametrize("export", fixture_cases([p for p in FIXTURE_FILES if readable(p)]))
def test_fixtures_import_as_the_original(export: Path, wordpress: WordPress, tmp_path: Path) -> None:
    found = imports_alike(export, wordpress, tmp_path)
    assert not found, "the two imports differ:\n" + "\n".join(found)

"""Helpers for tests that build a site and look for each item at its address."""

from __future__ import annotations

import csv
import re
from pathlib import Path
from urllib.parse import unquote

import lxml.html

import wxrtool

DATA = Path(__file__).parent / "data"


def convert(export: Path, fmt: str, site: Path, **options: object) -> dict[int, str]:
    """Convert ``export`` with ``--scaffold`` and ``--redirects csv``; each item's new address, by id.

    The addresses are the redirect file's ``/?p=ID`` (``/?page_id=ID`` for a page) rows:
    what ``--redirects`` tells a server, so a test that finds each page there checks the
    writer and the redirects at once.
    """
    return by_item(redirects(export, fmt, site, **options))


_BY_ID = re.compile(r"/\?(?:p|page_id)=(\d+)")


def by_item(rules: dict[str, str]) -> dict[int, str]:
    """The new address of each item, by id, from the rules for ``/?p=ID`` and ``/?page_id=ID``."""
    return {int(m.group(1)): new for old, new in rules.items() if (m := _BY_ID.fullmatch(old))}


def redirects(export: Path, fmt: str, site: Path, **options: object) -> dict[str, str]:
    """Convert ``export`` with ``--scaffold`` and ``--redirects csv``; the redirect file's rules, old to new."""
    csv_file = site.parent / f"{site.name}-redirects.csv"
    wxrtool.convert(export, fmt, str(site), scaffold=True, redirects=("csv", str(csv_file)), **options)
    rows = list(csv.reader(csv_file.read_text(encoding="utf-8").splitlines()))[1:]
    return {old: new for old, new in rows}


def page_at(built: Path, address: str) -> Path:
    """The file a static server sends for ``address`` (a percent-encoded path) from ``built``."""
    path = built / unquote(address).lstrip("/")
    return path / "index.html" if address.endswith("/") else path


def published(export: Path) -> dict[int, wxrtool.Post]:
    """The items written by default (published, not attachments), by id."""
    return {
        r.id: r
        for r in wxrtool.Selector().apply(wxrtool.read(export))
        if isinstance(r, wxrtool.Post) and r.type != "attachment"
    }


def shows(page: Path, post: wxrtool.Post) -> bool:
    """Whether ``page`` is ``post``'s: its title and its text (``Item <id>: ...`` in tests/data's exports)."""
    text = lxml.html.parse(str(page)).getroot().text_content()
    return post.title in text and f"Item {post.id}: " in text

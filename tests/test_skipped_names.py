"""Items whose slugs or types an engine would skip as file names (``_private``, ``.hidden``,
``#x``, ``x~``, a page ``vendors``) are built all the same, at their old addresses: real
``jekyll build``, ``hugo`` and ``pelican`` over tests/data/skipped-names.xml."""

from __future__ import annotations

import subprocess
from pathlib import Path

import wxrtool
from wxrtool.writers.paths import site_path

from .addresses import DATA, convert, page_at, published, shows
from .test_hugo import build as hugo_build
from .test_jekyll import build as jekyll_build
from .test_jekyll import front
from .test_pelican import build as pelican_build

EXPORT = DATA / "skipped-names.xml"
# Where Jekyll looks for names it skips: everything but its own folders, where a name
# starting with "_" is Jekyll's (the folder of a collection, _posts, _data...).
JEKYLL_SKIPS = ("_", ".", "#", "~")


def every_item_is_built(built: Path, addresses: dict[int, str], *, same_address: bool) -> None:
    """Each published item of the export has a page at its address, with its title;
    with ``same_address``, the address is the old link's path wherever it has one."""
    items = published(EXPORT)
    assert set(addresses) == set(items)
    for item_id, post in items.items():
        page = page_at(built, addresses[item_id])
        assert page.is_file(), f"item {item_id} ({post.slug!r}) is not at {addresses[item_id]}"
        assert shows(page, post)
        if same_address and site_path(post.link):
            assert addresses[item_id] == site_path(post.link)


def test_jekyll_builds_every_item_at_its_old_address(jekyll: str, tmp_path: Path) -> None:
    site = tmp_path / "site"
    addresses = convert(EXPORT, "jekyll", site)
    for source in site.rglob("*.md"):
        parts = source.relative_to(site).parts
        # Its own folder (_posts, _book...) aside, no name Jekyll skips; a file in _posts starts with its date.
        names = parts[1:] if parts[0].startswith("_") else parts
        assert not [n for n in names if n.startswith(JEKYLL_SKIPS) or n.endswith("~")], source
        assert not parts[0].startswith(("vendor", "node_modules", "gemfiles", "Gemfile")), source
    built = jekyll_build(jekyll, site)
    every_item_is_built(built, addresses, same_address=True)
    # The comment of the post whose slug starts with "_" is shown with it.
    assert 'id="comment-900"' in page_at(built, addresses[1]).read_text(encoding="utf-8")
    # A page under a folder Jekyll's plugins own (tags/), at Jekyll's own address: its folder moved.
    assert addresses[61] == "/wp-tags/inside.html"


def test_jekyll_builds_a_draft_named_so_with_drafts(jekyll: str, tmp_path: Path) -> None:
    site = tmp_path / "site"
    wxrtool.convert(EXPORT, "jekyll", str(site), wxrtool.Selection(statuses=frozenset({"draft"})), scaffold=True)
    [draft] = (site / "_drafts").glob("*.md")
    assert draft.name == "unfinished.md"
    data = front(draft)
    assert data["permalink"] == "/2024/01/08/_unfinished/"
    proc = subprocess.run(
        [jekyll, "build", "--drafts", "--source", str(site), "--destination", str(site / "_site")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    [post] = [p for p in wxrtool.read(EXPORT) if isinstance(p, wxrtool.Post) and p.status == "draft"]
    assert shows(page_at(site / "_site", data["permalink"]), post)


def test_hugo_builds_every_item(hugo: str, tmp_path: Path) -> None:
    # Hugo skips names starting with "." or "#" or ending with "~"; "_" is fine to it.
    site = tmp_path / "site"
    addresses = convert(EXPORT, "hugo", site)
    every_item_is_built(hugo_build(hugo, site), addresses, same_address=False)


def test_pelican_builds_every_item_at_its_old_address(pelican: str, tmp_path: Path) -> None:
    site = tmp_path / "site"
    addresses = convert(EXPORT, "pelican", site)
    every_item_is_built(pelican_build(pelican, site), addresses, same_address=True)

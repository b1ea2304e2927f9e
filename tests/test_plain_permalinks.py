"""A site without pretty permalinks (links ``/?p=12``): every post gets an address that does not
depend on its categories, the redirect file maps ``/?p=N`` there, and the real engines build
the page there (tests/data/plain-permalinks.xml)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from .addresses import DATA, by_item, page_at, published, redirects, shows
from .test_hugo import build as hugo_build
from .test_jekyll import build as jekyll_build
from .test_jekyll import front
from .test_pelican import build as pelican_build

EXPORT = DATA / "plain-permalinks.xml"
CATEGORIES = {"alpha", "beta", "zeta"}
# Where Jekyll puts each post: WordPress's "Day and name" structure (/yyyy/mm/dd/slug/),
# "-<id>" for a second post at one address, the id for a post without a slug, ":" (a
# placeholder in Jekyll's permalinks) made "-", a "%" of the slug's own escaped.
JEKYLL = {
    12: "/2011/01/18/many-categories/",
    13: "/2011/01/18/many-categories-13/",
    14: "/2011/01/19/14/",
    15: "/a-page.html",
    16: "/taken/",
    17: "/2011/01/22/taken-too/",
    18: "/2011/01/23/a-b%2541/",
}
BUILDS: dict[str, Callable[[str, Path], Path]] = {"jekyll": jekyll_build, "hugo": hugo_build, "pelican": pelican_build}


@pytest.mark.parametrize("fmt", sorted(BUILDS))
def test_posts_are_built_where_the_redirects_say_not_under_their_categories(
    fmt: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    engine = request.getfixturevalue(fmt)
    site = tmp_path / "site"
    rules = redirects(EXPORT, fmt, site)
    built = BUILDS[fmt](engine, site)
    items = published(EXPORT)
    addresses = by_item(rules)
    assert set(addresses) == set(items)
    for item_id, post in items.items():
        assert shows(page_at(built, addresses[item_id]), post), (item_id, addresses[item_id])
        assert not CATEGORIES & set(addresses[item_id].split("/"))
    if fmt == "jekyll":
        assert addresses == JEKYLL
    # /taken/ was item 16's, and item 17's too: it is 16's page, never a redirect to 17.
    assert rules.get("/taken/", addresses[16]) == addresses[16]


def test_jekyll_front_matter_has_the_permalink(tmp_path: Path) -> None:
    site = tmp_path / "site"
    redirects(EXPORT, "jekyll", site)
    data = front(next((site / "_posts").glob("2011-01-18-many-categories.md")))
    assert data["permalink"] == "/2011/01/18/many-categories/"
    assert data["categories"] == ["Alpha", "Beta", "Zeta"] and data["category_paths"] == ["alpha", "alpha/beta", "zeta"]

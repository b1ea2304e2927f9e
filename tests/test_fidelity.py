"""What WordPress showed is what wxrtool's Markdown shows, with the real WordPress as the reference.

Each export is imported into WordPress 6.1 with WordPress's own importer and every published
item rendered as WordPress shows it (bench/fidelity/); wxrtool's ``--to markdown`` is rendered
back and compared element by element. A link, image, code block or heading WordPress showed
must be on wxrtool's page, and every comment under the same parent; the exceptions are
deliberate and each is named below with its reason (bench/FIDELITY.md lists them too). At
least 99.5% of the words WordPress showed must be there, less the deliberate differences.

Needs Debian's ``wordpress``, ``mariadb-server``, ``php-cli``, ``php-mysql``, ``php-xml``,
``php-mbstring`` and ``php-gd`` (``.ci/run`` installs them) and ../shared/tools/wordpress-importer.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from .conftest import FIDELITY, FIXTURE_FILES, SAMPLE_FILES, fixture_cases, readable

sys.path.insert(0, str(FIDELITY))
from compare import DELIBERATE, attachment_slugs, compare, item_links, published, site_hosts
from engines import engine_items
from sides import wordpress_items, wxrtool_items
from wordpress import WordPress

KEPT = ("links", "images", "code", "headings", "place")


def lost(export: Path, site: WordPress, engine: str = "", command: str = "") -> list[tuple[int, str, str, Any]]:
    """What WordPress showed of the kept kinds that wxrtool's page lacks, less the deliberate:
    the Markdown rendered back, or with ``engine``, the page that engine built."""
    ours = engine_items(export, engine, command) if engine else wxrtool_items(export)
    rows, where = site.site_of(export), str(export)
    score = compare(
        export.name,
        wordpress_items(rows),
        ours,
        site_hosts(where),
        published(where),
        attachment_slugs(where),
        item_links(where),
    )
    assert not score.items_missing, f"items WordPress showed and wxrtool did not write: {score.items_missing}"
    text = score.share_less_deliberate("text")
    assert text is None or text >= 0.995, f"{text:.3f} of WordPress's words kept"
    found = []
    for d in score.differences:
        for kind, values in d.lost.items():
            if kind in KEPT and (export.name, d.item, kind) not in DELIBERATE:
                found.append((d.item, d.where, kind, values[:3]))
    return found


@pytest.mark.parametrize("export", SAMPLE_FILES, ids=lambda p: p.stem)
def test_samples_keep_what_wordpress_showed(export: Path, wordpress: WordPress) -> None:
    assert lost(export, wordpress) == []


@pytest.mark.parametrize("export", fixture_cases([p for p in FIXTURE_FILES if readable(p)]))
def test_fixtures_keep_what_wordpress_showed(export: Path, wordpress: WordPress) -> None:
    assert lost(export, wordpress) == []


EVERY_EXPORT = [
    *(pytest.param(p, id=p.stem) for p in SAMPLE_FILES),
    *fixture_cases([p for p in FIXTURE_FILES if readable(p)]),
]


@pytest.mark.parametrize("export", EVERY_EXPORT)
def test_the_hugo_site_keeps_what_wordpress_showed(export: Path, wordpress: WordPress, hugo: str) -> None:
    assert lost(export, wordpress, "hugo", hugo) == []


@pytest.mark.parametrize("export", EVERY_EXPORT)
def test_the_jekyll_site_keeps_what_wordpress_showed(export: Path, wordpress: WordPress, jekyll: str) -> None:
    assert lost(export, wordpress, "jekyll", jekyll) == []

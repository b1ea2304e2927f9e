"""The engines the build tests run are found where pip puts them, PATH or not."""

from __future__ import annotations

import sys
import sysconfig
from pathlib import Path

import pytest

from .conftest import find_tool, jekyll_with_redirects


def executable(path: Path, text: str = "#!/bin/sh\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(0o755)
    return path


@pytest.fixture
def nowhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An interpreter in an empty venv, a scripts folder and PATH that hold nothing."""
    venv = tmp_path / "venv" / "bin"
    venv.mkdir(parents=True)
    monkeypatch.setattr(sys, "executable", str(venv / "python"))
    monkeypatch.setattr(sysconfig, "get_path", lambda name, *args, **kwargs: str(tmp_path / "scripts"))
    monkeypatch.setenv("PATH", str(tmp_path / "path"))
    return tmp_path


def test_a_tool_beside_the_interpreter_is_found_off_path(nowhere: Path) -> None:
    assert find_tool("engine") is None
    tool = executable(nowhere / "venv" / "bin" / "engine")
    assert find_tool("engine") == str(tool)
    executable(nowhere / "path" / "engine")
    assert find_tool("engine") == str(tool)  # the interpreter's own first


def test_a_tool_in_the_scripts_folder_is_found_off_path(nowhere: Path) -> None:
    tool = executable(nowhere / "scripts" / "engine")
    assert find_tool("engine") == str(tool)


def test_a_tool_only_on_path_is_found(nowhere: Path) -> None:
    tool = executable(nowhere / "path" / "engine")
    assert find_tool("engine") == str(tool)


@pytest.mark.parametrize("loads", [True, False])
def test_jekyll_needs_its_redirect_plugin(nowhere: Path, loads: bool) -> None:
    ruby = executable(
        nowhere / "ruby" / "bin" / "ruby",
        "#!/bin/sh\nexit 0\n"
        if loads
        else "#!/bin/sh\necho 'cannot load such file -- jekyll-redirect-from' >&2\nexit 1\n",
    )
    jekyll = executable(nowhere / "path" / "jekyll", f"#!{ruby}\n")
    if loads:
        assert jekyll_with_redirects() == str(jekyll)
    else:
        with pytest.raises(pytest.skip.Exception, match=r"cannot load jekyll-redirect-from .*cannot load such file"):
            jekyll_with_redirects()

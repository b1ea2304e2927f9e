"""Pages as headless Chromium (Debian's ``chromium``) shows them: text, a screenshot, its log."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest


def chromium() -> str:
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if binary is None:
        pytest.skip("chromium is not installed (Debian: apt-get install chromium)")
    return binary


# What Chromium logs about a page: a console message (a script's error), a load that failed.
_PAGE_TROUBLE = re.compile(r"CONSOLE|net::ERR_|Failed to load|Refused to")


def rendered(page: Path, tmp_path: Path) -> tuple[str, bytes, str]:
    """What headless Chromium shows of ``page``: its text (the DOM after loading), a screenshot,
    and what it logged (console messages and failed loads)."""
    binary = chromium()
    common = [binary, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={tmp_path / 'profile'}"]
    common += ["--enable-logging=stderr", "--v=0", "--window-size=1100,1600"]
    shot = tmp_path / "shot.png"
    taken = subprocess.run(
        [*common, f"--screenshot={shot}", page.as_uri()], capture_output=True, text=True, timeout=120
    )
    dom = subprocess.run([*common, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120)
    log = "\n".join(line for line in (taken.stderr + dom.stderr).splitlines() if _PAGE_TROUBLE.search(line))
    return re.sub(r"<[^>]+>", " ", dom.stdout), shot.read_bytes(), log

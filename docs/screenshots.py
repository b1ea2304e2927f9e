"""The README's pictures, taken as the tests take theirs: headless Chromium on the pages wxrtool
writes for the bundled sample.

    python docs/screenshots.py      # writes docs/migration-report.png and docs/validate.png
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SAMPLE = HERE.parent / "samples" / "klout.xml"


def shoot(page: Path, picture: Path, height: int) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        sys.exit("chromium is not installed (Debian: apt-get install chromium)")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", f"--user-data-dir={profile}",
             f"--window-size=1000,{height}", f"--screenshot={picture}", page.as_uri()],
            check=True, capture_output=True,
        )  # fmt: skip


def main() -> None:
    with tempfile.TemporaryDirectory() as work:
        site = Path(work) / "klout-site"
        subprocess.run(
            [sys.executable, "-m", "wxrtool", "migrate", str(SAMPLE), "--to", "hugo", "-o", str(site), "--media",
             "none", "-q"],
            check=True,
        )  # fmt: skip
        shoot(site / "_wxrtool-migration" / "report.html", HERE / "migration-report.png", 1250)
        validated = Path(work) / "validate.html"
        fixtures = HERE.parent.parent / "shared" / "fixtures" / "WordPress__wordpress-importer"
        theme = fixtures / "a11y-unit-test-data.xml"  # (WordPress's theme test data: problems to show)
        source = theme if theme.is_file() else SAMPLE.with_name("drafts-and-pages.xml")
        subprocess.run([sys.executable, "-m", "wxrtool", "validate", str(source), "--html", str(validated)])
        if validated.is_file():
            shoot(validated, HERE / "validate.png", 1250)


if __name__ == "__main__":
    main()

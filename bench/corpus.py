"""The exports the bench tools run over: the samples, every readable fixture, one generated export.

Names are stable across machines (``samples/klout.xml``, ``fixtures/<project>/<file>``,
and the generated one's), so results recorded on one can be compared on another; without
../shared the fixtures and the generated export are left out.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import wxrtool

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT.parent / "shared" / "fixtures"
GENERATOR = ROOT.parent / "shared" / "bench" / "make_wxr.py"


def exports(work: Path, generated: str = "", *arguments: str) -> dict[str, Path]:
    """The exports by name; with ``generated`` (its name), one made by make_wxr.py with
    ``arguments`` (``--size 3MB``) in ``work``."""
    found = {f"samples/{p.name}": p for p in sorted((ROOT / "samples").glob("*.xml"))}
    if FIXTURES.is_dir():
        for path in sorted(FIXTURES.glob("*/*.xml")):
            try:
                sum(1 for _ in wxrtool.read(path))
            except wxrtool.WXRError:
                continue  # an export that does not read has no output to compare
            found[f"fixtures/{path.relative_to(FIXTURES)}"] = path
    if generated and GENERATOR.is_file():
        path = work / "generated.xml"
        subprocess.run([sys.executable, str(GENERATOR), *arguments, "--out", str(path), "-q"], check=True)
        found[generated] = path
    return found

"""Digests of every format's output over the samples, the fixtures and a generated export.

A refactoring that must not change output by a byte compares these before and after::

    python bench/digests.py > before.json     # on the old commit
    python bench/digests.py | diff before.json -

``tests/test_digests.py`` compares them with ``tests/golden/digests.json``, which
``--update`` rewrites. Each export is converted with ``--jobs 1`` and ``--jobs 2``;
the generated one is large enough for both parallel paths (byte ranges, the render pool).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
from pathlib import Path

import corpus

import wxrtool

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden" / "digests.json"
GENERATED_SIZE = "3MB"  # over two of the smallest byte ranges, so that jsonl is read in ranges


def digest(path: Path) -> str:
    """One hash over a file, or over every file of a folder with its relative path."""
    h = hashlib.sha256()
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    for f in files:
        name = f.name if path.is_file() else str(f.relative_to(path))
        # The manifest holds the output's own path, which differs per run; the run's record
        # (--update's) a hash of wxrtool's code, which differs per change.
        if name in (".wxrtool-manifest.json", ".wxrtool-rerun.json"):
            continue
        h.update(name.encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


def digests(formats: list[str] | None = None) -> dict[str, str]:
    """``{"<export> <format> jobs=<n>": sha256}`` for every export, format and job count."""
    result: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for name, path in corpus.exports(work, "generated/3MB.xml", "--size", GENERATED_SIZE).items():
            for fmt in formats or list(wxrtool.writers.FORMATS):
                for jobs in (1, 2):
                    out = work / f"out-{fmt}-{jobs}"
                    try:
                        wxrtool.convert(path, fmt, str(out), wxrtool.Selection.everything(), jobs=jobs, force=True)
                    except wxrtool.WXRError as exc:
                        result[f"{name} {fmt} jobs={jobs}"] = f"error: {exc.message}"
                        continue
                    result[f"{name} {fmt} jobs={jobs}"] = digest(out)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--update", action="store_true", help=f"rewrite {GOLDEN.relative_to(ROOT)}")
    args = parser.parse_args()
    text = json.dumps(digests(), indent=1, sort_keys=True) + "\n"
    if args.update:
        GOLDEN.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()

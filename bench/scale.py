"""Peak memory at 2 million small items, every format, ``--jobs 1`` and ``--jobs 2``; writes
bench/RESULTS-scale.md.

    python bench/scale.py                              # every format, both job settings
    python bench/scale.py --formats markdown,jsonl --jobs 2
    python bench/scale.py --items 200000 --out /tmp/scale.md

Issue 19 asks that no process of a conversion of 2 million small items (``bench/make_many.py``,
generated once and kept in bench/work/) take more than 200 MiB: the main process and each worker,
with one job and with two. Each conversion runs under ``bench/peak_memory.py``, one after the
other, its output written to ``--output-dir`` and removed after. At about 0.6 ms an item a
run of a folder format takes 20 minutes: the results file is written again after each run and
keeps the rows of earlier runs (of this or another size) that this one did not repeat, so a
sweep may be made a few formats at a time, and two sweeps may run side by side (each writes in a
folder of its own; the results file is taken in turn).
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import os
import platform
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from peak_memory import measure

from wxrtool import writers

HERE = Path(__file__).resolve().parent
WORK = HERE / "work"
LIMIT_MIB = 200

NOTES = "\n## Notes\n"  # (what follows it in the results file is kept: written by hand)
HEADER = "| items | format | jobs | main MiB | largest worker MiB | workers | seconds | code | note |"


def export_of(items: int) -> Path:
    """The generated export of ``items`` small items, made once."""
    WORK.mkdir(parents=True, exist_ok=True)
    path = WORK / f"many-{items}.xml"
    if not path.exists():
        partial = path.with_suffix(f".{os.getpid()}.part")  # (two sweeps may make it at once: the same bytes)
        subprocess.run(
            [sys.executable, str(HERE / "make_many.py"), "--items", str(items), "--out", str(partial)], check=True
        )
        partial.rename(path)
    return path


def code_version() -> str:
    """The commit of the wxrtool being measured (the checkout its package is imported from), '+' if changed since."""
    folder = Path(writers.__file__).parent.parent
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=folder, capture_output=True, text=True)
        changed = subprocess.run(["git", "status", "--porcelain", "."], cwd=folder, capture_output=True, text=True)
    except OSError:
        return "?"
    return (commit.stdout.strip() or "?") + ("+" if changed.stdout.strip() else "")


def read_rows(path: Path) -> dict[tuple[str, str, str], list[str]]:
    """The rows of an earlier results file, by (items, format, jobs)."""
    rows: dict[tuple[str, str, str], list[str]] = {}
    if not path.exists():
        return rows
    for line in path.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 9 and cells[0].replace(",", "").isdigit():
            rows[cells[0], cells[1], cells[2]] = cells
    return rows


@contextlib.contextmanager
def results_locked(path: Path) -> Iterator[None]:
    """Hold the results file for one read and write: two sweeps may run side by side, each adding its rows."""
    WORK.mkdir(parents=True, exist_ok=True)
    with open(WORK / (path.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def write_results(path: Path, rows: dict[tuple[str, str, str], list[str]], command: str) -> None:
    def order(key: tuple[str, str, str]) -> tuple[int, int, int]:
        names = list(writers.FORMATS)
        fmt = names.index(key[1]) if key[1] in names else len(names)
        return -int(key[0].replace(",", "")), fmt, int(key[2])

    over = [cells for cells in rows.values() if _over(cells)]
    lines = [
        "# Memory by item count (issue 19)",
        "",
        f"Written by `{command}` (last run {time.strftime('%Y-%m-%d %H:%M')}): {platform.platform()}, "
        f"Python {platform.python_version()}, {os.cpu_count()} cores.",
        "Exports from `bench/make_many.py --items N` (minimal posts, every tenth a page, every fifth with a "
        "comment, every twentieth an attachment). Peak resident memory from `bench/peak_memory.py`, which reads "
        "`/proc` every 20 ms: the main process, and the largest of its workers (the index pass's and the "
        "render's pools are counted apart). Target: every process under "
        f"{LIMIT_MIB} MiB. Rows are kept from earlier runs until a run repeats them; 'code' is the commit measured.",
        "",
        HEADER,
        "|---:|---|---:|---:|---:|---:|---:|---|---|",
    ]
    lines += ["| " + " | ".join(rows[key]) + " |" for key in sorted(rows, key=order)]
    lines += [
        "",
        f"Over {LIMIT_MIB} MiB: " + (", ".join(f"{c[1]} --jobs {c[2]} at {c[0]}" for c in over) or "none") + ".",
    ]
    notes = path.read_text(encoding="utf-8").partition(NOTES)[2] if path.exists() else ""
    lines += ["", NOTES.strip("\n"), notes.strip("\n")] if notes.strip() else []
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _over(cells: list[str]) -> bool:
    return any(cell.isdigit() and int(cell) > LIMIT_MIB for cell in (cells[3], cells[4]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=2_000_000)
    parser.add_argument("--formats", default=",".join(writers.FORMATS), help="comma-separated (default: every one)")
    parser.add_argument("--jobs", default="1,2", help="the --jobs settings, comma-separated")
    parser.add_argument("--out", default=str(HERE / "RESULTS-scale.md"), help="the results file")
    parser.add_argument("--code", help="what the code measured is, for the table (default: wxrtool's commit)")
    parser.add_argument(
        "--output-dir", default=str(WORK / f"scale-out-{os.getpid()}"), help="where the converters write"
    )
    args = parser.parse_args()
    source = export_of(args.items)
    out = Path(args.output_dir)
    results = Path(args.out)
    command = "python bench/scale.py " + " ".join(sys.argv[1:])
    for name in args.formats.split(","):
        fmt = writers.get(name)
        for jobs in args.jobs.split(","):
            if jobs != "1" and not (fmt.concatenates or fmt.render is not None):
                # (no workers for this format whatever --jobs says: its run with more is the run with one)
                with results_locked(results):
                    rows = read_rows(results)
                    one = rows.get((f"{args.items:,}", name, "1"))
                    if one is not None:
                        cells = [*one]
                        cells[2], cells[8] = jobs, "one process: the --jobs 1 run"
                        rows[cells[0], name, jobs] = cells
                        write_results(results, rows, command)
                if one is not None:
                    continue
            shutil.rmtree(out, ignore_errors=True)
            out.mkdir(parents=True)
            target = out / name if fmt.target == "directory" else out / f"out{fmt.extension}"
            convert = [sys.executable, "-m", "wxrtool", "convert", str(source), "--to", name, "-o", str(target)]
            status, seconds, figures = measure([*convert, "-q", "--jobs", jobs])
            workers = [mib for key, mib in figures.items() if key != "main"]
            cells = [
                f"{args.items:,}",
                name,
                jobs,
                str(figures["main"]),
                str(max(workers)) if workers else "-",
                str(len(workers)),
                f"{seconds:.0f}",
                args.code or code_version(),
                "" if status == 0 else f"exit status {status}",
            ]
            print(" | ".join(cells), flush=True)
            with results_locked(results):
                rows = read_rows(results)  # (again: another run may have written its rows since)
                rows[cells[0], name, jobs] = cells
                write_results(results, rows, command)
    shutil.rmtree(out, ignore_errors=True)
    print(f"wrote {results}")


if __name__ == "__main__":
    main()

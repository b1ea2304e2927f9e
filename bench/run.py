"""Benchmark wxrtool against the floor and its peers; writes bench/RESULTS.md.

    python bench/run.py                       # 10 MB and 100 MB, wxrtool and the floor
    python bench/run.py --sizes 10MB,100MB,1GB --peers

For each size it generates an export with ../shared/bench/make_wxr.py (kept in
bench/work/ for the next run) and measures, one after the other: wall time,
MB/s and peak resident memory of

- the floor: a bare lxml ``iterparse`` pass that only counts items and comments;
- reading only (``wxrtool stats``), ``--to jsonl``, ``--to markdown``, ``--to hugo``;
- with ``--peers``: Pelican's ``pelican-import --wpfile`` (PyPI, in its own venv, with
  Debian's pandoc it needs) and ``wordpress-export-to-markdown`` (npm, in its own
  folder, images off, ``--write-delay=0``); ``--peers node`` runs only the npm one
  (Pelican's takes four minutes and 2.3 GiB at 100 MB). npm holds its 2.2.2 at most:
  ``--node-peer PATH`` installs the 3.x of a checkout of its repository instead.

Peak memory comes from ``/usr/bin/time -v`` (or, without it, the child's rusage).
``--repeat N`` runs N rounds of every task under a minute (round by round, so that a
slow spell of the machine weighs on every task alike) and keeps each task's fastest.
``--output-dir`` says where the converters write (default bench/work/out), each run in a
folder of its own, all removed once every run is done: on ext4, a file created within
some 30 s of many deletions costs ~0.6 ms of kernel time instead of ~0.05 ms (``perf``:
``find_inode_bit`` -> ``recently_deleted``), 2-3 s of a 100 MB Markdown run when each run
began by emptying the last one's folder. A RAM disk (/dev/shm) measures the converters
without the disk at all.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from installers import node_peer, node_peer_version, pelican_peer

from wxrtool import writers

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / "work"
OUT = "{out}"  # (in a task's command: the folder its run writes in)

Row = tuple[str, str, float, float, float, float, str]
GENERATOR = ROOT.parent / "shared" / "bench" / "make_wxr.py"

FLOOR = """
import sys
from lxml import etree
items = comments = 0
for _event, element in etree.iterparse(sys.argv[1], events=("end",), tag=("item", "{*}comment")):
    if element.tag == "item":
        items += 1
        element.clear()
        while element.getprevious() is not None:
            del element.getparent()[0]
    else:
        comments += 1
print(items, comments)
"""


def measure(command: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """Run ``command``; return (seconds, peak RSS in MiB, error or '')."""
    timer = shutil.which("time") and Path("/usr/bin/time").exists()
    full = ["/usr/bin/time", "-v", *command] if timer else command
    started = time.perf_counter()
    with subprocess.Popen(full, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) as proc:
        stderr = proc.stderr.read() if proc.stderr else ""
        # wait4 gives this child's own usage; RUSAGE_CHILDREN would be the peak of every
        # child the script has run so far.
        _pid, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    peak = usage.ru_maxrss / 1024
    if timer:
        m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", stderr)
        peak = int(m.group(1)) / 1024 if m else 0.0
        stderr = re.sub(r"Command exited with non-zero status \d+\n", "", stderr.split("\tCommand being timed:")[0])
    error = "" if proc.returncode == 0 else (stderr.strip().splitlines() or ["failed"])[-1][:120]
    return seconds, peak, error


def installed_env(*trees: str) -> dict[str, str]:
    """The environment the runs take, as an installed wxrtool runs: its modules compiled to bytecode
    first (``pip install`` does so) and ``PYTHONDONTWRITEBYTECODE`` dropped (a machine that sets it
    made every run compile every module again: 0.08 s of each start here)."""
    import compileall

    import wxrtool

    for tree in (str(Path(wxrtool.__file__).parent), *trees):
        compileall.compile_dir(tree, quiet=1, force=False)
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def export_of(size: str) -> Path:
    WORK.mkdir(parents=True, exist_ok=True)
    path = WORK / f"export-{size}.xml"
    if not path.exists():
        subprocess.run([sys.executable, str(GENERATOR), "--size", size, "--out", str(path), "-q"], check=True)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10MB,100MB")
    parser.add_argument(
        "--peers",
        nargs="?",
        const="node,pelican",
        default="",
        metavar="node,pelican",
        help="also install and run npm's and Pelican's converters (or those named)",
    )
    parser.add_argument(
        "--node-peer",
        metavar="PATH",
        help="install wordpress-export-to-markdown from this checkout or tarball instead of the npm registry "
        "(which has 2.2.2 at most; issue 19 measures against 3.x)",
    )
    parser.add_argument("--all-writers", action="store_true", help="also every other format")
    parser.add_argument(
        "--repeat", type=int, default=1, help="run each task up to N times and keep the fastest (tasks under a minute)"
    )
    parser.add_argument("--out", default=str(HERE / "RESULTS.md"), help="the results file")
    parser.add_argument(
        "--baseline",
        default=None,
        metavar="TREE",
        help="also run each wxrtool task with the code of another checkout (e.g. a git worktree of an "
        "older commit), labelled 'before', in the same rounds: a before/after in one run",
    )
    parser.add_argument(
        "--output-dir",
        default=str(WORK / "out"),
        help="where the converters write, a folder per run (removed at the end); /dev/shm/... measures without the disk",
    )
    args = parser.parse_args()
    wxrtool = [sys.executable, "-m", "wxrtool"]
    # The runs' folders, and an earlier bench's (moved aside, not deleted: see the module's text),
    # removed once every run is done.
    runs = Path(args.output_dir)
    if runs.exists():
        runs.rename(runs.with_name(f"{runs.name}.old-{os.getpid()}"))
    try:
        rows = _measure(args, wxrtool, runs)
    finally:
        for folder in runs.parent.glob(f"{runs.name}.old-*"):
            shutil.rmtree(folder, ignore_errors=True)
        shutil.rmtree(runs, ignore_errors=True)
    lines = [
        "# Benchmark results",
        "",
        f"Written by `python bench/run.py {' '.join(sys.argv[1:])}` on "
        f"{time.strftime('%Y-%m-%d')}: {platform.platform()}, Python {platform.python_version()}, "
        f"{os.cpu_count()} cores. Exports from `../shared/bench/make_wxr.py --size SIZE` (seed 1).",
        "wordpress-export-to-markdown runs with images off and no pause between files (2.x has no "
        "`--write-delay` flag; the script sets its 25 ms pause to 0 in its own copy); it writes posts only, "
        "without comments. Peers run up to 200 MB.",
        f"Outputs go to `{args.output_dir}` ({filesystem(Path(args.output_dir))}), a folder per run, all removed "
        "once every run is done (nothing is deleted while the runs go: see the script). "
        "Times are the fastest of `--repeat` rounds, each round running every task once "
        "(tasks over a minute run once; this machine's timings drift by 10-15% from one minute to the next). "
        "Peak memory is the maximum resident set size from `/usr/bin/time -v`. "
        "'vs floor' is the floor's time divided by the task's (throughput relative to a bare lxml pass). "
        "wxrtool runs as installed: its modules compiled to bytecode first.",
        "Memory at 2 million small items, every format: [RESULTS-scale.md](RESULTS-scale.md) (`bench/scale.py`).",
        "",
        "| size | task | seconds | MB/s | peak MiB | vs floor | note |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    for size, label, seconds, speed, peak, ratio, error in rows:
        lines.append(f"| {size} | {label} | {seconds:.2f} | {speed:.1f} | {peak:.0f} | {ratio:.2f}x | {error} |")
    lines += ["", *summary(rows)]
    Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


def _measure(args: argparse.Namespace, wxrtool: list[str], runs: Path) -> list[Row]:
    """Every task of every size, ``--repeat`` rounds, each run writing in a folder of its own under ``runs``."""
    rows: list[Row] = []
    for size in args.sizes.split(","):
        source = export_of(size)
        megabytes = source.stat().st_size / 1e6

        def write(to: str, *extra: str, source: Path = source) -> list[str]:
            target = f"{OUT}/{to}" if writers.FORMATS[to].target == "directory" else f"{OUT}/o.{to}"
            return [*wxrtool, "convert", str(source), "--to", to, "-o", target, "-q", *extra]

        tasks: list[tuple[str, list[str]]] = [
            ("floor: lxml iterparse, counting", [sys.executable, "-c", FLOOR, str(source)]),
            ("wxrtool stats (reading only)", [*wxrtool, "stats", str(source)]),
            ("wxrtool --to jsonl", write("jsonl")),
            ("wxrtool --to markdown --jobs 1", write("markdown", "--jobs", "1")),
            (f"wxrtool --to markdown (--jobs {os.cpu_count()})", write("markdown")),
            (f"wxrtool --to hugo (--jobs {os.cpu_count()})", write("hugo")),
        ]
        if args.all_writers:
            tasks += [
                (f"wxrtool --to {to}", write(to)) for to in writers.FORMATS if to not in ("jsonl", "markdown", "hugo")
            ]
        if args.baseline:
            # The same commands with the other checkout's package first on the path.
            tasks += [(f"{label} (before)", command) for label, command in tasks if command[:2] == wxrtool[:2]]
        peers = set(args.peers.split(",")) - {""}
        if peers and megabytes <= 200:  # Pelican's importer needs 2.3 GiB at 100 MB
            node = node_peer(args.node_peer) if "node" in peers else None
            if node:
                where = "npm" if args.node_peer is None else "from a checkout"
                # The peer's job: items of every status but trash (drafts to _drafts), no comments.
                statuses = "publish,future,draft,pending,private"
                tasks.append(
                    (
                        f"wxrtool --to markdown --comments none (--jobs {os.cpu_count()}; --status {statuses}: "
                        "the peer's job)",
                        write("markdown", "--comments", "none", "--status", statuses),
                    )
                )
                tasks.append(
                    (
                        f"wordpress-export-to-markdown {node_peer_version(node)} ({where}; no images, no delay, "
                        "no comments)",
                        [*node, "--input", str(source), "--output", f"{OUT}/node"],
                    )
                )
            pelican = pelican_peer() if "pelican" in peers else None
            if pelican:
                tasks.append(("pelican-import --wpfile (PyPI + pandoc)", [*pelican, f"{OUT}/pelican", str(source)]))
        # Round by round, every task once per round: a slow spell of the machine then
        # weighs on all of them alike, not on whichever ran during it.
        best: dict[str, tuple[float, float, str]] = {}
        for round_ in range(max(1, args.repeat)):
            for number, (label, task) in enumerate(tasks):
                if round_ and (best[label][2] or best[label][0] > 60):
                    continue  # failed, or too long to repeat
                here = runs / f"{size}-{round_}-{number}"  # (a folder of its own: nothing deleted before it)
                here.mkdir(parents=True)
                command = [part.replace(OUT, str(here)) for part in task]
                os.sync()  # the last run's files written out: not charged to this one
                env = installed_env()
                if label.endswith("(before)"):
                    env = {**installed_env(str(Path(args.baseline) / "src" / "wxrtool")),
                           "PYTHONPATH": str(Path(args.baseline) / "src")}  # fmt: skip
                took, peak, error = measure(command, env=env)
                if label not in best or took < best[label][0]:
                    best[label] = (took, peak, error)
                print(
                    f"{size:>6} {label:<60} {took:8.2f} s {megabytes / took:7.1f} MB/s {peak:7.0f} MiB {error}",
                    flush=True,
                )
        floor = best[tasks[0][0]][0]
        for label, _command in tasks:
            seconds, peak, error = best[label]
            rows.append((size, label, seconds, megabytes / seconds, peak, floor / seconds, error))
    return rows


def filesystem(path: Path) -> str:
    """The type of the file system ``path`` is on (its nearest existing parent's), as mounted."""
    path = path.resolve()
    while not path.exists():
        path = path.parent
    found, kind = "", "unknown file system"
    try:
        with open("/proc/mounts", encoding="utf-8") as mounts:
            for line in mounts:
                _device, point, fstype, *_ = line.split()
                if (str(path) == point or str(path).startswith(point.rstrip("/") + "/")) and len(point) > len(found):
                    found, kind = point, fstype
    except OSError:
        pass
    return kind


def summary(rows: list[Row]) -> list[str]:
    """The issue's targets, as ratios from this run (and with ``--baseline``, the same ratios of
    the code before, measured in the same rounds against the same floor and peer)."""
    after = {(size, label.split(" (")[0]): seconds for size, label, seconds, *_ in rows if "(before)" not in label}
    before = {(size, label.split(" (")[0]): seconds for size, label, seconds, *_ in rows if "(before)" in label}
    sizes = list(dict.fromkeys(size for size, *_ in rows))
    out = ["## Targets", ""]
    for size in sizes:
        floor = after.get((size, "floor: lxml iterparse, counting"))
        node = next((t for (s, label), t in after.items() if s == size and label.startswith("wordpress-export")), None)
        for time_of, when in ((after, ""), (before, " (before)")):
            jsonl = time_of.get((size, "wxrtool --to jsonl"))
            one = time_of.get((size, "wxrtool --to markdown --jobs 1"))
            many = time_of.get((size, "wxrtool --to markdown"))
            if floor and jsonl:
                out.append(
                    f"- {size}{when}: `--to jsonl` runs at {floor / jsonl:.2f}x the floor's throughput (target 0.6x)."
                )
            if one and many:
                out.append(
                    f"- {size}{when}: `--to markdown` on {os.cpu_count()} cores is {one / many:.2f}x one process"
                    " (target 1.7x)."
                )
            if many and node:
                out.append(
                    f"- {size}{when}: `--to markdown` is {node / many:.2f}x as fast as wordpress-export-to-markdown"
                    " (target 3x)."
                )
            alike = time_of.get((size, "wxrtool --to markdown --comments none"))
            if alike and node:
                out.append(
                    f"- {size}{when}: `--to markdown --comments none`, every status but trash (the peer's job: it "
                    f"writes no comments) is {node / alike:.2f}x as fast as wordpress-export-to-markdown."
                )
    if len(sizes) >= 2:
        small, big = sizes[-2], sizes[-1]
        for (size, label), seconds in after.items():
            if size == big and (small, label) in after:
                out.append(f"- {label}: {big} takes {seconds / after[small, label]:.1f}x as long as {small}.")
    return out


if __name__ == "__main__":
    main()

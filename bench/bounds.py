"""How fast issue 19's speed targets let wxrtool be, against the least work any converter
built as wxrtool is must do; writes bench/RESULTS-bounds.md.

    python bench/bounds.py                        # the 100 MB export, 3 rounds
    python bench/bounds.py --node-peer PATH       # and wordpress-export-to-markdown 3.x

Issue 19 asks ``--to jsonl`` for 0.6x the floor's throughput (a bare lxml ``iterparse`` that
counts items) and ``--to markdown`` on 2 cores for 3x wordpress-export-to-markdown's speed.
This measures, in this one process (CPU seconds, fastest of ``--repeat`` rounds), the steps
no such converter can leave out:

- **the floor** itself;
- **every element touched**: an ``iterparse`` of items that reads each element's tag and
  text, and nothing else (what any reader of records from lxml does at least);
- **JSON out**: ``orjson`` encoding the JSON Lines records, built beforehand (their encoding
  alone: what a writer of them does at least);
- **WordPress's paragraphs**: ``wpautop`` over the published posts' content (without it a
  post's paragraphs run together: WordPress's own display filter);
- **Markdown out**: the HTML-to-Markdown engine over those posts' content and their
  comments, and nothing else.

The best wall time on ``--cores`` cores is the sum of a format's steps spread evenly over
them, with no start-up, no file written and no record built: a bound under any real run.
The runs themselves (the floor as a process of its own, as ``bench/run.py`` times it, which is
the targets' measure; ``wxrtool convert``; the peer) are timed beside it, in the same rounds.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from installers import node_peer, node_peer_version
from lxml import etree
from run import FLOOR, export_of, installed_env, measure

HERE = Path(__file__).resolve().parent


def _floor(path: Path) -> None:
    """The floor of bench/run.py, run here (its count printed to nowhere)."""
    saved = sys.argv
    sys.argv = ["floor", str(path)]
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            exec(FLOOR, {"__name__": "floor"})
    finally:
        sys.argv = saved


def _touch_all(path: Path) -> None:
    """Each element's tag and text read once, items removed as they end (no recursion: the
    export's items are three levels deep at most, comments' meta included)."""
    for _event, item in etree.iterparse(str(path), events=("end",), tag="item"):
        stack = [item]
        while stack:
            for child in stack.pop():
                _tag, _text = child.tag, child.text
                if len(child):
                    stack.append(child)
        item.clear()
        while item.getprevious() is not None:
            del item.getparent()[0]


def _gathered(path: Path) -> tuple[list[dict[str, object]], list[str], list[str]]:
    """The JSON Lines records as dicts, and the published posts' and their comments' HTML."""
    import orjson

    from wxrtool.convert import ConvertOptions, run
    from wxrtool.records import Post
    from wxrtool.selection import Selection

    out = Path(os.environ.get("TMPDIR", "/tmp")) / "wxrtool-bounds.jsonl"
    run(str(path), ConvertOptions(to="jsonl", output=str(out), selection=Selection(), jobs=1))
    with out.open("rb") as f:
        lines = [orjson.loads(line) for line in f]
    out.unlink()
    posts, comments = [], []
    from wxrtool.read import Reader

    for record in Reader(str(path)):
        if isinstance(record, Post) and record.type in ("post", "page") and record.status == "publish":
            posts.append(record.content_html)
            comments += [c.content_html for c in record.comments]
    return lines, posts, comments


def _best(step: Callable[[], object], rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        started = time.process_time()
        step()
        best = min(best, time.process_time() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", default="100MB")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cores", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--node-peer", default=None, metavar="PATH", help="a checkout of wordpress-export-to-markdown 3.x"
    )
    parser.add_argument("--out", default=str(HERE / "RESULTS-bounds.md"))
    args = parser.parse_args()

    import orjson

    from wxrtool.content.autop import wpautop
    from wxrtool.content.tomarkdown import html_to_markdown

    path = export_of(args.size)
    lines, posts, comments = _gathered(path)
    sink = io.BytesIO()
    steps: dict[str, Callable[[], object]] = {
        "floor: lxml iterparse, counting": lambda: _floor(path),
        "every element's tag and text read": lambda: _touch_all(path),
        "JSON Lines records encoded (orjson)": lambda: [sink.write(orjson.dumps(line)) for line in lines],
        "wpautop over the published posts": lambda: [wpautop(p) for p in posts],
        "HTML to Markdown, posts and comments (engine only)": lambda: [html_to_markdown(h) for h in posts + comments],
    }
    cpu = {label: _best(step, args.repeat) for label, step in steps.items()}

    runs_out = HERE / "work" / "bounds-out"
    wxrtool = [sys.executable, "-m", "wxrtool", "convert", str(path), "-q"]
    floor_run = "floor: lxml iterparse, counting (a process, as bench/run.py times it)"
    commands = {
        floor_run: [sys.executable, "-c", FLOOR, str(path)],
        "wxrtool --to jsonl": [*wxrtool, "--to", "jsonl", "-o", str(runs_out / "o.jsonl")],
        f"wxrtool --to markdown (--jobs {args.cores})": [*wxrtool, "--to", "markdown", "-o", str(runs_out / "md")],
    }
    peer = node_peer(args.node_peer) if args.node_peer else None
    peer_label = ""
    if peer is not None:
        peer_label = f"wordpress-export-to-markdown {node_peer_version(peer)} (no images, no delay, no comments)"
        commands[peer_label] = [*peer, "--input", str(path), "--output", str(runs_out / "peer")]
    wall: dict[str, float] = {}
    for _ in range(args.repeat):
        for label, command in commands.items():
            subprocess.run(["rm", "-rf", str(runs_out)], check=True)
            runs_out.mkdir(parents=True)
            seconds, _peak, error = measure(command, cwd=runs_out, env=installed_env())
            if error:
                raise SystemExit(f"{label}: {error}")
            wall[label] = min(wall.get(label, float("inf")), seconds)
    subprocess.run(["rm", "-rf", str(runs_out)], check=True)

    labels = list(cpu)
    floor = wall[floor_run]  # (the target's measure: the floor's time and the run's, both whole processes)
    jsonl_bound = (cpu[labels[1]] + cpu[labels[2]]) / args.cores
    markdown_bound = (cpu[labels[1]] + cpu[labels[3]] + cpu[labels[4]]) / args.cores
    lines_out = [
        "# Bounds: the least work issue 19's speed targets leave room for",
        "",
        f"Written by `python bench/bounds.py {' '.join(sys.argv[1:])}`".rstrip() + f" on {time.strftime('%Y-%m-%d')}: "
        f"{platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} cores. "
        f"The {args.size} export of `../shared/bench/make_wxr.py` (seed 1): {len(posts):,} published posts and pages, "
        f"{len(comments):,} of their comments, {len(lines):,} JSON Lines records. "
        "CPU seconds of each step in one process, fastest of "
        f"{args.repeat} rounds; the runs' wall seconds, fastest of the same rounds. See the script for each step.",
        "",
        "| step (one process) | CPU seconds |",
        "|---|---:|",
        *(f"| {label} | {seconds:.2f} |" for label, seconds in cpu.items()),
        "",
        "| run | wall seconds |",
        "|---|---:|",
        *(f"| {label} | {seconds:.2f} |" for label, seconds in wall.items()),
        "",
        "## What the targets leave",
        "",
        f"- `--to jsonl` at 0.6x the floor: {floor / 0.6:.2f} s at most. Reading every element and encoding the "
        f"records, spread evenly over {args.cores} cores with nothing else: {jsonl_bound:.2f} s "
        f"({floor / jsonl_bound:.2f}x the floor at best); the run: {wall['wxrtool --to jsonl']:.2f} s "
        f"({floor / wall['wxrtool --to jsonl']:.2f}x, the floor's time over the run's, both whole processes).",
    ]
    markdown_run = wall[f"wxrtool --to markdown (--jobs {args.cores})"]
    if peer_label:
        target = wall[peer_label] / 3
        lines_out.append(
            f"- `--to markdown` at 3x the peer: {target:.2f} s at most. Reading every element, WordPress's "
            f"paragraphs and the engine alone, spread evenly: {markdown_bound:.2f} s, leaving "
            f"{target - markdown_bound:.2f} s for everything else (records, shortcodes, blocks, embeds, comment "
            f"threads, front matter, {len(posts):,} files); the run: {markdown_run:.2f} s "
            f"({wall[peer_label] / markdown_run:.2f}x the peer)."
        )
    else:
        lines_out.append(
            f"- `--to markdown`: its steps spread evenly take {markdown_bound:.2f} s; the run {markdown_run:.2f} s "
            "(give `--node-peer` for the target)."
        )
    Path(args.out).write_text("\n".join(lines_out) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()

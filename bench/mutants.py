"""Mutation testing for wxrtool's core modules, with the standard library and pytest only.

Each mutant is one small change to one module, made with the ``ast`` module and spliced
into the source text at the node's position (the rest of the file stays byte for byte).
The operators, each named in the mutant's id ``path:line:col:operator``:

- ``cmp``: one comparison flipped: ``<`` -> ``<=``, ``<=`` -> ``<``, ``>`` -> ``>=``, ``>=`` -> ``>``,
  ``==`` <-> ``!=``, ``in`` <-> ``not in``, ``is`` <-> ``is not``;
- ``bool``: ``and`` <-> ``or``;
- ``not``: ``not x`` -> ``x``;
- ``int``: an integer constant ``n`` -> ``n + 1``;
- ``true``/``false``: ``True`` <-> ``False``;
- ``str``: a short string constant (1-16 characters, not a docstring, not in an f-string,
  an annotation or ``__all__``) -> ``""``;
- ``call``: a statement that is only a call (``out.write(x)``, ``seen.add(k)``) -> ``pass``;
- ``guard``: the body of an ``if`` that raises, returns, continues or breaks -> ``pass``;
- ``return``: ``return x`` -> ``return None`` (not when ``x`` is already ``None``).

Every mutant runs in a private copy of ``src/`` (one per worker, bytecode never written, so
two mutants of the same size in the same second cannot share a stale ``.pyc``) with only the
tests that cover its module (``MODULE_TESTS``), from the real ``tests/`` folder, cwd the repo
root: ``python -m pytest -x -q -p no:cacheprovider -p _mutants_plugin TESTS MUTATED_MODULE`` (the
mutated module's own doctests run too; the plugin derandomises Hypothesis and turns off its
example database, so no mutant's result depends on the ones before it). A mutant is *killed* when pytest fails, *survived* when it passes,
*timeout* when it runs past ``--timeout-factor`` times the unmutated run (at least
``--min-timeout`` seconds) twice, the second time with three times the limit (the machine is
shared); timeouts count as killed in the score.

    python bench/mutants.py --list                       # every mutant, not run
    python bench/mutants.py --module threads --limit 10  # the first 10 of one module
    python bench/mutants.py --sample 25 --sample jekyll=12 --seed 1 --json bench/work/mutants.json

The results, with every survivor explained, are in bench/RESULTS-mutants.md.
"""

from __future__ import annotations

import argparse
import ast
import concurrent.futures
import contextlib
import json
import os
import queue
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
PKG = "src/wxrtool"

# Module name -> (source file, the tests that exercise it), fast files first (``-x`` stops at
# the first failure, so the order decides what a killed mutant costs). Found by grepping tests/
# for each module's names; what was left out and why is in bench/RESULTS-mutants.md.
SAMPLES = sorted(p.name for p in (ROOT / "samples").glob("*.xml"))


def _account(fmt: str) -> list[str]:
    """test_account's cases for one format: every sample balances, and the same run twice gives the same bytes."""
    cases = [f"tests/test_account.py::test_read_equals_written_plus_left_out[{s}-{fmt}]" for s in SAMPLES]
    return [*cases, f"tests/test_account.py::test_the_same_command_twice_gives_the_same_bytes[{fmt}]"]


def _writer(fmt: str, *own: str) -> list[str]:
    return [*own, *_account(fmt), "tests/test_hostile.py"]


MODULES: dict[str, tuple[str, list[str]]] = {
    "threads": (f"{PKG}/threads.py", ["tests/test_threads.py", "tests/test_selection.py", "tests/test_cli.py"]),
    "selection": (
        f"{PKG}/selection.py",
        [
            "tests/test_selection.py",
            "tests/test_cli.py",
            "tests/test_golden.py",
            "tests/test_markdown_writer.py",
            "tests/test_account.py",
        ],
    ),
    "paths": (
        f"{PKG}/writers/paths.py",
        [
            "tests/test_redirects.py",
            "tests/test_hostile.py",
            "tests/test_markdown_writer.py",
            "tests/test_security_paths.py",
        ],
    ),
    "redirects": (
        f"{PKG}/redirects.py",
        ["tests/test_redirects.py", "tests/test_security_redirects.py", "tests/test_redirects_servers.py"],
    ),
    "fetch": (f"{PKG}/fetch.py", ["tests/test_security_media.py", "tests/test_media.py"]),
    "markdown": (
        f"{PKG}/writers/markdown.py",
        _writer("markdown", "tests/test_golden.py", "tests/test_redirects.py", "tests/test_markdown_writer.py"),
    ),
    "hugo": (f"{PKG}/writers/hugo.py", [*_writer("hugo", "tests/test_redirects.py"), "tests/test_hugo.py"]),
    "jekyll": (f"{PKG}/writers/jekyll.py", [*_writer("jekyll", "tests/test_redirects.py"), "tests/test_jekyll.py"]),
    "pelican": (f"{PKG}/writers/pelican.py", [*_writer("pelican", "tests/test_redirects.py"), "tests/test_pelican.py"]),
    "ghost": (f"{PKG}/writers/ghost.py", _writer("ghost", "tests/test_ghost.py", "tests/test_redirects.py")),
    "wxr": (f"{PKG}/writers/wxr.py", _writer("wxr", "tests/test_wxr.py")),
    "json": (f"{PKG}/writers/json_.py", _writer("json", "tests/test_golden.py", "tests/test_cli.py")),
    "jsonl": (f"{PKG}/writers/jsonl.py", _writer("jsonl", "tests/test_golden.py", "tests/test_cli.py")),
    "disqus": (f"{PKG}/writers/disqus.py", _writer("disqus", "tests/test_comment_systems.py")),
    "remark42": (f"{PKG}/writers/remark42.py", _writer("remark42", "tests/test_comment_systems.py")),
}

CMP_FLIPS: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
}
MAX_STR = 16


@dataclass(frozen=True)
class Mutant:
    id: str
    module: str
    path: str  # relative to the repo root
    line: int
    col: int
    operator: str
    original: str  # the source line before
    mutated: str  # the same line after (the first line of the change)
    start: tuple[int, int]  # (line, byte col) of the replaced span
    end: tuple[int, int]
    replacement: str


@dataclass
class Result:
    mutant: Mutant
    status: str  # killed, survived, timeout
    seconds: float
    detail: str = ""


@dataclass
class Tally:
    mutants: int = 0
    killed: int = 0
    survived: int = 0
    timeout: int = 0
    baseline: float = 0.0
    survivors: list[str] = field(default_factory=list)

    @property
    def score(self) -> float:
        ran = self.killed + self.survived + self.timeout
        return (self.killed + self.timeout) / ran if ran else 0.0


# --- finding mutation sites ------------------------------------------------------------------


def _skipped_nodes(tree: ast.Module) -> set[int]:
    """ids of the nodes no operator touches: docstrings, annotations, f-strings, ``__all__``."""
    skip: set[int] = set()

    def mark(node: ast.AST | None) -> None:
        if node is not None:
            skip.update(id(n) for n in ast.walk(node))

    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                mark(body[0])
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            mark(node.returns)
            for a in (
                *node.args.posonlyargs,
                *node.args.args,
                *node.args.kwonlyargs,
                node.args.vararg,
                node.args.kwarg,
            ):
                if a is not None:
                    mark(a.annotation)
        elif isinstance(node, ast.AnnAssign):
            mark(node.annotation)
        elif (
            isinstance(node, ast.JoinedStr | ast.ImportFrom | ast.Import)
            or (
                isinstance(node, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets)
            )
            or (isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test))
            or (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("TypeVar", "NewType")
            )
        ):
            mark(node)
    return skip


def _is_guard(node: ast.If) -> bool:
    return bool(node.body) and isinstance(node.body[-1], ast.Raise | ast.Return | ast.Continue | ast.Break)


def _sites(
    tree: ast.Module, lines: list[bytes]
) -> Iterator[tuple[str, ast.AST, str, tuple[int, int], tuple[int, int]]]:
    """(operator, node, replacement text, start, end) for every mutation of one module."""
    skip = _skipped_nodes(tree)

    def seg(node: ast.AST) -> str:
        return _segment(lines, _start(node), _end(node))

    for node in ast.walk(tree):
        if id(node) in skip or not hasattr(node, "lineno"):
            continue
        if isinstance(node, ast.Compare):
            for i, op in enumerate(node.ops):
                flipped = CMP_FLIPS.get(type(op))
                if flipped is None:
                    continue
                new = ast.Compare(left=node.left, ops=list(node.ops), comparators=node.comparators)
                new.ops[i] = flipped()
                name = f"cmp-{_op_name(op)}-{_op_name(flipped())}" + (f"-{i}" if len(node.ops) > 1 else "")
                yield name, node, f"({ast.unparse(new)})", _start(node), _end(node)
        elif isinstance(node, ast.BoolOp):
            other = ast.Or() if isinstance(node.op, ast.And) else ast.And()
            word = " or " if isinstance(other, ast.Or) else " and "
            text = word.join(f"({seg(v)})" for v in node.values)
            yield (
                ("bool-and-or" if isinstance(other, ast.Or) else "bool-or-and"),
                node,
                f"({text})",
                _start(node),
                _end(node),
            )
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            yield "not-drop", node, f"({seg(node.operand)})", _start(node), _end(node)
        elif isinstance(node, ast.Constant):
            value = node.value
            if isinstance(value, bool):
                yield ("true-false" if value else "false-true"), node, str(not value), _start(node), _end(node)
            elif isinstance(value, int):
                yield "int-plus-1", node, repr(value + 1), _start(node), _end(node)
            elif isinstance(value, str) and 0 < len(value) <= MAX_STR:
                yield "str-empty", node, '""', _start(node), _end(node)
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            yield "call-drop", node, "pass", _start(node), _end(node)
        elif isinstance(node, ast.If) and _is_guard(node):
            yield "guard-drop", node, "pass", _start(node.body[0]), _end(node.body[-1])
        elif (
            isinstance(node, ast.Return)
            and node.value is not None
            and not (isinstance(node.value, ast.Constant) and node.value.value is None)
        ):
            yield "return-none", node, "None", _start(node.value), _end(node.value)


def _op_name(op: ast.cmpop) -> str:
    return {
        ast.Lt: "lt",
        ast.LtE: "lte",
        ast.Gt: "gt",
        ast.GtE: "gte",
        ast.Eq: "eq",
        ast.NotEq: "ne",
        ast.In: "in",
        ast.NotIn: "notin",
        ast.Is: "is",
        ast.IsNot: "isnot",
    }[type(op)]


def _start(node: ast.AST) -> tuple[int, int]:
    return node.lineno, node.col_offset  # type: ignore[attr-defined]


def _end(node: ast.AST) -> tuple[int, int]:
    return node.end_lineno, node.end_col_offset  # type: ignore[attr-defined]


def _segment(lines: list[bytes], start: tuple[int, int], end: tuple[int, int]) -> str:
    (l1, c1), (l2, c2) = start, end
    if l1 == l2:
        return lines[l1 - 1][c1:c2].decode("utf-8")
    parts = [lines[l1 - 1][c1:], *lines[l1 : l2 - 1], lines[l2 - 1][:c2]]
    return b"".join(parts).decode("utf-8")


def splice(source: bytes, start: tuple[int, int], end: tuple[int, int], text: str) -> bytes:
    """``source`` with the span from ``start`` to ``end`` (1-based lines, byte columns) replaced."""
    lines = source.splitlines(keepends=True)
    (l1, c1), (l2, c2) = start, end
    head = b"".join(lines[: l1 - 1]) + lines[l1 - 1][:c1]
    tail = lines[l2 - 1][c2:] + b"".join(lines[l2:])
    return head + text.encode("utf-8") + tail


def mutants_of(module: str) -> list[Mutant]:
    rel = MODULES[module][0]
    source = (ROOT / rel).read_bytes()
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    original_dump = ast.dump(tree)
    found: list[Mutant] = []
    seen: set[str] = set()
    for operator, _node, text, start, end in _sites(tree, lines):
        mutated = splice(source, start, end, text)
        try:
            if ast.dump(ast.parse(mutated)) == original_dump:
                continue
        except SyntaxError:
            continue
        ident = f"{rel.removeprefix('src/')}:{start[0]}:{start[1]}:{operator}"
        while ident in seen:
            ident += "'"
        seen.add(ident)
        new_line = mutated.splitlines()[start[0] - 1].decode("utf-8")
        found.append(
            Mutant(
                id=ident,
                module=module,
                path=rel,
                line=start[0],
                col=start[1],
                operator=operator,
                original=lines[start[0] - 1].decode("utf-8").rstrip("\n"),
                mutated=new_line,
                start=start,
                end=end,
                replacement=text,
            )
        )
    found.sort(key=lambda m: (m.line, m.col, m.operator, m.id))
    return found


def choose(mutants: list[Mutant], module: str, *, limit: int | None, sample: int | None, seed: int) -> list[Mutant]:
    """The mutants to run for one module: a seeded sample (in line order), then the first ``limit``.

    The sample takes the operators in turn (each operator's mutants shuffled by ``seed`` and the
    module's name), so a module's hundreds of string constants do not crowd out its comparisons.
    """
    if sample is not None and sample < len(mutants):
        rng = random.Random(f"{seed}:{module}")
        by_operator: dict[str, list[Mutant]] = {}
        for m in mutants:
            by_operator.setdefault(m.operator, []).append(m)
        pools = [rng.sample(group, len(group)) for _, group in sorted(by_operator.items())]
        picked: list[Mutant] = []
        while len(picked) < sample:  # round robin over the operators, so string constants do not crowd out the rest
            for pool in pools:
                if pool and len(picked) < sample:
                    picked.append(pool.pop())
        mutants = sorted(picked, key=mutants.index)
    if limit is not None:
        mutants = mutants[:limit]
    return mutants


# --- running --------------------------------------------------------------------------------


def run_pytest(copy: Path, tests: list[str], module_file: Path, timeout: float | None) -> tuple[str, float, str]:
    """Run ``tests`` (and ``module_file``'s doctests) against the sources in ``copy``."""
    env = {**os.environ, "PYTHONPATH": str(copy), "PYTHONDONTWRITEBYTECODE": "1", "PYTHONHASHSEED": "0"}
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        "-x",
        "-q",
        "-p",
        "no:cacheprovider",
        "-p",
        "_mutants_plugin",
        *tests,
        str(module_file),
    ]
    started = time.monotonic()
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return "timeout", time.monotonic() - started, ""
    elapsed = time.monotonic() - started
    text = out.decode("utf-8", "replace").strip().splitlines()
    tail = text[-1] if text else ""
    if proc.returncode == 0:
        return "survived", elapsed, tail
    if proc.returncode == 1:
        return "killed", elapsed, tail
    # 2: interrupted (an import or collection error), 3: internal, 4: usage: the mutant broke loading
    return "killed", elapsed, f"rc={proc.returncode} {tail}"


# Loaded with ``-p``: Hypothesis derandomised and without its example database, so a mutant's
# result does not depend on the mutants run before it (nor leaves .hypothesis/ in the repo).
PLUGIN = """\
from hypothesis import settings

settings.register_profile("mutants", database=None, derandomize=True)
settings.load_profile("mutants")
"""


def make_copy(parent: Path, n: int) -> Path:
    copy = parent / f"w{n}"
    shutil.copytree(SRC, copy, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info"))
    (copy / "_mutants_plugin.py").write_text(PLUGIN, encoding="utf-8")
    return copy


def run_one(copy: Path, mutant: Mutant, timeout: float) -> Result:
    target = copy / mutant.path.removeprefix("src/")
    original = target.read_bytes()
    target.write_bytes(splice(original, mutant.start, mutant.end, mutant.replacement))
    try:
        status, seconds, detail = run_pytest(copy, MODULES[mutant.module][1], target, timeout)
        if status == "timeout":  # the machine is shared: a load spike gets one more, longer, chance
            status, seconds, detail = run_pytest(copy, MODULES[mutant.module][1], target, 3 * timeout)
    finally:
        target.write_bytes(original)
    return Result(mutant, status, seconds, detail)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--module", action="append", choices=sorted(MODULES), help="only this module (repeatable)")
    ap.add_argument("--limit", type=int, help="at most N mutants per module (the first N, after --sample)")
    ap.add_argument(
        "--sample",
        action="append",
        default=[],
        metavar="N|MODULE=N",
        help="a seeded sample of N mutants per module; MODULE=N for one module (repeatable)",
    )
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--list", action="store_true", help="list the mutants and exit")
    ap.add_argument("--json", help="write every result to this file")
    ap.add_argument("--timeout-factor", type=float, default=3.0)
    ap.add_argument("--min-timeout", type=float, default=30.0)
    args = ap.parse_args(argv)

    modules = args.module or list(MODULES)
    samples = {k: int(v) for k, _, v in (x.partition("=") for x in args.sample if "=" in x)}
    plain = [int(x) for x in args.sample if "=" not in x]
    default = plain[-1] if plain else None
    chosen: dict[str, list[Mutant]] = {}
    for module in modules:
        every = mutants_of(module)
        chosen[module] = choose(every, module, limit=args.limit, sample=samples.get(module, default), seed=args.seed)
        if args.list:
            print(f"# {module}: {len(chosen[module])} of {len(every)} mutants")
            for m in chosen[module]:
                print(f"{m.id}\t{m.original.strip()}  ->  {m.mutated.strip()}")
    if args.list:
        return 0

    tallies = {m: Tally(mutants=len(chosen[m])) for m in modules}
    results: list[Result] = []
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="wxrtool-mutants-") as tmp:
        copies: queue.Queue[Path] = queue.Queue()
        for n in range(max(1, args.jobs)):
            copies.put(make_copy(Path(tmp), n))
        pristine = copies.get()
        timeouts: dict[str, float] = {}
        for module in modules:
            if not chosen[module]:
                continue
            path, tests = MODULES[module]
            status, seconds, detail = run_pytest(pristine, tests, pristine / path.removeprefix("src/"), None)
            if status != "survived":
                print(f"{module}: the unmutated tests fail ({detail}); its mutants are not run", file=sys.stderr)
                chosen[module] = []
                continue
            tallies[module].baseline = seconds
            timeouts[module] = max(args.timeout_factor * seconds, args.min_timeout)
            print(f"{module}: baseline {seconds:.1f}s, {len(chosen[module])} mutants", file=sys.stderr, flush=True)
        copies.put(pristine)

        def work(mutant: Mutant) -> Result:
            copy = copies.get()
            try:
                return run_one(copy, mutant, timeouts[mutant.module])
            finally:
                copies.put(copy)

        todo = [m for module in modules for m in chosen[module]]
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            for n, result in enumerate(pool.map(work, todo), 1):
                results.append(result)
                m = result.mutant
                print(f"[{n}/{len(todo)}] {result.status:8} {result.seconds:5.1f}s {m.id}", file=sys.stderr, flush=True)

    for r in results:
        t = tallies[r.mutant.module]
        setattr(t, r.status, getattr(t, r.status) + 1)
        if r.status == "survived":
            t.survivors.append(r.mutant.id)
    print_report(tallies, results, time.monotonic() - started)
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        payload = {
            "modules": {m: {**asdict(t), "score": round(t.score, 4)} for m, t in tallies.items()},
            "results": [{**asdict(r.mutant), "status": r.status, "seconds": round(r.seconds, 2)} for r in results],
        }
        Path(args.json).write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
    return 0


def print_report(tallies: dict[str, Tally], results: list[Result], elapsed: float) -> None:
    print("| module | mutants | killed | timeout | survived | score | baseline s |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    total = Tally()
    for module, t in tallies.items():
        print(
            f"| {module} | {t.mutants} | {t.killed} | {t.timeout} | {t.survived} | {t.score:.0%} | {t.baseline:.1f} |"
        )
        for name in ("mutants", "killed", "timeout", "survived"):
            setattr(total, name, getattr(total, name) + getattr(t, name))
    print(f"| **all** | {total.mutants} | {total.killed} | {total.timeout} | {total.survived} | {total.score:.0%} | |")
    print(f"\n{len(results)} mutants run in {elapsed / 60:.1f} min.\n")
    survivors = [r for r in results if r.status == "survived"]
    if survivors:
        print("Survivors:\n")
    for r in survivors:
        m = r.mutant
        print(f"- `{m.path}:{m.line}` {m.operator}: `{m.original.strip()}` -> `{m.mutated.strip()}`")


if __name__ == "__main__":
    sys.exit(main())

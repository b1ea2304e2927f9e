"""The package's shape: its import graph has no cycle, private writer modules stay private,
and the README's "Layout" section names every module there is and no other.

The import graph is read with :mod:`ast` from every module under ``src/wxrtool``, without
importing anything. Each ``.py`` file is a module; a package's ``__init__.py`` is a module
of its own, named like the package (``wxrtool.writers``). An edge goes from a module to each
module of the package it imports:

- ``import wxrtool.a.b`` and ``from wxrtool.a.b import name``: to ``wxrtool.a.b``;
- ``from .a import name`` and ``from wxrtool.a import name``: to the submodule ``wxrtool.a.name``
  when there is one, else to ``wxrtool.a`` (its ``__init__``, which defines ``name``);
- relative imports resolved from the importing module's package, as Python does.

The packages an import passes through on the way (``wxrtool.a`` for ``import wxrtool.a.b``)
are not edges: the parents of the importing module are already being imported, and counting
them would make every package that imports its own submodules a cycle. Imports made with
``importlib`` (a format's writer module, named by a string) are not seen.

Each edge is one of three kinds: ``top`` (run when the module is imported, including class
bodies and ``try`` blocks), ``lazy`` (inside a function: run when it is called) and ``typing``
(under ``if TYPE_CHECKING:``, never run). Cycles are looked for among ``top`` and ``lazy``
edges: a lazy import that closes a cycle works only as long as nobody calls the function during
the import, which is the kind of thing that breaks later.
"""

from __future__ import annotations

import ast
import re
from collections import deque
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
PACKAGE = SRC / "wxrtool"
README = ROOT / "README.md"

RUNTIME = ("top", "lazy")


@dataclass(frozen=True)
class Import:
    """One edge of the graph: ``source`` imports ``target`` at ``line`` of its file."""

    source: str
    target: str
    line: int
    kind: str  # "top", "lazy" or "typing"

    def __str__(self) -> str:
        where = {"top": "", "lazy": ", in a function", "typing": ", under TYPE_CHECKING"}[self.kind]
        return f"{self.source} -> {self.target} ({path_of(self.source)}:{self.line}{where})"


@cache
def modules() -> dict[str, Path]:
    """Every module of the package by its dotted name; a package's ``__init__`` by the package's."""
    found: dict[str, Path] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def path_of(module: str) -> str:
    return modules()[module].relative_to(ROOT).as_posix()


def _is_package(module: str) -> bool:
    return modules()[module].name == "__init__.py"


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _absolute(module: str, node: ast.ImportFrom) -> str:
    """The absolute name of what ``from <node.module> import ...`` reads, in ``module``."""
    if node.level == 0:
        return node.module or ""
    package = module if _is_package(module) else module.rpartition(".")[0]
    parts = package.split(".")
    if node.level > 1:
        parts = parts[: len(parts) - (node.level - 1)]
    base = ".".join(parts)
    return f"{base}.{node.module}" if node.module else base


def _targets(module: str, node: ast.Import | ast.ImportFrom) -> list[str]:
    """The package's modules that ``node``, in ``module``, imports."""
    known = modules()
    found: list[str] = []
    if isinstance(node, ast.Import):
        found = [alias.name for alias in node.names if alias.name in known]
    else:
        base = _absolute(module, node)
        for alias in node.names:
            submodule = f"{base}.{alias.name}"
            if submodule in known:
                found.append(submodule)
            elif base in known:
                found.append(base)
    return list(dict.fromkeys(found))


def _walk(module: str, body: list[ast.stmt], kind: str, edges: list[Import]) -> None:
    for node in body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            edges.extend(Import(module, target, node.lineno, kind) for target in _targets(module, node))
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            _walk(module, node.body, "typing" if kind == "typing" else "lazy", edges)
        elif isinstance(node, ast.If) and _is_type_checking(node.test):
            _walk(module, node.body, "typing", edges)
            _walk(module, node.orelse, kind, edges)
        else:
            # Any other statement runs its blocks in the same context (class bodies, if, try,
            # with, for, match...): look at every statement list it holds.
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.stmt):
                    _walk(module, [child], kind, edges)
                elif isinstance(child, (ast.excepthandler, ast.match_case)):
                    _walk(module, child.body, kind, edges)


@cache
def imports() -> tuple[Import, ...]:
    """Every import between the package's modules."""
    edges: list[Import] = []
    for module, path in modules().items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        _walk(module, tree.body, "top", edges)
    return tuple(edges)


def _components(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of ``graph`` (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                found.append(sorted(component))
    return found


def _shortest_cycle(start: str, members: set[str], graph: dict[str, set[str]]) -> list[str]:
    """The shortest path from ``start`` back to itself inside ``members``."""
    previous: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for child in sorted(graph[node] & members):
            if child == start:
                path = [node]
                while path[-1] != start:
                    path.append(previous[path[-1]])
                return [*reversed(path), start]
            if child not in previous:
                previous[child] = node
                queue.append(child)
    raise AssertionError(f"{start} is in no cycle")


def cycles(edges: tuple[Import, ...]) -> list[list[Import]]:
    """One shortest cycle through each group of modules that import each other, as its edges."""
    graph: dict[str, set[str]] = {module: set() for module in modules()}
    first: dict[tuple[str, str], Import] = {}
    for edge in edges:
        if edge.kind in RUNTIME:
            graph[edge.source].add(edge.target)
            first.setdefault((edge.source, edge.target), edge)
    found = []
    for component in _components(graph):
        members = set(component)
        if len(component) > 1 or component[0] in graph[component[0]]:
            path = _shortest_cycle(component[0], members, graph)
            found.append([first[pair] for pair in pairwise(path)])
    return found


def test_the_graph_is_read() -> None:
    """The reader sees imports of every kind (a guard against a walk that finds nothing)."""
    edges = imports()
    kinds = {edge.kind for edge in edges}
    assert kinds == {"top", "lazy", "typing"}, kinds
    # `from .protocol import Format` in writers/__init__.py is relative to the package itself.
    assert any(e.source == "wxrtool.writers" and e.target == "wxrtool.writers.protocol" for e in edges)
    # `from ..index import SiteIndex` in writers/protocol.py climbs one package.
    assert any(e.source == "wxrtool.writers.protocol" and e.target == "wxrtool.index" for e in edges)


def test_cycles_are_found() -> None:
    """The cycle finder finds a planted cycle, lazy edges included, and ignores typing ones."""
    planted = (
        Import("wxrtool.errors", "wxrtool.terminal", 1, "top"),
        Import("wxrtool.terminal", "wxrtool.records", 2, "lazy"),
        Import("wxrtool.records", "wxrtool.errors", 3, "top"),
        Import("wxrtool.read", "wxrtool.source", 4, "top"),
        Import("wxrtool.source", "wxrtool.read", 5, "typing"),
    )
    found = cycles(planted)
    assert [[edge.source for edge in cycle] for cycle in found] == [
        ["wxrtool.errors", "wxrtool.terminal", "wxrtool.records"]
    ]


def test_no_import_cycle() -> None:
    """No module imports itself through others, counting lazy imports (not TYPE_CHECKING ones)."""
    found = cycles(imports())
    report = "\n\n".join("\n".join(f"  {edge}" for edge in cycle) for cycle in found)
    assert not found, f"{len(found)} import cycle(s):\n{report}"


def _private_writer_module(module: str) -> bool:
    return module.startswith("wxrtool.writers.") and module.split(".")[2].startswith("_")


def test_private_writer_modules_stay_in_writers() -> None:
    """Only modules of ``wxrtool.writers`` import its private modules (``wxrtool.writers._*``),
    whatever the kind of import."""
    outside = [
        edge
        for edge in imports()
        if _private_writer_module(edge.target)
        and not (edge.source == "wxrtool.writers" or edge.source.startswith("wxrtool.writers."))
    ]
    assert not outside, "private writer modules imported from outside wxrtool.writers:\n" + "\n".join(
        f"  {edge}" for edge in outside
    )


# The README's "Layout" section.

_PY_PATH = re.compile(r"(?<![\w./-])((?:[\w-]+/)*[\w-]+\.py)\b")
OPTIONAL = {"__init__.py"}


def layout_listing() -> str:
    """The part of the README's "Layout" section that describes ``src/wxrtool/``: the lines of its
    code block from ``src/wxrtool/`` to the next line that is not indented (``samples/``...)."""
    text = README.read_text(encoding="utf-8")
    match = re.search(r"^## Layout\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    assert match, "README.md has no '## Layout' section"
    block = re.search(r"^```[^\n]*\n(.*?)^```", match.group(1), re.S | re.M)
    assert block, "the README's Layout section has no code block"
    lines = block.group(1).splitlines()
    starts = [i for i, line in enumerate(lines) if line.rstrip() == "src/wxrtool/"]
    assert starts, "the README's Layout block has no 'src/wxrtool/' line"
    listing = []
    for line in lines[starts[0] + 1 :]:
        if line and not line[0].isspace():
            break
        listing.append(line)
    return "\n".join(listing)


def test_layout_lists_every_module() -> None:
    """The README's Layout lists every module of ``src/wxrtool`` and no module that is not there.

    The rule: every ``.py`` file under ``src/wxrtool`` appears in the listing (the lines of the
    Layout code block under ``src/wxrtool/``, up to the next unindented line) as its path from
    ``src/wxrtool``: ``read.py``, ``writers/hugo.py``, ``parallel/pool.py``, anywhere on a line
    (``media.py ... fetch.py downloads them`` lists both). A package's ``__init__.py`` may be left
    out (its folder, ``writers/``, stands for it); ``__main__.py`` may not. Every ``.py`` path the
    listing names must be a file under ``src/wxrtool``.
    """
    listing = layout_listing()
    listed = set(_PY_PATH.findall(listing))
    present = {path.relative_to(PACKAGE).as_posix() for path in PACKAGE.rglob("*.py")}
    missing = sorted(path for path in present - listed if Path(path).name not in OPTIONAL)
    unknown = sorted(listed - present)
    problems = []
    if missing:
        problems.append("modules the README's Layout does not list:\n" + "\n".join(f"  {m}" for m in missing))
    if unknown:
        problems.append("modules the README's Layout lists that do not exist:\n" + "\n".join(f"  {m}" for m in unknown))
    assert not problems, "\n".join(problems)

"""The hostile redirect cases in tests/hostile/redirects/: one JSON file each.

Add a case by adding ``name.json``::

    {"link": old permalink, "new": the writer's new address,
     "request": the request-target a browser sends for the old link (percent-encoded),
     "to": where that request must be sent, or null for "not redirected",
     "to_nginx" / "to_apache" / "to_netlify" / "to_csv": the same, where a style differs,
     "p": where /?p=ID must be sent, or null,
     "also": [more request-targets answered as "request"], "probes": [request-targets never redirected]}

For Netlify and CSV, ``request`` and ``to`` are also the exact fields written.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

FOLDER = Path(__file__).parent / "hostile" / "redirects"


@dataclass(frozen=True)
class Case:
    name: str
    id: int
    link: str
    new: str
    request: str
    to: dict[str, str | None]
    p: str | None
    also: tuple[str, ...]
    probes: tuple[str, ...]


def load() -> list[Case]:
    """Every case, each with its own post id."""
    cases = []
    for number, path in enumerate(sorted(FOLDER.glob("*.json"))):
        data = json.loads(path.read_text(encoding="utf-8"))
        to = {style: data.get(f"to_{style}", data["to"]) for style in ("nginx", "apache", "netlify", "csv")}
        cases.append(
            Case(
                path.stem,
                100 + number,
                data["link"],
                data["new"],
                data["request"],
                to,
                data["p"],
                tuple(data.get("also", ())),
                tuple(data.get("probes", ())),
            )
        )
    return cases


def urls(cases: list[Case]) -> dict[int, tuple[str, str]]:
    """What the writers would hand to :func:`wxrtool.redirects.render`."""
    return {case.id: (case.link, case.new) for case in cases}


def expected_rules(cases: list[Case], style: str) -> set[tuple[str, str]]:
    """``(old, new)`` as written for ``style``: old paths and ``/?p=ID``."""
    rules = {(case.request, to) for case in cases if (to := case.to[style]) is not None}
    return rules | {(f"/?p={case.id}", case.p) for case in cases if case.p is not None}


def expected_answers(cases: list[Case], style: str) -> list[tuple[str, str | None]]:
    """Each request-target to send to a server and the address it must redirect to (None: no redirect)."""
    answers: list[tuple[str, str | None]] = []
    for case in cases:
        answers += [(target, case.to[style]) for target in (case.request, *case.also)]
        answers += [(target, None) for target in case.probes]
        answers.append((f"/?p={case.id}", case.p))
    return answers

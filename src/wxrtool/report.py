"""``validate --html``: one self-contained page about one or more exports.

No network, no scripts: inline CSS and SVG bar charts drawn here. Problems of one
code are grouped, each group a ``<details>`` the browser opens and closes by itself.
Then a picture of each export: posts and comments on one continuous time axis
(empty months drawn empty, the number of bars bounded), the thread depth
histogram, the busiest threads, and items by type and status. Everything that
comes from an export reaches the page escaped, as text.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

from .validate import SEVERITIES, Problem, summary

# Twenty years of months: a bar of about 3.7 px in a chart 900 wide, still one to hover.
MAX_BARS = 240

_CSS = """
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#222}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ddd}
section+section{margin-top:4rem;border-top:3px solid #ddd}
table{border-collapse:collapse;width:100%;font-size:14px}td,th{border-bottom:1px solid #eee;padding:.3rem .5rem;
text-align:left;vertical-align:top}th{background:#f6f6f6}.error{color:#b00020;font-weight:600}.warning{color:#9a6700}
.info{color:#555}.counts span{margin-right:1.5rem}svg text{font:11px system-ui,sans-serif;fill:#333}
.bar-items{fill:#4a6fa5}.bar-comments{fill:#d08c3c}.bar{fill:#6b8e6b}.bar-outside{fill:#999}code{font-size:13px}
.hit{fill:transparent}g:hover .hit{fill:#0000000d}.axis{stroke:#bbb}
details{border:1px solid #e4e4e4;border-radius:4px;margin:.4rem 0}details[open]>summary{border-bottom:1px solid #eee}
summary{cursor:pointer;padding:.35rem .6rem}summary .count{display:inline-block;min-width:1.6rem;padding:0 .4rem;
margin:0 .4rem;border-radius:.8rem;background:#eee;text-align:center;font-weight:600}summary .hint{color:#555}
.note{color:#555;font-size:14px}details table{table-layout:fixed}details th:nth-child(1){width:5rem}
details th:nth-child(2){width:8rem}
"""


@dataclass(frozen=True)
class Timeline:
    """Counts over time on one continuous axis: every month (or year) from the first to the last.

    ``unit`` is ``month`` or ``year``; ``labels`` name each bar (``2014-11``, ``2014``,
    ``before 2005``); ``ticks`` are the text under each bar (``""``: none); ``series`` the
    counts of each series, bar by bar; ``outside`` the bars that gather dates far from the
    rest; ``note`` says how the axis was bounded, when it was.
    """

    unit: str
    labels: tuple[str, ...]
    ticks: tuple[str, ...]
    series: dict[str, tuple[int, ...]]
    outside: frozenset[int] = frozenset()
    note: str = ""


def timeline(months: dict[str, dict[str, int]], max_bars: int = MAX_BARS) -> Timeline:
    """Put ``stats``'s counts per month (``{"2014-11": {"items": 2, ...}}``) on a continuous axis.

    Months without anything get empty bars. When the dates span more than ``max_bars``
    months there is one bar per year; when they span more than ``max_bars`` years (a
    post dated in the year 1 or 9999), the busiest stretch is drawn and what lies
    before and after it is counted in one bar at each end. ``note`` says which.

    >>> t = timeline({"2014-11": {"items": 1}, "2015-02": {"items": 2}})
    >>> t.labels, t.series["items"]
    (('2014-11', '2014-12', '2015-01', '2015-02'), (1, 0, 0, 2))
    >>> len(timeline({"0001-01": {"items": 1}, "2020-05": {"items": 3}, "9999-12": {"items": 1}}).labels)
    3
    """
    points: dict[int, dict[str, int]] = {}  # months since the year 0 -> counts
    names: list[str] = []
    for key, counts in months.items():
        year, _, month = key.rpartition("-")
        try:
            index = int(year) * 12 + int(month) - 1
        except ValueError:
            continue
        points[index] = counts
        names.extend(n for n in counts if n not in names)
    if not points:
        return Timeline("month", (), (), {n: () for n in names})
    first, last = min(points) // 12, max(points) // 12
    # What lies far before and after the busiest stretch, when the axis is cut to it.
    before: dict[str, int] = {}
    after: dict[str, int] = {}
    notes = []
    room = max_bars
    if max(points) - min(points) >= max_bars and last - first >= max_bars:
        # Centuries of empty years would hide the blog: draw its busiest stretch, the rest at the ends.
        room = max_bars - 2
        first, last = _busiest_years(points, room)
        inside = {i: c for i, c in points.items() if first <= i // 12 <= last}
        outliers = sorted(set(points) - set(inside))
        for i in outliers:
            end = before if i // 12 < first else after
            for name, n in points[i].items():
                end[name] = end.get(name, 0) + n
        points = inside
        first, last = min(points) // 12, max(points) // 12
        count = sum(before.values()) + sum(after.values())
        where = " and ".join(w for side, w in ((before, "start"), (after, "end")) if side)
        years = f"{first:04d}" + (f" to {last:04d}" if last != first else "")
        span = _month(outliers[0]) + (f" to {_month(outliers[-1])}" if len(outliers) > 1 else "")
        notes.append(
            f"{count} {'date' if count == 1 else 'dates'} outside {years} ({span}) {'is' if count == 1 else 'are'}"
            f" counted in the grey bar{'s' if before and after else ''} at the {where},"
            f" to keep the chart to {max_bars} bars."
        )
    low, high = min(points), max(points)
    unit = "month" if high - low < room else "year"
    if unit == "month":
        keys = list(range(low, high + 1))
        position = {i: i - low for i in points}
        labels = [_month(i) for i in keys]
        ticks = _month_ticks(keys)
    else:
        notes.insert(0, f"One bar per year: {first:04d} to {last:04d} is more than {room} months.")
        keys = list(range(first, last + 1))
        position = {i: i // 12 - first for i in points}
        labels = [f"{y:04d}" for y in keys]
        ticks = _year_ticks(keys)
    series = {name: [0] * len(keys) for name in names}
    for index, counts in points.items():
        for name, n in counts.items():
            series[name][position[index]] += n
    outside = set()
    if before:
        labels.insert(0, f"before {first:04d}")
        ticks.insert(0, "")
        outside.add(0)
        series = {name: [before.get(name, 0), *values] for name, values in series.items()}
    if after:
        labels.append(f"after {last:04d}")
        ticks.append("")
        outside.add(len(labels) - 1)
        series = {name: [*values, after.get(name, 0)] for name, values in series.items()}
    return Timeline(
        unit,
        tuple(labels),
        tuple(ticks),
        {name: tuple(values) for name, values in series.items()},
        frozenset(outside),
        " ".join(notes),
    )


def _month(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _busiest_years(points: dict[int, dict[str, int]], width: int) -> tuple[int, int]:
    """The first and last year of the ``width`` years holding the most counts (the earliest such)."""
    per_year: dict[int, int] = {}
    for index, counts in points.items():
        per_year[index // 12] = per_year.get(index // 12, 0) + sum(counts.values())
    years = sorted(per_year)
    best, best_start, total, start = -1, years[0], 0, 0
    for year in years:  # a window sliding over the years that have counts
        total += per_year[year]
        while year - years[start] >= width:
            total -= per_year[years[start]]
            start += 1
        if total > best:
            best, best_start = total, years[start]
    return best_start, best_start + width - 1


def _month_ticks(keys: list[int], width: int = 900) -> list[str]:
    """Every month named when there is room; else each January, by its year."""
    if len(keys) * 52 <= width:
        return [_month(i) for i in keys]
    ticks = [f"{i // 12:04d}" if i % 12 == 0 else "" for i in keys]
    step = width / len(keys)
    if keys[0] % 12 and (12 - keys[0] % 12) * step >= 52:
        ticks[0] = _month(keys[0])
    return ticks


def _year_ticks(years: list[int], width: int = 900) -> list[str]:
    """Every year named when there is room; else every 2nd, 5th, 10th... year."""
    step = width / len(years)
    every = next((k for k in (1, 2, 5, 10, 20, 50, 100) if k * step >= 36), 1000)
    return [f"{y:04d}" if y % every == 0 else "" for y in years]


def _bars(
    values: Sequence[tuple[str, float]],
    css: str = "bar",
    width: int = 900,
    height: int = 160,
    ticks: Sequence[str] | None = None,
    outside: frozenset[int] = frozenset(),
) -> str:
    """A bar chart as inline SVG; every bar a column that shows its label and value on hover."""
    if not values:
        return "<p>Nothing to show.</p>"
    if ticks is None:
        ticks = [label if len(values) <= 24 or i % max(1, len(values) // 12) == 0 else "" for i, (label, _) in
                 enumerate(values)]  # fmt: skip
    top = max(v for _, v in values) or 1
    step = width / len(values)
    base = height - 20
    parts = [f'<line class="axis" x1="0" y1="{base}" x2="{width}" y2="{base}"/>']
    for i, (label, value) in enumerate(values):
        h = (base - 10) * value / top
        x = i * step
        bar = "bar-outside" if i in outside else css
        parts.append(
            f"<g><title>{escape(label)}: {value:g}</title>"
            f'<rect class="hit" x="{x:.1f}" y="0" width="{step:.1f}" height="{base}"/>'
            + (f'<rect class="{bar}" x="{x + step * 0.1:.1f}" y="{base - h:.1f}" width="{max(step * 0.8, 1):.1f}"'
               f' height="{h:.1f}"/>' if value else "")
            + "</g>"
        )  # fmt: skip
        if ticks[i]:
            left = min(x + 1, width - 6.5 * len(ticks[i]))  # (the last one inside the chart, not cut)
            parts.append(f'<text x="{left:.1f}" y="{height - 5}">{escape(ticks[i])}</text>')
    box = f'viewBox="0 0 {width} {height}" width="100%" style="max-width:{width}px"'
    return f'<svg {box} role="img">{"".join(parts)}</svg>'


def _table(rows: list[list[str]], head: list[str]) -> str:
    header = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><tr>{header}</tr>{body}</table>"


def _problems(problems: list[Problem]) -> str:
    """One ``<details>`` per code, errors first, each code where it first appears; a group of one is open."""
    if not problems:
        return "<p>No problems found.</p>"
    groups: dict[tuple[str, str], list[Problem]] = {}
    for p in problems:
        groups.setdefault((p.severity, p.code), []).append(p)
    rank = {s: n for n, s in enumerate(SEVERITIES)}
    parts = []
    for severity, code in sorted(groups, key=lambda k: rank.get(k[0], len(rank))):
        group = groups[(severity, code)]
        hints = {p.hint for p in group}
        shared = len(hints) == 1
        rows = [
            [
                escape(":".join(str(x) for x in (p.line, p.column) if x is not None)),
                escape(" / ".join(str(x) for x in (p.post_id, p.comment_id) if x is not None)),
                escape(p.message),
                *([] if shared else [escape(p.hint)]),
            ]
            for p in group
        ]
        head = ["line", "post / comment", "problem", *([] if shared else ["what to do"])]
        hint = f' <span class="hint">{escape(group[0].hint)}</span>' if shared else ""
        parts.append(
            f"<details{' open' if len(group) == 1 else ''}><summary>"
            f'<span class="{escape(severity)}">{escape(severity)}</span> <code>{escape(code)}</code>'
            f'<span class="count" title="problems with this code">{len(group)}</span>{hint}</summary>'
            f"{_table(rows, head)}</details>"
        )
    return "".join(parts)


def title_of(name: str) -> str:
    """What a page calls an export: its file's name, not the folders it was found in.

    >>> title_of("/home/ann/exports/blog.2024-03-21.xml"), title_of("-")
    ('blog.2024-03-21.xml', '-')
    """
    return os.path.basename(name.rstrip("/\\")) or name


def _section(name: str, problems: list[Problem], stats: dict[str, Any] | None) -> str:
    counts = summary(problems)
    parts = [f"<section><h1>{escape(title_of(name))}</h1>"]
    if stats:
        site = stats["site"]
        parts.append(f"<p>{escape(site['title'])} · {escape(site['link'])} · WXR {escape(site['wxr_version'])}</p>")
    parts.append(
        '<p class="counts">'
        + "".join(f'<span class="{s}">{n} {s}{"s" if n != 1 else ""}</span>' for s, n in counts.items())
        + "</p>"
    )
    parts.append("<h2>Problems</h2>")
    parts.append(_problems(problems))
    if stats:
        axis = timeline(stats.get("months", {}))
        for series, heading, css in (("items", "Posts", "bar-items"), ("comments", "Comments", "bar-comments")):
            values = list(zip(axis.labels, axis.series.get(series, (0,) * len(axis.labels)), strict=True))
            parts.append(f"<h2>{heading} per {axis.unit}</h2>")
            if axis.note and series == "items":  # (once: both charts share the axis)
                parts.append(f'<p class="note">{escape(axis.note)}</p>')
            parts.append(_bars(values, css, ticks=axis.ticks, outside=axis.outside))
        parts.append("<h2>Thread depths</h2>")
        parts.append(_bars([(f"depth {d}", n) for d, n in stats["threads"]["depth_histogram"].items()], width=500))
        parts.append("<h2>Busiest threads</h2>")
        busiest = [[escape(str(b["id"])), escape(b["title"]), str(b["comments"])] for b in stats["threads"]["busiest"]]
        parts.append(_table(busiest, ["post", "title", "comments"]) if busiest else "<p>No comments.</p>")
        parts.append("<h2>Types and statuses</h2>")
        rows = []
        for kind in ("items", "comments", "pings"):
            for name_, statuses in stats[kind]["by_type"].items():
                detail = ", ".join(f"{escape(s)} {n}" for s, n in statuses.items())
                rows.append([kind, escape(name_ or "(none)"), str(sum(statuses.values())), detail])
        parts.append(_table(rows, ["kind", "type", "count", "by status"]))
    parts.append("</section>")
    return "".join(parts)


def render_all(reports: Sequence[tuple[str, list[Problem], dict[str, Any] | None]]) -> str:
    """One page for several exports, a section each: ``(name, problems, stats or None)``.

    ``stats`` is :func:`wxrtool.stats.collect`'s dict; without it (an export that could not
    be read) the section shows only the problems.
    """
    names = [title_of(name) for name, _, _ in reports]
    title = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>wxrtool report: {escape(title)}</title>"
        f"<style>{_CSS}</style></head><body>"
        + "".join(_section(*report) for report in reports)
        + "<p><small>Written by wxrtool validate.</small></p></body></html>\n"
    )


def render(name: str, problems: list[Problem], stats: dict[str, Any] | None) -> str:
    """The whole page for one export (see :func:`render_all`).

    >>> page = render("/tmp/blog.xml", [], None)
    >>> "<title>wxrtool report: blog.xml</title>" in page and "/tmp" not in page
    True
    """
    return render_all([(name, problems, stats)])

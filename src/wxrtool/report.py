"""``validate --html``: one self-contained page about an export.

No network, no scripts: inline CSS and SVG bar charts drawn here. It shows the
problems, then a picture of the export: posts and comments per month, the
thread depth histogram, the busiest threads, and items by type and status.
"""

from __future__ import annotations

from html import escape
from typing import Any

from .validate import Problem, summary

_CSS = """
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#222}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;width:100%;font-size:14px}td,th{border-bottom:1px solid #eee;padding:.3rem .5rem;
text-align:left;vertical-align:top}th{background:#f6f6f6}.error{color:#b00020;font-weight:600}.warning{color:#9a6700}
.info{color:#555}.counts span{margin-right:1.5rem}svg text{font:11px system-ui,sans-serif;fill:#333}
.bar-items{fill:#4a6fa5}.bar-comments{fill:#d08c3c}.bar{fill:#6b8e6b}code{font-size:13px}
"""


def _bars(values: list[tuple[str, float]], css: str = "bar", width: int = 900, height: int = 160) -> str:
    """A horizontal-axis bar chart as inline SVG."""
    if not values:
        return "<p>Nothing to show.</p>"
    top = max(v for _, v in values) or 1
    step = width / len(values)
    bars = []
    for i, (label, value) in enumerate(values):
        h = (height - 30) * value / top
        x = i * step
        box = f'x="{x + 1:.1f}" y="{height - 20 - h:.1f}" width="{max(step - 2, 1):.1f}" height="{h:.1f}"'
        bars.append(f'<rect class="{css}" {box}><title>{escape(label)}: {value:g}</title></rect>')
        if len(values) <= 24 or i % max(1, len(values) // 12) == 0:
            bars.append(f'<text x="{x + 2:.1f}" y="{height - 5}">{escape(label)}</text>')
    return f'<svg viewBox="0 0 {width} {height}" width="100%" role="img">{"".join(bars)}</svg>'


def _table(rows: list[list[str]], head: list[str]) -> str:
    header = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><tr>{header}</tr>{body}</table>"


def render(name: str, problems: list[Problem], stats: dict[str, Any] | None) -> str:
    """The whole page for one export."""
    counts = summary(problems)
    parts = [
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>wxrtool report: {escape(name)}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>{escape(name)}</h1>",
    ]
    if stats:
        site = stats["site"]
        parts.append(f"<p>{escape(site['title'])} · {escape(site['link'])} · WXR {escape(site['wxr_version'])}</p>")
    parts.append(
        '<p class="counts">'
        + "".join(f'<span class="{s}">{n} {s}{"s" if n != 1 else ""}</span>' for s, n in counts.items())
        + "</p>"
    )
    parts.append("<h2>Problems</h2>")
    if problems:
        rows = [
            [
                f'<span class="{p.severity}">{p.severity}</span>',
                f"<code>{escape(p.code)}</code>",
                escape(":".join(str(x) for x in (p.line, p.column) if x is not None)),
                escape(" / ".join(str(x) for x in (p.post_id, p.comment_id) if x is not None)),
                escape(p.message),
                escape(p.hint),
            ]
            for p in problems
        ]
        parts.append(_table(rows, ["severity", "code", "line", "post / comment", "problem", "what to do"]))
    else:
        parts.append("<p>No problems found.</p>")
    if stats:
        months = stats.get("months", {})
        parts.append("<h2>Posts per month</h2>")
        parts.append(_bars([(m, c["items"]) for m, c in months.items()], "bar-items"))
        parts.append("<h2>Comments per month</h2>")
        parts.append(_bars([(m, c["comments"]) for m, c in months.items()], "bar-comments"))
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
    parts.append("<p><small>Written by wxrtool validate.</small></p></body></html>\n")
    return "".join(parts)

"""``wxrtool stats``: a picture of an export, counting everything it holds."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime
from typing import Any

from .content.blocks import block_names
from .content.shortcodes import SHORTCODES, find_shortcodes
from .read import Reader
from .records import Author, Post, Site, Term
from .source import Source
from .terminal import printable
from .threads import build_threads, walk


class _Range:
    def __init__(self) -> None:
        self.first: datetime | None = None
        self.last: datetime | None = None

    def add(self, value: datetime | None) -> None:
        if value is None:
            return
        if self.first is None or value < self.first:
            self.first = value
        if self.last is None or value > self.last:
            self.last = value

    def as_dict(self) -> dict[str, str | None]:
        return {
            "first": self.first.isoformat() if self.first else None,
            "last": self.last.isoformat() if self.last else None,
        }


def _month(value: datetime) -> str:
    """``YYYY-MM``, the year in four digits (``strftime`` writes the year 1 as ``1``)."""
    return f"{value.year:04d}-{value.month:02d}"


def _nested(counts: dict[str, Counter[str]]) -> dict[str, dict[str, int]]:
    return {k: dict(sorted(v.items())) for k, v in sorted(counts.items())}


def collect(source: Source, *, recover: bool = False) -> dict[str, Any]:
    """Count everything in an export: every status, every type, nothing filtered.

    Returns a JSON-ready dict (the shape ``wxrtool stats --json`` prints).

    >>> collect(samples / "klout.xml")["comments"]["total"]
    36
    """
    site: Site | None = None
    items: dict[str, Counter[str]] = defaultdict(Counter)
    comments: dict[str, Counter[str]] = defaultdict(Counter)
    pings: dict[str, Counter[str]] = defaultdict(Counter)
    depths: Counter[int] = Counter()
    promoted: Counter[str] = Counter()
    by_author: Counter[str] = Counter()
    taxonomies: Counter[str] = Counter()
    declared_authors = 0
    item_dates, comment_dates = _Range(), _Range()
    busiest: list[tuple[int, int, str]] = []
    shortcodes: Counter[str] = Counter()
    months: dict[str, Counter[str]] = defaultdict(Counter)
    blocks: Counter[str] = Counter()
    reader = Reader(source, recover=recover)
    for record in reader:
        if isinstance(record, Post):
            items[record.type][record.status] += 1
            if record.date is not None and record.type not in ("attachment", "nav_menu_item", "revision"):
                months[_month(record.date)]["items"] += 1
            for comment in record.comments:
                if comment.date is not None:
                    months[_month(comment.date)]["comments"] += 1
            content = record.content_html
            if "[" in content:
                shortcodes.update(find_shortcodes(content))
            if "<!-- wp:" in content:
                blocks.update(block_names(content))
            by_author[record.author] += 1
            item_dates.add(record.date_utc or record.date)
            for ping in record.pings:
                pings[ping.type.value][ping.status.value] += 1
            for comment in record.comments:
                comments[comment.type][comment.status.value] += 1
                comment_dates.add(comment.date_utc or comment.date)
            for node, _path in walk(build_threads(record.comments)):
                depths[node.depth] += 1
                if node.promoted is not None:
                    promoted[node.promoted.value] += 1
            if record.comments:
                busiest.append((len(record.comments), record.id, record.title))
                busiest = sorted(busiest, key=lambda b: (-b[0], b[1]))[:5]
        elif isinstance(record, Author):
            declared_authors += 1
        elif isinstance(record, Term):
            taxonomies[record.taxonomy] += 1
        elif isinstance(record, Site):
            site = record
    return {
        "site": {
            "title": site.title if site else "",
            "link": site.link if site else "",
            "wxr_version": site.wxr_version if site else "",
            "generator": site.generator if site else "",
        },
        "items": {"total": sum(sum(c.values()) for c in items.values()), "by_type": _nested(items)},
        "comments": {"total": sum(sum(c.values()) for c in comments.values()), "by_type": _nested(comments)},
        "pings": {"total": sum(sum(c.values()) for c in pings.values()), "by_type": _nested(pings)},
        "threads": {
            "depth_histogram": {str(d): n for d, n in sorted(depths.items())},
            "max_depth": max(depths) if depths else None,
            "orphans": dict(sorted(promoted.items())),
            "busiest": [{"id": i, "title": t, "comments": n} for n, i, t in busiest],
        },
        "dates": {"items": item_dates.as_dict(), "comments": comment_dates.as_dict()},
        "months": {m: {"items": c["items"], "comments": c["comments"]} for m, c in sorted(months.items())},
        "authors": {"declared": declared_authors, "items_by_author": dict(by_author.most_common())},
        "terms": dict(sorted(taxonomies.items())),
        "repairs": len(reader.repairs),
        "content": {
            "blocks": dict(sorted(blocks.items(), key=lambda kv: (-kv[1], kv[0]))),
            "shortcodes": {
                name: {"count": n, "converted": name in SHORTCODES}
                for name, n in sorted(shortcodes.items(), key=lambda kv: (-kv[1], kv[0]))
            },
        },
    }


def render(stats: dict[str, Any]) -> str:
    """The stats as text for people; what came from the export has its control characters escaped."""
    lines = [f"{stats['site']['title'] or '(untitled)'}  {stats['site']['link']}  WXR {stats['site']['wxr_version']}"]
    for kind in ("items", "comments", "pings"):
        block = stats[kind]
        lines.append(f"{kind}: {block['total']}")
        for name, statuses in block["by_type"].items():
            detail = ", ".join(f"{s} {n}" for s, n in statuses.items())
            lines.append(f"  {name or '(none)'}: {sum(statuses.values())} ({detail})")
    threads = stats["threads"]
    if threads["depth_histogram"]:
        histogram = ", ".join(f"{d}: {n}" for d, n in threads["depth_histogram"].items())
        lines.append(f"thread depths: {histogram}")
    orphans = ", ".join(f"{r} {n}" for r, n in threads["orphans"].items()) or "none"
    lines.append(f"promoted to top level: {orphans}")
    for name, span in stats["dates"].items():
        if span["first"]:
            lines.append(f"{name} dated from {span['first']} to {span['last']}")
    authors = stats["authors"]
    top = ", ".join(f"{a or '(none)'} {n}" for a, n in list(authors["items_by_author"].items())[:10])
    lines.append(f"authors: {authors['declared']} declared; items by author: {top or 'none'}")
    if stats["terms"]:
        lines.append("terms: " + ", ".join(f"{t} {n}" for t, n in stats["terms"].items()))
    content = stats["content"]
    if content["blocks"]:
        lines.append("blocks: " + ", ".join(f"{b} {n}" for b, n in content["blocks"].items()))
    if content["shortcodes"]:
        described = [
            f"{name} {info['count']}" + ("" if info["converted"] else " (kept as written)")
            for name, info in content["shortcodes"].items()
        ]
        lines.append("shortcodes: " + ", ".join(described))
    return "\n".join(printable(line) for line in lines)

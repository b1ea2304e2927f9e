"""Fidelity measured against the real WordPress: writes bench/FIDELITY.md and bench/fidelity/report.html.

    python bench/fidelity/run.py            # the samples, every readable fixture, a generated slice

Each export is imported into a real WordPress (:mod:`wordpress`) and every published
item rendered as WordPress shows it; wxrtool's ``--to markdown`` of the same export is
rendered back (:mod:`sides`); the two are compared element by element (:mod:`elements`,
:mod:`compare`). The Hugo and Jekyll sites built from wxrtool's output (:mod:`engines`) and
two peers, wordpress-export-to-markdown and Pelican's ``pelican-import`` (:mod:`peers`), go
through the same comparison. ``report.html`` shows every item that differs, side by side,
with what wxrtool's page lacks.
"""

from __future__ import annotations

import argparse
import dataclasses
import html
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

import corpus  # noqa: E402
from compare import DELIBERATE, ExportScore, attachment_slugs, compare, item_links, published, site_hosts  # noqa: E402
from elements import KINDS  # noqa: E402
from engines import binary, engine_items  # noqa: E402
from peers import PEERS, Peer, install, peer_items  # noqa: E402
from sides import wordpress_items, wxrtool_items  # noqa: E402
from wordpress import WordPress, missing  # noqa: E402

ROOT = HERE.parents[1]


def installed_peers() -> dict[str, Peer]:
    """The peers that could be installed here; each that could not is named, with why, on stderr."""
    found = {}
    for name in PEERS:
        try:
            found[name] = install(name)
        except RuntimeError as exc:
            print(f"{name}: skipped, {exc}", file=sys.stderr)
    return found


def measure(
    exports: dict[str, Path], wp: WordPress, peers: dict[str, Peer] | None = None
) -> dict[str, list[ExportScore]]:
    """Per side (wxrtool's Markdown, the Hugo and Jekyll sites built from it, the peers), per export.

    ``peers``: those to run (by default, every one that installs).
    """
    peers = installed_peers() if peers is None else peers
    sides: dict[str, list[ExportScore]] = {"markdown": [], "hugo": [], "jekyll": [], **{name: [] for name in PEERS}}
    for name, path in exports.items():
        try:
            rows = wp.site_of(path)
        except RuntimeError as exc:
            print(f"{name}: WordPress could not import it: {str(exc).splitlines()[0]}", file=sys.stderr)
            continue
        theirs, hosts, shown = wordpress_items(rows), site_hosts(str(path)), published(str(path))
        pages = attachment_slugs(str(path))
        named = item_links(str(path))
        sides["markdown"].append(compare(name, theirs, wxrtool_items(path), hosts, shown, pages, named))
        for engine in ("hugo", "jekyll"):
            command = binary(engine)
            if command is not None:
                items = engine_items(path, engine, command)
                sides[engine].append(compare(f"{engine}: {name}", theirs, items, hosts, shown, pages, named))
        for peer in peers.values():
            sides[peer.name].append(
                compare(f"{peer.name}: {name}", theirs, peer_items(path, peer), hosts, shown, pages, named)
            )
        print(f"{name}: {sides['markdown'][-1].items} items, text {_pct(sides['markdown'][-1].share('text'))}",
              file=sys.stderr)  # fmt: skip
    return sides


def _pct(share: float | None) -> str:
    return "-" if share is None else f"{share:.3f}"


def total(scores: list[ExportScore], name: str = "all") -> ExportScore:
    """The scores of several exports added up."""
    whole = ExportScore(name)
    for s in scores:
        whole.items += s.items
        whole.close += s.close
        whole.found.update(s.found)
        whole.total.update(s.total)
        whole.excused.update(s.excused)
        whole.items_missing += s.items_missing
        for attr in ("titles", "comments", "pings"):
            mine, theirs = getattr(whole, attr), getattr(s, attr)
            mine[0] += theirs[0]
            mine[1] += theirs[1]
    return whole


def table(scores: list[ExportScore], with_total: bool = True) -> list[str]:
    rows = [*scores, total(scores)] if with_total else scores
    lines = [
        "| export | items | text kept | less deliberate | items at 0.99 | titles | "
        + " | ".join(k for k in KINDS if k != "text")
        + " | comments in place | comment text | pings |",
        "|---|---:|---:|---:|---:|---:|" + "---:|" * (len(KINDS) - 1) + "---:|---:|---:|",
    ]

    def cell(s: ExportScore, kind: str) -> str:
        if not s.total[kind]:
            return "-"
        excused = f" ({s.excused[kind]} deliberate)" if s.excused[kind] else ""
        return f"{s.found[kind]}/{s.total[kind]}{excused}"

    for s in rows:
        cells = [
            f"**{s.name}**" if s.name in ("all", "markdown", "hugo", "jekyll", *PEERS) else s.name,
            str(s.items - len(s.items_missing)) + (f" ({len(s.items_missing)} missing)" if s.items_missing else ""),
            _pct(s.share("text")),
            _pct(s.share_less_deliberate("text")),
            f"{s.close}/{s.items}",
            f"{s.titles[0]}/{s.titles[1]}",
            *(cell(s, k) for k in KINDS if k != "text"),
            f"{s.comments[0]}/{s.comments[1]}" if s.comments[1] else "-",
            _pct(s.share("comments.text")),
            f"{s.pings[0]}/{s.pings[1]}" if s.pings[1] else "-",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def report(scores: list[ExportScore]) -> str:
    """Every differing item, side by side: WordPress | wxrtool, with what wxrtool lacks."""
    parts = [
        "<!doctype html><meta charset=utf-8><title>wxrtool fidelity: differences</title>",
        "<style>body{font:14px sans-serif;margin:1em}table{border-collapse:collapse;width:100%}"
        "td{vertical-align:top;border:1px solid #ccc;padding:6px;width:50%}"
        ".lost{background:#fee;border:1px solid #c33;padding:4px;margin:4px 0;font-family:monospace;"
        "white-space:pre-wrap}h2{margin-top:2em}</style>",
        "<h1>Where wxrtool's page lacks what WordPress showed</h1>",
    ]
    for s in scores:
        if not s.differences:
            continue
        parts.append(f"<h2>{html.escape(s.name)}: {len(s.differences)} differences</h2>")
        for d in s.differences:
            lost = "\n".join(f"{k}: {v!r}" for k, v in d.lost.items())
            parts.append(
                f"<h3>item {d.item}, {html.escape(d.where)}</h3><div class=lost>{html.escape(lost)}</div>"
                # The sides are shown as source, not rendered: an export is untrusted.
                f"<table><tr><td><pre>{html.escape(d.wordpress)}</pre></td>"
                f"<td><pre>{html.escape(d.wxrtool)}</pre></td></tr></table>"
            )
    return "\n".join(parts) + "\n"


def _peers_intro(peers: dict[str, Peer]) -> list[str]:
    """What the peers are, which versions, and how they were run."""
    lines = [
        "The peers go through the same comparison: wordpress-export-to-markdown (npm) and Pelican's",
        "`pelican-import` (PyPI), installed by `bench/installers.py` as `bench/run.py --peers` installs",
        "them. Each file they write is matched back to the export's item by its slug (then its title),",
        "and its body rendered with the same markdown-it-py as wxrtool's.",
        "",
    ]
    node, pelican = peers.get(PEERS[0]), peers.get(PEERS[1])
    if node:
        lines += [
            f"- wordpress-export-to-markdown {node.version}: `wordpress-export-to-markdown {' '.join(node.command[1:])}",
            "  --input EXPORT --output OUT` (images off; pages and custom post types included). It writes",
            "  every item but drafts and trashed ones, as Markdown (Turndown) under a YAML front matter.",
        ]
    if pelican:
        lines += [
            f"- `pelican-import` {pelican.version}: `pelican-import --wpfile -m markdown -o OUT EXPORT`.",
            "  It writes published items and drafts of every type, as pandoc's GitHub Markdown under",
            "  Pelican's `Title:`, `Slug:`... header.",
        ]
    lines += [f"- Not run here: {name}." for name in PEERS if name not in peers]
    return [
        *lines,
        "",
        "Neither peer writes comments or pings: every one WordPress showed counts as missing. Both stop",
        "at an item lacking a field they expect (`wp:status`, `wp:post_type`, a category's `domain`...):",
        "wordpress-export-to-markdown then writes nothing, pelican-import only the items before it.",
    ]


def _peers_by_export(sides: dict[str, list[ExportScore]], peers: dict[str, Peer]) -> list[str]:
    """A table per peer, export by export (in the same order as wxrtool's)."""
    if not peers:
        return []
    lines = ["## Peers, by export", ""]
    for name in peers:
        shown = [dataclasses.replace(s, name=s.name.removeprefix(f"{name}: ")) for s in sides[name]]
        lines += [f"### {name}", "", *table(shown), ""]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=str(ROOT / "bench" / "FIDELITY.md"))
    parser.add_argument("--html", default=str(HERE / "report.html"))
    args = parser.parse_args()
    reason = missing()
    if reason:
        sys.exit(f"no WordPress here: {reason}")
    peers = installed_peers()
    with tempfile.TemporaryDirectory() as tmp, WordPress() as wp:
        sides = measure(corpus.exports(Path(tmp), "generated (60 posts)", "--posts", "60"), wp, peers)
    scores = sides["markdown"]
    text = [
        "# Fidelity against the real WordPress",
        "",
        "Written by `python bench/fidelity/run.py`. Each export is imported into WordPress 6.1 (Debian's",
        "package, PHP 8.2, MariaDB 10.11) with WordPress's own importer, and every published item is",
        "rendered as WordPress shows it (`the_content`, `the_title`, approved comments as",
        "`wp_list_comments` threads them). wxrtool's `--to markdown` is rendered back with markdown-it-py",
        "(CommonMark, raw HTML, tables, strikethrough). Each cell counts WordPress's elements that",
        "wxrtool's page has (found/total), and of those not found, how many are deliberate differences",
        "(listed below); text is the share of WordPress's words found in order, and the same share of",
        "the words wxrtool means to keep (less the deliberate differences: the issue's bar is 0.995).",
        "Typographic quotes and dashes, white space, and the site's own host in URLs are normalised",
        "(see `bench/fidelity/elements.py`). Every item where wxrtool's pages differ is in",
        "`bench/fidelity/report.html`.",
        "",
        *_peers_intro(peers),
        "",
        "## By side",
        "",
        "wxrtool's `--to markdown` rendered back, the sites Hugo and Jekyll build from `--to hugo",
        "--scaffold` and `--to jekyll --scaffold` (each item's page found through the redirect file),",
        "and the peers, over the same exports in the same run.",
        "",
        *table([total(v, k) for k, v in sides.items() if v], with_total=False),
        "",
        "## Markdown, by export",
        "",
        *table(scores),
        "",
        *_peers_by_export(sides, peers),
        "## Deliberate differences",
        "",
        "Where wxrtool's page differs from WordPress's on purpose; `tests/test_fidelity.py` fails on any",
        "other lost link, image, code block, heading or comment placement.",
        "",
        *(f"- `{name}` item {item}, {kind}: {why}" for (name, item, kind), why in DELIBERATE.items()),
        "- Replies whose parent WordPress did not show (spam, deleted, a cycle): WordPress lists them at",
        "  the end, flat; wxrtool's thread policy (`wxrtool/threads.py`) puts each at the top level in",
        "  date order with its own replies under it. Counted as in place.",
        "",
        "## Rules",
        "",
        "- The reference is what a reader of the blog saw. Core WordPress is the reference; where",
        "  WordPress.com showed something else (its own shortcodes and embeds), a WordPress.com blog's",
        "  readers saw WordPress.com's rendering, and that is what wxrtool follows for such exports.",
        "- Items compared: those published in the export (the importer publishes a scheduled post",
        "  whose date has passed; readers had not seen it). Comments: the approved ones, threaded,",
        "  each parent restored as the export names it (the importer links a reply only to a parent",
        "  inserted before it).",
        "- Normalised, because a reader cannot tell: white space, typographic quotes and dashes, the",
        "  site's own host in links, an uploaded file's folder and size suffix (the importer moves",
        "  every attachment; `photo-150x150.jpg` is `photo.jpg`), a `<br>` inside `<pre>` (a newline).",
        "- Compared as a browser shows it: a table's footer at its end (wherever the source puts",
        "  `<tfoot>`), a player's fallback text hidden, a button (the File block's) apart from the",
        "  link before it, `---` and `--` as wptexturize's dashes, a `<br>` counted only between text",
        "  (one at the start or end of a block, or in an empty cell, adds space Markdown cannot say).",
        "- Embeds: the reference WordPress has no network, so a URL it would embed (a YouTube video, a",
        "  post on X) shows as the bare URL; readers of the blog saw a player. wxrtool writes the",
        "  engine's player (Hugo's `youtube`, `vimeo`, `x`) or a link saying what it was: counted as",
        "  deliberate. So is a picture's link to its attachment page (a gallery's thumbnails): the new",
        "  site has no attachment pages, and wxrtool shows each picture itself.",
        "- A plugin's shortcode that core WordPress shows as text (`[sourcecode]`: SyntaxHighlighter",
        "  Evolved, built into WordPress.com) showed its readers code: wxrtool writes code, a deliberate",
        "  difference from the core reference.",
        "",
    ]
    Path(args.out).write_text("\n".join(text), encoding="utf-8")
    mine = [s for side, v in sides.items() if side not in PEERS for s in v]  # (the peers' would drown them)
    Path(args.html).write_text(report(mine), encoding="utf-8")
    print(f"wrote {args.out} and {args.html}", file=sys.stderr)


if __name__ == "__main__":
    main()

"""The migration report: one self-contained HTML page of what ``wxrtool migrate`` did.

No script, no style sheet or image from elsewhere, no link off the page: it reads the same
opened from a disk years later. Everything taken from the export (titles, addresses, reasons
quoting them) is escaped where it is written.
"""

from __future__ import annotations

import html
import os
from collections import Counter
from collections.abc import Iterable

from .account import KINDS, Reason
from .migration import EXTRAS, IMPORT_FILE, REDIRECT_FILES, Migration
from .terminal import printable
from .urlcheck import decoded, summary

_SHOWN = 50  # rows of one list shown before "and N more"

_STYLE = """
body{font:16px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#1d1d1f}
h1{font-size:1.6rem;margin-bottom:.2rem} h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ddd}
.lead{color:#555;margin-top:0} .boxes{display:flex;flex-wrap:wrap;gap:.8rem;margin:1rem 0}
.box{border:1px solid #ddd;border-radius:.5rem;padding:.6rem 1rem;min-width:9rem}
.box b{display:block;font-size:1.5rem} .ok{border-color:#2e7d32} .bad{border-color:#c62828;background:#fff5f5}
table{border-collapse:collapse;width:100%;font-size:.92rem} th,td{text-align:left;padding:.25rem .5rem;
border-bottom:1px solid #eee;vertical-align:top} td.n{text-align:right;font-variant-numeric:tabular-nums}
code{background:#f4f4f5;padding:0 .2rem;border-radius:.2rem;word-break:break-all}
pre{background:#f4f4f5;padding:.6rem;overflow-x:auto} details{margin:.3rem 0} summary{cursor:pointer}
"""

_ENGINES = {
    "hugo": "Hugo",
    "jekyll": "Jekyll",
    "pelican": "Pelican",
    "astro": "Astro",
    "eleventy": "Eleventy",
    "ghost": "Ghost",
    "markdown": "Markdown",
}


def report_page(done: Migration) -> str:
    """The report of ``done`` as an HTML document."""
    options = done.options
    engine = _ENGINES[options.to]
    name = os.path.basename(done.export)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Migration of {_e(name)} to {engine}</title><style>{_STYLE}</style></head><body>",
        f"<h1>Migration of {_e(name)} to {engine}</h1>",
        f'<p class="lead">Written to <code>{_e(options.output)}</code> by wxrtool migrate.</p>',
        _boxes(done),
        _moved(done),
        _problems(done),
        _media(done),
        _redirects(done),
        _links(done),
        _check(done),
        _next_steps(done),
        "</body></html>",
    ]
    return "\n".join(p for p in parts if p) + "\n"


def _e(text: object) -> str:
    # (printable(): control and bidirectional characters from the export shown, not obeyed)
    return html.escape(printable(str(text)))


def _box(label: str, value: object, good: bool | None = None) -> str:
    kind = "" if good is None else (" ok" if good else " bad")
    return f'<div class="box{kind}"><b>{_e(value)}</b>{_e(label)}</div>'


def _boxes(done: Migration) -> str:
    account = done.account
    boxes = []
    if account is not None:
        boxes.append(_box("items written", f"{account.written['items']} of {account.read['items']}"))
        boxes.append(_box("comments written", f"{account.written['comments']} of {account.read['comments']}"))
    fetched = sum(1 for o in done.media if o.status == "fetched")
    if done.media:
        boxes.append(_box("media files placed", f"{fetched} of {len(done.media)}", fetched == len(done.media)))
    boxes.append(_box("redirects", done.redirects.get("redirects.csv", 0)))
    if done.checks:
        counts = summary(done.checks)
        bad = counts["missing"] + counts["wrong page"]
        boxes.append(_box("old addresses answering", f"{len(done.checks) - bad} of {len(done.checks)}", bad == 0))
    warnings = len(done.warnings)
    boxes.append(_box("warnings in the export", warnings, warnings == 0))
    return '<div class="boxes">' + "".join(boxes) + "</div>"


def _table(head: Iterable[str], rows: Iterable[Iterable[object]], numeric: Iterable[int] = ()) -> str:
    right = set(numeric)
    lines = ["<table><tr>" + "".join(f"<th>{_e(h)}</th>" for h in head) + "</tr>"]
    for row in rows:
        cells = "".join(f'<td class="n">{_e(c)}</td>' if i in right else f"<td>{_e(c)}</td>" for i, c in enumerate(row))
        lines.append(f"<tr>{cells}</tr>")
    return "\n".join(lines) + "</table>"


def _list(items: list[str], what: str) -> str:
    shown = "".join(f"<li>{item}</li>" for item in items[:_SHOWN])
    more = f"<p>... and {len(items) - _SHOWN} more {what}.</p>" if len(items) > _SHOWN else ""
    return f"<ul>{shown}</ul>{more}"


def _moved(done: Migration) -> str:
    account = done.account
    if account is None:
        return ""
    rows = [(kind, account.read[kind], account.written[kind], sum(account.left_out[kind].values())) for kind in KINDS]
    reasons = Counter[str]()
    for kind in KINDS:
        for reason, n in account.left_out[kind].items():
            reasons[f"{kind}: {reason}"] += n
    why = [
        f"<code>{_e(reason)}</code> {n}: {_e(Reason.explain(reason.split(': ', 1)[1]))}"
        for reason, n in sorted(reasons.items())
    ]
    text = "<h2>What moved</h2>" + _table(("records", "read", "written", "left out"), rows, (1, 2, 3))
    if why:
        text += "<p>Left out, and why:</p>" + _list(why, "reasons")
    if account.content:
        notes = ", ".join(f"{_e(k)} {n}" for k, n in sorted(account.content.items()))
        text += f"<p>Noted while converting: {notes}.</p>"
    if account.repairs:
        text += f"<p>{len(account.repairs)} repairs made to the export as it was read (see account.json).</p>"
    return text


def _problems(done: Migration) -> str:
    if not done.problems:
        return "<h2>Problems found</h2><p>None: the export is sound.</p>"
    by_code: dict[str, list[str]] = {}
    for problem in done.problems:
        where = f"line {problem.line}: " if problem.line else ""
        by_code.setdefault(f"{problem.severity} {problem.code}", []).append(f"{where}{problem.message}")
    groups = []
    for code, messages in sorted(by_code.items()):
        hint = next(p.hint for p in done.problems if f"{p.severity} {p.code}" == code)
        groups.append(
            f"<details><summary><code>{_e(code)}</code>, {len(messages)} times: {_e(hint)}</summary>"
            + _list([_e(m) for m in messages], "of this problem")
            + "</details>"
        )
    return "<h2>Problems found</h2><p>Warnings do not stop the move; each is listed with what to do.</p>" + "".join(
        groups
    )


def _media(done: Migration) -> str:
    if not done.media:
        if done.options.media == "none":
            return "<h2>Media</h2><p>Not asked for (<code>--media none</code>): links point at the old site.</p>"
        return "<h2>Media</h2><p>The export refers to no media files.</p>"
    counts = Counter(o.status for o in done.media)
    local = sum(1 for o in done.media if o.status == "fetched" and o.reason.startswith("from "))
    # (from the user's folder only when one was given: "0 from <code></code>" said nothing)
    where = f"{local} from <code>{_e(done.options.media_from)}</code>, " if done.options.media_from else ""
    text = (
        f"<h2>Media</h2><p>{counts['fetched']} placed with their posts ({where}{counts['fetched'] - local} "
        f"downloaded), {counts['failed']} failed, {counts['skipped']} skipped. A file not placed keeps its link to the"
        " old site.</p>"
    )
    missing = [o for o in done.media if o.status != "fetched"]
    if missing:
        text += _list([f"<code>{_e(o.url)}</code>: {_e(o.reason)}" for o in missing], "files")
    return text


def _redirects(done: Migration) -> str:
    left_out = done.redirects_left_out
    rows = [(f"{EXTRAS}/{name}", n, len(left_out.get(name, []))) for name, n in done.redirects.items()]
    text = "<h2>Redirects</h2><p>From every old address (permalinks, <code>?p=ID</code>, old slugs, archives, feeds)"
    text += " to its new page:</p>" + _table(("file", "rules", "left out"), rows, (1, 2))
    for name, refused in left_out.items():
        if refused:
            text += f"<details><summary>Left out of <code>{_e(name)}</code>: {len(refused)}</summary>"
            text += _list([f"<code>{_e(decoded(old))}</code>: {_e(why)}" for old, why in refused], "redirects")
            text += "</details>"
    return text


def _links(done: Migration) -> str:
    account = done.account
    if account is None or not (account.links_rewritten or account.links_kept):
        return ""
    text = f"<h2>Links between posts</h2><p>{account.links_rewritten} pointed at their new addresses"
    text += f", {len(account.links_kept)} to items left out kept as they were.</p>"
    if account.links_kept:
        text += _list([f"<code>{_e(f)}</code>: <code>{_e(link)}</code>" for f, link in account.links_kept], "links")
    return text


def _check(done: Migration) -> str:
    if not done.checks:
        return f"<h2>Old addresses</h2><p>Not checked: {_e(done.check_note)}.</p>"
    counts = summary(done.checks)
    text = f"<h2>Old addresses</h2><p>Every old address asked of the new site ({_e(done.check_note)}): "
    text += ", ".join(f"{n} {outcome}" for outcome, n in counts.items()) + ".</p>"
    bad = [c for c in done.checks if not c.ok]
    if bad:
        text += _list(
            [f"<code>{_e(decoded(c.address.url))}</code> [{_e(c.address.kind)}]: {_e(c.reason)}" for c in bad],
            "addresses",
        )
    return text


def _next_steps(done: Migration) -> str:
    out = done.options.output
    steps = {
        "hugo": [
            f"Look at it: <code>cd {_e(out)} &amp;&amp; hugo server</code>; build it with <code>hugo</code> "
            "(into <code>public/</code>).",
            f"On Netlify, copy <code>{EXTRAS}/_redirects</code> into <code>static/</code>; with nginx or Apache, "
            f"include <code>{EXTRAS}/{REDIRECT_FILES['nginx']}</code> or <code>{REDIRECT_FILES['apache']}</code> "
            "as its first comment says.",
            "Comments are in each post's <code>comments.json</code>, shown by the layouts; to move them to a "
            f"comment system: <code>wxrtool convert EXPORT --to disqus -o disqus/ --url-map {EXTRAS}/redirects.csv "
            "--base-url URL</code>.",
        ],
        "jekyll": [
            f"Look at it: <code>cd {_e(out)} &amp;&amp; jekyll serve</code> (with the jekyll-redirect-from "
            "plugin); build it with <code>jekyll build</code>.",
            f"On Netlify or GitHub Pages, old slugs redirect through jekyll-redirect-from; the rest is in "
            f"<code>{EXTRAS}/_redirects</code> (Netlify: add it to <code>include:</code> in _config.yml and copy it "
            f"to the site's root), <code>{REDIRECT_FILES['nginx']}</code> and <code>{REDIRECT_FILES['apache']}</code>.",
            "Comments are Staticman data files in <code>_data/comments/</code>, shown by the layouts.",
        ],
        "pelican": [
            f"Look at it: <code>cd {_e(out)} &amp;&amp; pelican content -s pelicanconf.py -o output --listen</code>.",
            f"Redirects for your server are in <code>{EXTRAS}/</code>; on Netlify copy <code>_redirects</code> "
            "into <code>output/</code> after each build.",
        ],
        "astro": [
            f"Look at it: <code>cd {_e(out)} &amp;&amp; npm install &amp;&amp; npx astro dev</code>; build it with "
            "<code>npx astro build</code> (into <code>dist/</code>), then check every old address with "
            "<code>wxrtool check-urls EXPORT dist</code>.",
            f"Redirects for your server are in <code>{EXTRAS}/</code>; on Netlify copy <code>_redirects</code> into "
            "<code>public/</code>.",
        ],
        "eleventy": [
            f"Look at it: <code>cd {_e(out)} &amp;&amp; npm install &amp;&amp; npx @11ty/eleventy --serve</code>; "
            "build it with <code>npx @11ty/eleventy</code> (into <code>_site/</code>), then check every old "
            "address with <code>wxrtool check-urls EXPORT _site</code>.",
            f"Redirects for your server are in <code>{EXTRAS}/</code>; on Netlify copy <code>_redirects</code> into "
            "<code>_site/</code> after each build.",
        ],
        "ghost": [
            f"Import <code>{IMPORT_FILE}</code> in Ghost Admin: Settings, Import/Export, Import content.",
            f"If nginx or Apache is in front of Ghost, include <code>{EXTRAS}/{REDIRECT_FILES['nginx']}</code> or "
            f"<code>{REDIRECT_FILES['apache']}</code>; then check with <code>wxrtool check-urls EXPORT "
            "https://your-ghost-site</code>.",
            "Ghost imports no comments: move them with <code>wxrtool convert EXPORT --to disqus</code> (or remark42).",
        ],
        "markdown": [
            "Each item is a Markdown file with YAML front matter; point your site generator at the folder.",
            f"Redirects for your server are in <code>{EXTRAS}/</code>; check the built site with "
            "<code>wxrtool check-urls EXPORT SITE</code>.",
        ],
    }[done.options.to]
    steps.append(
        f"Everything above is in <code>{EXTRAS}/account.json</code> too. Run the same migration again with the "
        "command wxrtool printed, adding <code>--force</code> to replace this folder."
    )
    return "<h2>Next steps</h2><ol>" + "".join(f"<li>{step}</li>" for step in steps) + "</ol>"

"""``--redirects``: every old permalink (and ``/?p=ID``) mapped to its new address.

Written for nginx (a ``map`` on ``$request_uri``, which includes the query), Apache
(``Redirect`` lines, plus ``RewriteRule`` for ``?p=`` links), Netlify
(``_redirects``, query parameters matched) or as CSV. Only items a writer gave a
new address appear; an old address equal to the new one needs no redirect.
"""

from __future__ import annotations

import csv
import io
from urllib.parse import unquote, urlsplit

STYLES = ("nginx", "apache", "netlify", "csv")


def pairs(urls: dict[int, tuple[str, str]]) -> list[tuple[str, str]]:
    """``(old, new)`` path pairs: each old permalink's path and ``/?p=ID``, sorted, no duplicates."""
    found: dict[str, str] = {}
    for item_id, (link, new) in sorted(urls.items()):
        old = unquote(urlsplit(link).path) if link else ""
        if old and old not in ("/",) and old != new:
            found.setdefault(old, new)
        found.setdefault(f"/?p={item_id}", new)
    return sorted(found.items())


def render(style: str, urls: dict[int, tuple[str, str]]) -> str:
    """The redirect rules in ``style`` (one of :data:`STYLES`).

    >>> print(render("netlify", {7: ("https://x.org/2020/01/a/", "/posts/a/")}), end="")
    /2020/01/a/  /posts/a/  301
    /  p=7  /posts/a/  301
    """
    rules = pairs(urls)
    if style == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["old", "new"])
        writer.writerows(rules)
        return buffer.getvalue()
    lines: list[str] = []
    if style == "nginx":
        lines.append("# include inside the http block; then in the server block:")
        lines.append("#   if ($wxrtool_redirect) { return 301 $wxrtool_redirect; }")
        lines.append("map $request_uri $wxrtool_redirect {")
        lines += [f'    "{_quote(old)}" "{_quote(new)}";' for old, new in rules]
        lines.append("}")
    elif style == "apache":
        lines.append("RewriteEngine On")
        for old, new in rules:
            if old.startswith("/?p="):
                lines.append(f"RewriteCond %{{QUERY_STRING}} ^p={old[4:]}$")
                lines.append(f'RewriteRule ^/?$ "{new}?" [R=301,L]')
            else:
                lines.append(f'Redirect 301 "{old}" "{new}"')
    elif style == "netlify":
        for old, new in rules:
            if old.startswith("/?p="):
                lines.append(f"/  p={old[4:]}  {new}  301")
            else:
                lines.append(f"{old.replace(' ', '%20')}  {new}  301")
    else:
        raise ValueError(f"unknown redirect style {style!r}")
    return "\n".join(lines) + "\n"


def _quote(path: str) -> str:
    return path.replace("\\", "\\\\").replace('"', '\\"')

"""Safe, stable file paths for items, from a template.

A slug came from a stranger's database. It is decoded once (the reader did that),
NFC-normalised, stripped of path separators, control and bidirectional-override
characters and of leading dots, cut to a length every file system takes, and
falls back to the item's id when nothing is left. Every path is checked to
resolve inside the output folder, collisions get ``-<id>`` (compared without
case, as macOS and Windows do), and the same input always gives the same paths.
"""

from __future__ import annotations

import os
import re
import string
import unicodedata
from typing import Any

from ..errors import OutputError

DEFAULT_TEMPLATE = "{type}s/{slug}.md"
FIELDS = ("type", "slug", "id", "yyyy", "mm", "dd")
_MAX_BYTES = 200
_RESERVED = set('<>:"|?*')
_PLAIN = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?")  # ASCII, no dot, dash or space at the ends


def safe_component(text: str, fallback: str) -> str:
    """One path component made safe; ``fallback`` when nothing usable is left.

    >>> safe_component("../../etc/passwd", "7"), safe_component("\\u202egnp.exe", "8"), safe_component("..", "9")
    ('etcpasswd', 'gnp.exe', '9')
    """
    if len(text) <= _MAX_BYTES and _PLAIN.fullmatch(text):
        return text  # most slugs: nothing below would change them
    text = unicodedata.normalize("NFC", text)
    kept = []
    for ch in text:
        category = unicodedata.category(ch)
        if ch in "/\\" or category in ("Cc", "Cf", "Zl", "Zp"):
            continue  # separators, controls, bidi overrides, zero-width characters
        kept.append("-" if ch in _RESERVED or ch.isspace() else ch)
    cleaned = "".join(kept).strip("-. ").lstrip(".")
    encoded = cleaned.encode("utf-8")[:_MAX_BYTES]
    cleaned = encoded.decode("utf-8", "ignore").rstrip("-. ")
    return cleaned or fallback


def check_template(template: str) -> None:
    """Refuse a template naming an unknown field, or none that tells items apart."""
    names = {field for _, field, _, _ in string.Formatter().parse(template) if field}
    unknown = names - set(FIELDS)
    if unknown:
        raise OutputError(
            f"unknown field {{{sorted(unknown)[0]}}} in the path template {template!r}",
            hint="use " + ", ".join("{" + f + "}" for f in FIELDS),
        )
    if not names & {"slug", "id"}:
        raise OutputError(f"the path template {template!r} has neither {{slug}} nor {{id}}", hint="add {slug}")


class PathPlanner:
    """Hands out one unique, safe relative path per item."""

    def __init__(self, root: str, template: str = DEFAULT_TEMPLATE) -> None:
        check_template(template)
        self.root = os.path.realpath(root)
        self.template = template
        self.taken: set[str] = set()

    def path_for(self, fields: dict[str, Any], slug_parts: list[str], item_id: int, template: str | None = None) -> str:
        """The relative path for an item; ``slug_parts`` are its ancestors' slugs, then its own.

        On a collision the item's own slug gets ``-<id>``, so a page bundle's folder
        changes, not the name of the file inside it.
        """
        template = template or self.template
        safe = [safe_component(part, str(item_id)) for part in slug_parts]
        relative = self._render(template, fields, safe, item_id)
        n = 1
        while relative.lower() in self.taken:
            suffix = f"-{item_id}" if n == 1 else f"-{item_id}-{n}"
            relative = self._render(template, fields, [*safe[:-1], safe[-1] + suffix], item_id)
            n += 1
        # normpath, not realpath: the folder is one wxrtool made and holds no links, and
        # realpath's lstat of every component was a tenth of the Markdown writer's time.
        target = os.path.normpath(os.path.join(self.root, relative))
        if os.path.commonpath([self.root, target]) != self.root or relative.startswith(".."):
            raise OutputError(f"the path {relative!r} for item {item_id} leaves the output folder")
        self.taken.add(relative.lower())
        return relative

    @staticmethod
    def _render(template: str, fields: dict[str, Any], slug_parts: list[str], item_id: int) -> str:
        # Every field comes from the export, a post type as much as a slug.
        fields = {k: safe_component(str(v), str(item_id)) for k, v in fields.items()}
        return os.path.normpath(template.format(**{**fields, "slug": "/".join(slug_parts), "id": item_id}))

    def slug_of(self, relative: str) -> str:
        """The item's own (safe, de-duplicated) slug as it stands in ``relative``."""
        parts = relative.split("/")
        return parts[-2] if parts[-1] in ("index.md", "_index.md") else os.path.splitext(parts[-1])[0]

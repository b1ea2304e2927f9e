"""Sides written by wxrtool's peers: wordpress-export-to-markdown (npm) and Pelican's ``pelican-import``.

Each peer is installed into bench/work as ``bench/run.py --peers`` installs it (``bench/installers.py``)
and runs over the export: wordpress-export-to-markdown with images off and, where it has the option,
pages and custom post types included (``--include-other-types true``); ``pelican-import --wpfile
-m markdown`` (pandoc's Markdown under Pelican's ``Title:``, ``Slug:``... header). Each file's
body is rendered with the same markdown-it as wxrtool's Markdown (:func:`sides.render_markdown`).

Neither peer says which WordPress item a file came from, so each file is matched back to the
export's items: by slug (the folder or ``Slug:`` it was written under; Pelican names an item
without one by its id), then by title, preferring the same post type and a published item.
Neither peer writes comments or pings: their items have none, and the comparison counts every
one WordPress showed as missing.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import yaml
from sides import Item, Key, keep, render_markdown, title_text

import wxrtool

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from installers import node_peer, peer_version, pelican_peer

NODE = "wordpress-export-to-markdown"
PELICAN = "pelican-import"
PEERS = (NODE, PELICAN)

# Types no peer writes a page for, nor WordPress shows as one.
_NOT_PAGES = {"attachment", "revision", "nav_menu_item", "custom_css", "customize_changeset"}


@dataclass(frozen=True)
class Peer:
    """An installed peer: its command up to its output folder and export, and its version."""

    name: str
    command: list[str]
    version: str


def install(name: str) -> Peer:
    """Install the peer called ``name`` (one of :data:`PEERS`) into bench/work, or say why not.

    Raises ``RuntimeError`` with the reason when it cannot be installed here.
    """
    try:
        command = node_peer() if name == NODE else pelican_peer()
    except (OSError, subprocess.CalledProcessError) as exc:
        raise RuntimeError(f"could not be installed: {exc}") from exc
    if command is None:
        raise RuntimeError("could not be installed (npm)" if name == NODE else "pandoc is missing")
    if name == NODE:
        usage = subprocess.run([command[0], "--help"], capture_output=True, text=True, check=False).stdout
        if "--include-other-types" in usage:  # 2.x: posts only unless told
            command = [*command, "--include-other-types", "true"]
        return Peer(name, command, peer_version(command).removeprefix("v"))
    # pelican-import has no --version: its package's, and pandoc's, which writes its Markdown.
    python = Path(command[0]).with_name("python")
    pelican = subprocess.run(
        [str(python), "-c", "import importlib.metadata as m; print(m.version('pelican'))"],
        capture_output=True, text=True, check=False,
    ).stdout.strip()  # fmt: skip
    words = subprocess.run(["pandoc", "--version"], capture_output=True, text=True, check=False).stdout.split()
    return Peer(name, command, f"{pelican or '?'} (pandoc {words[1] if len(words) > 1 else '?'})")


def _node_file(path: Path, folder: Path) -> tuple[str, str, str, str]:
    """A wordpress-export-to-markdown file: (slug, type, title, Markdown body).

    Written as ``[TYPE/]SLUG/index.md`` (or ``SLUG.md``) under a YAML front matter whose
    ``title`` is double-quoted with only ``"`` escaped (so a backslash may not parse).
    """
    text = path.read_text(encoding="utf-8")
    head, body = "", text
    if text.startswith("---\n") and (end := text.find("\n---\n", 3)) >= 0:
        head, body = text[4:end], text[end + 5 :]
    try:
        meta = yaml.safe_load(head) or {}
        title = str(meta.get("title", "")) if isinstance(meta, dict) else ""
    except yaml.YAMLError:
        found = re.search(r'^title: "(.*)"$', head, re.M)
        title = found.group(1).replace('\\"', '"') if found else ""
    parts = list(path.relative_to(folder).parts)
    parts[-1:] = [] if parts[-1] == "index.md" else [parts[-1].removesuffix(".md")]
    kind = parts.pop(0) if len(parts) > 1 else ""
    return "/".join(parts), kind, title, body


def _pelican_file(path: Path, folder: Path) -> tuple[str, str, str, str]:
    """A pelican-import file: (slug, type, title, Markdown body); the header lines end at a blank line."""
    head, _, body = path.read_text(encoding="utf-8").partition("\n\n")
    fields = {key: value for key, _, value in (line.partition(": ") for line in head.splitlines())}
    return fields.get("Slug", ""), "", fields.get("Title", ""), body


def _match(posts: list[wxrtool.Post], slug: str, kind: str, title: str, taken: set[int]) -> int | None:
    """The index in ``posts`` of the item a peer's file was written from, or ``None``."""
    wanted = title_text(title)

    def named(p: wxrtool.Post) -> bool:
        return slug in (p.slug, p.slug_raw, unquote(p.slug_raw)) or (not p.slug_raw.strip() and slug == str(p.id))

    free = [i for i, p in enumerate(posts) if i not in taken]
    by_slug = [i for i in free if named(posts[i])]
    by_title = [i for i in free if wanted and title_text(posts[i].title) == wanted]
    same_title = [i for i in by_slug if i in by_title]
    for found in (same_title, by_slug, by_title):
        if found:
            # The same type first (when the path says it), then a published item: a peer may
            # also write drafts and pending items that share a slug or title with one.
            return min(found, key=lambda i: (posts[i].type != kind if kind else False, posts[i].status != "publish"))
    return None


_READERS: dict[str, Callable[[Path, Path], tuple[str, str, str, str]]] = {NODE: _node_file, PELICAN: _pelican_file}


def peer_items(export: Path, peer: Peer) -> dict[Key, Item]:
    """The items ``peer`` writes for ``export``, rendered, each under the WordPress id and type it came from."""
    posts = [r for r in wxrtool.read(export) if isinstance(r, wxrtool.Post) and r.type not in _NOT_PAGES]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "out"
        folder.mkdir()
        if peer.name == NODE:
            command = [*peer.command, "--input", str(export), "--output", str(folder)]
        else:
            command = [*peer.command, str(folder), str(export)]
        try:
            proc = subprocess.run(command, capture_output=True, text=True, check=False, timeout=1800)
        except subprocess.TimeoutExpired:
            print(f"{peer.name}: {export.name}: still running after 30 minutes, stopped", file=sys.stderr)
        else:
            # wordpress-export-to-markdown exits 0 after an error. Either way, what it wrote is its side.
            if proc.returncode != 0 or "Something went wrong" in proc.stdout:
                # The error's own line: a traceback's last, a Node stack's first (its frames are indented).
                lines = (proc.stderr or proc.stdout).strip().splitlines()
                why = next((line for line in reversed(lines) if line[:1].strip()), "failed")[:160]
                print(f"{peer.name}: {export.name}: {why}", file=sys.stderr)
        items: dict[Key, Item] = {}
        taken: set[int] = set()
        for path in sorted(folder.rglob("*.md")):
            slug, kind, title, body = _READERS[peer.name](path, folder)
            at = _match(posts, slug, kind, title, taken)
            if at is None:
                continue  # an item of a type WordPress does not show as a page
            taken.add(at)
            post = posts[at]
            item = Item(post.id, post.type, title, render_markdown(body), slug=post.slug,
                        source=str(path.relative_to(folder)))  # fmt: skip
            keep(items, item)
    return items

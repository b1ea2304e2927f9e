"""A re-run over an earlier output (``--update``): only what changed is written.

People migrate in steps: they export again after a week of posting and run wxrtool again, and
meanwhile they have fixed a few files by hand. Each folder output keeps a manifest
(:data:`~wxrtool.output.MANIFEST`) of the files it wrote and each file's SHA-256 as written;
with ``--update`` the new output is made aside, as always, then compared file by file with the
folder in place (:func:`merge`):

- a file the new output writes as the folder has it already is left alone (its modification
  time kept): **unchanged**;
- a file whose content changed replaces the one in place if that one is still as wxrtool wrote
  it (its hash is the manifest's): **changed**; a file the folder does not have is **added**;
- a file the export no longer gives (its item was deleted, or left out now) is **removed** if it
  is still as written; ``--keep-removed`` keeps it (listed as kept);
- a file edited since it was written (its hash is not the manifest's), or one wxrtool did not
  write, is never replaced nor removed: a **conflict**, kept as the user left it and listed.
  The manifest then records the hash of what wxrtool would have written, so the file stays a
  conflict until the user deletes it (the next run writes it again) or the output is rewritten
  with ``--force``.

An output written before manifests had hashes (``"wxrtool": 1``) has no record of what was
written: a file that differs from the new one is a conflict.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from .sitestore import in_key_order

MANIFEST_VERSION = 2

#: The record of a run kept for the next update (:mod:`wxrtool.rerunstate`), beside the manifest:
#: listed in it, but never counted as a file of the output.
STATE = ".wxrtool-rerun.json"


def file_hash(path: str) -> str:
    """The SHA-256 of the file at ``path``, hex."""
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def text_hash(text: str) -> str:
    """The SHA-256 of ``text`` as wxrtool writes it (UTF-8), hex."""
    hashed = HashedText(None)
    hashed.write(text)
    return hashed.hexdigest()


class HashedText:
    """A text stream's ``write`` (``None``: nothing written), and :func:`text_hash` of all that
    went through it: a file's hash taken as it is written."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        self._hash = hashlib.sha256()

    def write(self, text: str) -> int:
        self._hash.update(text.encode("utf-8", "surrogatepass"))
        return len(text) if self._stream is None else int(self._stream.write(text))

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


@dataclass(frozen=True)
class Manifest:
    """What an output folder holds as wxrtool wrote it: each file, with its hash when known."""

    files: dict[str, str | None]
    outside: dict[str, str] = field(default_factory=dict)  # files beside the folder (a redirect file)
    kind: str = ""  # what wrote it: a format's name, "split", "migrate" ("": an output made before it said)

    @classmethod
    def read(cls, path: str) -> Manifest | None:
        """The manifest at ``path``, or ``None`` when there is none or it cannot be read."""
        try:
            with open(path, encoding="utf-8") as f:
                data = json.load(f)
            files = data["files"]
            hashes = data.get("hashes", {})
            outside = data.get("outside", {})
            if not isinstance(files, list) or not isinstance(hashes, dict) or not isinstance(outside, dict):
                return None
            kept = {str(name): value for name, value in outside.items() if isinstance(value, str)}
            kind = data.get("format", "")
            files_read = {str(name): _text_or_none(hashes.get(name)) for name in files}
            return cls(files_read, kept, kind if isinstance(kind, str) else "")
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def write(self, path: str) -> None:
        """Write the manifest (:func:`write_manifest`)."""
        write_manifest(path, lambda: iter(sorted(self.files.items())), self.outside, self.kind)


def write_manifest(
    path: str,
    entries: Callable[[], Iterator[tuple[str, str | None]]],
    outside: Mapping[str, str] = {},
    kind: str = "",
) -> None:
    """Write a manifest: ``{"wxrtool": 2, "files": [...], "hashes": {file: sha256}}``, and the
    files written beside the folder with theirs (``"outside"``: a redirect file, by its path).
    ``entries`` gives each file and its hash, in order, each time it is called: the manifest is
    written as it is read, a million files as few (the text is what ``json.dump(indent=0)``
    writes).

    >>> import pathlib, tempfile
    >>> folder = tempfile.mkdtemp()
    >>> write_manifest(f"{folder}/m", lambda: iter([("a", "1"), ("b", None)]))
    >>> pathlib.Path(f"{folder}/m").read_text() == json.dumps({"wxrtool": 2, "files": ["a", "b"], "hashes": {"a": "1"}},
    ...                                        indent=0) + chr(10)
    True
    """
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(
            f'{{\n"wxrtool": {MANIFEST_VERSION},\n'
            + (f'"format": {json.dumps(kind)},\n' if kind else "")
            + '"files": ['
        )
        first = True
        for name, _ in entries():
            f.write(("\n" if first else ",\n") + json.dumps(name))
            first = False
        f.write("]" if first else "\n]")
        f.write(',\n"hashes": {')
        first = True
        for name, digest in entries():
            if digest:
                f.write(("\n" if first else ",\n") + json.dumps(name) + ": " + json.dumps(digest))
                first = False
        f.write("}" if first else "\n}")
        if outside:
            shown = ",\n".join(f"{json.dumps(k)}: {json.dumps(v)}" for k, v in sorted(outside.items()))
            f.write(f',\n"outside": {{\n{shown}\n}}')
        f.write("\n}\n")


def _text_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None


@dataclass
class Update:
    """What an update did, file by file (paths relative to the output folder)."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    kept_removed: list[str] = field(default_factory=list)  # (--keep-removed)
    conflicts: list[tuple[str, str]] = field(default_factory=list)  # (file, why)
    # How many items were read (wxrtool.rerun), of how many; or why all were (None: not said).
    items_read_again: tuple[int, int] | None = None
    read_all_because: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "added": self.added,
            "changed": self.changed,
            "removed": self.removed,
            "unchanged": self.unchanged,
            "kept_removed": self.kept_removed,
            "conflicts": [{"file": f, "reason": why} for f, why in self.conflicts],
            **({"items_read_again": self.items_read_again[0]} if self.items_read_again else {}),
            **({"whole_export_read_because": self.read_all_because} if self.read_all_because else {}),
        }

    def summary(self) -> list[str]:
        """Lines for people: the counts, then each file that changed and each conflict."""
        lines = [
            f"update: {len(self.changed)} changed, {len(self.added)} added, {len(self.removed)} removed, "
            f"{self.unchanged} unchanged"
            + (f", {len(self.kept_removed)} kept though gone from the export" if self.kept_removed else "")
            + (f", {len(self.conflicts)} conflicts kept as you left them" if self.conflicts else "")
        ]
        if self.items_read_again is not None:
            again, total = self.items_read_again
            lines.append(f"  {again:,} of {total:,} items read again: the others are as the last run read them")
        elif self.read_all_because:
            lines.append(f"  the whole export read again: {self.read_all_because}")
        shown = [("changed", f) for f in self.changed] + [("added", f) for f in self.added]
        shown += [("removed", f) for f in self.removed] + [("kept", f) for f in self.kept_removed]
        lines += [f"  {what}: {name}" for what, name in shown[:20]]
        if len(shown) > 20:
            lines.append(f"  ... and {len(shown) - 20} more (see --report)")
        lines += [f"  conflict: {name}: {why}" for name, why in self.conflicts[:20]]
        if len(self.conflicts) > 20:
            lines.append(f"  ... and {len(self.conflicts) - 20} more conflicts (see --report)")
        return lines


UNCHANGED, CHANGED, EDITED = "unchanged", "changed", "edited"


def outcome(on_disk: str | None, new: str, previous: str | None) -> str:
    """What an update does with a file in place, from its hash (``on_disk``; ``None``: not a
    plain file), the new file's and the one the manifest recorded (``previous``): leave it, it
    is the same (:data:`UNCHANGED`); replace it, it is still as wxrtool wrote it
    (:data:`CHANGED`); or keep it as the user left it (:data:`EDITED`)."""
    if on_disk == new:
        return UNCHANGED
    if on_disk is not None and on_disk == previous:
        return CHANGED
    return EDITED


def merge(
    new_root: str,
    new_files: Mapping[str, str],
    target: str,
    previous: Manifest,
    keep_removed: bool = False,
    skip: Iterable[str] = (),
) -> tuple[Update, Manifest]:
    """Bring the folder ``target`` to the new output in ``new_root`` (``new_files``: each file
    written there, with its hash), by the rules of this module; the manifest to keep in
    ``target``. Files named in ``skip`` (the manifest itself) are not looked at."""
    update = Update()
    recorded: dict[str, str | None] = {}
    ignored = set(skip)
    for name, new_hash in in_key_order(new_files):
        if name in ignored:
            continue
        recorded[name] = new_hash
        here = os.path.join(target, name)
        if not os.path.lexists(here):
            move_in(os.path.join(new_root, name), here)
            update.added.append(name)
            continue
        on_disk = file_hash(here) if os.path.isfile(here) and not os.path.islink(here) else None
        done = outcome(on_disk, new_hash, previous.files.get(name))
        if done == UNCHANGED:
            update.unchanged += 1
        elif done == CHANGED:
            move_in(os.path.join(new_root, name), here)
            update.changed.append(name)
        else:
            why = (
                "edited since wxrtool wrote it"
                if previous.files.get(name)
                else "not written by wxrtool, or written before outputs recorded hashes"
            )
            update.conflicts.append((name, why))
    for name in sorted(name for name in previous.files if name not in new_files and name not in ignored):
        here = os.path.join(target, name)
        if not os.path.lexists(here):
            continue
        on_disk = file_hash(here) if os.path.isfile(here) and not os.path.islink(here) else None
        if not remove_gone(target, name, on_disk, previous.files[name], keep_removed, update):
            recorded[name] = previous.files[name]
    return update, Manifest(recorded)


def remove_gone(
    target: str, name: str, on_disk: str | None, written: str | None, keep_removed: bool, update: Update
) -> bool:
    """The rule for a file of ``target`` the export no longer gives: removed if it is still as
    wxrtool wrote it (``on_disk``, its hash, is ``written``), unless ``keep_removed``; kept and
    listed as a conflict if edited since. Whether it was removed (else it stays in the manifest)."""
    if on_disk is None or on_disk != written:
        update.conflicts.append((name, "gone from the export, but edited since wxrtool wrote it"))
        return False
    if keep_removed:
        update.kept_removed.append(name)
        return False
    os.unlink(os.path.join(target, name))
    remove_empty_folders(target, os.path.dirname(name))
    update.removed.append(name)
    return True


def move_in(source: str, here: str) -> None:
    """Put the file ``source`` at ``here`` (its folders made)."""
    folder = os.path.dirname(here)
    os.makedirs(folder, exist_ok=True)
    try:
        os.replace(source, here)
    except OSError:
        shutil.copyfile(source, here)  # (across file systems: never the case for a folder made beside it)


def remove_empty_folders(target: str, folder: str) -> None:
    """Remove ``folder`` (relative to ``target``) and each folder above it, those that are empty."""
    while folder:
        with contextlib.suppress(OSError):
            os.rmdir(os.path.join(target, folder))  # (only an empty one goes)
        folder = os.path.dirname(folder)

"""What a folder output keeps of its run for the next ``--update`` (``STATE``).

An update that reads only the items that changed (:mod:`wxrtool.rerun`) needs what the last run
knew of the others: the site index (titles, slugs, parents, attachments, old addresses: what
links between items and galleries are made of), each item's new address, the files each item
wrote, and the account, with what each item added to it (the content steps' notes, the links in
its files). :class:`RerunState` holds it, written as JSON beside the manifest.

Its last line holds a hash of the others: a file edited since, or cut short, is no record.
The file is data, never code: it is read with ``json`` and each value checked for its type (an
output folder may come from anyone: a site's repository), and only the index's own record types
are made from it. A file that does not read back exactly is no state: the update then reads the
whole export, as it always could.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TextIO

from .index import Attachment, ItemInfo, SiteIndex, TermInfo
from .languages import ItemLanguage, Language
from .menuentries import MenuEntry
from .update import STATE

__all__ = ["STATE", "FileLinks", "RerunState", "StateError"]

STATE_VERSION = 1

# The record types the index holds, by name: the only ones a state file may make.
_TYPES: dict[str, type] = {t.__name__: t for t in (Attachment, ItemInfo, TermInfo, MenuEntry, Language, ItemLanguage)}
_INDEX_FIELDS = [f.name for f in dataclasses.fields(SiteIndex) if not f.name.startswith("_")]  # (not its caches)


class StateError(ValueError):
    """A state file that is not one this version wrote."""


@dataclass
class FileLinks:
    """The links between items in one file: how many were pointed at new addresses, and those kept."""

    file: str
    rewritten: int
    kept: list[str]


@dataclass
class RerunState:
    """The last run, for the next ``--update`` (see the module's text)."""

    version: str  # wxrtool's
    options: str  # what the run was asked (:func:`wxrtool.rerun.fingerprint`)
    frame: str  # the export's hashes (wxrtool.itemspans)
    source: list[str]
    skeleton: list[str]
    ids: list[int]
    files: dict[int, list[str]]  # each item's files, as written
    notes: dict[int, dict[str, int]]  # what the content steps noted of each item (those with notes)
    links: list[FileLinks]  # each file with links between items, in the order filled
    addresses: dict[int, tuple[str, str]]  # each item's old and new address
    counts: dict[str, Any]  # the account's counts: read, written, left_out, refused
    index: SiteIndex = field(default_factory=SiteIndex)
    _index_lines: list[str] | None = field(
        default=None, repr=False, compare=False
    )  # (as read: written again as they were)

    def write(self, f: TextIO) -> None:
        """Write the state into ``f``, as lines of JSON: a line of what the run was, then each
        list a few thousand entries a line (memory that of a line, however large the site)."""
        check = hashlib.blake2b(digest_size=16)  # (of every line: the last one holds it)

        def put(line: str) -> None:
            check.update(line.encode("utf-8", "surrogatepass"))
            f.write(line)

        head = {"wxrtool": STATE_VERSION, "version": self.version, "options": self.options, "frame": self.frame,
                "counts": self.counts}  # fmt: skip
        put(_line(head))
        for name, rows in (
            ("source", self.source),
            ("skeleton", self.skeleton),
            ("ids", self.ids),
            ("files", ([item, names] for item, names in self.files.items())),
            ("notes", ([item, notes] for item, notes in self.notes.items())),
            ("links", ([x.file, x.rewritten, x.kept] for x in self.links)),
            ("addresses", ([item, old, new] for item, (old, new) in self.addresses.items())),
        ):
            for chunk in _chunks(rows):
                put(_line([name, chunk]))
        for line in self._index_lines if self._index_lines is not None else self._index_text():
            put(line)
        f.write(_line(["end", check.hexdigest()]))

    def _index_text(self) -> Iterator[str]:
        for name in _INDEX_FIELDS:
            value = getattr(self.index, name)
            if isinstance(value, dict) and value and _records(value) is not None:
                kind = type(next(iter(value.values())))
                names = [x.name for x in dataclasses.fields(kind)]
                for chunk in _chunks([k, *(getattr(v, n) for n in names)] for k, v in value.items()):
                    yield _line(["index." + name, {"m": kind.__name__, "rows": chunk}])
            else:
                yield _line(["index." + name, _encode(value)])

    @classmethod
    def read(cls, path: str) -> RerunState:
        """The state at ``path``; :class:`StateError` if it is not one this version wrote whole."""
        try:
            check = hashlib.blake2b(digest_size=16)
            ended = False
            with open(path, encoding="utf-8") as f:
                first = f.readline()
                check.update(first.encode("utf-8", "surrogatepass"))
                head = json.loads(first)
                if not isinstance(head, dict) or head.get("wxrtool") != STATE_VERSION:
                    raise StateError("written by another version of wxrtool")
                lists: dict[str, list[Any]] = {name: [] for name in _LISTS}
                index = SiteIndex()
                index_lines: list[str] = []
                seen: set[str] = set()
                for line in f:
                    if ended:
                        raise StateError("edited since it was written (a line after its end)")
                    name, value = json.loads(line)
                    if name == "end":
                        if value != check.hexdigest():
                            raise StateError("edited since it was written")
                        ended = True
                        continue
                    check.update(line.encode("utf-8", "surrogatepass"))
                    if name in lists:
                        lists[name].extend(value)
                    elif isinstance(name, str) and name.startswith("index.") and name[6:] in _INDEX_FIELDS:
                        index_lines.append(line)
                        field_name = name[6:]
                        found = _decode(value)
                        if type(found) is not type(getattr(index, field_name)):
                            raise StateError(f"its index's {field_name} is not what an index holds")
                        if field_name in seen and isinstance(found, dict):
                            getattr(index, field_name).update(found)  # (a table, a few thousand rows a line)
                        else:
                            setattr(index, field_name, found)
                        seen.add(field_name)
                    else:
                        raise StateError("it holds a line of something else")
            if not ended:
                raise StateError("cut short")
            if seen != set(_INDEX_FIELDS):
                raise StateError("its index is not whole")
            return cls(
                version=_text(head["version"]),
                options=_text(head["options"]),
                frame=_text(head["frame"]),
                source=[_text(h) for h in lists["source"]],
                skeleton=[_text(h) for h in lists["skeleton"]],
                ids=[_number(i) for i in lists["ids"]],
                files={_number(i): [_text(n) for n in names] for i, names in lists["files"]},
                notes={_number(i): {_text(k): _number(v) for k, v in notes.items()} for i, notes in lists["notes"]},
                links=[FileLinks(_text(x), _number(n), [_text(k) for k in kept]) for x, n, kept in lists["links"]],
                addresses={_number(i): (_text(old), _text(new)) for i, old, new in lists["addresses"]},
                counts=_counts(head["counts"]),
                index=index,
                _index_lines=index_lines,
            )
        except StateError:
            raise
        except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
            raise StateError(f"unreadable ({exc.__class__.__name__})") from None

    def notes_total(self) -> Counter[str]:
        """Every item's notes, added."""
        total: Counter[str] = Counter()
        for notes in self.notes.values():
            total.update(notes)
        return total


_LISTS = ("source", "skeleton", "ids", "files", "notes", "links", "addresses")
_CHUNK = 4096  # entries a line


def _line(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")) + "\n"


def _chunks(rows: Iterable[Any]) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == _CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _records(table: dict[Any, Any]) -> type | None:
    """The record type of every value of ``table`` (keys plain), or ``None``."""
    kinds = {type(v) for v in table.values()}
    if len(kinds) != 1:
        return None
    kind = kinds.pop()
    return kind if kind.__name__ in _TYPES and _plain(table.keys()) else None


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise StateError("a text is not a text")
    return value


def _number(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise StateError("a number is not a whole number")
    return value


def _counts(value: object) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise StateError("its counts are not counts")
    for kind in ("read", "written"):
        if not all(isinstance(k, str) and isinstance(n, int) for k, n in value[kind].items()):
            raise StateError("its counts are not counts")
    for counter in value["left_out"].values():
        if not all(isinstance(k, str) and isinstance(n, int) for k, n in counter.items()):
            raise StateError("its counts are not counts")
    if not all(isinstance(r, list) and len(r) == 3 and all(isinstance(t, str) for t in r) for r in value["refused"]):
        raise StateError("its redirects left out are not such")
    return value


def _encode(value: Any) -> Any:
    """``value`` as JSON: a record as its type's name and fields, containers tagged (no
    deeper than the index's own: a record's fields are plain values)."""
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if type(value).__name__ in _TYPES and dataclasses.is_dataclass(value):
        return {"r": type(value).__name__, "f": [getattr(value, f.name) for f in dataclasses.fields(value)]}
    if isinstance(value, dict):
        if _plain(value.keys()) and _plain(value.values()):
            return {"p": [[k, v] for k, v in value.items()]}
        return {"d": [[_encode(k), _encode(v)] for k, v in value.items()]}
    if isinstance(value, (set, frozenset)):
        return {"s": [_encode(v) for v in sorted(value, key=repr)]}
    if isinstance(value, tuple):
        return {"t": [_encode(v) for v in value]}
    if isinstance(value, list):
        return {"l": [_encode(v) for v in value]}
    raise TypeError(f"an index holds no {type(value).__name__}")


_PLAIN = {"int": int, "str": str, "bool": bool}
# Each record type's fields' types, in order (None for a field of another type: never made from a file).
_FIELD_TYPES = {name: tuple(_PLAIN.get(str(f.type)) for f in dataclasses.fields(kind)) for name, kind in _TYPES.items()}


def _plain(values: Any) -> bool:
    return all(type(v) in (int, str) for v in values)


def _decode(value: Any, depth: int = 0) -> Any:
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if not isinstance(value, dict) or len(value) not in (1, 2) or depth > 3:
        raise StateError("a value of its index is not one an index holds")
    if "m" in value:  # (a table of records: see _encode)
        name, rows = value["m"], value.get("rows")
        types = _FIELD_TYPES.get(name) if isinstance(name, str) else None
        if types is None or not isinstance(rows, list):
            raise StateError("a table of its index is not one an index holds")
        kind, table = _TYPES[name], {}
        keyed = (type(None), *types)
        for row in rows:
            if not isinstance(row, list) or len(row) != len(keyed) or type(row[0]) not in (int, str):
                raise StateError("a record of its index is not one an index holds")
            if tuple(map(type, row))[1:] != keyed[1:]:
                raise StateError("a record of its index is not one an index holds")
            table[row[0]] = kind(*row[1:])
        return table
    if "p" in value:  # (plain keys and values)
        pairs = value["p"]
        if not isinstance(pairs, list) or not all(
            isinstance(pair, list) and len(pair) == 2 and type(pair[0]) in (int, str) and type(pair[1]) in (int, str)
            for pair in pairs
        ):
            raise StateError("a value of its index is not one an index holds")
        return dict(pairs)
    if "r" in value:
        name, fields = value["r"], value.get("f")
        types = _FIELD_TYPES.get(name) if isinstance(name, str) else None
        if types is None or not isinstance(fields, list) or len(fields) != len(types):
            raise StateError("a record of its index is not one an index holds")
        if any(plain is None or type(found) is not plain for found, plain in zip(fields, types, strict=True)):
            raise StateError("a record of its index is not one an index holds")
        return _TYPES[name](*fields)
    ((tag, items),) = value.items()
    if not isinstance(items, list):
        raise StateError("a value of its index is not one an index holds")
    depth += 1
    if tag == "d":
        return {_decode(k, depth): _decode(v, depth) for k, v in items}
    if tag == "s":
        return {_decode(v, depth) for v in items}
    if tag == "t":
        return tuple(_decode(v, depth) for v in items)
    if tag == "l":
        return [_decode(v, depth) for v in items]
    raise StateError("a value of its index is not one an index holds")

"""The site index's large tables on disk, for exports of very many items.

:class:`~wxrtool.index.SiteIndex` keeps three tables that grow with the number of items: each
item's place (:class:`~wxrtool.index.ItemInfo`, by id), each item's old addresses (address ->
id) and each attachment's URL and texts (:class:`~wxrtool.index.Attachment`, by id). For most
exports they are dictionaries of a few megabytes. From :data:`SPILL_AT` items on, the index
moves them into an SQLite database (the standard library's ``sqlite3``) in a temporary folder
and keeps adding there: memory no longer grows with the number of items. The tables answer as
the dictionaries did (``in``, ``[]``, ``get``, ``setdefault``, iteration), and what the writers
look up by something else than the key has an index of its own: an item by its slug
(:meth:`ItemTable.with_slug`), an attachment by the post it belongs to
(:meth:`AttachmentTable.children_of`).

Worker processes are given the tables pickled: that is the database's path, which each opens
read-only. The folder is removed when the process that made it lets go of the index.
"""

from __future__ import annotations

import itertools
import os
import pickle
import shutil
import tempfile
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    import sqlite3  # (imported when a table is first made: most runs make none)

#: How many items an index keeps in memory before it moves its tables to disk; also the most
#: keys one :class:`SpillMap` keeps in memory.
SPILL_AT = 50_000

#: How many keys the :class:`SpillMap` tables of one process keep in memory in all: past it, the
#: largest moves to disk. (A writer keeps several, one key per item each: with ten of them at
#: :data:`SPILL_AT` each, a process held some 120 MB of them.)
BUDGET = 300_000

# The budget is looked at once in this many new keys, process-wide.
_LOOK_EVERY = 10_000

# Rows waiting to be written, per table: written in one statement when there are this many.
_BATCH = 5_000

K = TypeVar("K")
V = TypeVar("V")


class Store:
    """An SQLite database in a temporary folder of its own, removed with this object."""

    def __init__(self) -> None:
        self.folder = tempfile.mkdtemp(prefix="wxrtool-index-")
        self.path = os.path.join(self.folder, "index.sqlite")
        self.connection = connect(self.path)
        weakref.finalize(self, _remove, self.connection, self.folder)


def connect(path: str, read_only: bool = False) -> sqlite3.Connection:
    """A connection to the database at ``path``: no journal (a temporary database is rebuilt,
    not recovered), or read-only (a worker's)."""
    import sqlite3

    if read_only:
        return sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
    connection = sqlite3.connect(path, check_same_thread=False)
    connection.execute("PRAGMA journal_mode = OFF")
    connection.execute("PRAGMA synchronous = OFF")
    return connection


def _remove(connection: sqlite3.Connection, folder: str) -> None:
    connection.close()
    shutil.rmtree(folder, ignore_errors=True)


class Table(MutableMapping[K, V], Generic[K, V]):
    """A table of ``key -> value`` rows: a mapping whose first value for a key stays, as
    ``dict.setdefault`` keeps it. ``columns`` name the value's columns; ``row`` and ``value``
    turn a value into them and back."""

    name: str
    key_type: str
    columns: tuple[str, ...]
    indexes: tuple[str, ...] = ()
    _pending: dict[K, V]  # rows not written yet
    _count: int | None  # how many rows (None: to be counted)
    _largest: Any  # the largest whole-number key written: one above it is new, asked nothing

    def __init__(self, store: Store) -> None:
        self._store: Store | None = store  # (held: the folder lives as long as a table of it)
        self.path = store.path
        self._db = store.connection
        names = ", ".join(self.columns)
        self._db.execute(f"CREATE TABLE {self.name} (key {self.key_type} PRIMARY KEY, {names})")
        self._pending = {}
        self._count = 0
        self._largest = None

    def __getstate__(self) -> dict[str, Any]:
        self.flush()
        return {"path": self.path, "count": len(self), "largest": self._largest}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._store = None  # (a worker's copy: the process that made the folder removes it)
        self.path = state["path"]
        self._count = state["count"]
        self._largest = state["largest"]
        self._db = connect(self.path, read_only=True)
        self._pending = {}

    # -- what the index pass writes ------------------------------------------------------

    def setdefault(self, key: K, value: V) -> V:
        """The value for ``key``: the one it has, else ``value``, which it then has."""
        found: V | None = self.get(key)
        if found is not None:
            return found
        self.add(key, value)
        return value

    def add(self, key: K, value: V) -> None:
        """``value`` for ``key``, unless it has one: as :meth:`setdefault`, without asking."""
        if key in self._pending:
            return
        new = self._past_the_largest(key)  # (new for certain: counted; else counted when asked)
        self._pending[key] = value
        self._count = self._count + 1 if new and self._count is not None else None
        if new:
            self._largest = key
        if len(self._pending) >= _BATCH:
            self.flush()

    def __setitem__(self, key: K, value: V) -> None:
        """A key's first value only: a table is written once, as the index pass reads."""
        if key in self:
            raise KeyError(f"{key!r} has its value already: a table keeps the first")
        self.setdefault(key, value)

    def __delitem__(self, key: K) -> None:
        raise TypeError("a table of the site index keeps every row")

    def flush(self) -> None:
        """Write the rows waiting to be written."""
        if not self._pending:
            return
        marks = ", ".join("?" * (len(self.columns) + 1))
        waiting: list[tuple[Any, Any]] = list(self._pending.items())
        rows = [(first, *self.row(second)) for first, second in waiting]
        self._db.executemany(f"INSERT OR IGNORE INTO {self.name} VALUES ({marks})", rows)
        self._db.commit()
        self._pending.clear()

    def finish(self) -> None:
        """Write what waits and make the look-ups' indexes (once the index pass is done)."""
        self.flush()
        for column in self.indexes:
            self._db.execute(f"CREATE INDEX IF NOT EXISTS {self.name}_{column} ON {self.name} ({column})")
        self._db.commit()

    # -- what the writers read -------------------------------------------------------------

    def __getitem__(self, key: K) -> V:
        found: V | None = self.get(key)
        if found is None:
            raise KeyError(key)
        return found

    def _past_the_largest(self, key: object) -> bool:
        # (WordPress exports items in id order: a new one's id is larger than any before it)
        return isinstance(key, int) and (self._largest is None or key > self._largest)

    def get(self, key: K, default: Any = None) -> Any:
        if key in self._pending:
            return self._pending[key]
        if self._past_the_largest(key):
            return default
        names = ", ".join(self.columns)
        row = self._db.execute(f"SELECT {names} FROM {self.name} WHERE key = ?", (key,)).fetchone()
        return default if row is None else self.value(key, row)

    def __contains__(self, key: object) -> bool:
        if key in self._pending:
            return True
        if self._past_the_largest(key):
            return False
        return self._db.execute(f"SELECT 1 FROM {self.name} WHERE key = ?", (key,)).fetchone() is not None

    def __len__(self) -> int:
        if self._count is None:
            self.flush()
            self._count = self._db.execute(f"SELECT count(*) FROM {self.name}").fetchone()[0]
        return self._count

    def __iter__(self) -> Iterator[K]:
        for key, _ in self.rows():
            yield key

    def rows(self) -> Iterator[tuple[K, V]]:
        """Every ``(key, value)``, in key order, streamed."""
        self.flush()
        names = ", ".join(self.columns)
        cursor = self._db.execute(f"SELECT key, {names} FROM {self.name} ORDER BY key")
        for key, *row in cursor:
            yield key, self.value(key, tuple(row))

    def items(self) -> Iterator[tuple[K, V]]:  # type: ignore[override]
        return self.rows()

    def values(self) -> Iterator[V]:  # type: ignore[override]
        return (value for _, value in self.rows())

    def where(self, column: str, value: object) -> list[tuple[K, V]]:
        """The rows whose ``column`` (one with an index) is ``value``, in key order."""
        self.flush()
        names = ", ".join(self.columns)
        cursor = self._db.execute(f"SELECT key, {names} FROM {self.name} WHERE {column} = ? ORDER BY key", (value,))
        return [(key, self.value(key, tuple(row))) for key, *row in cursor]

    # -- a value as columns (each table says how) ------------------------------------------

    def row(self, value: V) -> tuple[Any, ...]:
        raise NotImplementedError

    def value(self, key: K, row: tuple[Any, ...]) -> V:
        raise NotImplementedError


def spill(table: Table[K, V], found: Mapping[K, V]) -> Table[K, V]:
    """``table`` with the rows of ``found`` (a dictionary so far), in its order."""
    for key, value in found.items():
        table.add(key, value)
    table.flush()
    return table


class SpillMap(MutableMapping[K, V]):
    """A dictionary that moves to disk once it holds ``limit`` keys (:data:`SPILL_AT`): for what a
    writer records of every item it writes (the paths it handed out, the new addresses, the
    files written), which would otherwise grow with the number of items.

    Until then it is a plain dictionary (nothing to pay for most exports); after, an SQLite
    table of the key and its pickled value in a :class:`Store` of its own, which keeps the
    dictionary's order (insertion; a key given a new value keeps its place).

    >>> m = SpillMap(limit=2)
    >>> m["a"], m["b"], m["c"] = 1, 2, 3
    >>> m.on_disk, m["c"], list(m.items()), "b" in m, m.get("x", 0), len(m)
    (True, 3, [('a', 1), ('b', 2), ('c', 3)], True, 0, 3)
    >>> m["a"] = 9; del m["b"]; list(m.items())
    [('a', 9), ('c', 3)]
    """

    def __init__(self, limit: int | None = None) -> None:
        self._limit = SPILL_AT if limit is None else limit
        self._dict: dict[K, V] = {}
        self._store: Store | None = None
        self._pending: dict[K, V] = {}
        self._count = 0
        _budget.watch(self)

    @property
    def on_disk(self) -> bool:
        return self._store is not None

    def __getstate__(self) -> dict[str, Any]:
        # (Sent to or from a worker: a worker's record is of a range, small; it travels whole.)
        return {"limit": self._limit, "items": list(self.items())}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["limit"])  # type: ignore[misc]
        for key, value in state["items"]:
            self[key] = value

    def _spill(self) -> None:
        self._store = Store()
        self._store.connection.execute("CREATE TABLE kv (key PRIMARY KEY, value BLOB)")
        self._pending, self._dict = self._dict, {}
        self._count = len(self._pending)
        self._flush()

    def _flush(self) -> None:
        if self._store is None or not self._pending:
            return
        rows = [(key, pickle.dumps(value, pickle.HIGHEST_PROTOCOL)) for key, value in self._pending.items()]
        self._store.connection.executemany(
            "INSERT INTO kv VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", rows
        )
        self._pending.clear()

    def __setitem__(self, key: K, value: V) -> None:
        if self._store is None:
            held = self._dict
            before = len(held)
            held[key] = value
            if len(held) == before:  # (a new value for a key it had)
                return
            if len(held) >= self._limit:
                self._spill()
            else:
                _budget.added()
            return
        if key not in self._pending and key not in self:
            self._count += 1
        self._pending[key] = value
        if len(self._pending) >= _BATCH:
            self._flush()

    def __getitem__(self, key: K) -> V:
        if self._store is None:
            return self._dict[key]
        if key in self._pending:
            return self._pending[key]
        row = self._store.connection.execute("SELECT value FROM kv WHERE key = ?", (key,)).fetchone()
        if row is None:
            raise KeyError(key)
        found: V = pickle.loads(row[0])
        return found

    def __contains__(self, key: object) -> bool:
        if self._store is None:
            return key in self._dict
        if key in self._pending:
            return True
        return self._store.connection.execute("SELECT 1 FROM kv WHERE key = ?", (key,)).fetchone() is not None

    def __delitem__(self, key: K) -> None:
        if self._store is None:
            del self._dict[key]
            return
        if key not in self:
            raise KeyError(key)
        self._flush()
        self._store.connection.execute("DELETE FROM kv WHERE key = ?", (key,))
        self._count -= 1

    def __len__(self) -> int:
        return len(self._dict) if self._store is None else self._count

    def __iter__(self) -> Iterator[K]:
        for key, _ in self.items():
            yield key

    def items(self) -> Iterator[tuple[K, V]]:  # type: ignore[override]
        return self._rows("rowid", lambda found: list(found.items()))

    def values(self) -> Iterator[V]:  # type: ignore[override]
        return (value for _, value in self.items())

    def sorted_items(self) -> Iterator[tuple[K, V]]:
        """Every ``(key, value)`` in key order (text keys: by code point), streamed from disk."""
        return self._rows("key", lambda found: sorted(found.items()))

    def _rows(self, order: str, in_memory: Callable[[dict[K, V]], Iterable[tuple[K, V]]]) -> Iterator[tuple[K, V]]:
        """Every ``(key, value)``: ``in_memory`` of the dictionary, or from disk ``ORDER BY order``."""
        if self._store is None:
            yield from in_memory(self._dict)
            return
        self._flush()
        for key, value in self._store.connection.execute(f"SELECT key, value FROM kv ORDER BY {order}"):
            yield key, pickle.loads(value)


def in_key_order(mapping: Mapping[K, V]) -> Iterable[tuple[K, V]]:
    """``mapping``'s items by key: streamed from disk for a :class:`SpillMap`, sorted otherwise."""
    if isinstance(mapping, SpillMap):
        return mapping.sorted_items()
    return sorted(mapping.items())


class _Budget:
    """The :class:`SpillMap` tables of this process, the largest moved to disk while those in memory
    hold more than :data:`BUDGET` keys in all."""

    def __init__(self) -> None:
        # (by a number of their own: a mapping has no hash, and an id is used again once free)
        self._maps: weakref.WeakValueDictionary[int, SpillMap[Any, Any]] = weakref.WeakValueDictionary()
        self._numbers = itertools.count()
        self._new = 0

    def watch(self, spill_map: SpillMap[Any, Any]) -> None:
        self._maps[next(self._numbers)] = spill_map

    def added(self) -> None:
        """One key more in some map's memory."""
        self._new += 1
        if self._new >= _LOOK_EVERY:
            self._new = 0
            self.keep()

    def keep(self) -> None:
        """Move the largest maps to disk until those left in memory hold :data:`BUDGET` keys or fewer."""
        held = [m for m in list(self._maps.values()) if not m.on_disk]
        total = sum(len(m) for m in held)
        held.sort(key=len)
        while total > BUDGET and held:
            largest = held.pop()
            total -= len(largest)
            largest._spill()


_budget = _Budget()


class SpillCounter(SpillMap[Any, int]):
    """A :class:`SpillMap` of counts, 0 for a key not seen (as :class:`collections.Counter`).

    >>> seen = SpillCounter(limit=1)
    >>> seen[7] += 1; seen[7] += 1; seen[8] += 1
    >>> seen[7], seen[8], seen[9]
    (2, 1, 0)
    """

    def __getitem__(self, key: Any) -> int:
        try:
            return super().__getitem__(key)
        except KeyError:
            return 0


class SpillSet:
    """A set that moves to disk as :class:`SpillMap` does (the paths a writer handed out)."""

    def __init__(self, limit: int | None = None) -> None:
        self._map: SpillMap[Any, None] = SpillMap(limit)

    def add(self, key: Any) -> None:
        self._map[key] = None

    def __contains__(self, key: object) -> bool:
        return key in self._map

    def __len__(self) -> int:
        return len(self._map)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._map)

    def update(self, keys: Iterable[Any]) -> None:
        for key in keys:
            self.add(key)

    def isdisjoint(self, keys: Iterable[Any]) -> bool:
        return not any(key in self for key in keys)

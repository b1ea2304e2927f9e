"""The names Windows keeps for devices: a file or folder so named opens the device, whatever
the case or extension (``NUL``, ``con.md``). No output names one (:mod:`wxrtool.writers.paths`,
a language's folder: :mod:`wxrtool.languages`)."""

from __future__ import annotations

DEVICES = frozenset(
    {"con", "prn", "aux", "nul", "conin$", "conout$"}
    | {f"{port}{n}" for port in ("com", "lpt") for n in [*"123456789", "\u00b9", "\u00b2", "\u00b3"]}
)

"""Devices: the names Windows keeps for them, and paths that name one.

A file or folder named as a Windows device opens the device, whatever the case or extension
(``NUL``, ``con.md``): no output names one (:mod:`wxrtool.writers.paths`, a language's folder:
:mod:`wxrtool.languages`). A path that names a device, a named pipe or a socket is read or
written as a stream (:func:`special_file`).
"""

from __future__ import annotations

import os
import stat

DEVICES = frozenset(
    {"con", "prn", "aux", "nul", "conin$", "conout$"}
    | {f"{port}{n}" for port in ("com", "lpt") for n in [*"123456789", "\u00b9", "\u00b2", "\u00b3"]}
)


def special_file(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` names something other than a file or a folder (a device, a named pipe, a
    shell's ``<(...)``, a socket), its links followed; ``False`` when it names nothing.

    >>> special_file("/dev/null"), special_file("/"), special_file("/no/such/file")
    (True, False, False)
    """
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))

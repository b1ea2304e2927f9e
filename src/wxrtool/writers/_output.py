"""Where writers write: atomically, so a failure never leaves half a file.

A file is written under a temporary name beside its destination and renamed
into place only when the writer has finished; standard output (``-``) is
written directly, since it cannot be taken back.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import tempfile
from collections.abc import Iterator
from typing import TextIO

from ..errors import OutputError

_BUFFER = 1 << 20


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def text_output(path: str | None) -> Iterator[TextIO]:
    """A UTF-8 text stream for ``path`` (``None`` or ``-``: standard output)."""
    if path is None or path == "-":
        stream = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="\n", write_through=False)
        try:
            yield stream
        finally:
            stream.flush()
            stream.detach()
        return
    target = os.path.abspath(path)
    folder = os.path.dirname(target)
    if os.path.isdir(target):
        raise OutputError("the output is a folder; give a file name", file=path, hint="-o OUT.json")
    try:
        fd, temp = tempfile.mkstemp(prefix="." + os.path.basename(target) + ".", suffix=".part", dir=folder)
    except OSError as exc:
        raise OutputError(
            f"cannot write here: {exc.strerror or exc}", file=path, hint="check that the folder exists and is writable"
        ) from None
    try:
        with open(fd, "w", encoding="utf-8", newline="\n", buffering=_BUFFER) as stream:
            yield stream
        os.chmod(temp, 0o666 & ~_umask())
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise

"""Exceptions: one base class, each subclass also the builtin it resembles.

Every error that comes from the input carries where it happened (file, line,
column) and what to try next, so the command line can print one actionable line.
"""

from __future__ import annotations

import errno
import re

from .terminal import printable

_LINE_BREAKS = re.compile("[\n\r\t]")
_SURROGATE = re.compile("[\ud800-\udfff]")  # undecodable bytes of a file name


class WXRError(Exception):
    """Base of every error wxrtool raises on purpose.

    Parameters:
        message: what is wrong, without location.
        file: the input's name (path, ``-`` or ``<stream>``).
        line, column: 1-based position in the (decompressed) XML, when known.
        hint: what the user can do about it.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        column: int | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        self.hint = hint

    @property
    def location(self) -> str:
        """``FILE:LINE:COL``, as much of it as is known."""
        parts = [self.file or "<input>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def __str__(self) -> str:
        # (An error of no file, an option's, is its words alone: "<input>:" named nothing given.)
        text = f"{self.location}: {self.message}" if self.file or self.line is not None else self.message
        if self.hint:
            text += f" ({self.hint})"
        # One line, printable: parser messages can quote the damaged input itself.
        # (terminal.printable: the same escapes as everything else wxrtool prints, C1 and bidi too)
        text = _SURROGATE.sub(lambda m: f"\\x{ord(m.group(0)):02x}", _LINE_BREAKS.sub(" ", text))
        return printable(text)


class OptionsError(WXRError):
    """Options that do not go together (a folder option with a file format...)."""


class FormatError(WXRError):
    """A format that cannot be used: an unknown name, or a plug-in that does not load."""


class ParseError(WXRError, ValueError):
    """The input is not well-formed XML, or is truncated."""


class UnsafeXMLError(ParseError):
    """The input declares a DOCTYPE or entities, which no WXR export ever does."""


class ItemTooLargeError(WXRError, ValueError):
    """One item of the input (or the header before the first) is larger than the reader's limit."""


class NotWXRError(WXRError, ValueError):
    """Not a WordPress export: another program's XML, an RSS or Atom feed, an HTML page, an
    empty file, a zip archive of something else, or an export in a WXR version not read."""


class EmptyInputError(NotWXRError, ParseError):
    """Nothing to read: an empty file, or one of blank space only (no export, and no XML)."""


class PartsError(WXRError, ValueError):
    """The parts of a split export skip one, or give one twice (on the command line or in a zip)."""


class ArchiveError(WXRError, ValueError):
    """A zip archive that cannot be read safely: damaged, encrypted, compressed in a way whose
    memory cannot be bounded, or past the limits on its files (a zip bomb)."""


class OutputError(WXRError, OSError):
    """The output cannot be written where asked."""


class SystemLimitError(WXRError, OSError):
    """The system refused: disk full, a name too long, too many open files, no permission."""


# What the system said, in words a user can act on: (message, what to do).
_SYSTEM_ERRORS = {
    errno.ENOSPC: ("no space left on the disk", "free some space or write elsewhere; no earlier output was replaced"),
    errno.EDQUOT: ("the disk quota is used up", "free some space or write elsewhere; no earlier output was replaced"),
    errno.ENAMETOOLONG: ("a file name is too long for this file system", "use a shorter -o path or --path-template"),
    errno.EMFILE: ("too many open files", "raise the limit (ulimit -n 4096) or use fewer --jobs"),
    errno.ENFILE: ("too many open files on this system", "close other programs or use fewer --jobs"),
    errno.EACCES: ("permission denied", "check the file's permissions, or write elsewhere"),
    errno.EPERM: ("operation not permitted", "check the file's permissions, or write elsewhere"),
    errno.EROFS: ("the file system is read-only", "write elsewhere"),
    errno.ENOENT: ("no such file or folder", "check the path"),
    errno.EISDIR: ("this is a folder, not a file", "give a file"),
    errno.ENOTDIR: ("a part of this path is not a folder", "check the path"),
    errno.EIO: ("the device reported an input/output error", "check the disk"),
}


def system_error(exc: OSError) -> WXRError:
    """An :class:`OSError` as a one-line :class:`WXRError` naming the file and what to do.

    >>> print(system_error(OSError(errno.ENOSPC, "No space left on device", "site/posts/a.md")))
    site/posts/a.md: no space left on the disk (free some space or write elsewhere; no earlier output was replaced)
    """
    message, hint = _SYSTEM_ERRORS.get(exc.errno or 0, (exc.strerror or str(exc), None))
    name = exc.filename if isinstance(exc.filename, str) else None
    return SystemLimitError(message, file=name or "<system>", hint=hint)

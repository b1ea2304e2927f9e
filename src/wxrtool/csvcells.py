"""CSV cells a spreadsheet reads as text, never as a formula.

Excel, LibreOffice and Google Sheets run a cell that starts with ``=``, ``+``, ``-`` or ``@``
(and some a tab or carriage return first) as a formula: ``=HYPERLINK("http://evil","x")`` in
an attachment's title would be a live link in the inventory of a user who opens it. Such a
cell is written with a ``'`` in front, which the spreadsheet shows as the text itself (OWASP's
advice for CSV injection). Every CSV wxrtool writes passes its text through :func:`cell`.
"""

from __future__ import annotations

from typing import Any

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> Any:
    """``value`` as a CSV cell: text starting like a formula gets a ``'`` first; other values as they are.

    >>> cell('=HYPERLINK("http://evil","x")'), cell("/a/"), cell(-3)
    ('\\'=HYPERLINK("http://evil","x")', '/a/', -3)
    """
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value

"""wxrtool: get a blog out of WordPress without losing anything on the way.

The library in four names::

    import wxrtool
    for record in wxrtool.read("export.xml"):      # Site, Author, Term, Post
        if isinstance(record, wxrtool.Post):
            for thread in wxrtool.build_threads(record.comments):
                ...
    wxrtool.convert("export.xml", "jsonl", "export.jsonl")
"""

from __future__ import annotations

from .account import Account
from .conversion import ConvertOptions
from .convert import convert
from .errors import NotWXRError, OutputError, ParseError, UnsafeXMLError, WXRError
from .read import Reader, read
from .records import Author, Comment, CommentStatus, Meta, Ping, PingType, Post, Record, Site, Term, TermRef
from .selection import Selection, Selector
from .threads import Promotion, Thread, build_threads, walk

__version__ = "0.1.0"

__all__ = [
    "Account",
    "Author",
    "Comment",
    "CommentStatus",
    "ConvertOptions",
    "Meta",
    "NotWXRError",
    "OutputError",
    "ParseError",
    "Ping",
    "PingType",
    "Post",
    "Promotion",
    "Reader",
    "Record",
    "Selection",
    "Selector",
    "Site",
    "Term",
    "TermRef",
    "Thread",
    "UnsafeXMLError",
    "WXRError",
    "__version__",
    "build_threads",
    "convert",
    "read",
    "walk",
]

"""Media files a user already has: a copy of ``wp-content/uploads``, WordPress.com's media
archive, or a folder ``wxrtool media --download`` filled, used before anything is downloaded.

A media URL is looked for in the folder by the end of its path, most specific first: its host
and path (``media --download``'s layout), the path after ``/wp-content/uploads/`` (a copy of
the uploads folder: ``2024/03/photo.jpg``), the whole path (a copy of the site's root), then the
path after a WordPress.com ``files`` host's root (``site.files.wordpress.com/2024/03/...`` is
``2024/03/...``). A file found is linked (or copied, across file systems) into the layout
:func:`wxrtool.media.local_path` gives, where ``convert --media`` reads it. Only regular files
inside the folder are taken: a symbolic link out of it is not followed.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from .fetch import Outcome
from .media import local_path

_UPLOADS = "/wp-content/uploads/"


@dataclass(frozen=True)
class LocalMedia:
    """A folder of media files the user has (see the module)."""

    folder: str

    def find(self, url: str) -> str | None:
        """The file in the folder holding ``url``, or ``None``."""
        root = os.path.realpath(self.folder)
        for relative in _candidates(url):
            path = os.path.join(root, *relative.split("/"))
            real = os.path.realpath(path)
            if real.startswith(root + os.sep) and not os.path.islink(path) and os.path.isfile(real):
                return real
        return None

    def place(self, urls: Iterable[str], folder: str) -> list[Outcome]:
        """Put each URL's file found here into ``folder`` (``media --download``'s layout); one
        :class:`~wxrtool.fetch.Outcome` per URL: ``fetched`` (from here) or ``failed`` (not here)."""
        outcomes = []
        for url in dict.fromkeys(urls):
            found = self.find(url)
            relative = local_path(url)
            if found is None:
                outcomes.append(Outcome(url, "failed", relative, f"not in {self.folder}"))
                continue
            target = os.path.join(folder, *relative.split("/"))
            os.makedirs(os.path.dirname(target), exist_ok=True)
            if not os.path.exists(target):
                try:
                    os.link(found, target)
                except OSError:  # (another file system, or links not allowed)
                    shutil.copyfile(found, target)
            outcomes.append(Outcome(url, "fetched", relative, f"from {self.folder}", os.path.getsize(target)))
        return outcomes


def _candidates(url: str) -> list[str]:
    try:
        parts = urlsplit(url)
    except ValueError:
        return []
    path = unquote(parts.path)
    if not path.startswith("/") or "\x00" in path or any(s in ("..", ".") for s in path.split("/")):
        return []
    found = [local_path(url)]
    if _UPLOADS in path:
        found.append(path.split(_UPLOADS, 1)[1])
    found.append(path.lstrip("/"))
    return list(dict.fromkeys(f for f in found if f))

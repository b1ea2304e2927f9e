"""What every writer is handed besides the records."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ..index import SiteIndex
from ..selection import Selection
from ._paths import DEFAULT_TEMPLATE


class Unrecorded(dict[int, tuple[str, str]]):
    """A mapping that forgets what is put in it.

    >>> urls = Unrecorded(); urls[1] = ("old", "new"); len(urls)
    0
    """

    def __setitem__(self, key: int, value: tuple[str, str]) -> None:
        pass


@dataclass(frozen=True)
class WriteOptions:
    """Options shared by the writers; each uses the ones that apply to it.

    Parameters:
        selection: what the records were filtered by (personal data, comments).
        index: the export's :class:`~wxrtool.index.SiteIndex`, for writers that need one.
        path_template: where each item's file goes, for folder formats.
        comments_file: ``"json"`` or ``"yaml"`` to write comments beside each post
            instead of in it; ``None`` for a Comments section.
        meta_keys: custom fields to copy into front matter.
        scaffold: engine formats also write a minimal site that builds.
        media_dir: a folder filled by ``wxrtool media --download``; its files are placed
            with the posts that use them and the links rewritten (see ``_media.py``).
        media_copied, media_missing: filled in by writers: URLs placed (and how often),
            and URLs with no downloaded copy (with the first post that uses each).
        notes: filled in by writers: what the content steps counted (``url-dropped``,
            ``post-as-html:<error>``: a post whose conversion failed, written as HTML).
        jobs: worker processes that render posts (see ``_parallel.py``); 1 renders
            them in this process. The files are the same either way.
        urls: filled in by writers that give items new addresses: item id -> (old
            permalink, new path); ``--redirects`` is written from it. Without redirects
            to write, :class:`Unrecorded` keeps nothing (a million items are 100 MB).
    """

    selection: Selection = field(default_factory=Selection)
    index: SiteIndex = field(default_factory=SiteIndex)
    path_template: str = DEFAULT_TEMPLATE
    comments_file: str | None = None
    meta_keys: tuple[str, ...] = ()
    scaffold: bool = False
    jobs: int = 1
    urls: dict[int, tuple[str, str]] = field(default_factory=dict)
    media_dir: str | None = None
    media_copied: dict[str, int] = field(default_factory=dict)
    media_missing: dict[str, int] = field(default_factory=dict)
    notes: Counter[str] = field(default_factory=Counter)

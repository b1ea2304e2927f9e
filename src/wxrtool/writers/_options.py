"""What every writer is handed besides the records."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..index import SiteIndex
from ..selection import Selection
from ._paths import DEFAULT_TEMPLATE


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
        urls: filled in by writers that give items new addresses: item id -> (old
            permalink, new path); ``--redirects`` is written from it.
    """

    selection: Selection = field(default_factory=Selection)
    index: SiteIndex = field(default_factory=SiteIndex)
    path_template: str = DEFAULT_TEMPLATE
    comments_file: str | None = None
    meta_keys: tuple[str, ...] = ()
    scaffold: bool = False
    urls: dict[int, tuple[str, str]] = field(default_factory=dict)

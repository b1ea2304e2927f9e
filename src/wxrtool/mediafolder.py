"""The folder ``convert --media`` reads, filled for one export: each media file it uses taken
from a folder the user has (:mod:`wxrtool.localmedia`), the rest downloaded from the old site's
hosts by ``wxrtool media --download``'s rules (:mod:`wxrtool.fetch`), or left as links.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .fetch import FetchPolicy, Outcome, download_all
from .localmedia import LocalMedia
from .media import inventory
from .selection import Selection
from .source import Source


@dataclass(frozen=True)
class MediaSources:
    """Where media come from: ``local`` (a folder the user has) first, then, with ``download``,
    the old site's hosts and ``hosts`` (private addresses only with ``allow_private``)."""

    local: str | None = None
    download: bool = True
    hosts: tuple[str, ...] = ()
    allow_private: bool = False


def fill(
    source: Source | Sequence[Source],
    folder: str,
    sources: MediaSources,
    *,
    recover: bool = False,
    say: Callable[[str], None] | None = None,
    selection: Selection | None = None,
) -> list[Outcome]:
    """Put the media ``source`` uses into ``folder`` (``media --download``'s layout); one
    :class:`~wxrtool.fetch.Outcome` per file: ``fetched`` (from the folder or the site),
    ``failed`` (with why), or ``skipped`` (not downloaded: ``download`` is off); with ``selection``,
    only the media of the items it keeps (:func:`~wxrtool.media.inventory`)."""
    tell = say or (lambda line: None)
    found = inventory(source, recover=recover, selection=selection)
    urls = list(found.items)
    outcomes: list[Outcome] = []
    if sources.local is not None:
        tell(f"taking media from {sources.local}")
        local = LocalMedia(sources.local).place(urls, folder)
        outcomes = [o for o in local if o.status == "fetched"]
        urls = [o.url for o in local if o.status != "fetched"]
    if not urls:
        return outcomes
    if not sources.download:
        return outcomes + [Outcome(url, "skipped", "", "not downloaded (--media none)") for url in urls]
    tell(f"downloading {len(urls)} media files")
    policy = FetchPolicy(
        hosts=found.site_hosts | {h.lower() for h in sources.hosts}, allow_private=sources.allow_private
    )
    return outcomes + download_all(urls, folder, policy)

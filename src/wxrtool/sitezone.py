"""The time zone a site's dates were written in, from the dates its items show.

WordPress's export names no time zone: each item's date is local with its offset (from its
GMT half). An engine that shows dates in one zone (Jekyll's ``timezone``) needs one where every
date falls on the day WordPress showed: a site with summer time shows two offsets, and one
fixed offset (the commoner's) put a winter post of 23:30 on the next day. :class:`ZoneEvidence`
keeps a few of the dates seen (one a month and offset: memory follows the years covered, not the
items), and :meth:`ZoneEvidence.zone` names a zone of the system's database whose offset was
each of them then, the most used ones first.
"""

from __future__ import annotations

import zoneinfo
from collections import Counter
from datetime import UTC, datetime, timedelta
from functools import cache

# The zones tried first, in this order: of those that fit (Europe/Berlin, Europe/Paris and forty
# more keep the same clocks), the one a reader would name. Then every other, by name.
PREFERRED = (
    "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles", "America/Phoenix",
    "America/Anchorage", "Pacific/Honolulu", "America/Toronto", "America/Vancouver", "America/Halifax",
    "America/St_Johns", "America/Mexico_City", "America/Sao_Paulo", "America/Santiago",
    "Europe/London", "Europe/Dublin", "Europe/Lisbon", "Europe/Berlin", "Europe/Paris", "Europe/Madrid",
    "Europe/Rome", "Europe/Amsterdam", "Europe/Helsinki", "Europe/Athens", "Europe/Moscow",
    "Asia/Jerusalem", "Asia/Tehran", "Australia/Sydney", "Australia/Melbourne", "Australia/Adelaide",
    "Australia/Perth", "Pacific/Auckland", "Africa/Cairo",
)  # fmt: skip
# The most dates kept (months times offsets): past it, the zone is judged by those.
MAX_DATES = 5_000


class ZoneEvidence:
    """The offsets a site's dates were written at, and a date of each month and offset."""

    def __init__(self) -> None:
        self.offsets: Counter[timedelta] = Counter()
        self._dates: dict[tuple[int, int, timedelta], datetime] = {}

    def see(self, local: datetime) -> None:
        """Count a date with its offset (``local`` is aware)."""
        offset = local.utcoffset()
        if offset is None:
            return
        self.offsets[offset] += 1
        key = (local.year, local.month, offset)
        if key not in self._dates and len(self._dates) < MAX_DATES:
            self._dates[key] = local.astimezone(UTC)

    def zone(self) -> str | None:
        """A zone whose offset at each date kept was the one it was written at, when the dates
        show more than one offset (one offset: ``None``, any zone of it will do).

        >>> evidence = ZoneEvidence()
        >>> for text in ("2024-06-05T10:00:00+02:00", "2024-01-15T23:30:00+01:00"):
        ...     evidence.see(datetime.fromisoformat(text))
        >>> evidence.zone()
        'Europe/Berlin'
        >>> evidence.see(datetime.fromisoformat("2024-03-01T10:00:00+02:00"))  # (no zone had that)
        >>> evidence.zone() is None
        True
        """
        if len(self.offsets) < 2:
            return None
        dates = [(moment, offset) for (_, _, offset), moment in self._dates.items()]
        for name in _candidates():
            try:
                zone = zoneinfo.ZoneInfo(name)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
                continue
            if all(moment.astimezone(zone).utcoffset() == offset for moment, offset in dates):
                return name
        return None


@cache
def _candidates() -> tuple[str, ...]:
    others = sorted(
        name
        for name in zoneinfo.available_timezones()
        if "/" in name and not name.startswith(("Etc/", "posix/", "right/", "SystemV/")) and name not in PREFERRED
    )
    return (*PREFERRED, *others)

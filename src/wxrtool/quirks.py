"""WordPress's quirks, normalised once and only here.

Everything odd about what WordPress writes into an export is turned into plain
values in this module, so the reader stays a dispatcher and the records stay clean:
zero dates, local dates without a time zone, percent-encoded slugs, the many
spellings of a comment's moderation state, PHP-serialized meta.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import unquote

from .records import CommentStatus, Meta, PingType, Post

ZERO_DATE = "0000-00-00 00:00:00"

# The largest real UTC offsets are -12:00 and +14:00; a larger difference between
# post_date and post_date_gmt is damage (a hand edit, an import bug), not a zone.
_MAX_OFFSET = timedelta(hours=14)

_WXR_VERSION = re.compile(r"^\d+\.\d+$")


# A date within a day of the ends of Python's (year 1, year 9999) cannot be moved to another
# zone: none is a date WordPress writes (MySQL's DATETIME starts at year 1000), and such a date is
# read as no date, so that every offset (under a day) and every zone can be applied to the rest.
_FIRST_DAY = datetime(1, 1, 2)
_LAST_DAY = datetime(9999, 12, 30, 23, 59, 59, 999999)


def _placeable(value: datetime) -> datetime | None:
    """``value``, unless it lies within a day of the calendar's ends (its wall-clock time counts)."""
    wall = value.replace(tzinfo=None) if value.tzinfo else value
    return value if _FIRST_DAY <= wall <= _LAST_DAY else None


# The longest date text handed to dateutil: a date in words is some 60 characters; dateutil's
# reading of a long one grows with its square ("2020-01-01 1.1.1.1..." of 640 KB took 10 s).
DATEUTIL_LONGEST = 100


def parse_wp_date(text: str) -> datetime | None:
    """Parse a ``post_date``-style value (``YYYY-MM-DD HH:MM:SS``) as a naive datetime.

    ``0000-00-00 00:00:00``, an empty value, anything unreadable and a date within a day of
    the first or last Python can hold mean "no date".

    >>> parse_wp_date("2011-11-16 09:52:00")
    datetime.datetime(2011, 11, 16, 9, 52)
    >>> parse_wp_date("0000-00-00 00:00:00"), parse_wp_date("9999-12-31 23:00:00"), parse_wp_date("12:" + "9" * 30)
    (None, None, None)
    """
    text = text.strip()
    if not text or text.startswith("0000-00-00"):
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        if len(text) > DATEUTIL_LONGEST:
            return None
        from dateutil import parser as dateutil_parser  # rarely needed: imported then

        try:
            # (the wall-clock time as written, whatever zone follows: ignoretz, which also keeps
            # dateutil's warning about a zone it does not know off the terminal)
            value = dateutil_parser.parse(text, ignoretz=True)
        except (ValueError, OverflowError, ArithmeticError):  # (ArithmeticError: decimal's, on a huge number)
            return None
    return _placeable(value.replace(tzinfo=None) if value.tzinfo else value)


def parse_rfc822(text: str) -> datetime | None:
    """Parse an RSS ``pubDate``; WordPress's zero date (year -0001) means none."""
    text = text.strip()
    if not text or "-0001" in text or len(text) > DATEUTIL_LONGEST:
        return None
    import email.utils  # (once per export: not at every start-up, where it is a twentieth)

    try:
        value = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return _placeable(value)


class DateResolver:
    """Turns a (local, GMT) pair of WordPress dates into aware datetimes.

    The export does not record the site's time zone, only each date in local time
    and in GMT; their difference is the offset in force on that day. When the GMT
    half is missing (drafts carry ``0000-00-00 00:00:00``), the local date gets the
    offset of the same item's other date pair when it has one (``hint``: a draft's
    modified date), else the offset most recently seen in the file, else UTC; and
    ``date_utc`` stays ``None``: the instant was never recorded, so it is not invented.

    A resolver for a stretch of the file read on its own (see :mod:`wxrtool.ranges`)
    starts from a guess of the offset in force before it; ``borrowed`` says whether any
    date used that guess, and ``seen`` whether the stretch showed an offset of its own;
    ``leaned`` whether any date took an offset from an item before its own (an item read away
    from them, by ``--update``, must not).
    """

    def __init__(self, last_offset: timedelta = timedelta(0)) -> None:
        self.last_offset = last_offset
        self.seen = False
        self.borrowed = False
        self.leaned = False

    def _fallback(self, hint: timedelta | None) -> timedelta:
        if hint is not None:
            return hint
        self.leaned = True
        if not self.seen:
            self.borrowed = True
        return self.last_offset

    @staticmethod
    def offset_of(local_text: str, gmt_text: str) -> timedelta | None:
        """The UTC offset a (local, GMT) pair shows, or ``None`` when it shows none."""
        local, gmt = parse_wp_date(local_text), parse_wp_date(gmt_text)
        if local is None or gmt is None:
            return None
        offset = timedelta(minutes=round((local - gmt).total_seconds() / 60))
        return offset if abs(offset) <= _MAX_OFFSET else None

    def resolve(
        self, local_text: str, gmt_text: str, hint: timedelta | None = None
    ) -> tuple[datetime | None, datetime | None, bool]:
        """Return ``(date, date_utc, offset_known)``."""
        local = parse_wp_date(local_text)
        gmt = parse_wp_date(gmt_text)
        if gmt is not None:
            utc = gmt.replace(tzinfo=UTC)
            if local is None:
                return utc.astimezone(_zone(self._fallback(hint))), utc, False
            offset = local - gmt
            if offset.seconds % 60 or offset.microseconds:
                # Offsets are whole minutes; seconds only differ when an export was edited.
                offset = timedelta(minutes=round(offset.total_seconds() / 60))
            if abs(offset) <= _MAX_OFFSET:
                self.last_offset = offset
                self.seen = True
                return local.replace(tzinfo=_zone(offset)), utc, True
            return local.replace(tzinfo=_zone(self._fallback(hint))), None, False
        if local is None:
            return None, None, False
        return local.replace(tzinfo=_zone(self._fallback(hint))), None, False


_ZONES: dict[timedelta, timezone] = {}


def _zone(offset: timedelta) -> timezone:
    """The fixed-offset zone for ``offset``, one object per offset (a site has a few)."""
    zone = _ZONES.get(offset)
    if zone is None:
        zone = _ZONES[offset] = timezone(offset)
    return zone


def decode_slug(raw: str) -> str:
    """Percent-decode a ``post_name`` exactly once (WordPress stores UTF-8 slugs encoded).

    >>> decode_slug("%e6%97%a5%e6%9c%ac")
    '日本'
    """
    raw = raw.strip()
    return unquote(raw, errors="replace") if "%" in raw else raw


# PHP's integers, which WordPress's importer casts every id to: 64 bits, signed.
_PHP_INT_MAX, _PHP_INT_MIN = 2**63 - 1, -(2**63)

#: The ends of PHP's integers: an id read as one of them may have been past it (:func:`parse_int`).
PHP_INT_ENDS = (_PHP_INT_MIN, _PHP_INT_MAX)


def parse_int(text: str | None, default: int = 0) -> int:
    """An integer field; empty or garbage means ``default``.

    A number past 64 bits is held at the end of the range, as PHP's ``(int)`` (the importer's
    cast) holds it: no WordPress can have a larger id, and the site index's tables on disk
    (SQLite's integers are 64 bits too) can hold every id read.

    >>> parse_int("42"), parse_int(" 7 "), parse_int("x", 3)
    (42, 7, 3)
    >>> parse_int("99999999999999999999"), parse_int("-1" + "0" * 30)
    (9223372036854775807, -9223372036854775808)
    """
    if not text:
        return default
    text = text.strip()
    try:
        value = int(text)
    except ValueError:
        return default
    return _held(value)


def _held(value: int) -> int:
    """``value`` held within PHP's integers, as its ``(int)`` holds a number past them."""
    if value > _PHP_INT_MAX:
        return _PHP_INT_MAX
    return _PHP_INT_MIN if value < _PHP_INT_MIN else value


def parse_id(text: str | None) -> int | None:
    """An id written in a meta value, an attribute or a link (``_thumbnail_id``, ``[gallery id=]``,
    ``?p=``): ASCII digits only, else ``None``; past 64 bits held as :func:`parse_int` holds it.

    (``str.isdigit`` says yes to ``"²"``, which ``int`` refuses, and to other scripts' digits.)

    >>> parse_id("12"), parse_id("²"), parse_id("١٢"), parse_id("-3"), parse_id(""), parse_id("9" * 5000)
    (12, None, None, None, None, 9223372036854775807)
    """
    if not text or not (text.isascii() and text.isdigit()):
        return None
    # (int() refuses a number of more than 4,300 digits: one of more than 19 is past 64 bits anyway)
    return _PHP_INT_MAX if len(text.lstrip("0")) > 19 else _held(int(text))


def thumbnail_id(post: Post) -> int | None:
    """The attachment a post names as its featured image (``_thumbnail_id``), as :func:`parse_id`."""
    return parse_id((post.meta_value("_thumbnail_id") or "").strip())


def parse_ids(text: str) -> list[int]:
    """The ids of a list as WordPress writes them (``[gallery ids="1,2, 3"]``): each run of ASCII
    digits, as :func:`parse_id`.

    >>> parse_ids("1,2, 3 ²"), parse_ids("")
    ([1, 2, 3], [])
    """
    return [_id for run in _DIGITS.findall(text) if (_id := parse_id(run)) is not None]


_DIGITS = re.compile(r"[0-9]+")


def parse_bool(text: str | None) -> bool:
    """``wp:is_sticky`` and friends: ``1`` is true."""
    return (text or "").strip() in ("1", "true", "yes")


_STATUS = {
    "1": CommentStatus.APPROVED,
    "approve": CommentStatus.APPROVED,
    "approved": CommentStatus.APPROVED,
    "0": CommentStatus.PENDING,
    "hold": CommentStatus.PENDING,
    "spam": CommentStatus.SPAM,
    "trash": CommentStatus.TRASH,
    "post-trashed": CommentStatus.POST_TRASHED,
}


def comment_status(text: str | None) -> CommentStatus:
    """Map ``wp:comment_approved`` to a status.

    Anything WordPress would not show (including the empty value some exports
    carry) is pending: WordPress lists only ``1`` as approved.
    """
    return _STATUS.get((text or "").strip().lower(), CommentStatus.PENDING)


def comment_kind(text: str | None) -> PingType | str:
    """Classify ``wp:comment_type``: a :class:`PingType`, or the comment type's name.

    ``''`` is what WordPress wrote for ordinary comments before 5.5; ``comment`` after.
    """
    value = (text or "").strip().lower()
    if value == "pingback":
        return PingType.PINGBACK
    if value == "trackback":
        return PingType.TRACKBACK
    return value or "comment"


def term_taxonomy(domain: str) -> str:
    """The taxonomy of an item's ``<category domain=...>``; WXR 1.0 wrote ``tag``."""
    domain = domain.strip()
    if domain == "tag":
        return "post_tag"
    return domain or "category"


def make_meta(key: str, value: str) -> Meta:
    """A meta entry (its PHP-serialized value is decoded lazily, when asked for)."""
    return Meta(key, value)


def valid_wxr_version(text: str) -> bool:
    """WordPress's importer accepts ``wxr_version`` values of the form ``N.N``."""
    return _WXR_VERSION.match(text.strip()) is not None

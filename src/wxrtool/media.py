"""``wxrtool media``: every media file an export refers to, and safe downloads of them.

The inventory merges, by URL: attachments (with their parent, title, alt text,
caption, MIME type and the sizes WordPress made, from ``_wp_attachment_metadata``),
images and files linked from content (``src``, ``href``, ``srcset``, media
shortcodes), featured images and galleries. A resized variant such as
``photo-150x150.jpg`` is traced to its original. Downloads (:mod:`.fetch`) then
go into ``DIR/<host>/<path>`` (see :func:`local_path`), where writers find them
with ``--media DIR``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import mimetypes
import posixpath
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import quote, unquote, urljoin, urlsplit

from .content.shortcodes import parse_atts, shortcode_regex
from .csvcells import cell
from .quirks import parse_ids, thumbnail_id
from .read import read
from .records import Post, Site
from .selection import Selection, Selector
from .source import Source
from .writers.paths import safe_component

MEDIA_EXTENSIONS = {
    "jpg", "jpeg", "png", "gif", "webp", "avif", "svg", "bmp", "tif", "tiff", "ico", "heic",
    "mp3", "m4a", "ogg", "wav", "flac", "mp4", "m4v", "mov", "webm", "ogv", "avi", "wmv",
    "pdf", "zip", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "ods", "txt", "csv", "epub",
}  # fmt: skip
_URL_ATTR = re.compile(r"""\b(?:src|href|poster|data-src|data-orig-file)\s*=\s*(["'])(.*?)\1""", re.I | re.S)
_SRCSET = re.compile(r"""\bsrcset\s*=\s*(["'])(.*?)\1""", re.I | re.S)
# A background in a style (a Cover block's, before WordPress 5.6), shown as an image by the converter.
_BACKGROUND = re.compile(r"""background-image\s*:\s*url\(\s*(["']?)([^"'()<>\s]+)\1\s*\)""", re.I)
_VARIANT = re.compile(r"^(?P<stem>.+)-(?P<w>\d{2,5})x(?P<h>\d{2,5})(?P<ext>\.[A-Za-z0-9]+)$")
_MEDIA_SHORTCODES = ("video", "audio", "playlist")
_HASHED = re.compile(r"-[0-9a-f]{12}$")  # how local_path marks a name it made unique
_DEFAULT_PORTS = {"http": 80, "https": 443}
_MEDIA_ATTRIBUTES = {"src", "mp3", "m4a", "ogg", "wav", "mp4", "m4v", "webm", "ogv", "poster"}


@dataclass
class MediaItem:
    """One media file and everything the export says about it."""

    url: str
    host: str
    roles: list[str] = field(default_factory=list)  # attachment, content, featured, gallery, variant
    used_by: list[int] = field(default_factory=list)  # post ids
    attachment_id: int | None = None
    parent: int | None = None
    title: str = ""
    alt: str = ""
    caption: str = ""
    mime_type: str = ""
    width: int | None = None
    height: int | None = None
    sizes: list[dict[str, Any]] = field(default_factory=list)
    original: str | None = None  # for a resized variant, the original's URL

    def add(self, role: str, post_id: int | None = None) -> None:
        if role not in self.roles:
            self.roles.append(role)
        if post_id is not None and post_id not in self.used_by:
            self.used_by.append(post_id)


def host_of(url: str) -> str:
    """The host ``url`` names, lowercase; ``""`` for none, or an address that does not parse
    (``http://[x``: an IPv6 host left open)."""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def _path_of(url: str) -> str:
    try:
        return urlsplit(url).path
    except ValueError:
        return ""


def is_media_url(url: str) -> bool:
    """Whether ``url`` names a file by a media extension (images, audio, video, documents)."""
    path = _path_of(url)
    extension = posixpath.splitext(path)[1].lower().lstrip(".")
    return extension in MEDIA_EXTENSIONS


def local_path(url: str) -> str:
    """Where a downloaded ``url`` lives under the media folder: ``<host>/<path>``, made safe.

    Distinct URLs get distinct names: when the name alone would not tell the URL
    (a query string, a port, a character made safe, an empty segment, or a name
    that already ends like one of these), the file name gets ``-`` and 12 hex
    digits of a hash of the URL before its extension. The same URL always gives
    the same name; ``wxrtool convert --media`` finds downloads through this.

    >>> local_path("https://Example.com/wp-content/uploads/2024/01/a.jpg")
    'example.com/wp-content/uploads/2024/01/a.jpg'
    >>> local_path("https://example.com/uploads/a.jpg?w=300"), local_path("https://example.com/uploads/a.jpg?w=1024")
    ('example.com/uploads/a-b7cf4b0e20d1.jpg', 'example.com/uploads/a-2b169bd095fa.jpg')
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        parts = urlsplit(quote(url, safe="/:?#=&%"))  # (an IPv6 host left open: its "[" a character)
    host = host_of(url)
    try:
        port = parts.port
    except ValueError:
        port = -1  # not a port: the hash below tells such URLs apart
    exact = port in (None, _DEFAULT_PORTS.get(parts.scheme)) and not parts.query
    host_name = safe_component(host, "unknown-host")
    exact = exact and host_name == host
    segments = []
    for raw in parts.path.split("/")[1:]:
        if raw in ("", ".", ".."):
            exact = False  # "a//b" and "a/./b" are other URLs than "a/b"
            continue
        decoded = unquote(raw)
        segments.append(safe_component(decoded, "_"))
        exact = exact and segments[-1] == decoded
    if not segments:
        segments, exact = ["index"], False
    stem, extension = posixpath.splitext(segments[-1])
    if not exact or _HASHED.search(stem):
        key = f"{host}:{port}{parts.path}?{parts.query}".encode("utf-8", "surrogatepass")
        segments[-1] = f"{stem}-{hashlib.sha256(key).hexdigest()[:12]}{extension}"
    return "/".join([host_name, *segments])


def urls_in_html(html: str, base: str = "") -> list[str]:
    """Media URLs in a piece of HTML (attributes, srcset, media shortcodes), in order, once each."""
    found: list[str] = []
    for m in _URL_ATTR.finditer(html):
        found.append(m.group(2))
    if "background-image" in html:
        found += [m.group(2) for m in _BACKGROUND.finditer(html)]
    for m in _SRCSET.finditer(html):
        found += [candidate.strip().split(" ")[0] for candidate in m.group(2).split(",") if candidate.strip()]
    present = [n for n in _MEDIA_SHORTCODES if "[" + n in html]
    if present:
        for m in shortcode_regex(present).finditer(html):
            attrs = parse_atts(m.group(3))
            found += [
                v
                for k, v in attrs.items()
                if k in ("src", "mp3", "m4a", "ogg", "wav", "mp4", "m4v", "webm", "ogv", "poster")
            ]
    seen: set[str] = set()
    urls = []
    for raw in found:
        url = _joined(base, raw.strip())
        if url.startswith(("http://", "https://")) and is_media_url(url) and url not in seen:
            seen.add(url)
            urls.append(url)
    return urls


def _wordpress_com_files(hosts: set[str]) -> set[str]:
    """Where a WordPress.com blog keeps its uploads: ``blog.files.wordpress.com`` for
    ``blog.wordpress.com`` (its media were "not one of the site's hosts", and stayed there).

    >>> sorted(_wordpress_com_files({"wpthemetestdata.wordpress.com", "example.org", "wordpress.com"}))
    ['wpthemetestdata.files.wordpress.com']
    """
    return {
        f"{host.removesuffix('.wordpress.com')}.files.wordpress.com"
        for host in hosts
        if host.endswith(".wordpress.com") and host.count(".") == 2
    }


def _joined(base: str, url: str) -> str:
    """``url`` read from the page at ``base``; as it is where either does not parse."""
    if not base:
        return url
    try:
        return urljoin(base, url)
    except ValueError:
        return url


def _sizes(meta: Any, url: str) -> tuple[int | None, int | None, list[dict[str, Any]]]:
    if not isinstance(meta, dict):
        return None, None, []
    folder = url.rsplit("/", 1)[0]
    sizes = []
    for name, size in (meta.get("sizes") or {}).items() if isinstance(meta.get("sizes"), dict) else []:
        if isinstance(size, dict) and size.get("file"):
            sizes.append(
                {
                    "name": name,
                    "url": f"{folder}/{size['file']}",
                    "width": _int(size.get("width")),
                    "height": _int(size.get("height")),
                    "mime_type": size.get("mime-type", ""),
                }
            )
    return _int(meta.get("width")), _int(meta.get("height")), sizes


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class Inventory:
    """All media of one export, by URL, in the order first met."""

    def __init__(self) -> None:
        self.items: dict[str, MediaItem] = {}
        self.site_hosts: set[str] = set()

    def get(self, url: str) -> MediaItem:
        if url not in self.items:
            self.items[url] = MediaItem(url=url, host=host_of(url))
        return self.items[url]

    def by_host(self) -> dict[str, int]:
        return dict(Counter(item.host for item in self.items.values()).most_common())

    def trace_variants(self) -> None:
        """Link every ``-WxH`` resized copy to its original when the original is known."""
        for item in self.items.values():
            m = _VARIANT.match(item.url)
            if m and item.original is None:
                original = m.group("stem") + m.group("ext")
                if original in self.items and original != item.url:
                    item.original = original
                    item.add("variant")


def inventory(
    source: Source | Sequence[Source], *, recover: bool = False, selection: Selection | None = None
) -> Inventory:
    """Read an export (or the parts of a split one) and list every media file it refers to; with
    ``selection``, only those of the items it keeps (and the attachments), as a conversion places
    them (the images of trashed spam were downloaded, and failed, for a migration that wrote none).

    >>> found = inventory(samples / "klout.xml")
    >>> for item in found.items.values():
    ...     print(item.url.rsplit("/", 1)[1], item.roles)
    jeff-turner-klout-score-65.png ['content', 'attachment', 'featured']
    jeff-turner-klout-score-65-150x150.png ['content', 'variant']
    """
    found = Inventory()
    thumbnails: list[tuple[int, int]] = []
    galleries: list[tuple[int, list[int] | None]] = []
    attachment_urls: dict[int, str] = {}
    children: dict[int, list[int]] = {}
    selector = Selector(selection) if selection is not None else None
    for record in read(source, recover=recover):
        if isinstance(record, Site):
            hosts = {host_of(u) for u in (record.link, record.base_site_url, record.base_blog_url) if u}
            found.site_hosts = hosts - {""} | _wordpress_com_files(hosts)
            continue
        if not isinstance(record, Post):
            continue
        if selector is not None and record.type != "attachment" and selector.post(record) is None:
            continue
        for url in urls_in_html(record.content_html, record.link):
            found.get(url).add("content", record.id)
        if record.type == "attachment":
            url = record.attachment_url or record.guid
            if url.startswith(("http://", "https://")):
                item = found.get(url)
                item.add("attachment")
                item.attachment_id, item.parent = record.id, record.parent or None
                item.title, item.caption = record.title, record.excerpt_html
                item.alt = record.meta_value("_wp_attachment_image_alt") or ""
                item.mime_type = mimetypes.guess_type(_path_of(url))[0] or ""
                metadata = next((m.decoded for m in record.meta if m.key == "_wp_attachment_metadata"), None)
                item.width, item.height, item.sizes = _sizes(metadata, url)
                if record.parent:
                    item.add("attachment", record.parent)
                    children.setdefault(record.parent, []).append(record.id)
                attachment_urls[record.id] = url
        thumbnail = thumbnail_id(record)
        if thumbnail is not None:
            thumbnails.append((record.id, thumbnail))
        if "[gallery" in record.content_html:
            for m in shortcode_regex(["gallery"]).finditer(record.content_html):
                listed = parse_atts(m.group(3)).get("ids")
                galleries.append((record.id, parse_ids(listed) if listed else None))
    for post_id, attachment_id in thumbnails:
        if attachment_id in attachment_urls:
            found.get(attachment_urls[attachment_id]).add("featured", post_id)
    for post_id, gallery_ids in galleries:
        for member in gallery_ids if gallery_ids is not None else children.get(post_id, []):
            if member in attachment_urls:
                found.get(attachment_urls[member]).add("gallery", post_id)
    found.trace_variants()
    return found


def as_rows(found: Inventory) -> list[dict[str, Any]]:
    """One flat dict per media file (for ``--csv`` and ``--json``)."""
    rows = []
    for item in found.items.values():
        row = asdict(item)
        row["roles"] = ",".join(item.roles)
        row["used_by"] = ",".join(str(i) for i in item.used_by)
        row["sizes"] = len(item.sizes)
        rows.append(row)
    return rows


def to_csv(found: Inventory) -> str:
    """The inventory as CSV, one row per file."""
    rows = as_rows(found)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]) if rows else ["url"], lineterminator="\n")
    writer.writeheader()
    writer.writerows({key: cell(value) for key, value in row.items()} for row in rows)
    return buffer.getvalue()


def to_json(found: Inventory) -> dict[str, Any]:
    """The inventory as a JSON document: files, and counts by host."""
    return {
        "site_hosts": sorted(found.site_hosts),
        "by_host": found.by_host(),
        "files": [asdict(item) for item in found.items.values()],
    }

"""The streaming reader: WXR bytes in, typed records out, in constant memory.

lxml's ``iterparse`` builds one ``<item>`` at a time; when it ends, the item is
turned into a :class:`~wxrtool.records.Post` and removed from the tree together
with everything before it, so memory holds one item, not the file. The header
(site, authors, terms) is gathered from the channel's children when the first
item ends, which is when it is known to be complete.

Elements are matched by namespace URI, never by prefix: ``wp:`` may be bound to
``http://wordpress.org/export/1.0/`` ... ``1.2/``, over http or https, or not be
called ``wp`` at all.

What one item may hold is bounded by bytes, not by libxml2's limits: the parser
reads through :class:`~wxrtool.source.ParserInput`, which stops the read when more
than the item size limit (64 MB unless told otherwise, see :func:`set_max_item_size`)
goes by without an item's end. Within it, text nodes may pass libxml2's 10 MB
(``huge_tree``): a long post is read, not called damaged. Nesting deeper than
libxml2's usual 256 levels, which ``huge_tree`` would let through, is refused here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from sys import intern
from typing import Any, cast

from lxml import etree

from . import quirks
from .errors import ItemTooLargeError, NotWXRError, ParseError, UnsafeXMLError, WXRError
from .exportfiles import check_zip_parts
from .languages import WPML_GROUP, WPML_LANGUAGE, WPML_SOURCE
from .records import TAGS_AND_CATEGORIES, Author, Comment, Meta, Ping, PingType, Post, Record, Site, Term, TermRef
from .recover import SECTION_ENDS, Repair, map_back
from .source import (
    DEFAULT_MAX_ITEM_SIZE,
    ParserInput,
    Source,
    cut_short_compressed,
    cut_short_hint,
    open_source,
    open_zip,
    source_name,
)

_WP_NS = re.compile(r"^https?://wordpress\.org/export/\d+\.\d+/$")
_EXCERPT_NS = re.compile(r"^https?://wordpress\.org/export/\d+\.\d+/excerpt/$")
# The proposed WXR 1.3's namespace (no version in it) and its version attribute on <rss>.
_WXR13_NS = re.compile(r"^https?://wordpress\.org/export/?$")
_KNOWN_NS = {
    "http://purl.org/rss/1.0/modules/content/": "content:",
    "http://purl.org/dc/elements/1.1/": "dc:",
    "http://wellformedweb.org/CommentAPI/": "wfw:",
}

_ITEM_SPECIAL = frozenset({"wp:postmeta", "wp:comment", "category", "content:encoded", "excerpt:encoded"})
# What an index pass reads of an item (see Reader's ``light``).
_LIGHT_FIELDS = frozenset(
    {"wp:post_id", "wp:post_type", "wp:status", "title", "wp:post_name", "guid", "dc:creator",
     "wp:post_parent", "wp:menu_order", "wp:attachment_url", "link", "wp:post_password"}
)  # fmt: skip
# The meta an index pass keeps of an item that is not an attachment: its old slugs, for links
# to its old addresses, and WPML's language and translation group (an attachment's meta is kept
# whole: its alt text, its sizes).
_LIGHT_META = frozenset({"_wp_old_slug", WPML_LANGUAGE, WPML_GROUP, WPML_SOURCE})
# The terms an index pass leaves out of an item: its categories and tags (TAGS_AND_CATEGORIES), most
# of them. It keeps Polylang's language and translation group, and a custom taxonomy's, which has
# pages of its own on the new site (/series/), even where the export's header does not declare its
# terms (a menu item's are kept whole: its menu is one).

# Characters WordPress pads values with; not str.strip()'s set, which would also
# eat a leading no-break space that is part of the content.
_WS = " \t\r\n"

# libxml2's nesting limit without huge_tree: 256 levels, <rss><channel> and a child of
# the channel included. No export comes close; a cheap test first (an item's deepest
# elements, a comment's meta values, are three below it), the exact one if it fails.
_MAX_DEPTH = 256
_DEEPER_THAN_USUAL = etree.XPath("boolean(*/*/*/*)")
_TOO_DEEP: Any = etree.XPath("/".join(["*"] * (_MAX_DEPTH - 2)))

_max_item_size = DEFAULT_MAX_ITEM_SIZE


def set_max_item_size(size: int) -> None:
    """Set the item size limit of every :class:`Reader` not given one, in this process
    and in worker processes it forks from now on.

    An item here is what lies between the ends of two items (the header and the first
    item count together); a read that finds a larger one stops with
    :class:`~wxrtool.errors.ItemTooLargeError` before memory holds it.

    >>> set_max_item_size(128_000_000); max_item_size()
    128000000
    >>> set_max_item_size(DEFAULT_MAX_ITEM_SIZE)
    """
    global _max_item_size
    if size < 1:
        raise ValueError(f"an item size limit must be positive, not {size}")
    _max_item_size = size


def max_item_size() -> int:
    """The item size limit of a :class:`Reader` not given one (see :func:`set_max_item_size`)."""
    return _max_item_size


class _Names(dict[str, str]):
    """Clark-notation tag -> canonical ``prefix:local`` name, computed once per tag."""

    def __missing__(self, tag: str) -> str:
        if not isinstance(tag, str):  # comments and processing instructions
            return ""
        if tag[0] != "{":
            name = tag
        else:
            uri, local = tag[1:].split("}", 1)
            if _WP_NS.match(uri):
                name = "wp:" + local
            elif _EXCERPT_NS.match(uri):
                name = "excerpt:" + local
            else:
                name = _KNOWN_NS.get(uri, "{" + uri + "}") + local
        self[tag] = name
        return name


def _text(elem: Any) -> str:
    text = elem.text
    return text.strip(_WS) if text else ""


def _raw(elem: Any) -> str:
    return elem.text or ""


def _text_recovered(elem: Any) -> str:
    return map_back(_text(elem))


def _raw_recovered(elem: Any) -> str:
    return map_back(_raw(elem))


class Reader:
    """Iterate over the records of one WXR export.

    Yields one :class:`~wxrtool.records.Site`, then the header's authors and
    terms, then one :class:`~wxrtool.records.Post` per item, comments and pings
    inside. ``bytes_read`` tells how far into the (decompressed) input it is.

    >>> [type(r).__name__ for r in Reader(samples / "wxr-1.0.xml")][:3]
    ['Site', 'Term', 'Term']
    """

    def __init__(
        self,
        source: Source,
        name: str | None = None,
        *,
        recover: bool = False,
        dates: quirks.DateResolver | None = None,
        comments: bool = True,
        personal_data: bool = True,
        continuation: bool = False,
        light: bool = False,
        max_item_size: int | None = None,
    ) -> None:
        self.source = source
        # The most bytes the parser is fed without an item's end (see set_max_item_size).
        self.max_item_size = max_item_size or _max_item_size
        # Without personal data, commenters' e-mail and IP addresses and comment meta
        # are not read at all (a selection would drop them: cheaper not to build them).
        self.personal_data = personal_data
        # A later stretch of an export, read on its own behind the header's opening
        # tags (see wxrtool.ranges): no site record, no header checks.
        self._continuation = continuation
        # Without comments an export reads in about two thirds of the time (1.2 s
        # instead of 1.9 s at 100 MB); light implies it.
        self.comments = comments and not light
        # An index pass needs only where each item sits: items come with their id, type,
        # status, title, slugs, guid, author, parent, menu order, attachment URL, excerpt
        # and (attachments only) meta; no dates, content, terms or comments. A third
        # less time than comments=False alone (1.21 s -> 0.97 s at 100 MB).
        self.light = light
        self.name = name or source_name(source)
        self.recover = recover
        self.repairs: list[Repair] = []
        self._text = _text_recovered if recover else _text
        self._raw = _raw_recovered if recover else _raw
        self.site: Site | None = None
        self._names = _Names()
        # Shared by the parts of one split export, which read as one file.
        self._dates = dates or quirks.DateResolver()
        self._stream: Any = None
        self._header_fields: dict[str, str] = {}
        self._channel: Any = None
        self._ended: Any = None  # the last item read

    @property
    def bytes_read(self) -> int:
        """Decompressed bytes consumed so far."""
        return self._stream.consumed if self._stream is not None else 0

    def _part_reader(self, part: Source, **options: Any) -> Reader:
        """The reader of one file of a zip archive this reads (a subclass's own, to look at each
        file as it looks at one)."""
        return Reader(part, **options)

    def __iter__(self) -> Iterator[Record]:
        archive = open_zip(self.source, self.name)
        if archive is not None:
            # A zip archive (WordPress.com's export download): its XML files, read as one site.
            with archive:
                check_zip_parts(archive.names)
                yield from read_parts(
                    archive.parts,
                    recover=self.recover,
                    repairs=self.repairs,
                    light=self.light,
                    personal_data=self.personal_data,
                    comments=self.comments,
                    dates=self._dates,
                    max_item_size=self.max_item_size,
                    reader=self._part_reader,
                )
            return
        with open_source(self.source, self.name, recover=self.recover, limit=self.max_item_size) as stream:
            self._stream = stream
            # (libxml2's log is the thread's, kept across documents: what an error lists of it
            # must be this one's, see _undefined_entity)
            etree.clear_error_log()
            try:
                yield from self._parse(stream)
            except ItemTooLargeError:
                raise self._too_large() from None
            except MemoryError:
                # Under the size limit, but built into a tree (a million tiny elements take
                # some thirty times their bytes) more than this process may hold.
                raise self._too_large(out_of_memory=True) from None
            except etree.XMLSyntaxError as exc:
                line, column = exc.position if exc.position else (None, None)
                # (libxml2's words end in a newline, some hold two spaces: one line, single spaces)
                message = " ".join(re.sub(r", line \d+, column \d+$", "", (exc.msg or str(exc)).strip()).split())
                if not self.recover and stream.declared_lately():
                    # A declaration after the prolog, which the parser stops at. (With
                    # --recover, the filter refuses it where it is, outside CDATA.)
                    raise UnsafeXMLError(
                        f"the document declares a DOCTYPE or entities inside its elements ({message})",
                        file=self.name,
                        line=line,
                        column=column,
                        hint="WordPress exports never do; remove the declaration if you trust the file",
                    ) from None
                undefined = _undefined_entity(exc)
                if undefined is not None and not self.recover:
                    name, line, column = undefined
                    raise ParseError(
                        f"&{name}; is an entity XML does not define (HTML's?): the parser stops at it",
                        file=self.name,
                        line=line,
                        column=column,
                        hint="--recover replaces HTML's entities by their characters and lists each",
                    ) from None
                if self.recover and (self.site is not None or self._channel is not None):
                    # Keep every complete item read so far; say where the rest was lost.
                    if self.site is None:
                        yield from self._salvage_header()
                    self.repairs.append(Repair(line or 0, column or 0, "unreadable-rest", f"stopped here: {message}"))
                    return
                if message.startswith("Extra content at the end of the document") and self.site is not None:
                    raise ParseError(
                        "something follows the end of the export (its </rss>); --recover reads the export"
                        " without it and lists what it left out",
                        file=self.name,
                        line=line,
                        column=column,
                        hint="PHP or a plugin printed it after WordPress wrote the export",
                    ) from None
                if _cut_short(stream, line, message) and (self.site is not None or self._channel is not None):
                    said = "" if message.startswith("Unregistered error") else f" ({message})"  # (libxml2's filler)
                    raise ParseError(
                        f"the export is cut short: the file ends before the export does{said}",
                        file=self.name,
                        line=line,
                        column=column,
                        hint=cut_short_hint(self.recover),
                    ) from None
                if message.startswith("EntityRef: expecting ';'") and line is not None and column is not None:
                    column = _ampersand_column(stream, line, column)
                if message.startswith("Opening and ending tag mismatch") and _early_cdata_end(stream, line, column):
                    message = f"a ]]> inside a CDATA section ended it early (WordPress 3.0's exporter): {message}"
                if message.startswith("Unregistered error") and _last_error_type(exc) == "ERR_CDATA_NOT_FINISHED":
                    message = "CData section not finished"  # (libxml2's words for it, at a section's start)
                if message.startswith("CData section not finished"):
                    # (Not at the file's end: libxml2 stopped at a character XML forbids, which it
                    # does not name inside CDATA; outside CDATA it says "invalid Char value".)
                    message = f"a character XML forbids (a control character?) inside a CDATA section: {message}"
                raise ParseError(
                    f"not well-formed XML: {message}",
                    file=self.name,
                    line=line,
                    column=column,
                    hint="the export is damaged there, before anything that could be kept"
                    if self.recover
                    else "the export is damaged there; --recover repairs what it can and lists every repair",
                ) from None
            except (OSError, EOFError) as exc:
                if self.recover and self.site is not None:
                    self.repairs.append(Repair(0, 0, "unreadable-rest", f"stopped: {exc}"))
                    return
                if isinstance(exc, EOFError):  # (gzip's, bz2's and xz's words for compressed data that stops)
                    raise cut_short_compressed(self.name, self.recover) from None
                raise WXRError(f"cannot read the input: {exc}", file=self.name, hint="is the file complete?") from None
            finally:
                repaired = stream.repaired
                if repaired is not None:
                    self.repairs[:0] = repaired.repairs
                if stream.damaged is not None and stream.damaged.damage is not None:
                    self.repairs.append(Repair(0, 0, "compressed-data-damaged", stream.damaged.damage))

    def _too_large(self, out_of_memory: bool = False) -> ItemTooLargeError:
        """The error for an item over the limit (or over the memory this process may use),
        naming it by where it starts in the tree the parser has built so far."""
        limit = self.max_item_size
        size = f"{limit / 1e6:g} MB" if limit >= 1_000_000 else f"{limit} bytes"
        channel = self._channel
        line = None
        stopped = ""
        if channel is None:
            what = "the start of the document (its header or first item)"
        elif not len(channel) or channel[-1] is self._ended:
            what = "what follows the item starting here" if self._ended is not None else "the channel's header"
            line = self._ended.sourceline if self._ended is not None else channel.sourceline
        else:
            top = deepest = channel[-1]
            while len(deepest):
                deepest = deepest[-1]
            name = self._names[top.tag]
            what = f"the <{name}> starting here" if name == "item" else "the channel's header"
            line = top.sourceline
            if deepest is not top:
                stopped = f"; reading stopped in its <{self._names[deepest.tag]}> on line {deepest.sourceline}"
        if out_of_memory:
            return ItemTooLargeError(
                f"{what} needs more memory than this process may use{stopped}",
                file=self.name,
                line=line,
                hint=f"give it more memory, or refuse such items sooner with a --max-item-size below {size}",
            )
        return ItemTooLargeError(
            f"{what} is larger than {size}, the --max-item-size limit{stopped}",
            file=self.name,
            line=line,
            hint="if you trust the file and have the memory, raise the limit,"
            f" e.g. --max-item-size {4 * limit // 1_000_000 or 1}MB",
        )

    def _salvage_header(self) -> Iterator[Record]:
        channel = self._channel
        records = self._header([c for c in channel if c.tag != "item"], late=False)
        yield self._site_record(channel)
        yield from records

    # -- the document -----------------------------------------------------

    def _parse(self, stream: ParserInput) -> Iterator[Record]:
        context = etree.iterparse(
            stream,
            # The channel's start is watched to name an item too large where it starts,
            # and, in recovery, to salvage the header of a file that breaks before its
            # first item ends.
            events=("start", "end"),
            tag=("item", "channel"),
            resolve_entities=False,
            load_dtd=False,
            no_network=True,
            remove_comments=True,
            remove_pis=True,
            # Text nodes past libxml2's 10 MB: the size is bounded by the stream's limit.
            huge_tree=True,
        )
        header_done = self._continuation
        item = self._item_light if self.light else self._item
        for event, elem in context:
            if event == "start":
                if elem.tag == "channel":
                    self._channel = elem
                continue
            # The parser holds nothing of what came before: the next item is counted from here.
            stream.mark = stream.consumed
            if not header_done:
                self._check_document(elem)
            if elem.tag == "channel":
                # Whatever is left in the channel: the whole header when there are
                # no items, or header elements written after the last item.
                records = self._header(list(elem), late=header_done)
                if not header_done:
                    yield self._site_record(elem)
                    header_done = True
                yield from records
                elem.clear()
                continue
            siblings = []
            previous = elem.getprevious()
            while previous is not None:
                siblings.append(previous)
                previous = previous.getprevious()
            siblings.reverse()
            parent = elem.getparent()
            records = self._header([s for s in siblings if s.tag != "item"], late=header_done)
            if not header_done:
                yield self._site_record(parent)
                header_done = True
            yield from records
            for sibling in siblings:
                parent.remove(sibling)
            if _DEEPER_THAN_USUAL(elem):
                self._check_depth(elem)
            post = item(elem)
            elem.clear()
            self._ended = elem
            yield post
        if not header_done:
            root = context.root
            raise NotWXRError(
                f"not a WordPress export: the root element is <{_local(root.tag)}>, and no <rss><channel> was found",
                file=self.name,
                line=root.sourceline,
                hint="export the site from WordPress with Tools > Export",
            )

    def _check_document(self, elem: Any) -> None:
        tree = elem.getroottree()
        if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
            raise UnsafeXMLError(
                "the document declares a DOCTYPE; WordPress exports never do",
                file=self.name,
                line=1,
                hint="remove the <!DOCTYPE ...> declaration if you trust the file",
            )
        root = tree.getroot()
        channel = elem if elem.tag == "channel" else elem.getparent()
        if root.tag != "rss" or channel is None or channel.tag != "channel":
            raise NotWXRError(
                f"not a WordPress export: expected <rss><channel>, found <{_local(root.tag)}>",
                file=self.name,
                line=elem.sourceline,
                hint="export the site from WordPress with Tools > Export",
            )
        # The proposed WXR 1.3 says its version on <rss> and names its elements in a namespace
        # without one: read as 1.2, every item would come out empty.
        version = next((v for k, v in root.attrib.items() if _local(k) == "version" and _WXR13_NS.match(_uri(k))), None)
        if version is not None or any(_WXR13_NS.match(uri) for uri in root.nsmap.values()):
            raise NotWXRError(
                f"a WXR {version or '1.3'} export, which this version does not read (wxrtool reads WXR 1.0 to 1.2)",
                file=self.name,
                line=root.sourceline,
                hint="export the site again with WordPress's own exporter (Tools > Export), which writes WXR 1.2",
            )

    def _check_depth(self, elem: Any) -> None:
        deep = _TOO_DEEP(elem)
        if deep:
            raise ParseError(
                f"Excessive depth in document: elements nested more than {_MAX_DEPTH} levels deep",
                file=self.name,
                line=deep[0].sourceline,
                hint="no WordPress export nests elements this deep; the file is likely hostile",
            )

    # -- the header -------------------------------------------------------

    def _site_record(self, channel: Any) -> Site:
        fields = self._header_fields
        version = fields.get("wp:wxr_version", "")
        wordpress = any(name.startswith("wp:") for name in fields) or any(
            _WP_NS.match(uri) for uri in channel.nsmap.values()
        )
        if not version and not wordpress:
            # Nothing of WordPress's export in it: a feed, most likely the site's own /feed/.
            raise NotWXRError(
                "an RSS feed (such as a site's /feed/ address), not a WordPress export: a feed holds only"
                " the latest posts, without pages, comments or settings",
                file=self.name,
                line=channel.sourceline,
                hint="get the export in WordPress admin: Tools > Export > Download Export File",
            )
        if not version or not quirks.valid_wxr_version(version):
            found = f"<wp:wxr_version> is {version!r}" if version else "there is no <wp:wxr_version>"
            raise NotWXRError(
                f"not a WordPress export: {found} in the channel header",
                file=self.name,
                line=channel.sourceline,
                hint="WordPress's importer refuses such files too; re-export it, or add"
                " <wp:wxr_version>1.2</wp:wxr_version> if it really is a WXR file",
            )
        site = Site(
            title=fields.get("title", ""),
            link=fields.get("link", ""),
            description=fields.get("description", ""),
            language=fields.get("language", ""),
            base_site_url=fields.get("wp:base_site_url", ""),
            base_blog_url=fields.get("wp:base_blog_url", ""),
            wxr_version=version,
            generator=fields.get("generator", ""),
            exported=quirks.parse_rfc822(fields.get("pubDate", "")),
        )
        self.site = site
        return site

    def _header(self, elements: list[Any], *, late: bool) -> list[Record]:
        """Records for the channel's non-item children; scalar fields remembered."""
        if not late:
            self._header_fields = {}
        records: list[Record] = []
        for elem in elements:
            if _DEEPER_THAN_USUAL(elem):
                self._check_depth(elem)
            name = self._names[elem.tag]
            if name == "wp:author":
                records.append(self._author(elem))
            elif name in ("wp:category", "wp:tag", "wp:term"):
                records.append(self._term(elem, name))
            elif not late and len(elem) == 0 and name not in self._header_fields:
                self._header_fields[name] = self._text(elem)
        return records

    def _fields(self, elem: Any) -> dict[str, str]:
        names = self._names
        return {names[child.tag]: self._text(child) for child in elem}

    def _author(self, elem: Any) -> Author:
        f = self._fields(elem)
        return Author(
            login=f.get("wp:author_login", ""),
            id=quirks.parse_int(f.get("wp:author_id"), 0) or None,
            email=f.get("wp:author_email", ""),
            display_name=f.get("wp:author_display_name", ""),
            first_name=f.get("wp:author_first_name", ""),
            last_name=f.get("wp:author_last_name", ""),
            line=elem.sourceline,
        )

    def _term(self, elem: Any, name: str) -> Term:
        f = self._fields(elem)
        meta = tuple(self._meta(child) for child in elem if self._names[child.tag] == "wp:termmeta")
        term_id = quirks.parse_int(f.get("wp:term_id"), 0) or None
        if name == "wp:category":
            return Term(
                taxonomy="category",
                slug=quirks.decode_slug(f.get("wp:category_nicename", "")),
                name=f.get("wp:cat_name", ""),
                id=term_id,
                parent=quirks.decode_slug(f.get("wp:category_parent", "")),
                description=f.get("wp:category_description", ""),
                meta=meta,
                line=elem.sourceline,
            )
        if name == "wp:tag":
            return Term(
                taxonomy="post_tag",
                slug=quirks.decode_slug(f.get("wp:tag_slug", "")),
                name=f.get("wp:tag_name", ""),
                id=term_id,
                description=f.get("wp:tag_description", ""),
                meta=meta,
                line=elem.sourceline,
            )
        return Term(
            taxonomy=f.get("wp:term_taxonomy", ""),
            slug=quirks.decode_slug(f.get("wp:term_slug", "")),
            name=f.get("wp:term_name", ""),
            id=term_id,
            parent=quirks.decode_slug(f.get("wp:term_parent", "")),
            description=f.get("wp:term_description", ""),
            meta=meta,
            line=elem.sourceline,
        )

    def _meta(self, elem: Any) -> Meta:
        key = value = ""
        for child in elem:
            name = self._names[child.tag]
            if name == "wp:meta_key":
                key = self._text(child)
            elif name == "wp:meta_value":
                value = self._raw(child)
        return quirks.make_meta(key, value)

    # -- items ------------------------------------------------------------

    def _light_meta(self, elems: list[Any], kind: str) -> tuple[Meta, ...]:
        if kind in ("attachment", "nav_menu_item"):  # (an attachment's sizes and alt; a menu item's target)
            return tuple(self._meta(m) for m in elems)
        return tuple(self._meta(m) for m in elems if self._meta_key(m) in _LIGHT_META)

    def _meta_key(self, elem: Any) -> str:
        for child in elem:
            if self._names[child.tag] == "wp:meta_key":
                return self._text(child)
        return ""

    def _item_light(self, elem: Any) -> Post:
        names = self._names
        text = self._text
        f: dict[str, str] = {}
        excerpt = ""
        meta_elems = []
        term_elems = []
        content_elem = None
        for child in elem:
            name = names[child.tag]
            if name in _LIGHT_FIELDS:
                if name not in f:
                    f[name] = text(child)
            elif name == "excerpt:encoded":
                excerpt = self._raw(child)  # (as the full read: a caption as stored)
            elif name == "content:encoded":
                content_elem = child  # (the last counts, as in the full read)
            elif name == "wp:postmeta":
                meta_elems.append(child)
            elif name == "category":
                term_elems.append(child)
        kind = intern(f.get("wp:post_type") or "post")
        if kind == "nav_menu_item":
            terms = tuple(self._term_ref(t) for t in term_elems)
        else:
            terms = tuple(self._term_ref(t) for t in term_elems if t.get("domain") not in TAGS_AND_CATEGORIES)
        slug_raw = f.get("wp:post_name", "")
        return Post(
            id=quirks.parse_int(f.get("wp:post_id")),
            type=kind,
            status=intern(f.get("wp:status") or "draft"),
            title=f.get("title", ""),
            slug=quirks.decode_slug(slug_raw),
            slug_raw=slug_raw,
            link=f.get("link", ""),
            guid=f.get("guid", ""),
            date=None,
            date_utc=None,
            modified=None,
            modified_utc=None,
            author=f.get("dc:creator", ""),
            # (a reusable block's content is what the posts that use it show: the index holds it)
            content_html=self._raw(content_elem) if kind == "wp_block" and content_elem is not None else "",
            excerpt_html=excerpt,
            parent=quirks.parse_int(f.get("wp:post_parent")),
            menu_order=quirks.parse_int(f.get("wp:menu_order")),
            attachment_url=f.get("wp:attachment_url", ""),
            password=f.get("wp:post_password", ""),
            terms=terms,
            meta=self._light_meta(meta_elems, kind),
            line=elem.sourceline,
        )

    def _item(self, elem: Any) -> Post:
        names = self._names
        f: dict[str, str] = {}
        terms: list[TermRef] = []
        meta: list[Meta] = []
        comment_elems: list[Any] = []
        text = self._text
        for child in elem:
            name = names[child.tag]
            if name not in _ITEM_SPECIAL:
                if name not in f:  # the first of a repeated field counts
                    f[name] = text(child)
            elif name == "wp:postmeta":
                meta.append(self._meta(child))
            elif name == "wp:comment":
                if self.comments:
                    comment_elems.append(child)
            elif name == "category":
                terms.append(self._term_ref(child))
            else:  # content and excerpt: the last counts, as WordPress stores it (no trimming)
                f[name] = self._raw(child)
        post_id = quirks.parse_int(f.get("wp:post_id"))
        modified_pair = (f.get("wp:post_modified", ""), f.get("wp:post_modified_gmt", ""))
        hint = quirks.DateResolver.offset_of(*modified_pair)
        date, date_utc, known = self._dates.resolve(f.get("wp:post_date", ""), f.get("wp:post_date_gmt", ""), hint)
        modified, modified_utc, _ = self._dates.resolve(
            *modified_pair, (known and date is not None and date.utcoffset()) or None
        )
        comments: list[Comment] = []
        pings: list[Ping] = []
        for child in comment_elems:
            record = self._comment(child, post_id)
            if isinstance(record, Ping):
                pings.append(record)
            else:
                comments.append(record)
        slug_raw = f.get("wp:post_name", "")
        return Post(
            id=post_id,
            # wp_insert_post()'s defaults for what an item leaves out. (Types and
            # statuses are a handful of words: one string each, not one per item.)
            type=intern(f.get("wp:post_type") or "post"),
            status=intern(f.get("wp:status") or "draft"),
            title=f.get("title", ""),
            slug=quirks.decode_slug(slug_raw),
            slug_raw=slug_raw,
            link=f.get("link", ""),
            guid=f.get("guid", ""),
            date=date,
            date_utc=date_utc,
            modified=modified,
            modified_utc=modified_utc,
            author=f.get("dc:creator", ""),
            content_html=f.get("content:encoded", ""),
            excerpt_html=f.get("excerpt:encoded", ""),
            parent=quirks.parse_int(f.get("wp:post_parent")),
            menu_order=quirks.parse_int(f.get("wp:menu_order")),
            password=f.get("wp:post_password", ""),
            sticky=quirks.parse_bool(f.get("wp:is_sticky")),
            comment_status=intern(f.get("wp:comment_status", "")),
            ping_status=intern(f.get("wp:ping_status", "")),
            attachment_url=f.get("wp:attachment_url", ""),
            terms=_unique_terms(terms),
            meta=tuple(meta),
            comments=tuple(comments),
            pings=tuple(pings),
            line=elem.sourceline,
            date_offset_known=known,
        )

    def _term_ref(self, elem: Any) -> TermRef:
        name = self._text(elem)
        slug = quirks.decode_slug(map_back(elem.get("nicename", "")))
        return TermRef(taxonomy=quirks.term_taxonomy(map_back(elem.get("domain", ""))), slug=slug, name=name)

    def _comment(self, elem: Any, post_id: int) -> Comment | Ping:
        names = self._names
        text = self._text
        personal = self.personal_data
        f: dict[str, str] = {}
        meta: list[Meta] = []
        for child in elem:
            name = names[child.tag]
            if name == "wp:commentmeta":
                if personal:
                    meta.append(self._meta(child))
            elif name == "wp:comment_content":
                f[name] = self._raw(child)  # the last content counts, as WordPress stores it
            elif name not in f:  # the first of a field counts
                f[name] = text(child)
        date, date_utc, _ = self._dates.resolve(f.get("wp:comment_date", ""), f.get("wp:comment_date_gmt", ""))
        kind = quirks.comment_kind(f.get("wp:comment_type"))
        common: dict[str, Any] = dict(
            id=quirks.parse_int(f.get("wp:comment_id")),
            post_id=post_id,
            author=f.get("wp:comment_author", ""),
            author_email=f.get("wp:comment_author_email", "") if personal else "",
            author_url=f.get("wp:comment_author_url", ""),
            author_ip=f.get("wp:comment_author_IP", "") if personal else "",
            date=date,
            date_utc=date_utc,
            content_html=f.get("wp:comment_content", ""),
            status=quirks.comment_status(f.get("wp:comment_approved")),
            parent=quirks.parse_int(f.get("wp:comment_parent")),
            meta=tuple(meta),
            line=elem.sourceline,
        )
        if isinstance(kind, PingType):
            return Ping(type=kind, **common)
        return Comment(type=kind, user_id=quirks.parse_int(f.get("wp:comment_user_id")), **common)


def _early_cdata_end(stream: ParserInput, line: int | None, column: int | None) -> bool:
    """Whether the line of a tag mismatch has, before it, a ``]]>`` that no section or element's
    end follows: WordPress 3.0's exporter wrote a post's ``]]>`` as it was, which ended its CDATA
    section there, and the post's own HTML after it (``</p>``) then closed no element."""
    if line is None or column is None:
        return False
    text = stream.line(line, 4 * column + 16)
    if text is None:
        return False
    at = text.rfind("]]>", 0, column)
    return at >= 0 and not SECTION_ENDS.match(text, at + 3)


def _ampersand_column(stream: ParserInput, line: int, column: int) -> int:
    """Where the ``&`` libxml2 faults is on ``line``: it says the column where the name after it
    ends (``?a=1&b=2``: at ``=``); the column it gave when the line cannot be read again."""
    text = stream.line(line, 4 * column + 16)
    at = text.rfind("&", 0, column) if text is not None else -1
    return at + 1 if at >= 0 else column


_UNDEFINED_ENTITY = re.compile(r"Entity '([^']{1,100})' not defined")


def _last_error_type(exc: etree.XMLSyntaxError) -> str:
    """The kind of the error the parser stopped at (``ERR_CDATA_NOT_FINISHED``), where its words
    are libxml2's filler (``Unregistered error message``)."""
    entries = list(cast("Iterable[Any]", exc.error_log))  # (an _ListErrorLog; its stub has no more)
    return str(entries[-1].type_name) if entries else ""


def _undefined_entity(exc: etree.XMLSyntaxError) -> tuple[str, int, int] | None:
    """The entity XML does not define that the parser met first (name, line, column), if it met
    one: the error it raises is a later one, where it gave up (``no element found`` at 0:0)."""
    for entry in cast("Iterable[Any]", exc.error_log):  # (an _ListErrorLog, iterable; its stub says not)
        if entry.type_name == "ERR_UNDECLARED_ENTITY":
            found = _UNDEFINED_ENTITY.search(entry.message)
            if found is not None:
                return found.group(1), entry.line, entry.column
    return None


def _cut_short(stream: ParserInput, line: int | None, message: str) -> bool:
    """Whether the parser's fault is the input's end in the middle of the export: found once the
    input has ended, on its last line (or the one before, a last line break) and none that is a
    fault wherever it stands (a raw ``&``...), or in a CDATA section or element left open (which
    the parser names where it starts)."""
    if not stream.ended():
        return False
    if message.startswith(_LEFT_OPEN):
        return True
    if line is None or message.startswith(_OF_ITS_OWN):
        return False
    breaks = stream.line_breaks()
    return breaks is not None and line >= breaks


_LEFT_OPEN = ("CData section not finished", "Premature end of data", "EndTag: '</' not found")
# Faults that are what they say wherever they are, the last line too (a small file's only one).
_OF_ITS_OWN = (
    "EntityRef", "xmlParseEntityRef", "invalid Char", "PCDATA invalid Char", "Char 0x", "Input is not proper UTF-8",
    "Namespace prefix", "Sequence ']]>'", "Opening and ending tag mismatch",
)  # fmt: skip


def _unique_terms(refs: list[TermRef]) -> tuple[TermRef, ...]:
    """Drop repeated term references, keeping the first of each.

    WXR 1.0 lists each term twice, once with its nicename and once without; the
    one without is a repeat when a reference with a slug has the same name.
    """
    named = {(r.taxonomy, r.name) for r in refs if r.slug}
    seen: set[tuple[str, str, str]] = set()
    unique = []
    for ref in refs:
        key = (ref.taxonomy, ref.slug, ref.name)
        if key in seen or (not ref.slug and (ref.taxonomy, ref.name) in named):
            continue
        seen.add(key)
        unique.append(ref)
    return tuple(unique)


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else "?"


def _uri(tag: str) -> str:
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


def read(
    source: Source | Sequence[Source],
    name: str | None = None,
    *,
    recover: bool = False,
    max_item_size: int | None = None,
) -> Iterator[Record]:
    """Stream the records of a WXR export, lazily, in constant memory.

    Parameters:
        source: a path, ``"-"`` for standard input, or a binary file object;
            gzip, bzip2 and xz compression are recognised by their magic bytes; or a list
            of the parts of one split export, read as one (:func:`read_parts`).
        name: how to name the input in error messages (default: from ``source``).
        recover: repair what makes a damaged export unreadable (see :mod:`wxrtool.recover`);
            use :class:`Reader` to see the list of repairs.
        max_item_size: the most bytes one item may take (default: see :func:`set_max_item_size`).

    Raises :class:`~wxrtool.errors.WXRError` subclasses for unreadable input.

    >>> import wxrtool
    >>> posts = [r for r in wxrtool.read(samples / "klout.xml") if isinstance(r, wxrtool.Post)]
    >>> len(posts[0].comments), len(posts[0].pings)
    (36, 11)
    """
    if isinstance(source, (list, tuple)):
        return read_parts(source, recover=recover, max_item_size=max_item_size)
    return iter(Reader(source, name, recover=recover, max_item_size=max_item_size))  # type: ignore[arg-type]


# -- the parts of a split export, read as one -----------------------------------


class PartsReader:
    """Records of a site split into parts, as one stream; ``repairs`` from every part."""

    def __init__(
        self, parts: list[str], *, recover: bool = False, light: bool = False, personal_data: bool = True
    ) -> None:
        self.parts = parts
        self.recover = recover
        self.light = light
        self.personal_data = personal_data
        self.repairs: list[Repair] = []

    def __iter__(self) -> Iterator[Record]:
        return read_parts(
            self.parts,
            recover=self.recover,
            repairs=self.repairs,
            light=self.light,
            personal_data=self.personal_data,
        )


def check_same_site(first: Site, later: Site, name: str) -> None:
    """Refuse a part whose blog is not the first part's (each as its blog's address, else its link)."""
    ours, theirs = first.base_blog_url or first.link, later.base_blog_url or later.link
    if ours and theirs and _blog(ours) != _blog(theirs):
        raise NotWXRError(
            f"a part of another site: this file exports {theirs[:200]!r}, the first part {ours[:200]!r}",
            file=name,
            hint="give the parts of one export together; convert each site's export on its own",
        )


def _blog(address: str) -> str:
    """A blog's address as two parts of one export may differ in it: scheme, letter case, a last ``/``.

    >>> _blog("HTTPS://Example.org/blog/") == _blog("http://example.org/blog")
    True
    """
    _scheme, _, rest = address.strip().partition("://")
    return (rest or address).lower().rstrip("/")


def read_parts(
    parts: Sequence[Source],
    *,
    recover: bool = False,
    repairs: list[Repair] | None = None,
    light: bool = False,
    personal_data: bool = True,
    comments: bool = True,
    dates: quirks.DateResolver | None = None,
    max_item_size: int | None = None,
    reader: Callable[..., Reader] | None = None,
) -> Iterator[Record]:
    """Read the parts of one split export as one export (each with ``reader``, called as
    :class:`Reader` is: a subclass's own, for the files of a zip archive it reads).

    The first part's site header is the site's; a later part of another site (its blog's
    address another) raises :class:`~wxrtool.errors.NotWXRError`: two exports zipped together,
    say, are two sites, not one. Authors (by login) and terms (by taxonomy and slug) that later
    parts repeat are read once. The keywords are :class:`Reader`'s, for every part.
    """
    authors: set[str] = set()
    terms: set[tuple[str, str]] = set()
    have_site: Site | None = None
    dates = dates if dates is not None else quirks.DateResolver()
    make = reader or Reader
    for part in parts:
        reading = make(
            part,
            recover=recover,
            dates=dates,
            light=light,
            personal_data=personal_data,
            comments=comments,
            max_item_size=max_item_size,
        )
        for record in reading:
            if isinstance(record, Site):
                if have_site is not None:
                    check_same_site(have_site, record, reading.name)
                    continue
                have_site = record
            elif isinstance(record, Author):
                if record.login in authors:
                    continue
                authors.add(record.login)
            elif isinstance(record, Term):
                key = (record.taxonomy, record.slug or record.name)
                if key in terms:
                    continue
                terms.add(key)
            yield record
        if repairs is not None:
            repairs += reading.repairs

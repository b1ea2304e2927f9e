"""WXR 1.2 out: an export WordPress's importer accepts, after wxrtool's filters.

The document is laid out as WordPress's own ``export_wp()`` writes it: the channel
header, every author, category, tag and term, then one ``<item>`` per post with
its meta and comments, text in CDATA sections split around ``]]>``. It never has
a DOCTYPE; every ``dc:creator`` names a declared author (an author the original
export forgot is declared from the login); every category reference carries its
nicename. This is the one format that writes post passwords: a protected post
re-imported without its password would be public.

WXR is WordPress's own format, and WordPress filters what it imports by its own rules
(a commenter's name and link through kses and ``sanitize_url()``), so content, excerpts,
comments and commenters' names and links are written as they were read (after ``--recover``'s
repairs, if any), not sanitised as the other writers do: importing this file stores
what importing the original stores (tests/test_wxr_in_wordpress.py compares the two
databases of a real WordPress).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from email.utils import format_datetime
from typing import TextIO

from ..index import SiteIndex
from ..quirks import parse_id
from ..records import Author, Comment, CommentStatus, Meta, Ping, Post, Site, Term
from ..selection import Selection
from .protocol import Entry, WriteOptions, WriteResult
from .xmltext import cdata, escape, gmt, local

NAMESPACES = (
    'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"\n'
    '\txmlns:content="http://purl.org/rss/1.0/modules/content/"\n'
    '\txmlns:wfw="http://wellformedweb.org/CommentAPI/"\n'
    '\txmlns:dc="http://purl.org/dc/elements/1.1/"\n'
    '\txmlns:wp="http://wordpress.org/export/1.2/"'
)
_APPROVED = {
    CommentStatus.APPROVED: "1",
    CommentStatus.PENDING: "0",
    CommentStatus.SPAM: "spam",
    CommentStatus.TRASH: "trash",
    CommentStatus.POST_TRASHED: "post-trashed",
}


def slugify(name: str) -> str:
    """A nicename for a term reference that has none (WXR 1.0), the way WordPress makes one."""
    slug = re.sub(r"[^\w\s-]", "", name.lower(), flags=re.UNICODE)
    return re.sub(r"[\s_-]+", "-", slug).strip("-")


def header(site: Site | None) -> str:
    """Everything before the authors: the XML declaration, namespaces, the site."""
    exported = format_datetime(site.exported) if site and site.exported else ""
    lines = [
        '<?xml version="1.0" encoding="UTF-8" ?>',
        "<!-- This is a WordPress eXtended RSS file, written by wxrtool from a WordPress export. -->",
        f'<rss version="2.0"\n\t{NAMESPACES}\n>',
        "",
        "<channel>",
        f"\t<title>{escape(site.title if site else '')}</title>",
        f"\t<link>{escape(site.link if site else '')}</link>",
        f"\t<description>{escape(site.description if site else '')}</description>",
        f"\t<pubDate>{escape(exported)}</pubDate>",
        f"\t<language>{escape(site.language if site else '')}</language>",
        "\t<wp:wxr_version>1.2</wp:wxr_version>",
        f"\t<wp:base_site_url>{escape(site.base_site_url if site else '')}</wp:base_site_url>",
        f"\t<wp:base_blog_url>{escape(site.base_blog_url if site else '')}</wp:base_blog_url>",
        "",
    ]
    return "\n".join(lines) + "\n"


def author_xml(author: Author, selection: Selection) -> str:
    email = author.email if selection.personal_data else ""
    return (
        f"\t<wp:author><wp:author_id>{author.id or 0}</wp:author_id>"
        f"<wp:author_login>{cdata(author.login)}</wp:author_login>"
        f"<wp:author_email>{cdata(email)}</wp:author_email>"
        f"<wp:author_display_name>{cdata(author.display_name or author.login)}</wp:author_display_name>"
        f"<wp:author_first_name>{cdata(author.first_name)}</wp:author_first_name>"
        f"<wp:author_last_name>{cdata(author.last_name)}</wp:author_last_name></wp:author>\n"
    )


def _term_meta(meta: tuple[Meta, ...]) -> str:
    return "".join(
        f"\t\t<wp:termmeta>\n\t\t\t<wp:meta_key>{cdata(m.key)}</wp:meta_key>\n"
        f"\t\t\t<wp:meta_value>{cdata(m.value)}</wp:meta_value>\n\t\t</wp:termmeta>\n"
        for m in meta
    )


def term_xml(term: Term) -> str:
    """A category, tag or term of the header, in the element WordPress uses for it."""
    term_id = f"\t\t<wp:term_id>{term.id or 0}</wp:term_id>\n"
    if term.taxonomy == "category":
        return (
            f"\t<wp:category>\n{term_id}"
            f"\t\t<wp:category_nicename>{cdata(term.slug or slugify(term.name))}</wp:category_nicename>\n"
            f"\t\t<wp:category_parent>{cdata(term.parent)}</wp:category_parent>\n"
            f"\t\t<wp:cat_name>{cdata(term.name)}</wp:cat_name>\n"
            f"\t\t<wp:category_description>{cdata(term.description)}</wp:category_description>\n"
            f"{_term_meta(term.meta)}\t</wp:category>\n"
        )
    if term.taxonomy == "post_tag":
        return (
            f"\t<wp:tag>\n{term_id}"
            f"\t\t<wp:tag_slug>{cdata(term.slug or slugify(term.name))}</wp:tag_slug>\n"
            f"\t\t<wp:tag_name>{cdata(term.name)}</wp:tag_name>\n"
            f"\t\t<wp:tag_description>{cdata(term.description)}</wp:tag_description>\n"
            f"{_term_meta(term.meta)}\t</wp:tag>\n"
        )
    return (
        f"\t<wp:term>\n{term_id}"
        f"\t\t<wp:term_taxonomy>{cdata(term.taxonomy)}</wp:term_taxonomy>\n"
        f"\t\t<wp:term_slug>{cdata(term.slug or slugify(term.name))}</wp:term_slug>\n"
        f"\t\t<wp:term_parent>{cdata(term.parent)}</wp:term_parent>\n"
        f"\t\t<wp:term_name>{cdata(term.name)}</wp:term_name>\n"
        f"\t\t<wp:term_description>{cdata(term.description)}</wp:term_description>\n"
        f"{_term_meta(term.meta)}\t</wp:term>\n"
    )


def _meta(tag: str, meta: tuple[Meta, ...], indent: str) -> str:
    return "".join(
        f"{indent}<wp:{tag}>\n{indent}\t<wp:meta_key>{cdata(m.key)}</wp:meta_key>\n"
        f"{indent}\t<wp:meta_value>{cdata(m.value)}</wp:meta_value>\n{indent}</wp:{tag}>\n"
        for m in meta
    )


def comment_xml(c: Comment | Ping, personal_data: bool = True, parent: int | None = None) -> str:
    """One ``wp:comment``: comments, pingbacks and trackbacks alike, as WordPress stores them.

    Without ``personal_data``, the e-mail and IP addresses and the comment meta are left
    empty here too, whatever the records hold. ``parent``: written in place of the comment's own.
    """
    email, ip, meta = (c.author_email, c.author_ip, c.meta) if personal_data else ("", "", ())
    kind = c.type.value if isinstance(c, Ping) else ("comment" if c.type == "comment" else c.type)
    user_id = c.user_id if isinstance(c, Comment) else 0
    return (
        "\t\t<wp:comment>\n"
        f"\t\t\t<wp:comment_id>{c.id}</wp:comment_id>\n"
        f"\t\t\t<wp:comment_author>{cdata(c.author)}</wp:comment_author>\n"
        f"\t\t\t<wp:comment_author_email>{cdata(email)}</wp:comment_author_email>\n"
        f"\t\t\t<wp:comment_author_url>{escape(c.author_url)}</wp:comment_author_url>\n"
        f"\t\t\t<wp:comment_author_IP>{cdata(ip)}</wp:comment_author_IP>\n"
        f"\t\t\t<wp:comment_date>{cdata(local(c.date))}</wp:comment_date>\n"
        f"\t\t\t<wp:comment_date_gmt>{cdata(gmt(c.date_utc))}</wp:comment_date_gmt>\n"
        f"\t\t\t<wp:comment_content>{cdata(c.content_html)}</wp:comment_content>\n"
        f"\t\t\t<wp:comment_approved>{cdata(_APPROVED[c.status])}</wp:comment_approved>\n"
        f"\t\t\t<wp:comment_type>{cdata(kind)}</wp:comment_type>\n"
        f"\t\t\t<wp:comment_parent>{c.parent if parent is None else parent}</wp:comment_parent>\n"
        f"\t\t\t<wp:comment_user_id>{user_id}</wp:comment_user_id>\n"
        f"{_meta('commentmeta', meta, chr(9) * 3)}"
        "\t\t</wp:comment>\n"
    )


def item_xml(post: Post, index: SiteIndex, personal_data: bool = True, importable: bool = True) -> str:
    """One ``<item>``, comments and pings in id order as WordPress exports them.

    ``importable``: a reply whose parent WordPress's importer cannot find is written at the top
    level, as every other format shows it: the importer maps a parent only when it inserted it
    first, going by id (``process_post_comments``), and otherwise keeps the old id, which points at
    nothing or at another comment of the new site (a threaded page then hangs the reply under a
    stranger, or shows it nowhere). So a parent not written (spam, pending, absent), the comment's
    own id, or a later one (a cycle's) is ``0``. Without it (``split``, which repackages an export
    and reads back as it), every parent is the export's.
    """
    refs = []
    for ref in post.terms:
        slug = ref.slug or index.term_slugs.get((ref.taxonomy, ref.name)) or slugify(ref.name)
        refs.append(
            f'\t\t<category domain="{escape(ref.taxonomy)}" nicename="{escape(slug)}">{cdata(ref.name)}</category>\n'
        )
    pub_date = format_datetime(post.date_utc) if post.date_utc else ""
    responses: list[Comment | Ping] = sorted((*post.comments, *post.pings), key=lambda c: c.id)
    written = {c.id for c in responses} if importable else None
    attachment = (
        f"\t\t<wp:attachment_url>{cdata(post.attachment_url)}</wp:attachment_url>\n" if post.attachment_url else ""
    )
    # An item without a date gets none, as in the export: the importer dates it at the import, and
    # files an attachment under that month (a zero date would file it under uploads/0000/00/).
    date = local(post.date) if post.date else ""
    return (
        "\t<item>\n"
        f"\t\t<title>{cdata(post.title)}</title>\n"
        f"\t\t<link>{escape(post.link)}</link>\n"
        f"\t\t<pubDate>{escape(pub_date)}</pubDate>\n"
        f"\t\t<dc:creator>{cdata(post.author)}</dc:creator>\n"
        f'\t\t<guid isPermaLink="false">{escape(post.guid)}</guid>\n'
        "\t\t<description></description>\n"
        f"\t\t<content:encoded>{cdata(post.content_html)}</content:encoded>\n"
        f"\t\t<excerpt:encoded>{cdata(post.excerpt_html)}</excerpt:encoded>\n"
        f"\t\t<wp:post_id>{post.id}</wp:post_id>\n"
        f"\t\t<wp:post_date>{cdata(date)}</wp:post_date>\n"
        f"\t\t<wp:post_date_gmt>{cdata(gmt(post.date_utc))}</wp:post_date_gmt>\n"
        f"\t\t<wp:post_modified>{cdata(local(post.modified))}</wp:post_modified>\n"
        f"\t\t<wp:post_modified_gmt>{cdata(gmt(post.modified_utc))}</wp:post_modified_gmt>\n"
        f"\t\t<wp:comment_status>{cdata(post.comment_status)}</wp:comment_status>\n"
        f"\t\t<wp:ping_status>{cdata(post.ping_status)}</wp:ping_status>\n"
        f"\t\t<wp:post_name>{cdata(post.slug_raw)}</wp:post_name>\n"
        f"\t\t<wp:status>{cdata(post.status)}</wp:status>\n"
        f"\t\t<wp:post_parent>{post.parent}</wp:post_parent>\n"
        f"\t\t<wp:menu_order>{post.menu_order}</wp:menu_order>\n"
        f"\t\t<wp:post_type>{cdata(post.type)}</wp:post_type>\n"
        f"\t\t<wp:post_password>{cdata(post.password)}</wp:post_password>\n"
        f"\t\t<wp:is_sticky>{int(post.sticky)}</wp:is_sticky>\n"
        f"{attachment}{''.join(refs)}{_meta('postmeta', post.meta, chr(9) * 2)}"
        f"{''.join(comment_xml(c, personal_data, _importable_parent(c, written)) for c in responses)}"
        "\t</item>\n"
    )


FOOTER = "</channel>\n</rss>\n"


def head_records(
    site: Site | None, authors: list[Author], terms: list[Term], index: SiteIndex, selection: Selection
) -> str:
    """The header with its authors (creators the export did not declare added) and terms."""
    declared = {a.login for a in authors}
    missing = sorted(login for login in index.creators if login and login not in declared)
    everyone = [*authors, *(Author(login=login) for login in missing)]
    return (
        header(site)
        + "".join(author_xml(a, selection) for a in everyone)
        + "\n"
        + "".join(term_xml(t) for t in terms)
        + "\n\t<generator>https://pypi.org/project/wxrtool/</generator>\n\n"
    )


def _importable_parent(c: Comment | Ping, written: set[int] | None) -> int:
    if written is None:
        return c.parent
    return c.parent if c.parent in written and c.parent < c.id else 0


def write(entries: Iterable[Entry], out: TextIO, options: WriteOptions) -> WriteResult:
    """Write ``records`` as one WXR 1.2 document."""
    result = WriteResult()
    site: Site | None = None
    authors: list[Author] = []
    terms: list[Term] = []
    late: list[str] = []
    started = False
    for record, _ in entries:
        if isinstance(record, Post):
            if not started:
                out.write(head_records(site, authors, terms, options.index, options.selection))
                started = True
            kept = _featured_image_kept(record, options)
            if kept is not record:
                result.notes[FEATURED_IMAGE_LEFT_OUT] += 1
            out.write(item_xml(kept, options.index, options.selection.personal_data))
        elif isinstance(record, Site):
            site = record
        elif isinstance(record, Author):
            # WordPress's importer reads authors and terms anywhere in the channel,
            # so those an export lists after its items are written after them too.
            (late.append(author_xml(record, options.selection)) if started else authors.append(record))
        elif isinstance(record, Term):
            (late.append(term_xml(record)) if started else terms.append(record))
    if not started:
        out.write(head_records(site, authors, terms, options.index, options.selection))
    out.write("".join(late) + FOOTER)
    return result


FEATURED_IMAGE_LEFT_OUT = "featured-image-left-out"
"""The account's note: a post's ``_thumbnail_id`` left out with the attachment it names."""


def _featured_image_kept(post: Post, options: WriteOptions) -> Post:
    """``post`` without its ``_thumbnail_id`` when the filters leave the attachment it names out
    (``--type post``, ``--status``): WordPress's importer remaps a featured image only to an item of
    the same import and otherwise stores the old id, which on the new site names another item's
    image, or nothing. An id the export does not have stays, as the export has it."""
    index, selection = options.index, options.selection
    for meta in post.meta:
        if meta.key == "_thumbnail_id" and (image := parse_id(meta.value.strip())) is not None:
            info = index.items.get(image)
            if info is not None and not selection.may_keep(info.type, info.status, index.status_of(info.parent)):
                return dataclasses.replace(post, meta=tuple(m for m in post.meta if m is not meta))
    return post

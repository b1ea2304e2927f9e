"""Jekyll: ``_posts/YYYY-MM-DD-slug.md``, ``_drafts/``, pages, Staticman-style comment data.

Published posts go to ``_posts`` under their local date, everything else of type
post to ``_drafts``; pages keep their parents' slugs as folders, other post types
go to a collection folder ``_<type>/``. Each keeps its old URL: ``permalink`` is
the old permalink's path, and ``redirect_from`` (jekyll-redirect-from) lists the
paths of the slugs WordPress itself still redirects (``_wp_old_slug``) and of a paged post's
pages after the first (``/slug/2/``: shown whole now). A post whose
old link has no path (``/?p=12``: a site without pretty permalinks) is at
``/yyyy/mm/dd/<slug>/`` (:func:`dated_permalink`), not at Jekyll's default, which is
made of its categories. Liquid is switched off per file (``render_with_liquid:
false``), so ``{{`` and ``{%`` in a post show as written. Comments become one data
file each, ``_data/comments/<key>/comment-<time>-<comment key>.yml`` with ``_id``,
``_parent``, name, url, message and date, the format Staticman writes; pings go to
``_data/pings``. The keys are the ids, ``-2``, ``-3``... added for a later item or
comment with the same id, so no two share a file. ``categories`` are the names
(``site.categories`` is by name), a name two categories share shown with its parents'
(``Bar / Foo``); ``category_paths`` keep WordPress's hierarchy.
``--scaffold`` adds a ``_config.yml`` and layouts that show the threads.

A post type names a collection, so it must not name one of Jekyll's own folders
or variables: ``layouts`` as a collection would put ``_layouts/post.md`` among
the layouts and change every post's page. The collection of a custom post type
is the type itself when it is made of ``a-z 0-9 _ -`` (every WordPress post type
is) and not reserved; otherwise, always the same way (see :func:`collection_name`):

- other characters are dropped (Jekyll would drop them) and ``.<8 hex digits of
  SHA-256 of the type>`` added, so ``Recipe`` and ``recipe`` stay apart;
- a name in :data:`RESERVED_COLLECTIONS` (Jekyll's folders ``posts``, ``drafts``,
  ``layouts``, ``includes``, ``data``, ``plugins``, ``sass``, ``site``, ``config``,
  ``cache``, the names ``site.<name>`` has, such as ``pages``, ``tags``, ``time``,
  and its configuration's keys), or one starting with ``wp-``, gets ``wp-`` in
  front: ``layouts`` -> ``_wp-layouts/``, ``wp-x`` -> ``_wp-wp-x/``; so no two
  types share a collection.

Slugs lose the leading ``_ . # ~`` and trailing ``~`` that make Jekyll skip a
file or folder (:func:`shown_name`; the address, from ``permalink``, keeps them), and
a page's name at the top of the site gets ``wp-`` in front when Jekyll excludes it
(``vendors``: its default ``exclude`` compares the start of names), or when it is
the folder of a page at Jekyll's own address in a reserved folder (``assets/``).
``permalink`` and ``redirect_from`` come from :func:`~wxrtool.writers.paths.site_path`:
a path on this site, never ``//host/`` or ``..``. Each is handed out once per site by
:class:`~wxrtool.writers.paths.Addresses` (first come, in export order), never
one in :data:`RESERVED_PATHS`: Jekyll only warns of a conflict and builds the
last page at the address, so two posts with one old link, or one at
``/index.html``, would replace another's page. A post that loses its permalink
gets a dated one; a page that loses it is at Jekyll's own address for it (and its
redirects go with the permalink); a page's or collection item's file moves
(``-<id>``) if that address is taken.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import yaml

from ..archives import TARGETS
from ..authors import author_data
from ..content import comment_markdown, post_markdown
from ..content.sanitize import name_as_text, safe_url
from ..languages import language_data
from ..menus import TitlesSeen, as_data, new_site_menus
from ..oldurls import canonical_address, later_pages, page_count
from ..output import OutputDir, copy_scaffold
from ..records import Comment, CommentStatus, Ping, Post, Site
from ..sitestore import SpillCounter
from ..sitezone import ZoneEvidence
from ..threads import build_threads, walk
from . import _yaml
from ._placement import localize
from .frontmatter import category_labels, date_fields, front_matter, metadata, shown_title, stand_in_date
from .paths import (
    SITE_FILES,
    Addresses,
    PathPlanner,
    folder_address,
    safe_component,
    shown_component,
    site_path,
    url_path,
)
from .protocol import Entry, Posts, WriteOptions, WriteResult
from .responses import own_link

# Jekyll's own folders (``_layouts``...), the names ``site.<name>`` already has
# (a collection would hide them from every layout) and its configuration's keys.
RESERVED_COLLECTIONS = frozenset({
    "posts", "drafts", "layouts", "includes", "data", "plugins", "sass", "site", "config", "cache",
    "pages", "time", "static_files", "html_pages", "tags", "categories", "collections", "documents",
    "related_posts", "source", "destination", "collections_dir", "cache_dir", "plugins_dir",
    "layouts_dir", "data_dir", "includes_dir", "safe", "include", "exclude", "keep_files", "encoding",
    "markdown_ext", "strict_front_matter", "show_drafts", "limit_posts", "future", "unpublished",
    "whitelist", "markdown", "highlighter", "lsi", "excerpt_separator", "incremental", "detach", "port",
    "host", "baseurl", "url", "show_dir_listing", "permalink", "paginate_path", "timezone", "quiet",
    "verbose", "defaults", "liquid", "error_mode", "strict_filters", "strict_variables", "kramdown",
    "title", "lang", "description", "redirect_from",
})  # fmt: skip
COLLECTION_PREFIX = "wp-"
# Addresses no item may take: what the scaffold (its index.html is the home page),
# Jekyll, jekyll-redirect-from (redirects.json) and the usual plugins write, and the
# media folder. See :class:`~wxrtool.writers.paths.Addresses`.
RESERVED_PATHS = (*SITE_FILES, "/redirects.json", "/assets/*", "/tags/*", "/categories/*", "/author/*")
# Jekyll leaves out a file or folder at the top of the site whose name starts with one of
# its default `exclude` entries (it compares with `start_with?`: "vendors.md" is "vendor"),
# the scaffold's ("vendor") included.
_EXCLUDED_AT_TOP = ("gemfiles", "Gemfile", "node_modules", "vendor")


def collection_name(post_type: str) -> str:
    """The Jekyll collection (folder ``_<name>``) of a custom post type; never one of Jekyll's own.

    >>> [collection_name(t) for t in ("recipe", "layouts", "wp-x", "Recipe")]
    ['recipe', 'wp-layouts', 'wp-wp-x', 'recipe.aec69352']
    """
    name = re.sub(r"[^a-z0-9_-]", "", post_type.lower())[:40]
    if name != post_type:
        # Jekyll keeps only these characters; a digest keeps apart the types that
        # lose different ones, and the dot (which a kept name never has) keeps
        # them apart from the types that lose nothing.
        name = f"{name or 'type'}.{hashlib.sha256(post_type.encode()).hexdigest()[:8]}"
    if name in RESERVED_COLLECTIONS or name.startswith(COLLECTION_PREFIX):
        name = COLLECTION_PREFIX + name
    return name


def shown_name(slug: str, fallback: str) -> str:
    """A slug as a file or folder name Jekyll reads: without the leading ``_ . # ~`` and trailing
    ``~`` that make it skip one (a page named so would be lost, and ``_layouts`` as a parent
    page's slug would put its children among the layouts), and safe.

    >>> [shown_name(s, "7") for s in ("_drafts", "-_x", "#x~")]
    ['drafts', 'x', 'x']
    """
    return shown_component(slug, fallback, "_.#~")


def _at_top(name: str, folder: bool, addresses: Addresses | None) -> str:
    """The name of a page's file or folder at the top of the site: ``wp-`` in front of one
    Jekyll excludes and, with ``addresses``, of a folder whose every address is reserved
    (``assets/``): no other name for the page's file would make its address free."""
    if name.startswith(_EXCLUDED_AT_TOP) or (
        folder and addresses is not None and addresses.reserves_all_under(f"/{name}/")
    ):
        return COLLECTION_PREFIX + name
    return name


def _built(post: Post) -> bool:
    """Whether Jekyll builds the item: all but the drafts (``_drafts/`` is built only with ``--drafts``)."""
    return post.type != "post" or post.status == "publish"


def default_address(relative: str) -> str | None:
    """The address Jekyll gives a file with no ``permalink``; ``None`` for a post (it depends on its categories).

    >>> default_address("about/team.md"), default_address("_recipe/soup.md"), default_address("_posts/x.md")
    ('/about/team.html', '/recipe/soup/', None)
    """
    if relative.startswith(("_posts/", "_drafts/")):
        return None
    stem = relative.removesuffix(".md")
    if stem.startswith("_"):
        # The scaffold's collections: permalink /<name>/:name/
        collection, _, name = stem[1:].partition("/")
        return f"/{collection}/{name.rsplit('/', 1)[-1]}/"
    return f"/{stem}.html"


def file_path(
    post: Post,
    planner: PathPlanner,
    options: WriteOptions,
    addresses: Addresses | None = None,
    exported: datetime | None = None,
) -> str:
    """Where an item's file goes; with ``addresses``, only where Jekyll's address for it is free.

    A published post without a date goes to ``_posts`` too, under :func:`stand_in_date`
    (``exported``: when the site was exported): in ``_drafts`` Jekyll would not build it.
    """
    fields = {"type": post.type, **date_fields(post)}
    fallback = str(post.id)
    if post.type == "post":
        if post.status == "publish":
            # (The date comes first in the name: the slug may start with anything.)
            fields.update(date_fields(post, stand_in_date(post, exported)))
            return planner.path_for(fields, [post.slug], post.id, "_posts/{yyyy}-{mm}-{dd}-{slug}.md")
        return planner.path_for(fields, [shown_name(post.slug, fallback)], post.id, "_drafts/{slug}.md")

    def taken(relative: str) -> bool:
        address = default_address(relative)
        return addresses is not None and address is not None and not addresses.free(address)

    if post.type == "page":
        parts = [shown_name(a.slug, fallback) for a in reversed(options.index.ancestors(post.id))]
        parts.append(shown_name(post.slug, fallback))
        parts[0] = _at_top(parts[0], len(parts) > 1, addresses)
        return planner.path_for(fields, parts, post.id, "{slug}.md", taken)
    fields["type"] = collection_name(post.type)
    return planner.path_for(fields, [shown_name(post.slug, fallback)], post.id, "_{type}/{slug}.md", taken)


def dated_permalink(post: Post, addresses: Addresses, exported: datetime | None = None) -> str:
    """A post's address when its old link gives none of its own: ``/yyyy/mm/dd/<slug>/``.

    Its old link is ``/?p=N`` (a site without pretty permalinks), or its path is another
    item's. Jekyll's default would be made of the post's categories
    (``/alpha/beta/2011/01/18/x.html``), and change with them; this is WordPress's own
    "Day and name" structure, dated as the file in ``_posts`` (:func:`stand_in_date`).
    A built post claims it; ``-<id>`` is added while it is another's. A draft takes
    one that is free and claims none (see :func:`_addresses`).
    """
    fields = date_fields(post, stand_in_date(post, exported))
    slug = safe_component(post.slug, str(post.id)).replace("%", "%25")  # a "%" of the slug's own
    base = site_path(f"/{fields['yyyy']}/{fields['mm']}/{fields['dd']}/{slug}")
    ask = addresses.claim if _built(post) else addresses.free
    candidate, n = base + "/", 1
    while not ask(candidate):
        candidate = f"{base}-{post.id}/" if n == 1 else f"{base}-{post.id}-{n}/"
        n += 1
    return candidate


def _redirects(post: Post, permalink: str, others: Mapping[str, int]) -> list[str]:
    """Paths WordPress led to this post: its permalink with each old slug instead of the new, then
    the pages after its first (``/slug/2/``), which the new site shows whole, but those of another
    item (``others``: the export's items' own addresses, canonical, and whose they are: an old
    slug another item has as its permalink now is that item's page, in any order of the export)."""
    if not permalink:
        return []
    paths = []
    if post.slug and f"/{post.slug}/" in permalink:
        for meta in post.meta:
            if meta.key == "_wp_old_slug" and meta.value.strip() and meta.value.strip() != post.slug:
                path = site_path(permalink.replace(f"/{post.slug}/", f"/{meta.value.strip()}/", 1))
                if path and path != permalink and others.get(canonical_address(path) or "", post.id) == post.id:
                    paths.append(path)
    return paths + later_pages(permalink, page_count(post), others)


def jekyll_metadata(
    post: Post, key: str, options: WriteOptions, address: tuple[str | None, list[str]] | None = None
) -> dict[str, Any]:
    """Front matter in Jekyll's vocabulary; ``address``: the permalink and redirects it has,
    when not those of its old link (:func:`_redirects`)."""
    common = metadata(post, options)
    data: dict[str, Any] = {"layout": "page" if post.type == "page" else "post", "title": shown_title(post.title)}
    if "date" in common:
        data["date"] = common["date"]
    if "updated" in common:
        data["last_modified_at"] = common["updated"]
    if address is None:
        permalink = folder_address(site_path(post.link))
        address = (permalink or None), _redirects(post, permalink, options.index.addresses)
    if address[0]:
        data["permalink"] = address[0]
        if address[1]:
            data["redirect_from"] = address[1]
    if "categories" in common:
        # site.categories is by name: two categories named alike stay two (Bar / Foo).
        data["categories"] = category_labels(post, options.index)
    for name in ("tags", "author"):
        if name in common:
            data[name] = common[name]
    if "summary" in common:
        data["excerpt"] = common["summary"]
    if "featured_image" in common:
        data["image"] = common["featured_image"]
    skip = {"title", "date", "updated", "categories", "tags", "author", "summary", "featured_image", "permalink"}
    skip |= {"slug", "id", "type", "status", "draft"}
    data.update({k: v for k, v in common.items() if k not in skip})
    data["render_with_liquid"] = False
    data["comments_key"] = key
    data["wordpress"] = {"id": post.id, "type": post.type, "status": post.status, "slug": post.slug}
    if post.date is None:
        data["wordpress"]["date_missing"] = True  # dated by its file's name: see file_path
    return data


def _stamp(c: Comment | Ping) -> str:
    moment = c.date_utc or c.date
    return moment.astimezone(UTC).strftime("%Y%m%d%H%M%S") if moment else "00000000000000"


def _data_file(entry: dict[str, Any]) -> str:
    return _yaml.dump(entry)


def _file_key(item_id: int, key: str) -> str:
    """A key as it names a data file: the id zero-padded, so that files sort by id, and the
    key's suffix (``-2``: a later comment with the same id), so that no two share a file.

    >>> _file_key(700, "700"), _file_key(700, "700-2"), _file_key(-5, "-5")
    ('0000000700', '0000000700-2', '-000000005')
    """
    return f"{item_id:010d}{key.removeprefix(str(item_id))}"


def _keys(ids: Iterable[int]) -> list[str]:
    """Keys unique among ``ids`` as :mod:`~wxrtool.threads` makes them: the id, then ``<id>-2``...

    >>> _keys([4, 7, 4, 4])
    ['4', '7', '4-2', '4-3']
    """
    seen = SpillCounter()  # (on disk when many: wxrtool.sitestore)
    keys = []
    for item_id in ids:
        seen[item_id] += 1
        keys.append(str(item_id) if seen[item_id] == 1 else f"{item_id}-{seen[item_id]}")
    return keys


def comment_entry(c: Comment, key: str, parent: int | None, options: WriteOptions) -> dict[str, Any]:
    """One comment as Staticman stores it under its thread key (``_parent`` is '' at the top level)."""
    entry: dict[str, Any] = {
        "_id": key,
        "_parent": str(parent) if parent else "",
        "name": name_as_text(c.author),
        "url": own_link(safe_url(c.author_url), options.relink),
        "message": comment_markdown(c.content_html, links=options.relink),
        "date": c.date,
    }
    if c.status is not CommentStatus.APPROVED:  # (--comments all: a spam comment is not shown as any other)
        entry["status"] = c.status.value
    if options.selection.personal_data:
        entry["email"] = c.author_email
    return entry


LIQUID_DEPTH = 40
"""The deepest a reply is nested in the comment data (deeper ones hang under their ancestor at
this depth, as :mod:`wxrtool.threads` says): the scaffold includes its thread template once a
level, and Liquid stops a build whose includes nest some 50 deep ("Nesting too deep")."""


# What render() makes of a post: its front matter and body, the permalink it asks for,
# the old addresses to redirect, and its comments' data files (folder under _data, the
# file's name, text): the thread's own folder is named in write(), which sees every item.
_Parts = tuple[str, str, str | None, list[str], list[tuple[str, str, str]]]


def render(post: Post, options: WriteOptions) -> _Parts:
    """The post's front matter, body, permalink, redirects and comment and ping data files (run in a worker)."""
    # Jekyll keeps only ASCII word characters (and "-") of a data folder's name, so
    # the comments are filed under the item's id, which every post has.
    key = str(post.id)
    context = options.context(post)
    data = jekyll_metadata(post, key, options)
    head = front_matter(options.shaped(data, post, "jekyll"))
    body = "\n" + post_markdown(post.content_html, context).strip("\n") + "\n"
    files = []
    for node, path in walk(build_threads(post.comments, LIQUID_DEPTH)):
        c = node.comment
        entry = comment_entry(c, node.key, path[-1] if path else None, options)
        # Named by its key: two comments with one id (a botched merge) are two files.
        files.append(("comments", f"comment-{_stamp(c)}-{_file_key(c.id, node.key)}.yml", _data_file(entry)))
    for ping, ping_key in zip(post.pings, _keys(p.id for p in post.pings), strict=True):
        entry = {
            "_id": ping_key,
            "type": ping.type.value,
            "name": name_as_text(ping.author),
            "url": own_link(safe_url(ping.author_url), options.relink),
            "message": comment_markdown(ping.content_html, links=options.relink),
            "date": ping.date,
        }
        if ping.status is not CommentStatus.APPROVED:
            entry["status"] = ping.status.value
        files.append(("pings", f"ping-{_stamp(ping)}-{_file_key(ping.id, ping_key)}.yml", _data_file(entry)))
    return head, body, data.get("permalink"), data.get("redirect_from", []), files


def _addresses(
    post: Post, permalink: str | None, redirects: list[str], addresses: Addresses
) -> tuple[str | None, list[str]]:
    """The permalink and redirects the item may have: the first item to ask for an address gets it.

    A built item claims them; a draft (not built) keeps only those still free and claims
    none. A redirect goes with its permalink: without it, it would lead elsewhere.
    """
    ask = addresses.claim if _built(post) else addresses.free
    if permalink is None or not ask(permalink):
        return None, []
    return permalink, [path for path in redirects if ask(path)]


def write(entries: Iterable[Entry], out: OutputDir, options: WriteOptions) -> WriteResult:
    """Write a Jekyll source tree (and, with ``scaffold``, a site around it) into ``out``."""
    result = WriteResult.for_options(options)
    menu_titles = TitlesSeen(options.index.menu_entries)
    planner = PathPlanner(out.root, "{slug}.md", files=out.copied)
    collections: set[str] = set()
    addresses = Addresses(RESERVED_PATHS)
    posts = Posts(entries)
    seen = SpillCounter()  # (on disk when many: wxrtool.sitestore)
    zones = ZoneEvidence()  # (the site's time zone, for the scaffold)
    for record, (head, body, wanted, redirects, data_files) in posts:
        menu_titles.see(record.id, shown_title(record.title))
        if record.date is not None and record.date_offset_known:
            zones.see(record.date)
        # Its comments' folder and thread key: the id, or "<id>-2" for a later item with
        # the same id (a botched merge), whose comments would replace the first's.
        seen[record.id] += 1
        key = str(record.id) if seen[record.id] == 1 else f"{record.id}-{seen[record.id]}"
        permalink, kept = _addresses(record, wanted, redirects, addresses)
        exported = posts.site.exported if posts.site else None
        relative = file_path(record, planner, options, None if permalink else addresses, exported)
        default = None
        if permalink is None and record.type == "post":
            # No old address of its own: a dated one, not Jekyll's default made of its categories.
            permalink = dated_permalink(record, addresses, exported)
        elif permalink is None and _built(record):
            # Another item, or Jekyll, has the old address: this one is at Jekyll's own.
            default = default_address(relative)
            if default is not None:
                addresses.claim(default)
        if (permalink, kept, key) != (wanted, redirects, str(record.id)):
            head = front_matter(
                options.shaped(jekyll_metadata(record, key, options, (permalink, kept)), record, "jekyll")
            )
        text = head + body
        if record.type not in ("post", "page"):
            collections.add(collection_name(record.type))
        # Jekyll copies no files out of _posts: media go to assets/, linked from the site root.
        media = f"/assets/media/{key}/"
        text = localize(record, text, options, out, f"assets/media/{key}", media, result, served=media)
        out.write_text(relative, text)
        # Its old address redirects here only if it is its own, not another item's.
        old = record.link if wanted is None or permalink == wanted else ""
        if permalink is not None or default is not None:
            result.moved(record.id, old, permalink or url_path(default or ""))
        for folder, name, content in data_files:
            out.write_text(f"_data/{folder}/{key}/{name}", content)
    index = options.index
    menus = new_site_menus(
        index, result.addresses or {}, menu_titles.titles, TARGETS["jekyll"], options.base_url, options.links
    )
    if menus:
        out.write_text(
            "_data/menus.yml", yaml.dump(as_data(menus), Dumper=_yaml.Dumper, sort_keys=False, allow_unicode=True)
        )
    authors = author_data(posts.authors, posts.wrote, options.selection.personal_data)
    if authors:  # (site.data.authors[page.author], as jekyll-seo-tag reads it)
        out.write_text(
            "_data/authors.yml", yaml.dump(authors, Dumper=_yaml.Dumper, sort_keys=False, allow_unicode=True)
        )
        write_author_pages(out, authors)
    if index.languages:  # (site.data.languages[page.lang]: each translation's language by name)
        text = yaml.dump(language_data(index.languages), Dumper=_yaml.Dumper, sort_keys=False, allow_unicode=True)
        out.write_text("_data/languages.yml", text)
    if options.scaffold:
        # (--timezone: the dates shown where the user asked, as the front matter writes them)
        chosen = options.front_matter.timezone if options.front_matter is not None else None
        # (a zone whose summer time each date fits, or one of the offset most dates have)
        zone = chosen or zones.zone() or zone_of(zones.offsets)
        write_scaffold(out, posts.site, sorted(collections), options.base_url, zone)
    return result


def write_author_pages(out: OutputDir, authors: dict[str, dict[str, Any]]) -> None:
    """Each author's page at WordPress's address (``author/<slug>.html``, ``permalink:
    /author/<slug>/``): Jekyll makes no pages from data without a plug-in, so one file each,
    shown by the ``author`` layout (the scaffold's) with their posts. Items never take an
    address under ``/author/`` (:data:`RESERVED_PATHS`), and their files end in ``.md``."""
    for data in authors.values():
        if "slug" in data:
            head = {
                "title": data["name"],
                "layout": "author",
                "permalink": f"/author/{data['slug']}/",
                "wordpress_author": {key: data[key] for key in ("name", "login", "slug")},
            }
            # (the file's name a system can hold: a slug that is a Windows device's, con, is not one)
            out.write_text(f"author/{safe_component(data['slug'], data['slug'])}.html", front_matter(head))


# Time zones of the offsets that are not whole hours (no Etc/GMT zone has them).
_ZONES_OFF_THE_HOUR = {
    (5, 30): "Asia/Kolkata", (5, 45): "Asia/Kathmandu", (9, 30): "Australia/Darwin", (-3, -30): "America/St_Johns",
    (3, 30): "Asia/Tehran", (4, 30): "Asia/Kabul", (6, 30): "Asia/Yangon", (8, 45): "Australia/Eucla",
    (10, 30): "Australia/Lord_Howe", (12, 45): "Pacific/Chatham", (-9, -30): "Pacific/Marquesas",
    # (offsets of summer time, or of a zone's past: Newfoundland's, Venezuela's 2007-2016, Pyongyang's
    # 2015-2018, Chatham's summer)
    (-2, -30): "America/St_Johns", (-4, -30): "America/Caracas", (8, 30): "Asia/Pyongyang",
    (13, 45): "Pacific/Chatham",
}  # fmt: skip


def zone_of(offsets: Counter[timedelta]) -> str | None:
    """The time zone Jekyll shows the site's dates in: one of the offset most of its items were
    written at (WordPress's export names no zone); ``None`` for none. Without it, Jekyll shows
    them in the building machine's zone, UTC on most hosts: a post of 20:22 at -07:00 a day later.

    >>> zone_of(Counter({timedelta(hours=-7): 3, timedelta(hours=-6): 1})), zone_of(Counter({timedelta(0): 1}))
    ('Etc/GMT+7', 'UTC')
    >>> zone_of(Counter({timedelta(hours=5, minutes=30): 1})), zone_of(Counter())
    ('Asia/Kolkata', None)
    >>> zone_of(Counter({timedelta(hours=-13): 1})), zone_of(Counter({timedelta(hours=14): 1}))
    (None, 'Etc/GMT-14')
    """
    if not offsets:
        return None
    offset = offsets.most_common(1)[0][0]
    minutes = int(offset.total_seconds()) // 60
    if minutes == 0:
        return "UTC"
    hours, rest = divmod(abs(minutes), 60)
    if rest == 0 and hours <= (14 if minutes > 0 else 12):  # (Etc/GMT-14 to Etc/GMT+12 are all there are)
        return f"Etc/GMT{'-' if minutes > 0 else '+'}{hours}"  # (Etc/GMT+7 is seven hours behind UTC)
    sign = 1 if minutes > 0 else -1
    return _ZONES_OFF_THE_HOUR.get((sign * hours, sign * rest))


def write_scaffold(
    out: OutputDir, site: Site | None, collections: list[str], base_url: str | None = None, timezone: str | None = None
) -> None:
    """A minimal Jekyll site: config (with jekyll-redirect-from) and layouts showing threads;
    ``base_url`` (``--base-url``) is its ``url`` (and ``baseurl``), for absolute addresses;
    ``timezone`` (:func:`zone_of`) the zone its dates are shown in."""
    address: dict[str, str] = {}
    if base_url:
        # Jekyll's url is the scheme and host; a site in a folder has the folder in baseurl.
        scheme, _, rest = base_url.partition("://")
        host, slash, folder = rest.partition("/")
        address = {"url": f"{scheme}://{host}", **({"baseurl": f"/{folder}"} if slash else {})}
    config: dict[str, Any] = {
        "title": site.title if site and site.title else "Converted from WordPress",
        "lang": site.language if site and site.language else "en",
        **({"timezone": timezone} if timezone else {}),
        **address,
        "markdown": "kramdown",
        "kramdown": {"input": "GFM", "hard_wrap": False},
        "plugins": ["jekyll-redirect-from"],
        "collections": {name: {"output": True, "permalink": f"/{name}/:name/"} for name in collections},
        "defaults": [{"scope": {"path": "", "type": name}, "values": {"layout": "post"}} for name in collections],
        "exclude": ["Gemfile", "Gemfile.lock", "vendor"],
    }
    out.write_text("_config.yml", yaml.dump(config, Dumper=_yaml.Dumper, sort_keys=False, allow_unicode=True))
    copy_scaffold(out, "jekyll")

"""Hugo: page bundles with front matter Hugo reads, comments beside each bundle.

Posts go to ``content/posts/<slug>/index.md``, pages to ``content/<parents>/<slug>/``
(``_index.md`` when the page has children, since only a branch bundle can hold
pages), other post types to ``content/<type>/<slug>/``. The front matter uses
Hugo's own keys (``lastmod``, ``draft``, ``aliases``, ``images``, ``summary``);
``aliases`` makes Hugo write a redirect at each old permalink, and at a paged post's
pages after the first (``/slug/2/``: shown whole now). Comments and pings
go to ``comments.json`` in the bundle, the thread kept, where a template can read
them with ``.Resources.Get``. Categories and tags are terms by slug, each with a term page
(``content/categories/<slug>/_index.md``, ``content/tags/<slug>/``) titled with its name: two
categories named ``Foo`` (one under ``Bar``) are two pages, ``Foo`` and ``Bar / Foo``, and tags
``QA`` and ``Q&A`` two (by name, Hugo made both ``/tags/qa/``). A folder name
Hugo would skip (starting with ``.`` or ``#``, ending with ``~``) loses those characters.
``--scaffold`` adds a minimal site that builds: a config allowing raw HTML (video,
embeds and comment anchors are HTML in Markdown) and layouts that show each post
with its threaded comments.

An embed WordPress showed as a YouTube or Vimeo player is Hugo's own shortcode
(:func:`hugo_embed`), any other (a post on X among them) a link that says what it was.

Every address is handed out once per site by :class:`~wxrtool.writers.paths.Addresses`,
in export order: a published bundle's URL first (its folder gets ``-<id>`` if the
URL is taken), then its alias, which is left out when another page or Hugo itself
(:func:`reserved_paths`: the home page, feeds, taxonomies, section lists) has the
address: an alias at ``/index.html`` would make the home page a redirect.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Container, Iterable
from typing import Any
from urllib.parse import unquote

import yaml

from ..archives import TARGETS
from ..authors import author_data
from ..content import post_markdown
from ..content.embeds import VIMEO_ID, YOUTUBE_ID, Embed
from ..index import SiteIndex
from ..languages import LANGUAGE_TAXONOMIES
from ..menus import TitlesSeen, hugo_menus, new_site_menus
from ..oldurls import later_pages, page_count
from ..output import OutputDir, copy_scaffold
from ..records import Post, Site
from ..sitestore import SpillSet
from . import _yaml
from ._placement import localize
from .frontmatter import category_path, date_fields, front_matter, metadata, shown_title, term_refs
from .paths import (
    SITE_FILES,
    Addresses,
    PathPlanner,
    address_key,
    hugo_keeps,
    safe_component,
    shown_component,
    site_path,
    term_slug,
    url_path,
)
from .protocol import Entry, Posts, WriteOptions, WriteResult
from .responses import comments_data

_PAGE_TYPES = {"page"}
# Addresses no item may take: the home page and what Hugo writes itself with the
# scaffold (feeds, sitemap, taxonomy pages, the posts section's list); the sections
# and taxonomies of the export are added by :func:`reserved_paths`.
RESERVED_PATHS = (*SITE_FILES, "/tags/*", "/categories/*", "/author/*", "/posts/", "/posts/index.xml")


# A word Hugo fills in a page's url: (a permalink token: ":slug", ":sections[1:]"...).
_PATTERN_TOKEN = re.compile(r":[A-Za-z]")


def _url_path(relative: str) -> str:
    """The URL Hugo gives a bundle at ``relative`` (content/.../index.md), its slug the folder's
    name: lower-cased as Hugo does, and the slug without the hyphens Hugo trims from its ends
    (``aux-``, a Windows device's name made a file's, is served at ``/posts/aux/``); a
    translation's (``index.fr.md``) under its language's folder (``/fr/...``).

    >>> _url_path("content/posts/aux-/index.md"), _url_path("content/posts/ΟΔΟΣ-İstanbul/index.md")
    ('/posts/aux/', '/posts/οδοσ-istanbul/')
    """
    folder, name = relative.removeprefix("content/").rsplit("/", 1)
    language = _language_of(name)
    above, _, slug = folder.rpartition("/")
    served = "/".join(part for part in (above, slug.strip("-") or slug) if part)
    return (f"/{language}" if language else "") + "/" + _go_lower(served) + "/"


def _go_lower(text: str) -> str:
    """``text`` lower-cased as Go's strings.ToLower does it, which Hugo uses: a letter at a time,
    by its simple mapping (a capital sigma is U+03C3 at a word's end too, U+0130 is ``i``), where
    Python's ``lower`` follows the context and the full mapping (U+03C2; ``i`` and U+0307)."""
    if text.isascii():
        return text.lower()
    return "".join("i" if ch == "\u0130" else ch.lower() for ch in text)


def _language_of(name: str) -> str:
    """The language a bundle's file name gives (``index.fr.md``: ``fr``; ``index.md``: '')."""
    parts = name.split(".")
    return parts[1] if len(parts) == 3 else ""


def bundle_language(post: Post, index: SiteIndex) -> str:
    """The language the item's file name gives it: its own when that is not the site's default
    one (Hugo's default language has none: its pages are at the site's root)."""
    languages = index.languages
    language = languages.of(post.id) if languages else ""
    return "" if language == languages.default else language


def old_path(link: str) -> str:
    """The path of an old permalink as an alias, decoded, or '' when it is the home page or a query.

    Made local first (:func:`~wxrtool.writers.paths.site_path`): no ``..``, no ``//``.
    """
    return unquote(site_path(link))


def reserved_paths(index: SiteIndex) -> list[str]:
    """:data:`RESERVED_PATHS` and, for this export, each custom type's section list and each taxonomy's pages."""
    reserved = list(RESERVED_PATHS)
    for post_type in sorted({info.type for info in index.items.values()} - {"post", "page", "attachment"}):
        section = _shown(post_type, "type")
        reserved += [f"/{section}/", f"/{section}/index.xml"]
    for taxonomy in sorted(({taxonomy for taxonomy, _ in index.term_slugs} | index.item_taxonomies) - _NOT_TAXONOMIES):
        reserved.append(f"/{safe_component(taxonomy, 'taxonomy')}/*")
    # Each language's home page, feeds, lists and term pages (the default one's: a redirect home).
    for code in index.languages.codes:
        reserved += [f"/{code}/", f"/{code}/index.xml", f"/{code}/sitemap.xml", f"/{code}/posts/"]
        reserved += [f"/{code}/tags/*", f"/{code}/categories/*"]
    return reserved


def _is_own(path: str, relative: str) -> bool:
    return address_key(path) == address_key(_url_path(relative))


def bundle_path(
    post: Post,
    planner: PathPlanner,
    index: SiteIndex,
    parents: set[int],
    addresses: Addresses | None = None,
    folders: Container[str] | None = None,
) -> str:
    """Where the item's bundle goes under ``content/``; with ``addresses``, only where its URL is
    free; with ``folders`` (the bundles' folders so far, lower case), only in a folder of its own:
    two languages' files in one folder would be one page's translations, sharing its comments."""

    def taken(relative: str) -> bool:
        if folders is not None and relative.rsplit("/", 1)[0].lower() in folders:
            return True
        return addresses is not None and not addresses.free(_url_path(relative))

    fields = {"type": post.type, **date_fields(post)}
    fallback = str(post.id)
    language = bundle_language(post, index)
    suffix = f".{language}.md" if language else ".md"
    if post.type in _PAGE_TYPES:
        slugs = [_shown(a.slug, fallback) for a in reversed(index.ancestors(post.id))]
        slugs.append(_shown(post.slug, fallback))
        # (the top page's folder named as its children's first folder: they stay under it)
        slugs[0] = _section(slugs[0], addresses, page=True)
        name = ("_index" if post.id in parents else "index") + suffix
        return planner.path_for(fields, slugs, post.id, "content/{slug}/" + name, taken)
    if post.type != "post":
        fields["type"] = _section(_shown(post.type, "type"), addresses)
    folder = "posts" if post.type == "post" else "{type}"
    return planner.path_for(
        fields, [_shown(post.slug, fallback)], post.id, f"content/{folder}/{{slug}}/index{suffix}", taken
    )


def _shown(slug: str, fallback: str) -> str:
    # Hugo skips a file or folder whose name starts with "." or "#" or ends with "~":
    # the page would be lost (its alias keeps its old address). And Hugo's URL of a page
    # drops from its path what its Sanitize does not keep (an emoji, a symbol): the folder
    # is named without them, so that its URL is its name.
    # ("%" and spaces are left for safe_component and url_path to write as a URL needs.)
    kept = "".join(c for c in slug if c in "% " or hugo_keeps(c))
    return shown_component(kept, fallback, ".#")


def _section(name: str, addresses: Addresses | None, *, page: bool = False) -> str:
    """A top folder of ``content/``, with ``wp-`` in front when Hugo has every address in it
    (``tags/``, a taxonomy's): no other name for the bundle would make its URL free; a page's,
    when Hugo has its address too (``posts/``, the list of posts, or a type's): the page's
    children in ``posts/`` would be posts. (A type's own folder has its own list there.)"""
    if addresses is None:
        return name
    path = f"/{name}/"
    return f"wp-{name}" if addresses.reserves_all_under(path) or (page and addresses.reserves(path)) else name


def hugo_metadata(
    post: Post,
    relative: str,
    planner: PathPlanner,
    options: WriteOptions,
    addresses: Addresses | None = None,
    pages: int = 1,
) -> dict[str, Any]:
    """Front matter in Hugo's vocabulary; with ``addresses``, an alias only at an address still
    free; ``pages``: how many WordPress showed the post on (an alias for each after the first)."""
    common = metadata(post, options)
    data: dict[str, Any] = {"title": common["title"]}
    if "date" in common:
        data["date"] = common["date"]
    if "updated" in common:
        data["lastmod"] = common["updated"]
    if post.status != "publish":
        data["draft"] = True
    data["slug"] = planner.slug_of(relative)
    alias = old_path(post.link)
    # A published page claims the address; a draft (not built) keeps it only while free.
    ask = None if addresses is None else addresses.claim if post.status == "publish" else addresses.free
    own = bool(alias) and _is_own(alias, relative)
    if alias and (own or ask is None or ask(alias)):
        # Hugo puts a translation's aliases under its language's folder: an old address there
        # (Polylang's /fr/...) is written without it; one elsewhere can only be the page's own.
        language = _language_of(relative.rsplit("/", 1)[1])
        outside = bool(language) and not alias.startswith(f"/{language}/")
        # The pages after the first of a post split by <!--nextpage--> (/slug/2/) lead to it too:
        # a host without the server's redirects (GitHub Pages) has Hugo's aliases.
        later = [] if outside else later_pages(alias, pages, options.index.addresses)
        paged = [p for p in later if ask is None or ask(p)]
        # (Hugo reads ":slug", ":sections", ":year"... in url: as its own patterns: an old address
        # holding one would put the page at another's, "/:slug/" over the About page. It stays an alias.)
        if own:
            aliases = paged
        elif (options.keep_urls or outside) and post.status == "publish" and not _PATTERN_TOKEN.search(unquote(alias)):
            # (Hugo takes url: as a path it writes as given: decoded, as WordPress showed it)
            data["url"] = unquote(alias)
            aliases = paged
        else:
            aliases = [] if outside else [alias, *paged]
        if aliases:
            data["aliases"] = [a.removeprefix(f"/{language}") if language else a for a in aliases]
    if "categories" in common:
        data["categories"] = hugo_terms(post, options.index, "category")
    if "tags" in common:
        data["tags"] = hugo_terms(post, options.index, "post_tag")
    for key in ("summary", "author"):
        if key in common:
            data[key] = common[key]
    if "featured_image" in common:
        data["images"] = [common["featured_image"]]
    if "translation_key" in common:
        data["translationKey"] = common["translation_key"]  # (Hugo finds the others by it: .Translations)
    skip = {"title", "date", "updated", "slug", "status", "draft", "categories", "tags", "summary", "author"}
    skip |= {"featured_image", "id", "type", "permalink", "lang", "translation_key", "translations"}
    data.update({k: v for k, v in common.items() if k not in skip})
    data["wordpress"] = {"id": post.id, "type": post.type, "status": post.status, "permalink": post.link}
    return data


# WordPress's taxonomies that Hugo's site has by slug: the folder of their terms, and the
# fallback of a term whose slug leaves nothing.
TERM_FOLDERS = {"category": "categories", "post_tag": "tags"}
_TERM_FALLBACK = {"category": "category", "post_tag": "tag"}


def hugo_term(slug: str, taxonomy: str) -> str:
    """A category's or tag's Hugo term: its slug made a plain segment
    (:func:`~wxrtool.writers.paths.term_slug`), what Hugo keeps as it is in the term's URL
    and :func:`write_terms` names its folder by."""
    return term_slug(slug, _TERM_FALLBACK[taxonomy])


def hugo_terms(post: Post, index: SiteIndex, taxonomy: str) -> list[str]:
    """The item's categories or tags as Hugo terms: by slug, which WordPress keeps unique, not
    by name, which two categories may share (``Foo`` and ``Bar > Foo``) and which Hugo makes
    one path for when they differ only by what its ``urlize`` drops (``QA``, ``Q&A``: ``/tags/qa/``)."""
    return list(dict.fromkeys(hugo_term(slug or ref.name, taxonomy) for ref, slug in term_refs(post, index, taxonomy)))


def write_terms(
    out: OutputDir,
    terms: dict[tuple[str, str], tuple[str, str]],
    index: SiteIndex,
    languages: dict[tuple[str, str], set[str]] | None = None,
) -> None:
    """Each category's and tag's term page (``content/categories/<slug>/_index.md``, keyed by
    taxonomy and term): its name as the title (with its parents' when another category has it
    too: ``Bar / Foo``), and where it sits in WordPress's hierarchy (``wordpress_term``: slug,
    parent, path). On a multilingual site, also one for each other language whose pages have
    it (``_index.fr.md``)."""
    for (taxonomy, term), (slug, name) in terms.items():
        data: dict[str, Any] = {"title": index.term_label(taxonomy, slug, name) if slug else name}
        place: dict[str, Any] = {"taxonomy": taxonomy, "slug": slug or term}
        if taxonomy == "category":
            info = index.terms.get(("category", slug))
            if info is not None and info.parent:
                place["parent"] = info.parent
            place["path"] = category_path(slug, name, index)
        data["wordpress_term"] = place
        # (The default language's always: the old archive's redirect leads there.)
        for language in sorted({"", *(languages or {}).get((taxonomy, term), ())}):
            name = f"_index.{language}.md" if language else "_index.md"
            out.write_text(f"content/{TERM_FOLDERS[taxonomy]}/{term}/{name}", front_matter(data))


def write_languages(out: OutputDir, index: SiteIndex) -> None:
    """A multilingual site's languages, for Hugo (``config/_default/languages.yaml``, the
    default one first) and which is the default (``config/_default/hugo.yaml``), read beside
    hugo.yaml or a site's own configuration."""
    languages = index.languages
    config: dict[str, Any] = {}
    for weight, (code, language) in enumerate(languages.codes.items(), 1):
        entry: dict[str, Any] = {"weight": weight, "label": language.name}
        if language.locale:
            entry["locale"] = language.locale.replace("_", "-").lower()
        if language.rtl:
            entry["direction"] = "rtl"
        config[code] = entry
    for name, data in (("languages", config), ("hugo", {"defaultContentLanguage": languages.default})):
        out.write_text(f"config/_default/{name}.yaml", _yaml.dump(data))


def write_author_pages(out: OutputDir, authors: dict[str, dict[str, Any]]) -> None:
    """Each author's page at WordPress's address (``content/author/<slug>/_index.md``, a
    section: ``/author/<slug>/``), titled with their name; the scaffold's list layout shows
    their posts (``wordpress_author``: name, login, slug)."""
    for data in authors.values():
        if "slug" in data:
            who = {key: data[key] for key in ("name", "login", "slug")}
            head: dict[str, Any] = {"title": data["name"], "wordpress_author": who}
            # A slug that is a Windows device's name (con) is no folder's: the address says where.
            folder = safe_component(data["slug"], data["slug"])
            if folder != data["slug"]:
                head["url"] = f"/author/{data['slug']}/"
            out.write_text(f"content/author/{folder}/_index.md", front_matter(head))


# Hugo reads {{< name >}} and {{% name %}} anywhere in content, code blocks included;
# a post about Hugo would run them. Its own escape is {{</* name */>}}.
# (Each ends before the next one opens: read to the end from each of many left open, the time grew
# with their number times the text.)
_SHORTCODE = re.compile(r"\{\{([<%])((?:(?!\{\{[<%]).)*?)([>%])\}\}", re.S)


def escape_shortcodes(markdown: str) -> str:
    """Make Hugo shortcode syntax in converted text show as written.

    >>> escape_shortcodes("see {{< figure src=x >}} and {{% note %}}")
    'see {{</* figure src=x */>}} and {{%/* note */%}}'
    """
    if "{{" not in markdown:
        return markdown
    markdown = _SHORTCODE.sub(lambda m: "{{" + m.group(1) + "/*" + m.group(2) + "*/" + m.group(3) + "}}", markdown)
    # An opening with no closing is an error to Hugo; break it up.
    return re.sub(r"\{\{(?=[<%](?!/\*))", "{\u200b{", markdown)


def hugo_embed(embed: Embed) -> str | None:
    """Hugo's own shortcode for a YouTube or a Vimeo video, else ``None`` (the link every engine
    gets). Not Hugo's ``x`` for a post on X: it asks X for the post when the site is built, and
    shows nothing offline, or for a deleted post (the post's words were lost, said only in a
    warning); the link stays, as WordPress's own fallback is.

    Only ids of the strict forms of :mod:`.content.embeds` get here, and each is checked
    again: nothing from the export reaches a parameter.

    >>> hugo_embed(Embed("https://youtu.be/dQw4w9WgXcQ", "Video", "youtube", "dQw4w9WgXcQ", ""))
    '{{< youtube dQw4w9WgXcQ >}}'
    >>> hugo_embed(Embed("https://x.com/a/status/1", "Post on X (Twitter)", "x", "1", "a")) is None
    True
    """
    if embed.provider == "youtube" and YOUTUBE_ID.fullmatch(embed.id):
        return "{{< youtube " + embed.id + " >}}"
    if embed.provider == "vimeo" and VIMEO_ID.fullmatch(embed.id):
        return "{{< vimeo " + embed.id + " >}}"
    return None


def render(post: Post, options: WriteOptions) -> tuple[str, str | None, int]:
    """The post's body in Markdown, its comments.json and how many pages WordPress showed it on
    (:func:`~wxrtool.oldurls.page_count`, read from its content: run in a worker).

    Embeds Hugo has a shortcode for are held through the conversion and put back
    after :func:`escape_shortcodes`, which still neutralises every shortcode the export wrote.
    """
    context = options.context(post, hugo_embed)
    body = context.put_back(escape_shortcodes(post_markdown(post.content_html, context)))
    comments = None
    if post.comments or post.pings:
        comments = json.dumps(comments_data(post, _published(options)), ensure_ascii=False, indent=2) + "\n"
    return body, comments, page_count(post)


PERSONAL_DATA_NOT_PUBLISHED = "comments-json-without-personal-data"
"""The account's note: a comments.json written without e-mail and IP addresses though asked for."""


def _published(options: WriteOptions) -> WriteOptions:
    """``options`` for what Hugo publishes: a bundle's comments.json is a page resource, served with
    the site (``/posts/a/comments.json``), so commenters' e-mail and IP addresses stay out of it,
    ``--personal-data`` or not (the account says so)."""
    if not options.selection.personal_data:
        return options
    return dataclasses.replace(options, selection=dataclasses.replace(options.selection, personal_data=False))


def write(entries: Iterable[Entry], out: OutputDir, options: WriteOptions) -> WriteResult:
    """Write a Hugo content tree (and, with ``scaffold``, a site around it) into ``out``."""
    result = WriteResult.for_options(options)
    seen = TitlesSeen(options.index.menu_entries)
    index = options.index
    parents = {info.parent for info in index.items.values() if info.parent}
    planner = PathPlanner(out.root, "content/{slug}/index.md", files=out.copied)
    addresses = Addresses(reserved_paths(index))
    taxonomies: set[str] = set()
    # The categories and tags of the pages Hugo builds, by taxonomy and term: the first slug and
    # name seen, and the languages of the pages ('': the default one) that have it.
    terms: dict[tuple[str, str], tuple[str, str]] = {}
    term_languages: dict[tuple[str, str], set[str]] = {}
    folders = SpillSet()  # (on disk when many: wxrtool.sitestore)
    posts = Posts(entries)
    for record, (body, comments, pages) in posts:
        seen.see(record.id, shown_title(record.title))
        # Hugo builds only what is published (the rest is a draft): only that takes an address.
        built = record.status == "publish"
        if built:
            for taxonomy in TERM_FOLDERS:
                for ref, slug in term_refs(record, index, taxonomy):
                    key = (taxonomy, hugo_term(slug or ref.name, taxonomy))
                    terms.setdefault(key, (slug, ref.name))
                    term_languages.setdefault(key, set()).add(bundle_language(record, index))
        relative = bundle_path(record, planner, index, parents, addresses if built else None, folders)
        folders.add(relative.rsplit("/", 1)[0].lower())
        if built:
            addresses.claim(_url_path(relative))
        data = hugo_metadata(record, relative, planner, options, addresses, pages)
        taxonomies.update(k for k in data if k in _custom_taxonomies(record))
        text = front_matter(options.shaped(data, record, "hugo")) + "\n" + body.strip("\n") + "\n"
        # Media are page resources: in the bundle, linked by name (a translation's named with its
        # language, as Hugo publishes them with it: comments.fr.json, photo.fr.jpg).
        folder, name = relative.rsplit("/", 1)
        language = _language_of(name)
        # (the bundle's files are served beside its page; a draft's are not served)
        served = url_path(_url_path(relative)) if built else None
        text = localize(record, text, options, out, folder, "", result, language, served)
        out.write_text(relative, text)
        # An old address another page holds (or Hugo's own) is not redirected here.
        alias = old_path(record.link)
        if data.get("draft"):
            pass  # Hugo builds no page for a draft: no address to redirect or link to
        elif "url" in data:  # (--keep-urls: the page is at its old address)
            result.moved(record.id, record.link, alias or "/")
        else:
            keeps = not alias or "aliases" in data or _is_own(alias, relative)
            result.moved(record.id, record.link if keeps else "", url_path(_url_path(relative)))
        if comments is not None:
            out.write_text(f"{folder}/comments{'.' + language if language else ''}.json", comments)
            if options.selection.personal_data:
                result.notes[PERSONAL_DATA_NOT_PUBLISHED] += 1
    write_terms(out, terms, index, term_languages)
    if index.languages:
        write_languages(out, index)
    menus = new_site_menus(index, result.addresses or {}, seen.titles, TARGETS["hugo"], options.base_url, options.links)
    if menus:  # (Hugo reads config/_default/ beside hugo.yaml, and beside a site's own configuration)
        text = yaml.dump(hugo_menus(menus), Dumper=_yaml.Dumper, sort_keys=False, allow_unicode=True)
        out.write_text("config/_default/menus.yaml", text)
    authors = author_data(posts.authors, posts.wrote, options.selection.personal_data)
    if authors:  # (site.Data.authors, keyed by the name the posts' front matter gives)
        out.write_text(
            "data/authors.yaml", yaml.dump(authors, Dumper=_yaml.Dumper, sort_keys=False, allow_unicode=True)
        )
        write_author_pages(out, authors)
    if options.scaffold:
        write_scaffold(out, posts.site, sorted(taxonomies), options.base_url)
    return result


_NOT_TAXONOMIES = frozenset({"category", "post_tag", "nav_menu", *LANGUAGE_TAXONOMIES})


def _custom_taxonomies(post: Post) -> set[str]:
    return {t.taxonomy for t in post.terms if t.taxonomy not in _NOT_TAXONOMIES}


CONFIG_KEYS = ("baseURL", "title", "locale", "markup", "taxonomies")


def write_scaffold(out: OutputDir, site: Site | None, taxonomies: list[str], base_url: str | None = None) -> None:
    """A minimal Hugo site that builds the converted content and shows comment threads;
    ``base_url`` (``--base-url``) is its ``baseURL``, for absolute permalinks."""
    config: dict[str, Any] = {
        "baseURL": f"{base_url}/" if base_url else "/",
        "title": site.title if site and site.title else "Converted from WordPress",
        "locale": (site.language if site and site.language else "en").lower(),
        # Raw HTML in the Markdown (media, embeds, comment anchors) must reach the page.
        "markup": {"goldmark": {"renderer": {"unsafe": True}}},
        "taxonomies": {"category": "categories", "tag": "tags", **{t: t for t in taxonomies}},
    }
    out.write_text("hugo.yaml", yaml.dump(config, Dumper=_yaml.Dumper, sort_keys=False, allow_unicode=True))
    copy_scaffold(out, "hugo")

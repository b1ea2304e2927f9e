"""What a conversion is asked to do: :class:`ConvertOptions`, checked against the format it
names, and what the format's writer is handed of them (:class:`~wxrtool.writers.protocol.WriteOptions`).

The command builds one from its flags; :func:`wxrtool.convert.run` carries it out, and
:mod:`wxrtool.rerun` keeps its fingerprint for the next ``--update``.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field

from . import writers
from .errors import OptionsError, OutputError
from .index import SiteIndex
from .itemlinks import ItemLinks
from .newsite import check_base_url, read_url_map
from .selection import Selection
from .writers.fmchoice import KEPT, USUAL_FIELDS, FrontMatterChoice
from .writers.paths import DEFAULT_TEMPLATE
from .writers.protocol import Format, WriteOptions

#: What ``--ghost-types`` may say of a custom post type's items.
GHOST_TYPES = ("post", "tag", "page", "skip")

#: The formats that key comment threads by address, and so take ``url_map``.
THREAD_FORMATS = ("disqus", "remark42")

# remark42's site ids: what its own check of a site id allows (backend/app/rest/api/rest.go,
# validEmailAuth: [a-zA-Z\d\s_.-]{1,64}) without whitespace, first a letter or a digit (the id
# is a file name in remark42's store, and SITE is split on commas).
_REMARK42_SITE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


# The front matter fields an engine reads as dates (Hugo: any letter case, its defaults for date,
# publishDate, lastmod and expiryDate), and those of wxrtool's front matter that hold one: a field
# of another kind written under such a name stops the build ("not a parsable date", "Invalid date").
# (Markdown's front matter is read by no one engine: any name goes.)
_READ_AS_DATE = {
    "hugo": frozenset(
        {"date", "publishdate", "pubdate", "published", "lastmod", "modified", "expirydate", "unpublishdate"}
    ),
    "jekyll": frozenset({"date"}),
}
_DATED = frozenset({"date", "updated", "lastmod", "last_modified_at"})


@dataclass(frozen=True)
class ConvertOptions:
    """Everything a conversion is asked to do; the command builds one from its flags.

    Parameters:
        to: a format's name (see ``wxrtool formats``: ``json``, ``jsonl``, ``markdown``...).
        output: the file (or folder, for folder formats) to write, atomically;
            ``None`` or ``"-"`` for standard output (file formats only).
        selection: what to keep; the default is what a visitor of the blog could see.
        path_template, comments_file, meta_keys, scaffold: folder formats' options
            (see :class:`~wxrtool.writers.protocol.WriteOptions`).
        media: a folder filled by ``wxrtool media --download``: folder formats place each
            post's media with it and rewrite the links (missing ones are listed in the account).
        force: replace an output folder wxrtool wrote before.
        redirects: ``(style, path)``: also write redirect rules from every old permalink to
            its new address (see :mod:`wxrtool.redirects`), for formats that give new addresses.
            ``("disqus", path)`` is Disqus's URL mapper CSV (absolute addresses: needs ``base_url``).
        recover: repair a damaged export as it is read (see :mod:`wxrtool.recover`); the
            repairs are listed in the account.
        jobs: worker processes; the files are the same, byte for byte, as with 1.
        base_url: the new site's address (:func:`check_base_url`), where a format needs
            absolute addresses: the engines' scaffold configuration, comment threads, the
            Disqus URL map.
        url_map: a CSV of old and new addresses (as ``redirects=("csv", ...)`` writes it):
            the comment formats (:data:`THREAD_FORMATS`) key each thread by its item's new
            address under ``base_url``; threads it does not have keep their old link and are
            counted in the account (``content: thread-not-in-url-map``).
        remark42_site: remark42's site id (its ``SITE``; default ``remark``), for ``remark42``.
        keep_urls: ``hugo``: each published page at its WordPress address (``url:``), not at
            Hugo's with an alias from the old one (Jekyll and Pelican keep it already).
        front_matter: fields, dates and SEO fields of the front matter
            (:class:`~wxrtool.writers.fmchoice.FrontMatterChoice`), for markdown, hugo and jekyll.
        ghost_types: ``ghost``: a custom post type's items as ``post`` (the default), as posts
            with an internal tag ``#<type>`` (``tag``), as ``page``, or left out (``skip``).
        update: folder formats: bring an earlier output up to date, writing only the files that
            changed and keeping every file edited since (:mod:`wxrtool.update`); the account's
            ``update`` says what it did.
        keep_removed: with ``update``, keep the files of items gone from the export.
    """

    to: str
    output: str | None = None
    selection: Selection = field(default_factory=Selection)
    path_template: str = DEFAULT_TEMPLATE
    comments_file: str | None = None
    meta_keys: tuple[str, ...] = ()
    scaffold: bool = False
    media: str | None = None
    force: bool = False
    redirects: tuple[str, str] | None = None
    recover: bool = False
    jobs: int = 1
    base_url: str | None = None
    url_map: str | None = None
    remark42_site: str | None = None
    keep_urls: bool = False
    front_matter: FrontMatterChoice | None = None
    ghost_types: str = "post"
    update: bool = False
    keep_removed: bool = False

    def format(self) -> Format:
        """The format asked for, once the options are checked against it: :class:`OptionsError` for
        options that do not go together, :class:`~wxrtool.errors.OutputError` for a folder format
        without a folder. Options that only folder formats use are ignored by the others."""
        fmt = writers.get(self.to)
        if self.redirects and not fmt.gives_addresses:
            choices = ", ".join(f.name for f in writers.FORMATS.values() if f.gives_addresses)
            raise OptionsError(
                f"--redirects needs a format that gives posts new addresses, not --to {self.to}",
                hint=f"built-in ones: {choices}",
            )
        if self.base_url is not None:
            check_base_url(self.base_url)
        if self.redirects and self.redirects[0] == "disqus" and self.base_url is None:
            raise OptionsError("--redirects disqus writes absolute addresses: give the new site's with --base-url URL")
        if self.url_map is not None and fmt.name not in THREAD_FORMATS:
            raise OptionsError(
                f"--url-map applies to the comment formats ({', '.join(THREAD_FORMATS)}), not to --to {self.to}"
            )
        if self.url_map is not None and self.base_url is None:
            raise OptionsError("--url-map needs --base-url URL: threads are keyed by the new site's absolute addresses")
        if self.remark42_site is not None:
            if fmt.name != "remark42":
                raise OptionsError(f"--remark42-site applies to --to remark42, not to --to {self.to}")
            if not _REMARK42_SITE.fullmatch(self.remark42_site):
                raise OptionsError(
                    f"--remark42-site {self.remark42_site!r}: a site id is 1 to 64 letters, digits, '.', '_' or '-',"
                    " first a letter or a digit"
                )
        if self.selection.comments == "none" and "items" not in fmt.keeps:
            raise OptionsError(f"--comments none leaves nothing to write: --to {self.to} holds comments and pings only")
        if self.selection.comments == "none" and self.comments_file:
            raise OptionsError("--comments-file writes each post's comments beside it: --comments none writes none")
        if self.update and fmt.target != "directory":
            raise OptionsError(f"--update applies to the formats that write a folder, not to --to {self.to}")
        if self.update and self.force:
            raise OptionsError("--update keeps the files you edited and --force replaces them all: give one of them")
        if self.keep_removed and not self.update:
            raise OptionsError("--keep-removed applies to --update")
        if self.keep_urls and fmt.name != "hugo":
            raise OptionsError(
                f"--keep-urls applies to --to hugo (jekyll and pelican keep WordPress's addresses already), "
                f"not to --to {self.to}"
            )
        if self.front_matter is not None and fmt.name not in KEPT:
            raise OptionsError(
                f"--front-matter, --date-format, --timezone and --seo apply to {', '.join(KEPT)}, not to --to {self.to}"
            )
        for name, shown in (self.front_matter.fields or ()) if self.front_matter is not None else ():
            if shown != name and shown in KEPT[fmt.name]:
                raise OptionsError(
                    f"--front-matter {name}:{shown}: {shown!r} is what {fmt.name} places the page by; "
                    "choose another name"
                )
            # (A custom field may hold a date: it is the user's to know.)
            if shown.lower() in _READ_AS_DATE.get(fmt.name, ()) and name in USUAL_FIELDS and name not in _DATED:
                raise OptionsError(
                    f"--front-matter {name}:{shown}: {fmt.name} reads {shown!r} as a date, and {name!r} is not one "
                    f"(the site would not build); choose another name"
                )
        if self.ghost_types != "post" and fmt.name != "ghost":
            raise OptionsError(f"--ghost-types applies to --to ghost, not to --to {self.to}")
        if self.ghost_types not in GHOST_TYPES:
            raise OptionsError(f"--ghost-types {self.ghost_types}: choose one of {', '.join(GHOST_TYPES)}")
        if fmt.target == "directory" and self.output in (None, "-"):
            raise OutputError(f"--to {self.to} writes a folder", hint="give it with -o FOLDER")
        return fmt

    @property
    def site_url(self) -> str | None:
        """``base_url`` as writers use it (:func:`check_base_url`), or ``None``."""
        return None if self.base_url is None else check_base_url(self.base_url)

    def write_options(self, fmt: Format, index: SiteIndex) -> WriteOptions:
        """What the format's writer is handed."""
        selection = self.selection
        # A format's machinery types (menu items, revisions...) are left out unless --type
        # names types: then the user chose, and gets exactly those.
        if fmt.skip_types and selection.types is None:
            selection = dataclasses.replace(selection, exclude_types=selection.exclude_types | fmt.skip_types)
        if self.ghost_types == "skip" and selection.types is None:
            custom = {info.type for info in index.items.values()} - {"post", "page", "attachment"}
            selection = dataclasses.replace(selection, exclude_types=selection.exclude_types | custom)
        # Links between items are pointed at their new addresses where items get one in a folder
        # (the files are filled in once written: see wxrtool.itemlinks).
        # (Not on standard output: what is written there cannot be taken back and filled in.)
        links = ItemLinks(index) if fmt.gives_addresses and self.output not in (None, "-") else None
        return WriteOptions(
            selection=selection,
            index=index,
            path_template=self.path_template,
            comments_file=self.comments_file,
            meta_keys=self.meta_keys,
            scaffold=self.scaffold,
            media_dir=self.media,
            # Kept only for a redirect file or links: a million items' addresses are 100 MB.
            addresses=self.redirects is not None or links is not None,
            base_url=self.site_url,
            url_map=read_url_map(self.url_map, self.site_url or "") if self.url_map is not None else None,
            remark42_site=self.remark42_site,
            keep_urls=self.keep_urls,
            links=links,
            front_matter=self.front_matter,
            ghost_types=self.ghost_types,
        )

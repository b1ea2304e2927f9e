"""The closest new page for each old archive, feed and search address, per engine.

WordPress made pages wxrtool does not write: category, tag, taxonomy, author and date
archives, the home page's further pages, feeds, search results, attachment pages. The old
site's addresses of them (:mod:`wxrtool.oldurls`) are redirected to what the new site has
in their place (``--redirects``; the README has the table):

===================  ===========================  ==========================  =========================
old address          Hugo                         Jekyll                      Pelican
===================  ===========================  ==========================  =========================
category             ``/categories/<slug>/``      ``/``                       ``/category/<name>.html`` [1]_
tag                  ``/tags/<slug>/``            ``/``                       ``/tag/<name>.html``
custom taxonomy      ``/<taxonomy>/<name>/``      ``/``                       ``/``
author               ``/author/<slug>/`` [2]_     ``/author/<slug>/`` [2]_    ``/author/<name>.html``
year, month, day     ``/posts/``                  ``/``                       ``/archives.html``
feed                 ``/index.xml``               ``/feed.xml`` [3]_          ``/``
category, tag feed   the term's ``index.xml``     ``/feed.xml``               ``/``
``/page/N/``         ``/``                        ``/``                       ``/``
search               ``/``                        ``/``                       ``/``
attachment page      its post's new address       its post's new address      its post's new address
===================  ===========================  ==========================  =========================

.. [1] A post's first category; another is on ``/categories.html`` (Pelican gives an article one).
.. [2] The author's page, at WordPress's own address (:func:`wxrtool.authors.author_page`), as
   Eleventy's and Astro's scaffolds have it too; a login that makes no plain slug: ``/``.
.. [3] The scaffold's Atom feed of the latest posts (no plug-in); the comments' feed: ``/``.

Jekyll's scaffold makes no other archive pages and Pelican's preview no feeds: the home page is
the closest there is. Names become path segments as each engine makes them (Hugo's
``urlize``, Pelican's ``slugify``), so the redirect lands where the engine put the page.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping

from .authors import author_page
from .oldurls import OldAddress
from .writers.paths import hugo_keeps, term_slug
from .writers.pelican_header import header_value

Target = Callable[[OldAddress], "str | None"]


def hugo_urlize(name: str) -> str:
    """A term's name as Hugo 0.168 makes it a path (``urlize``): letters, digits and marks
    of every script and ``. / _ - # + ~`` kept, a space a ``-``, anything else dropped
    (``%`` too), lower case (Hugo's ``disablePathToLower`` is off). Runs of ``-`` stay.

    >>> hugo_urlize("Arzt & Pfusch"), hugo_urlize("WordPress.tv"), hugo_urlize("Größe 💫 100%")
    ('arzt--pfusch', 'wordpress.tv', 'größe--100')
    >>> hugo_urlize("a/b"), hugo_urlize("İstanbul")
    ('a/b', 'istanbul')
    """
    kept = []
    for char in name:
        if char == " ":
            kept.append("-")
        elif char == "/" or hugo_keeps(char):
            # (Go lowercases one letter at a time: "İ" is "i", where Python's "i̇" adds a mark)
            kept.append("i" if char == "İ" else char.lower())
    return "".join(kept)


def _hugo(address: OldAddress) -> str | None:
    about = address.about
    if not about:
        return None
    if about[0] == "category":
        return f"/categories/{term_slug(about[1], 'category')}/"
    if about[0] == "post_tag":  # (a tag without a slug is its name's term: writers.hugo.hugo_terms)
        return f"/tags/{term_slug(about[1] or address.label, 'tag')}/"
    if about[0] == "feed":
        if len(about) == 3 and about[1] == "category":
            return f"/categories/{term_slug(about[2], 'category')}/index.xml"
        if len(about) == 3 and about[1] == "post_tag":
            return f"/tags/{term_slug(about[2] or _name(address), 'tag')}/index.xml"
        if len(about) == 3:
            return f"/tags/{hugo_urlize(_name(address))}/index.xml"
        return "/index.xml"
    if about[0] == "date":
        return "/posts/"
    if about[0] == "author":
        return author_page(about[1]) or "/"
    if about[0] in ("page", "search"):
        return "/"
    return f"/{term_slug(about[0], 'taxonomy')}/{hugo_urlize(address.label)}/"


def _jekyll(address: OldAddress) -> str | None:
    about = address.about
    if about and about[0] == "feed" and about[1:] != ("comments",):
        return "/feed.xml"  # (the scaffold's feed of the latest posts: a subscriber's reader keeps reading)
    return _home_or_author(address)


def _home_or_author(address: OldAddress) -> str | None:
    if address.about and address.about[0] == "author":
        return author_page(address.about[1]) or "/"
    return "/" if address.about else None


def _pelican(address: OldAddress) -> str | None:
    about = address.about
    if not about:
        return None
    if about[0] == "category":
        # Pelican gives an article one category, its first: only those have a page.
        # (named from its header value, as the writer wrote it: Pelican makes the page of that)
        label = _pelican_slug(header_value(address.label))
        return f"/category/{label}.html" if "primary" in about else "/categories.html"
    if about[0] == "post_tag":
        return f"/tag/{_pelican_slug(address.label)}.html"
    if about[0] == "author":
        return f"/author/{_pelican_slug(address.label)}.html"
    if about[0] == "date":
        return "/archives.html"
    return "/"


def _name(address: OldAddress) -> str:
    # A term feed's label is "<name>: feed".
    return address.label.rsplit(": feed", 1)[0]


def _pelican_slug(name: str) -> str:
    """Pelican's ``slugify`` as the scaffold sets it (``SLUGIFY_USE_UNICODE``: letters of every
    script kept, as WordPress keeps them): NFKC, word characters, white space and ``-`` kept,
    runs of white space and ``-`` one ``-``, lower case.

    >>> _pelican_slug("Social Networking"), _pelican_slug("言葉"), _pelican_slug("Bar / Foo")
    ('social-networking', '言葉', 'bar-foo')
    """
    text = re.sub(r"[^\w\s-]", "", unicodedata.normalize("NFKC", name)).strip()
    return re.sub(r"[-\s]+", "-", text).lower()


def _eleventy(address: OldAddress) -> str | None:
    from .writers.eleventy import archive_page  # (the writer imports this module's neighbours)

    return archive_page(address)


# (Astro's scaffold has no archive pages but the authors': its list page, as Jekyll's home page.)
TARGETS: dict[str, Target] = {
    "hugo": _hugo,
    "jekyll": _jekyll,
    "pelican": _pelican,
    "eleventy": _eleventy,
    "astro": _home_or_author,
}
"""Per format: the new page for an old archive address (``None``: none)."""


def archive_target(fmt: str, address: OldAddress, moved: Mapping[int, tuple[str, str]]) -> str | None:
    """The new page for one archive, feed or attachment address in format ``fmt``, or ``None``
    if the format has none; ``moved``: each item's new address."""
    target = TARGETS.get(fmt)
    if target is None:
        return None
    if address.kind == "attachment":
        # Its post's new page; one without a post: the home page, the closest there is.
        parent = moved.get(address.item) if address.item is not None else None
        return parent[1] if parent else "/"
    return target(address)

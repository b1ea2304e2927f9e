"""The site's authors as data the engines' themes read: who wrote what, by the name each post's
front matter gives (``author``), with their names, the slug of their page (WordPress's author
archive, ``/author/<slug>/``) and, with ``--personal-data`` only, their e-mail address and the
hash Gravatar knows them by (an e-mail address is personal data, and so is a hash anyone can
compute from it). Only authors of something written are listed.

Co-Authors Plus keeps a post's co-authors as terms of its ``author`` taxonomy: their names are
the post's ``authors`` (:func:`co_authors`).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

from .records import Author, Post


def nicename(login: str) -> str:
    """A login as WordPress makes its ``user_nicename`` (``sanitize_title``): accents
    removed, lower case, ``.`` a ``-``, white space a ``-``, anything but letters, digits,
    ``_`` and ``-`` dropped, runs of ``-`` one.

    >>> nicename("hermione@example.com"), nicename("José María"), nicename("a..b")
    ('hermioneexample-com', 'jose-maria', 'a-b')
    """
    text = "".join(c for c in unicodedata.normalize("NFKD", login) if not unicodedata.combining(c)).lower()
    text = re.sub(r"[.\s]+", "-", text)
    text = "".join(c for c in text if c.isalnum() or c in "_-")
    return re.sub("-{2,}", "-", text).strip("-") or login.lower()


def page_slug(login: str) -> str | None:
    """The slug of the author's page, ``/author/<slug>/`` as on WordPress (:func:`nicename`);
    ``None`` when the login makes no plain slug (nothing but letters, digits, ``_`` and ``-``).

    >>> page_slug("anna"), page_slug("José María"), page_slug("../")
    ('anna', 'jose-maria', None)
    """
    slug = nicename(login)
    return slug if all(c.isalnum() or c in "_-" for c in slug) else None


def author_page(login: str) -> str | None:
    """The path of the author's page on the new site (``/author/<slug>/``, encoded as browsers
    send it), for the engines whose sites have author pages; ``None``: none.

    >>> author_page("José María"), author_page("言葉")
    ('/author/jose-maria/', '/author/%E8%A8%80%E8%91%89/')
    """
    slug = page_slug(login)
    return None if slug is None else f"/author/{quote(slug, safe='-_')}/"


def author_data(authors: Iterable[Author], wrote: set[str], personal_data: bool) -> dict[str, dict[str, Any]]:
    """Each author who wrote something (``wrote``: logins), keyed by the name the posts' front
    matter gives them (the display name, else the login), in the export's order; then the
    authors the export did not declare (a WXR 1.0 export declares none), by login.

    ``slug`` is their page's (:func:`page_slug`), when the login makes one; one an earlier author
    has gets ``-2``, ``-3``... as WordPress makes a user's nicename unique (``john.doe`` and
    ``john-doe``: the second had no page, unsaid).
    """
    found: dict[str, dict[str, Any]] = {}
    slugs: set[str] = set()
    tried: dict[str, int] = {}  # (a slug -> the next number to try: counting from 2 each time was quadratic)

    def add(login: str, data: dict[str, Any]) -> None:
        slug = page_slug(login)
        if slug is not None and data["name"] not in found:
            unique, n = slug, tried.get(slug, 2)
            while unique in slugs:
                unique, n = f"{slug}-{n}", n + 1
            tried[slug] = n
            slugs.add(unique)
            data = {"name": data["name"], "login": login, "slug": unique, **data}
        found.setdefault(data["name"], data)

    declared: set[str] = set()
    for author in authors:
        declared.add(author.login)
        if author.login not in wrote:
            continue
        name = author.display_name or author.login
        data: dict[str, Any] = {"name": name, "login": author.login}
        if author.first_name:
            data["first_name"] = author.first_name
        if author.last_name:
            data["last_name"] = author.last_name
        if personal_data and author.email:
            data["email"] = author.email
            data["gravatar"] = hashlib.sha256(author.email.strip().lower().encode("utf-8")).hexdigest()
        add(author.login, data)
    for login in sorted(wrote - declared):
        if login:  # (an item without dc:creator has no author)
            add(login, {"name": login, "login": login})
    return found


def co_authors(post: Post) -> list[str]:
    """The post's co-authors' names, as Co-Authors Plus keeps them (its ``author`` taxonomy)."""
    return [ref.name or ref.slug.removeprefix("cap-") for ref in post.terms if ref.taxonomy == "author"]

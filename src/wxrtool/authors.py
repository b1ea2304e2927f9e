"""The site's authors as data the engines' themes read: who wrote what, by the name each post's
front matter gives (``author``), with their names and, with ``--personal-data`` only, their
e-mail address and the hash Gravatar knows them by (an e-mail address is personal data, and so is
a hash anyone can compute from it). Only authors of something written are listed.

Co-Authors Plus keeps a post's co-authors as terms of its ``author`` taxonomy: their names are
the post's ``authors`` (:func:`co_authors`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from .records import Author, Post


def author_data(authors: Iterable[Author], wrote: set[str], personal_data: bool) -> dict[str, dict[str, Any]]:
    """Each author who wrote something (``wrote``: logins), keyed by the name the posts' front
    matter gives them (the display name, else the login), in the export's order."""
    found: dict[str, dict[str, Any]] = {}
    for author in authors:
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
        found.setdefault(name, data)
    return found


def co_authors(post: Post) -> list[str]:
    """The post's co-authors' names, as Co-Authors Plus keeps them (its ``author`` taxonomy)."""
    return [ref.name or ref.slug.removeprefix("cap-") for ref in post.terms if ref.taxonomy == "author"]

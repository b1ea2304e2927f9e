"""Where a term sits in its taxonomy's tree, and the label that tells two terms of one name apart.

WordPress keeps a category's parent by slug; two categories may share a name (``Foo`` and
``Bar > Foo``), which engines that know a category by its name would make one. Both the writers
(through the site index) and the old addresses (:mod:`wxrtool.oldurls`) name a category the same
way: its name, or its ancestors' names and its own when another has that name (``Bar / Foo``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Protocol

#: The most levels a tree of terms or pages is followed up (a real site has a few): past it, the
#: path starts at the last one followed. Each item's path is then bounded, and so is the time to
#: find it: a chain of 4,000 categories, a post in each, took 24 s and wrote 5 MB from 0.7 MB.
MAX_TREE_DEPTH = 64

#: What joins a category's name to its parents' in a label (:func:`term_label`).
LABEL_SEPARATOR = " / "


class Named(Protocol):
    """A term as the export declares it: its name and its parent's slug ('' at the top)."""

    @property
    def name(self) -> str: ...

    @property
    def parent(self) -> str: ...


Terms = Mapping[tuple[str, str], Named]  # (taxonomy, slug) -> the term


def term_path(terms: Terms, taxonomy: str, slug: str) -> list[str]:
    """The slugs from the top of ``slug``'s tree down to ``slug``; stops at a cycle, a gap or
    :data:`MAX_TREE_DEPTH` slugs."""
    path = [slug]
    seen = {slug}
    term = terms.get((taxonomy, slug))
    while term is not None and term.parent and term.parent not in seen and len(path) < MAX_TREE_DEPTH:
        path.append(term.parent)
        seen.add(term.parent)
        term = terms.get((taxonomy, term.parent))
    return path[::-1]


def shared_names(terms: Terms) -> set[tuple[str, str]]:
    """``(taxonomy, name folded)`` of the names two terms of a taxonomy share (without case,
    as engines that make a page per name compare them)."""
    counts = Counter((taxonomy, term.name.casefold()) for (taxonomy, _), term in terms.items())
    return {key for key, count in counts.items() if count > 1}


def term_label(terms: Terms, shared: set[tuple[str, str]], taxonomy: str, slug: str, name: str) -> str:
    """The term's name, or, when another term of the taxonomy has it too (``shared``:
    :func:`shared_names`), its ancestors' names and its own (``Bar / Foo``)."""
    if (taxonomy, name.casefold()) not in shared or (taxonomy, slug) not in terms:
        return name
    path = term_path(terms, taxonomy, slug)
    return LABEL_SEPARATOR.join(terms[taxonomy, s].name if (taxonomy, s) in terms else s for s in path)

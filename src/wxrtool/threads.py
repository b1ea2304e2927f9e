"""Reply trees, rebuilt from ``wp:comment_parent``.

The policy, which every writer shares:

- Siblings are ordered by date, then id, then position in the export.
- Every comment given appears exactly once in the result, whatever the input.
- A reply whose parent is not among the comments given (deleted, spam, or left
  out by a filter) is promoted to the top level, as WordPress's own comment
  walker shows such orphans; it keeps its original ``parent`` value.
- A comment that is its own parent is a top-level comment.
- Parent cycles are broken at their earliest member (by the sibling order),
  which becomes top level; the rest of the cycle hangs below it.
- Duplicate ids: replies attach to the first comment with that id.
- Depth: a reply deeper than :data:`MAX_DEPTH` hangs at that depth, under its nearest
  ancestor above it, as WordPress shows replies deeper than its thread depth setting (the
  export does not carry it; WordPress lets a site choose at most 10). It keeps its ``parent``;
  its ``promoted`` says ``too-deep``. No writer then nests without bound.
- Keys: every comment has a ``key`` unique within the post, which writers use
  wherever they name a comment (anchors, data files, ids in other systems). The
  first comment with an id (in the order given: the export's) keys as the id,
  ``"700"``; later ones take ``"700-2"``, ``"700-3"``... Nothing replies to a later
  duplicate, so a ``parent`` and the ancestor ids from :func:`walk` name
  first comments only: their keys are ``str(id)``.

The functions here are pure: they read comments and return new values.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from .records import Comment

C = TypeVar("C", bound=Comment)


class Promotion(enum.StrEnum):
    """Why a comment with a non-zero ``parent`` stands at the top level."""

    MISSING_PARENT = "missing-parent"
    SELF_PARENT = "self-parent"
    CYCLE = "cycle"
    TOO_DEEP = "too-deep"


MAX_DEPTH = 100
"""The deepest a reply is nested (the top level is 0): deeper ones hang at this depth."""


@dataclass(frozen=True, slots=True)
class Thread(Generic[C]):
    """One comment in its tree: its depth (0 = top level), its ordered replies and its key."""

    comment: C
    depth: int
    replies: tuple[Thread[C], ...]
    promoted: Promotion | None = None
    key: str = ""


def _order(comment: Comment, index: int) -> tuple[bool, float, int, int]:
    date = comment.date_utc or comment.date
    return (date is None, date.timestamp() if date else 0.0, comment.id, index)


def build_threads(comments: Iterable[C], max_depth: int = MAX_DEPTH) -> list[Thread[C]]:
    """Rebuild the reply trees of one post's comments.

    Parameters:
        comments: the comments of a single post, in any order.
        max_depth: the deepest a reply is nested (:data:`MAX_DEPTH`; a writer whose engine
            nests less deep asks for less).

    Returns the top-level threads in order; see the module's policy.

    >>> from wxrtool.records import Comment, CommentStatus
    >>> def c(i, p): return Comment(i, 1, p, "", "", "", "", None, None, "", CommentStatus.APPROVED)
    >>> [t.comment.id for t in build_threads([c(2, 1), c(1, 0)])]
    [1]
    >>> build_threads([c(2, 1), c(1, 0)])[0].replies[0].depth
    1
    >>> [t.key for t in build_threads([c(7, 0), c(7, 0)])]
    ['7', '7-2']
    """
    items: list[C] = list(comments)
    count = len(items)
    first: dict[int, int] = {}
    seen: dict[int, int] = {}
    names: list[str] = []
    for index, comment in enumerate(items):
        first.setdefault(comment.id, index)
        seen[comment.id] = copies = seen.get(comment.id, 0) + 1
        names.append(str(comment.id) if copies == 1 else f"{comment.id}-{copies}")

    parent_of: list[int | None] = [None] * count
    promoted: list[Promotion | None] = [None] * count
    for index, comment in enumerate(items):
        if not comment.parent:
            continue
        target = first.get(comment.parent)
        if comment.parent == comment.id or target == index:
            promoted[index] = Promotion.SELF_PARENT
        elif target is None:
            promoted[index] = Promotion.MISSING_PARENT
        else:
            parent_of[index] = target

    keys = [_order(comment, index) for index, comment in enumerate(items)]

    # Follow parent links from each comment; a link back onto the walk is a cycle.
    NEW, ON_PATH, DONE = 0, 1, 2
    state = [NEW] * count
    for start in range(count):
        path: list[int] = []
        node = start
        while node is not None and state[node] == NEW:
            state[node] = ON_PATH
            path.append(node)
            node = parent_of[node]  # type: ignore[assignment]
        if node is not None and state[node] == ON_PATH:
            cycle = path[path.index(node) :]
            head = min(cycle, key=keys.__getitem__)
            parent_of[head] = None
            promoted[head] = Promotion.CYCLE
        for visited in path:
            state[visited] = DONE

    children: list[list[int]] = [[] for _ in range(count)]
    roots: list[int] = []
    for index in range(count):
        parent = parent_of[index]
        (roots if parent is None else children[parent]).append(index)
    roots.sort(key=keys.__getitem__)
    for siblings in children:
        siblings.sort(key=keys.__getitem__)

    # Depths top-down, then nodes bottom-up: no recursion, so any depth works. A node at the
    # deepest depth hands its replies to its parent: they hang beside it, at that depth.
    depth = [0] * count
    above: list[int | None] = [None] * count  # each node's parent in the tree built
    order: list[int] = list(roots)
    flattened: set[int] = set()
    for index in order:
        if depth[index] >= max_depth and children[index]:
            holder = above[index]
            assert holder is not None  # (only the top level has none, and it is at depth 0)
            for child in children[index]:
                promoted[child] = Promotion.TOO_DEEP
                depth[child], above[child] = depth[index], holder
                order.append(child)
            children[holder] += children[index]
            children[index] = []
            flattened.add(holder)
        for child in children[index]:
            depth[child] = depth[index] + 1
            above[child] = index
            order.append(child)
    for holder in flattened:
        children[holder].sort(key=keys.__getitem__)
    built: list[Thread[C] | None] = [None] * count
    for index in reversed(order):
        replies = tuple(built[child] for child in children[index])
        built[index] = Thread(items[index], depth[index], replies, promoted[index], names[index])  # type: ignore[arg-type]
    return [built[index] for index in roots]  # type: ignore[misc]


def walk(threads: Sequence[Thread[C]]) -> Iterator[tuple[Thread[C], tuple[int, ...]]]:
    """Every node in display order (depth first), with the ids of its ancestors.

    >>> list(walk([]))
    []
    """
    stack: list[tuple[Thread[C], tuple[int, ...]]] = [(t, ()) for t in reversed(threads)]
    pop = stack.pop
    while stack:
        node, path = pop()
        yield node, path
        replies = node.replies
        if replies:  # (most comments have none: no path made for them)
            below = (*path, node.comment.id)
            stack += [(reply, below) for reply in reversed(replies)]

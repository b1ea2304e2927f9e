"""Reply trees: the policy for order, orphans, self-parents and cycles, as properties."""

from __future__ import annotations

import dataclasses
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from wxrtool import Comment, CommentStatus, Promotion, build_threads, walk
from wxrtool.threads import MAX_DEPTH

BASE = datetime(2020, 1, 1, tzinfo=UTC)


def comment(cid: int, parent: int = 0, minute: int | None = None) -> Comment:
    date = BASE + timedelta(minutes=minute) if minute is not None else None
    return Comment(
        id=cid,
        post_id=1,
        parent=parent,
        author=f"a{cid}",
        author_email="",
        author_url="",
        author_ip="",
        date=date,
        date_utc=date,
        content_html="",
        status=CommentStatus.APPROVED,
    )


def shape(threads) -> list[tuple[int, int, int]]:  # type: ignore[no-untyped-def]
    return [(node.comment.id, node.depth, path[-1] if path else 0) for node, path in walk(threads)]


def test_seed_like_thread() -> None:
    comments = [
        comment(1, 0, 1),
        comment(2, 1, 2),
        comment(3, 2, 3),
        comment(4, 3, 4),
        comment(5, 0, 5),
        comment(6, 2, 6),
    ]
    threads = build_threads(reversed(comments))
    assert shape(threads) == [(1, 0, 0), (2, 1, 1), (3, 2, 2), (4, 3, 3), (6, 2, 2), (5, 0, 0)]


def test_siblings_by_date_then_id() -> None:
    threads = build_threads([comment(9, 0, 5), comment(3, 0, 5), comment(4, 0, 1), comment(8, 0, None)])
    assert [t.comment.id for t in threads] == [4, 3, 9, 8]  # undated last


def test_orphan_promoted_keeps_parent() -> None:
    (orphan,) = build_threads([comment(5, 99, 1)])
    assert orphan.depth == 0 and orphan.comment.parent == 99 and orphan.promoted is Promotion.MISSING_PARENT


def test_self_parent_and_cycle() -> None:
    threads = build_threads([comment(1, 1, 0), comment(2, 3, 1), comment(3, 2, 2)])
    assert [(t.comment.id, t.promoted) for t in threads] == [(1, Promotion.SELF_PARENT), (2, Promotion.CYCLE)]
    assert threads[1].replies[0].comment.id == 3


def test_a_deep_chain_hangs_at_the_deepest_depth() -> None:
    # Built without recursion, and nested no deeper than MAX_DEPTH: the rest hang beside the
    # reply at that depth, in order, under their nearest ancestor above it (as WordPress shows
    # replies deeper than its setting), each keeping its parent and saying why.
    chain = [comment(i, i - 1, i) for i in range(1, 5001)]
    random.Random(4).shuffle(chain)
    nodes = list(walk(build_threads(chain)))
    assert len(nodes) == 5000 and max(node.depth for node, _ in nodes) == MAX_DEPTH
    holder = nodes[MAX_DEPTH - 1][0]
    assert [r.comment.id for r in holder.replies] == list(range(MAX_DEPTH + 1, 5001))
    assert {r.promoted for r in holder.replies[1:]} == {Promotion.TOO_DEEP} and holder.replies[0].promoted is None
    assert all(r.comment.parent == r.comment.id - 1 for r in holder.replies)


def test_no_writer_nests_without_bound(tmp_path: Path) -> None:
    # A 1,500-deep chain of replies (a hostile export): every format writes it without
    # recursing on its depth (Python's limit is about 1,000).
    import wxrtool

    from .conftest import SAMPLES

    text = (SAMPLES / "klout.xml").read_text(encoding="utf-8")
    head, tail = text[: text.index("<wp:comment>")], text[text.rindex("</wp:comment>") + len("</wp:comment>") :]
    replies = "".join(
        f"<wp:comment><wp:comment_id>{n}</wp:comment_id><wp:comment_author>a{n}</wp:comment_author>"
        "<wp:comment_date>2011-11-16 09:52:00</wp:comment_date><wp:comment_date_gmt>2011-11-16 15:52:00"
        f"</wp:comment_date_gmt><wp:comment_content>reply {n}</wp:comment_content><wp:comment_approved>1"
        f"</wp:comment_approved><wp:comment_type>comment</wp:comment_type><wp:comment_parent>{n - 1}"
        "</wp:comment_parent></wp:comment>"
        for n in range(1, 1501)
    )
    deep = tmp_path / "deep.xml"
    deep.write_text(head + replies + tail, encoding="utf-8")
    for fmt in wxrtool.writers.FORMATS:
        account = wxrtool.convert(deep, fmt, str(tmp_path / fmt))
        assert account.balanced(), fmt


comment_lists = st.lists(
    st.tuples(st.integers(1, 12), st.integers(0, 14), st.one_of(st.none(), st.integers(0, 5))),
    max_size=30,
).map(lambda rows: [comment(cid, parent, minute) for cid, parent, minute in rows])


@given(comment_lists)
@settings(max_examples=400)
def test_every_comment_exactly_once(comments: list[Comment]) -> None:
    seen = [node.comment for node, _ in walk(build_threads(comments))]
    assert len(seen) == len(comments)
    assert sorted(map(id, seen)) == sorted(map(id, comments))


@given(comment_lists)
@settings(max_examples=400)
def test_depths_parents_and_promotions_are_consistent(comments: list[Comment]) -> None:
    first = {}
    for c in comments:
        first.setdefault(c.id, c)
    threads = build_threads(comments)
    for top in threads:
        assert top.depth == 0
        c = top.comment
        if c.parent == 0:
            assert top.promoted is None
        elif c.parent == c.id or first.get(c.parent) is c:
            assert top.promoted is Promotion.SELF_PARENT
        elif c.parent not in first:
            assert top.promoted is Promotion.MISSING_PARENT
        else:
            assert top.promoted is Promotion.CYCLE
    for node, _ in walk(threads):
        for reply in node.replies:
            assert reply.depth == node.depth + 1
            assert reply.comment.parent == node.comment.id
            assert reply.promoted is None


@given(comment_lists)
@settings(max_examples=300)
def test_siblings_ordered(comments: list[Comment]) -> None:
    def key(c: Comment) -> tuple[bool, float, int]:
        return (c.date is None, c.date.timestamp() if c.date else 0.0, c.id)

    threads = build_threads(comments)
    levels = [threads] + [node.replies for node, _ in walk(threads)]
    for siblings in levels:
        keys = [key(n.comment) for n in siblings]
        assert keys == sorted(keys)


@given(
    st.lists(st.tuples(st.integers(0, 14), st.one_of(st.none(), st.integers(0, 5))), max_size=14),
    st.randoms(use_true_random=False),
)
@settings(max_examples=300)
def test_order_of_input_does_not_matter_with_unique_ids(rows, rnd) -> None:  # type: ignore[no-untyped-def]
    comments = [comment(i + 1, parent, minute) for i, (parent, minute) in enumerate(rows)]
    shuffled = list(comments)
    rnd.shuffle(shuffled)
    assert shape(build_threads(comments)) == shape(build_threads(shuffled))


def keys(threads) -> list[tuple[str, int | None]]:  # type: ignore[no-untyped-def]
    return [(node.key, path[-1] if path else None) for node, path in walk(threads)]


def test_duplicate_ids_get_distinct_keys_and_replies_go_to_the_first() -> None:
    # As in samples/rules.xml: two comments numbered 700 (a botched merge), a reply to 700.
    threads = build_threads([comment(700, 0, 1), comment(700, 0, 2), comment(701, 700, 3), comment(700, 0, 0)])
    assert keys(threads) == [("700-3", None), ("700", None), ("701", 700), ("700-2", None)]
    assert [t.comment.date for t in threads if t.key == "700"] == [BASE + timedelta(minutes=1)]


def test_keys_number_duplicates_in_export_order_whatever_the_display_order() -> None:
    later_first = build_threads([comment(5, 0, 9), comment(5, 5, 1), comment(5, 0, 3)])
    assert [(t.key, t.promoted) for t in later_first] == [("5-2", Promotion.SELF_PARENT), ("5-3", None), ("5", None)]


def test_keys_are_the_ids_when_ids_are_unique() -> None:
    threads = build_threads([comment(1, 0, 1), comment(2, 1, 2), comment(3, 2, 3), comment(4, 99, 4)])
    assert all(node.key == str(node.comment.id) for node, _ in walk(threads))


@given(comment_lists)
@settings(max_examples=300)
def test_keys_unique_and_only_first_comments_have_replies(comments: list[Comment]) -> None:
    nodes = [node for node, _ in walk(build_threads(comments))]
    assert len({n.key for n in nodes}) == len(nodes)
    for node in nodes:
        assert node.key.split("-")[0] == str(node.comment.id)
        # So a reply's parent, and every ancestor id walk() gives, names a comment whose key is its id.
        assert node.key == str(node.comment.id) or not node.replies


def test_a_comment_without_a_gmt_date_is_ordered_by_its_local_date() -> None:
    """Drafts' comments can lack comment_date_gmt: the local date still orders them."""
    local_only = dataclasses.replace(comment(3, minute=5), date_utc=None)
    threads = build_threads([comment(1, minute=10), local_only, comment(2, minute=1)])
    assert [t.comment.id for t in threads] == [2, 3, 1]

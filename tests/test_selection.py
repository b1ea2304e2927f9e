"""What is written by default, what widens it, and the account that balances."""

from __future__ import annotations

import dataclasses

import wxrtool
from wxrtool import CommentStatus, Post, Selection, Selector
from wxrtool.account import Reason

from .conftest import SAMPLES

DRAFTS = SAMPLES / "drafts-and-pages.xml"


def kept(selection: Selection) -> tuple[list[Post], wxrtool.Account]:
    selector = Selector(selection)
    posts = [r for r in selector.apply(wxrtool.read(DRAFTS)) if isinstance(r, Post)]
    return posts, selector.account


def test_default_policy() -> None:
    posts, account = kept(Selection())
    assert sorted(p.id for p in posts) == [2, 3, 101, 102, 120, 130]
    attachment = next(p for p in posts if p.id == 102)
    assert attachment.status == "inherit"  # its parent 101 is published
    assert account.left_out["items"]["parent-left-out"] == 1  # 131's parent is a draft
    assert account.left_out["items"]["password"] == 1
    comments = next(p for p in posts if p.id == 101).comments
    assert all(c.status is CommentStatus.APPROVED for c in comments)
    assert all(c.author_email == "" and c.author_ip == "" and c.meta == () for c in comments)
    assert account.balanced()


def test_replies_to_left_out_comments_are_promoted() -> None:
    posts, _ = kept(Selection())
    threads = wxrtool.build_threads(next(p for p in posts if p.id == 101).comments)
    reply = next(t for t in threads if t.comment.id == 514)  # its parent 513 is spam
    assert reply.promoted is wxrtool.Promotion.MISSING_PARENT and reply.comment.parent == 513


def test_everything_keeps_all_but_balances() -> None:
    posts, account = kept(Selection.everything())
    assert len(posts) == 13
    assert account.written["comments"] == 9 and account.written["pings"] == 1
    assert any(c.author_email for p in posts for c in p.comments)
    assert account.balanced() and not any(account.left_out[k] for k in account.left_out)


def test_no_comments_leaves_every_one_out_and_says_why() -> None:
    """``--comments none``: posts without their conversation (it moves to a comment system), every
    comment and ping accounted for as not asked for, whatever its state."""
    default_posts, default = kept(Selection())
    posts, account = kept(dataclasses.replace(Selection(), comments="none"))
    assert [p.id for p in posts] == [p.id for p in default_posts]
    assert all(p.comments == () and p.pings == () for p in posts)
    assert account.written["comments"] == account.written["pings"] == 0
    assert account.left_out["comments"]["not-asked"] == default.written["comments"] + sum(
        n for r, n in default.left_out["comments"].items() if r != "item-left-out"
    )
    assert account.left_out["pings"]["not-asked"] > 0 and account.balanced()
    assert Reason.explain("not-asked").endswith("(--comments none)")


def test_author_email_only_with_personal_data() -> None:
    default = [r for r in Selector().apply(wxrtool.read(DRAFTS)) if isinstance(r, wxrtool.Author)]
    personal = Selector(dataclasses.replace(Selection(), personal_data=True))
    with_data = [r for r in personal.apply(wxrtool.read(DRAFTS)) if isinstance(r, wxrtool.Author)]
    assert {a.email for a in default} == {""}
    assert "anna@kuechenbuch.example.de" in {a.email for a in with_data}


def test_account_as_dict_and_summary() -> None:
    _, account = kept(Selection())
    data = account.as_dict()
    for kind in ("items", "comments", "pings"):
        assert data["read"][kind] == data["written"][kind] + sum(data["left_out"][kind].values())
    assert account.summary().splitlines()[0].startswith("items: 13 read, 6 written, 7 left out")


def test_date_range() -> None:
    from datetime import date

    posts, account = kept(Selection(statuses=None, since=date(2024, 1, 2), until=date(2024, 3, 1)))
    days = sorted(p.date.date().isoformat() for p in posts if p.date)
    assert days[0] >= "2024-01-02" and days[-1] <= "2024-03-01"
    assert account.left_out["items"]["date"] == 9 and account.balanced()  # 4 of the 13 fall in the range

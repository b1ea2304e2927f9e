"""wxrtool validate finds what a conversion would lose without a word: meta without a key,
authors without an id, comments sharing an id on one post, dates in a form WordPress never writes.

Each case is a small export written here; the near misses beside each must stay quiet.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import wxrtool
from wxrtool.cli import main
from wxrtool.threads import build_threads
from wxrtool.validate import Problem, date_problem, validate

from .test_validate import export, item, with_inside

LOST_CODES = {"meta-without-key", "meta-without-value", "author-without-id", "duplicate-comment-id", "malformed-date"}


def problems(tmp_path: Path, text: str, *, recover: bool = False) -> list[Problem]:
    path = tmp_path / "export.xml"
    path.write_text(text, encoding="utf-8")
    return [p for p in validate(path, recover=recover) if p.code in LOST_CODES]


def meta(tag: str, key: str = "<wp:meta_key>k</wp:meta_key>", value: str = "<wp:meta_value>v</wp:meta_value>") -> str:
    return f"<wp:{tag}>{key}{value}</wp:{tag}>"


def comment(cid: int, *parts: str) -> str:
    return f"<wp:comment><wp:comment_id>{cid}</wp:comment_id>{''.join(parts)}</wp:comment>"


AUTHOR = "<wp:author><wp:author_id>1</wp:author_id><wp:author_login>ann</wp:author_login></wp:author>"


# -- meta --------------------------------------------------------------------------------------


def test_meta_without_key_everywhere_meta_lives(tmp_path: Path) -> None:
    term = (
        "<wp:term><wp:term_taxonomy>category</wp:term_taxonomy><wp:term_slug>news</wp:term_slug>"
        + meta("termmeta", key="<wp:metakey>color</wp:metakey>", value="<wp:meta_value>red</wp:meta_value>")
        + "</wp:term>"
    )
    items = with_inside(
        item(7),
        "\n" + meta("postmeta", key="<wp:meta_kye>subtitle</wp:meta_kye>"),
        "\n" + meta("postmeta", key="<wp:meta_key>  </wp:meta_key>"),
        "\n" + comment(70, meta("commentmeta", key="<meta_key>akismet_result</meta_key>")),
    )
    found = problems(tmp_path, export(items, AUTHOR + "\n" + term))
    assert [(p.code, p.line, p.post_id, p.comment_id) for p in found] == [
        ("meta-without-key", 2, None, None),
        ("meta-without-key", 4, 7, None),
        ("meta-without-key", 5, 7, None),
        ("meta-without-key", 6, 7, 70),
    ]
    term_p, misspelled, empty, unnamespaced = found
    assert "category 'news'" in term_p.message and "<wp:metakey>" in term_p.message and "'red'" in term_p.message
    assert "<wp:meta_kye>" in misspelled.message and "name the element <wp:meta_key>" in misspelled.hint
    assert "an empty <wp:meta_key>" in empty.message and "give it its key" in empty.hint
    assert "<meta_key>" in unnamespaced.message
    assert all(p.severity == "warning" and "importer skips" in p.hint for p in found)


def test_meta_without_key_is_what_the_reader_keeps_under_an_empty_key(tmp_path: Path) -> None:
    # The premise: the records hold the value under "", which WordPress's importer skips.
    path = tmp_path / "e.xml"
    path.write_text(export(with_inside(item(7), meta("postmeta", key="<wp:metakey>k</wp:metakey>"))), "utf-8")
    post = next(r for r in wxrtool.read(path) if isinstance(r, wxrtool.Post))
    assert [(m.key, m.value) for m in post.meta] == [("", "v")]


def test_meta_without_value(tmp_path: Path) -> None:
    items = with_inside(item(7), meta("postmeta", value="<wp:metavalue>v</wp:metavalue>"))
    (found,) = problems(tmp_path, export(items, AUTHOR))
    assert (found.code, found.post_id) == ("meta-without-value", 7)
    assert "'k'" in found.message and "<wp:metavalue>" in found.message


def test_meta_near_misses(tmp_path: Path) -> None:
    # Empty values, CDATA, whitespace around the key, another namespace version: all fine.
    items = with_inside(
        item(7),
        meta("postmeta", value="<wp:meta_value></wp:meta_value>"),
        meta("postmeta", key="<wp:meta_key><![CDATA[ _edit_last ]]></wp:meta_key>"),
        comment(70, meta("commentmeta")),
    )
    assert problems(tmp_path, export(items, AUTHOR)) == []


# -- authors -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("author_id", "said"),
    [
        ("", "has no <wp:author_id>"),
        ("<wp:author_id>0</wp:author_id>", "has <wp:author_id> '0', not a user id"),
        ("<wp:author_id>ann</wp:author_id>", "has <wp:author_id> 'ann', not a user id"),
        ("<wp:author_id></wp:author_id>", "has <wp:author_id> '', not a user id"),
    ],
)
def test_author_without_id(tmp_path: Path, author_id: str, said: str) -> None:
    header = f"<wp:author>{author_id}<wp:author_login>bob</wp:author_login></wp:author>"
    (found,) = problems(tmp_path, export(item(1, creator="bob"), header))
    assert (found.code, found.line, found.post_id) == ("author-without-id", 1, None)
    assert found.message == f"author 'bob' {said}" and "comments" in found.hint


def test_author_with_id_and_undeclared_creators(tmp_path: Path) -> None:
    # An author with an id is fine; a dc:creator naming nobody is the older check's, once.
    path = tmp_path / "e.xml"
    path.write_text(export(item(1, creator="ann") + item(2, creator="zoe"), AUTHOR), encoding="utf-8")
    assert [(p.code, p.post_id) for p in validate(path)] == [("unknown-author", 2)]


def test_header_problems_of_an_export_that_does_not_read(tmp_path: Path) -> None:
    # No wxr_version: the file is refused, and that is the one thing to say about it.
    text = export(item(1), "<wp:author><wp:author_login>bob</wp:author_login></wp:author>")
    path = tmp_path / "e.xml"
    path.write_text(text.replace("<wp:wxr_version>1.2</wp:wxr_version>", ""), encoding="utf-8")
    assert [p.code for p in validate(path)] == ["wxr-version"]


# -- comment ids -------------------------------------------------------------------------------

APPROVED = "<wp:comment_approved>1</wp:comment_approved>"
PINGBACK = "<wp:comment_type>pingback</wp:comment_type>"


def test_duplicate_comment_ids_within_a_post(tmp_path: Path) -> None:
    items = with_inside(
        item(1),
        "\n" + comment(700, APPROVED),
        "\n" + comment(701, APPROVED),
        "\n" + comment(700, APPROVED),
        "\n" + comment(700, APPROVED, PINGBACK),
        "\n" + comment(700, APPROVED),
    )
    found = problems(tmp_path, export(items, AUTHOR))
    assert [(p.code, p.line, p.post_id, p.comment_id) for p in found] == [
        ("duplicate-comment-id", 5, 1, 700),
        ("duplicate-comment-id", 6, 1, 700),
        ("duplicate-comment-id", 7, 1, 700),
    ]
    assert all("is used again on this post (first at line 3)" in p.message for p in found)
    assert all(p.hint.startswith("WordPress's importer keeps only the last of them") for p in found)
    # The names the hints give are the ones the threads (and so every writer) use.
    post = next(r for r in wxrtool.read(tmp_path / "export.xml") if isinstance(r, wxrtool.Post))
    keys = sorted(t.key for t in build_threads(post.comments))
    assert keys == ["700", "700-2", "700-3", "701"]
    assert "names this one 700-2" in found[0].hint and "names this one 700-3" in found[2].hint
    assert "names this one" not in found[1].hint  # a pingback: not in the threads


def test_a_ping_first_then_a_comment_with_its_id(tmp_path: Path) -> None:
    items = with_inside(item(1), "\n" + comment(9, APPROVED, PINGBACK), "\n" + comment(9, APPROVED))
    (found,) = problems(tmp_path, export(items, AUTHOR))
    assert found.line == 4 and "names this one" not in found.hint  # the comment keeps its id: 9


def test_comment_ids_near_misses(tmp_path: Path) -> None:
    # The same id on two posts is the other check's (on the second post only); distinct ids are fine.
    items = with_inside(item(1), comment(1, APPROVED), comment(2, APPROVED)) + with_inside(
        item(2), comment(3, APPROVED), comment(1, APPROVED)
    )
    path = tmp_path / "e.xml"
    path.write_text(export(items, AUTHOR), encoding="utf-8")
    found = validate(path)
    assert [(p.code, p.post_id, p.comment_id) for p in found] == [("duplicate-comment-id", 2, 1)]
    assert "is also on post 1" in found[0].message


# -- dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "text", "read_as", "write_as"),
    [
        ("wp:post_date", "Thu, 21 Mar 2024 19:45:00 +0000", "2024-03-21 19:45:00, without its offset +0000",
         "'2024-03-21 19:45:00'"),
        ("wp:post_date", "Thu, 21 Mar 2024 19:45:00 +0100", "2024-03-21 19:45:00, without its offset +0100",
         "'2024-03-21 19:45:00'"),
        # A GMT field is written in UTC: the offset it stated is taken away.
        ("wp:post_date_gmt", "Thu, 21 Mar 2024 19:45:00 +0100", "2024-03-21 19:45:00, without its offset +0100",
         "'2024-03-21 18:45:00'"),
        ("wp:comment_date", "2024-03-21T19:45:00", "2024-03-21 19:45:00", "'2024-03-21 19:45:00'"),
        ("wp:comment_date_gmt", "21 March 2024 7:45pm", "2024-03-21 19:45:00", "'2024-03-21 19:45:00'"),
        ("wp:post_modified", "2024-03-21", "2024-03-21 00:00:00", "'2024-03-21 00:00:00'"),
    ],
)  # fmt: skip
def test_dates_in_another_form(field: str, text: str, read_as: str, write_as: str) -> None:
    found = date_problem(field, text)
    assert found is not None
    message, hint = found
    assert (
        message == f"<{field}> {text!r} is not in WordPress's form YYYY-MM-DD HH:MM:SS; wxrtool reads it as {read_as}"
    )
    assert hint.startswith(f"write it as {write_as}")
    assert ("importer refuses" in hint) == (field == "wp:post_date")


@pytest.mark.parametrize(
    ("text", "shape"),
    [
        ("2024-02-30 10:00:00", "is not a real date"),
        ("yesterday", "is not a date WordPress writes"),
        ("0001-01-01 00:00:00", "is at the calendar's edge, a day from the year 1 or 9999"),
        ("9999-12-31 23:59:59", "is at the calendar's edge, a day from the year 1 or 9999"),
    ],
)
def test_dates_that_do_not_read(text: str, shape: str) -> None:
    assert date_problem("wp:comment_date", text) == (
        f"<wp:comment_date> {text!r} {shape}; wxrtool cannot read it and leaves the date out",
        "write it as YYYY-MM-DD HH:MM:SS (the site's local time), the form WordPress writes",
    )
    assert "(UTC)" in date_problem("wp:comment_date_gmt", text)[1]  # type: ignore[index]


@pytest.mark.parametrize(
    "text", ["2024-03-21 19:45:00", " 2024-03-21 19:45:00\n", "0000-00-00 00:00:00", "", "1000-01-01 00:00:00"]
)
def test_dates_as_wordpress_writes_them(text: str) -> None:
    assert date_problem("wp:post_date", text) is None


def test_dates_located(tmp_path: Path) -> None:
    items = (
        item(1, post_date="2024-03-21 19:45:00", post_date_gmt="2024-03-21 18:45:00")
        + with_inside(
            item(2, post_date="Thu, 21 Mar 2024 19:45:00 +0000"),
            "\n" + comment(5, "<wp:comment_date>21/03/2024 19:45</wp:comment_date>"),
            "\n" + comment(6, "<wp:comment_date>2024-03-21 19:45:00</wp:comment_date>"),
        )
        + item(3, post_date="2024-03-21 19:45:00", post_modified="never")
    )
    found = problems(tmp_path, export(items, AUTHOR))
    assert [(p.code, p.line, p.post_id, p.comment_id) for p in found] == [
        ("malformed-date", 3, 2, None),
        ("malformed-date", 4, 2, 5),
        ("malformed-date", 6, 3, None),
    ]
    assert "<wp:post_modified> 'never'" in found[2].message


def test_a_repeated_date_counts_once_as_for_the_reader(tmp_path: Path) -> None:
    good, bad = "<wp:post_date>2024-03-21 19:45:00</wp:post_date>", "<wp:post_date>21.03.2024</wp:post_date>"
    items = with_inside(item(1), good, bad) + with_inside(item(2), bad, good)
    good, bad = good.replace("post_date", "comment_date"), bad.replace("post_date", "comment_date")
    items += with_inside(item(3), comment(1, good, bad), comment(2, bad, good))
    assert [(p.post_id, p.comment_id) for p in problems(tmp_path, export(items, AUTHOR))] == [(2, None), (3, 2)]


def test_found_in_elements_with_recover(tmp_path: Path) -> None:
    # --recover reads text through its own mapping; the checks see the export's text all the same.
    items = with_inside(
        item(1, post_date="Thu, 21 Mar 2024 19:45:00 +0000", title="a\x01b"),
        meta("postmeta", key="<wp:metakey>k</wp:metakey>", value="<wp:meta_value>x\x02y</wp:meta_value>"),
    )
    found = problems(tmp_path, export(items, AUTHOR), recover=True)
    assert [p.code for p in found] == ["malformed-date", "meta-without-key"]
    assert "'x\\x02y'" in found[1].message


def test_samples_and_cli_json(tmp_path: Path) -> None:
    # rules.xml repeats comment 700 on purpose (see the README's "Reply threads").
    from .conftest import SAMPLES

    for sample in SAMPLES.glob("*.xml"):
        expected = ["duplicate-comment-id"] if sample.name == "rules.xml" else []
        assert [p.code for p in validate(sample) if p.code in LOST_CODES] == expected, sample
    path = tmp_path / "e.xml"
    path.write_text(export(with_inside(item(1), meta("postmeta", key="")), AUTHOR), encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", "--json", str(path)])
    assert result.exit_code == 0  # warnings only
    (problem,) = json.loads(result.stdout)["files"][0]["problems"]
    assert (problem["code"], problem["post_id"], problem["severity"]) == ("meta-without-key", 1, "warning")

"""wxrtool validate: codes, locations, exit status, JSON and the HTML report."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from wxrtool.cli import main
from wxrtool.validate import looks_like_mojibake, validate

from .conftest import FIXTURES, SAMPLES, needs_fixtures

DRAFTS = SAMPLES / "drafts-and-pages.xml"


def export(items: str, header: str = "") -> str:
    return (
        '<rss xmlns:wp="http://wordpress.org/export/1.2/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<channel><wp:wxr_version>1.2</wp:wxr_version>{header}\n{items}</channel></rss>"
    )


def item(post_id: int | str, **fields: str) -> str:
    parts = [f"<wp:post_id>{post_id}</wp:post_id>"]
    for key, value in fields.items():
        tag = "dc:creator" if key == "creator" else f"wp:{key}"
        parts.append(f"<{tag}>{value}</{tag}>")
    return "<item>" + "".join(parts) + "</item>\n"


def codes(path: Path) -> list[str]:
    return [p.code for p in validate(path)]


def test_sample_problems_located() -> None:
    problems = validate(DRAFTS)
    by_code = {p.code: p for p in problems}
    assert set(by_code) == {
        "broken-serialized-meta",
        "comment-parent-cycle",
        "comment-self-parent",
        "comment-parent-missing",
    }
    missing = by_code["comment-parent-missing"]
    assert (missing.post_id, missing.comment_id, missing.line) == (101, 516, 199)
    assert all(p.severity == "warning" and p.hint for p in problems)


COMMENT = (
    "<wp:comment><wp:comment_id>{cid}</wp:comment_id><wp:comment_parent>{parent}</wp:comment_parent>"
    "<wp:comment_approved>1</wp:comment_approved></wp:comment>"
)
THUMBNAIL = "<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>{id}</wp:meta_value></wp:postmeta>"
DATE = "2020-01-01 00:00:00"
ANN = "<wp:author><wp:author_id>1</wp:author_id><wp:author_login>ann</wp:author_login></wp:author>"
# The checks that need the whole file (what comes later, what was seen before).
WHOLE_FILE_CODES = {
    "duplicate-post-id",
    "duplicate-slug",
    "comment-parent-on-other-post",
    "attachment-parent-missing",
    "unsafe-slug",
    "published-without-date",
    "thumbnail-missing",
    "unknown-author",
}


def with_inside(text: str, *parts: str) -> str:
    return text.replace("</item>", "".join(parts) + "</item>")


def test_whole_file_checks(tmp_path: Path) -> None:
    items = (
        with_inside(item(1, status="publish", post_name="a", post_type="post", post_date=DATE, creator="ann"),
                    COMMENT.format(cid=10, parent=0))
        + item(1, status="publish", post_name="b", post_type="post", post_date=DATE, creator="bob")
        + with_inside(item(2, status="publish", post_name="a", post_type="post", post_date=DATE, creator="ann"),
                      COMMENT.format(cid=11, parent=10))
        + item(3, status="inherit", post_type="attachment", post_parent="99", creator="ann")
        + item(4, status="publish", post_type="post", post_name="%2e%2e", creator="ann")
        + with_inside(item(5, status="publish", post_type="post", post_name="c", post_date=DATE, creator="ann"),
                      THUMBNAIL.format(id=77))
    )  # fmt: skip
    path = tmp_path / "e.xml"
    path.write_text(export(items, ANN), encoding="utf-8")
    # Each problem on the item that has it (line 1 is the channel's head, items start on line 2),
    # and nothing else: the first item of a duplicate pair and its comment are not blamed.
    assert {(p.code, p.line, p.post_id, p.comment_id) for p in validate(path)} == {
        ("duplicate-post-id", 3, 1, None),
        ("unknown-author", 3, 1, None),
        ("duplicate-slug", 4, 2, None),
        ("comment-parent-on-other-post", 4, 2, 11),
        ("attachment-parent-missing", 5, 3, None),
        ("unsafe-slug", 6, 4, None),
        ("published-without-date", 6, 4, None),
        ("thumbnail-missing", 7, 5, None),
    }


def test_whole_file_checks_pass_near_misses(tmp_path: Path) -> None:
    # The same export with each problem put right, as closely as it can be.
    items = (
        with_inside(item(1, status="publish", post_name="a", post_type="post", post_date=DATE, creator="ann"),
                    COMMENT.format(cid=10, parent=0), COMMENT.format(cid=11, parent=10))
        + item(2, status="publish", post_name="b", post_type="post", post_date=DATE, creator="bob")
        + item(3, status="inherit", post_type="attachment", post_parent="1", creator="ann")
        + item(4, status="publish", post_type="post", post_name="%c3%a9t%c3%a9", post_date=DATE, creator="ann")
        + item(5, status="draft", post_type="post", post_name="c", creator="ann")
        + with_inside(item(6, status="publish", post_type="post", post_name="d", post_date=DATE, creator="ann"),
                      THUMBNAIL.format(id=3))
    )  # fmt: skip
    path = tmp_path / "clean.xml"
    path.write_text(export(items, ANN + ANN.replace("ann", "bob")), encoding="utf-8")
    assert codes(path) == []
    for sample in SAMPLES.glob("*.xml"):
        # rules.xml holds one case of each rule on purpose: two slugs that differ in case.
        expected = {"duplicate-slug"} if sample.name == "rules.xml" else set()
        assert WHOLE_FILE_CODES & set(codes(sample)) == expected, sample


def test_mojibake_detection() -> None:
    assert looks_like_mojibake("RÃ©sumÃ© of the cafÃ©")
    assert not looks_like_mojibake("Résumé of the café")
    assert not looks_like_mojibake("Ã is a letter on its own")


@needs_fixtures
@pytest.mark.parametrize(
    ("fixture", "code"),
    [
        ("WordPress__wordpress-importer/malformed-simple.xml", "truncated"),
        ("WordPress__wordpress-importer/crazy-cdata.xml", "cdata-terminator"),
        ("WordPress__wordpress-importer/invalid-version-tag.xml", "wxr-version"),
        ("WordPress__wordpress-importer/missing-version-tag.xml", "wxr-version"),
        ("TryGhost__migrate/sample.xml", "unescaped-ampersand"),
        ("getnikola__nikola/wordpress_unicode_export.xml", "undeclared-prefix"),
        ("torchbox__wagtail-wordpress-import/test.xml", "not-wxr"),
    ],
)
def test_fixture_errors(fixture: str, code: str) -> None:
    errors = [p for p in validate(FIXTURES / fixture) if p.severity == "error"]
    assert [p.code for p in errors] == [code]
    assert errors[0].line is not None


def test_cli_exit_status_and_json(tmp_path: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(main, ["validate", str(DRAFTS)])
    assert ok.exit_code == 0 and "comment-parent-missing" in ok.stdout and "0 errors, 4 warnings" in ok.stderr
    broken = tmp_path / "broken.xml"
    broken.write_bytes(DRAFTS.read_bytes()[:5000])
    bad = runner.invoke(main, ["validate", str(DRAFTS), str(broken), "--json"])
    assert bad.exit_code == 1
    data = json.loads(bad.stdout)
    assert data["summary"]["error"] == 1 and [f["file"] for f in data["files"]] == [str(DRAFTS), str(broken)]
    problem = data["files"][1]["problems"][0]
    assert set(problem) == {"severity", "code", "message", "hint", "file", "line", "column", "post_id", "comment_id"}
    recovered = runner.invoke(main, ["validate", "--recover", str(broken)])
    # (the rest of the file unread is an error with --recover too: it said "0 errors", exit 0)
    assert recovered.exit_code == 1 and "error repaired-unreadable-rest" in recovered.stdout
    # (libxml2's message ended in a newline, shown as "\x0a"; and the rest lost is not "repaired")
    assert "\\x0a" not in bad.stdout + recovered.stdout and "  " not in problem["message"]
    assert "leaves the rest of the file out" in recovered.stdout and "repaired by" not in recovered.stdout
    inside_cdata = tmp_path / "cut.xml"
    data = DRAFTS.read_bytes()
    inside_cdata.write_bytes(data[: data.index(b"<![CDATA[", 3000) + 12])
    cut = runner.invoke(main, ["validate", str(inside_cdata)])
    assert "CData section not finished" in cut.stdout and "\\x0a" not in cut.stdout


def test_html_report_is_self_contained(tmp_path: Path) -> None:
    report = tmp_path / "report.html"
    result = CliRunner().invoke(main, ["validate", str(SAMPLES / "klout.xml"), str(DRAFTS), "--html", str(report)])
    assert result.exit_code == 0
    page = report.read_text(encoding="utf-8")
    assert "<script" not in page and not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert page.count("<svg") >= 6 and "Busiest threads" in page and "comment-parent-cycle" in page
    assert "Why I Deleted My Klout Profile" in page  # the busiest thread


def test_an_id_past_64_bits_is_said(tmp_path: Path) -> None:
    """Held at the end of PHP's integers as WordPress's importer holds it (quirks.parse_int), and
    said: the export's own id is not the one written. One just under the end is not blamed."""
    items = (
        item("9" * 25, status="publish", post_name="a", post_type="post", post_date=DATE, creator="ann")
        + item("-" + "9" * 25, status="publish", post_name="b", post_type="post", post_date=DATE, creator="ann")
        + item(str(2**63 - 2), status="publish", post_name="c", post_type="post", post_date=DATE, creator="ann")
    )
    path = tmp_path / "huge.xml"
    path.write_text(export(items, ANN), encoding="utf-8")
    said = [(p.code, p.post_id, p.line) for p in validate(path) if p.code == "id-out-of-range"]
    assert said == [("id-out-of-range", 2**63 - 1, 2), ("id-out-of-range", -(2**63), 3)]


def test_every_later_use_of_an_id_and_broken_meta_of_comments_and_terms_are_said(tmp_path: Path) -> None:
    """A third item of one id went unsaid, and so did a comment's or a term's broken serialized meta
    (a post's was said)."""
    broken = '<wp:meta_key>k</wp:meta_key><wp:meta_value><![CDATA[a:1:{s:9:"x";i:1;}]]></wp:meta_value>'
    term = (
        "<wp:term><wp:term_id>5</wp:term_id><wp:term_taxonomy>category</wp:term_taxonomy>"
        f"<wp:term_slug>news</wp:term_slug><wp:term_name>News</wp:term_name><wp:termmeta>{broken}</wp:termmeta></wp:term>"
    )
    comment = COMMENT.format(cid=10, parent=0).replace(
        "</wp:comment>", f"<wp:commentmeta>{broken}</wp:commentmeta></wp:comment>"
    )
    items = (
        with_inside(item(1, status="publish", post_type="post", post_date=DATE, creator="ann"), comment)
        + item(1, status="publish", post_type="post", post_date=DATE, creator="ann")
        + item(1, status="publish", post_type="post", post_date=DATE, creator="ann")
    )
    path = tmp_path / "e.xml"
    path.write_text(export(items, ANN + "\n" + term), encoding="utf-8")
    found = {(p.code, p.line, p.post_id, p.comment_id, p.message.split(" looks")[0]) for p in validate(path)}
    assert found == {
        ("broken-serialized-meta", 2, None, None, "category 'news': meta 'k'"),
        ("broken-serialized-meta", 3, 1, 10, "comment meta 'k'"),
        ("duplicate-post-id", 4, 1, None, "post id 1 is used again (first at line 3)"),
        ("duplicate-post-id", 5, 1, None, "post id 1 is used again (first at line 3)"),
    }


@pytest.mark.parametrize(
    ("inside", "code", "column"),
    [
        ("<wp:post_name>a</wp:post_name><link>https://x.example/?a=1&b=2</link>", "unescaped-ampersand", 1),
        ("<title><![CDATA[Con\x01tact]]></title>", "control-character", None),
    ],
)
def test_a_fault_is_named_and_placed_where_it_is(inside: str, code: str, column: int | None, tmp_path: Path) -> None:
    """A raw '&' was placed where the name after it ends (column 60 for 58); a control character
    inside CDATA was 'not-well-formed: CData section not finished'."""
    path = tmp_path / "e.xml"
    path.write_text(export(item(1, status="publish").replace("</item>", inside + "</item>")), encoding="utf-8")
    (problem,) = validate(path)
    assert (problem.code, problem.line) == (code, 2)
    if column is not None:  # (the first '&' of the line)
        line = path.read_text(encoding="utf-8").splitlines()[1]
        assert problem.column == line.index("&") + 1
    assert "--recover" in problem.hint


def test_broken_meta_is_placed_at_its_own_line(tmp_path: Path) -> None:
    """It was placed at its item's line, where another meta of the same key may be the one found."""
    good = "<wp:postmeta><wp:meta_key>k</wp:meta_key><wp:meta_value>a:0:{}</wp:meta_value></wp:postmeta>\n"
    bad = '<wp:postmeta><wp:meta_key>k</wp:meta_key>\n<wp:meta_value>a:1:{s:9:"x";i:1;}</wp:meta_value></wp:postmeta>\n'
    path = tmp_path / "e.xml"
    path.write_text(
        export(item(1, status="publish").replace("</item>", "\n" + good + good + bad + "</item>")), encoding="utf-8"
    )
    (problem,) = [p for p in validate(path) if p.code != "published-without-date"]
    assert (problem.code, problem.post_id) == ("broken-serialized-meta", 1)
    assert 'a:1:{s:9:"x"' in path.read_text(encoding="utf-8").splitlines()[problem.line - 1]


def test_an_export_cut_short_says_nothing_of_what_it_does_not_hold(tmp_path: Path) -> None:
    """A cut-short export also had 'thumbnail-missing' (the attachment was in the part cut off)."""
    thumb = THUMBNAIL.format(id=2)
    whole = export(with_inside(item(1, status="publish", post_date=DATE), thumb) + item(2, post_type="attachment") * 40)
    path = tmp_path / "cut.xml"
    path.write_text(whole[: whole.index("<item>", whole.index("</item>")) + 30], encoding="utf-8")
    for recover in (False, True):
        assert {p.code for p in validate(path, recover=recover)} <= {"truncated", "repaired-unreadable-rest"}
    (tmp_path / "whole.xml").write_text(whole.replace("<wp:post_id>2<", "<wp:post_id>3<"), encoding="utf-8")
    assert "thumbnail-missing" in codes(tmp_path / "whole.xml")  # (the check itself still works)


def test_a_zip_and_split_parts_are_validated_as_a_file_is(tmp_path: Path) -> None:
    """A zip lost its broken serialized meta (the check looked at elements only the top reader read);
    split parts had a thumbnail and an attachment's parent 'missing' that were in another part, and a
    header's problem once per part."""
    import zipfile

    with zipfile.ZipFile(tmp_path / "d.zip", "w") as z:
        z.write(DRAFTS, "drafts-and-pages.xml")
    assert "broken-serialized-meta" in codes(tmp_path / "d.zip")
    header = ANN.replace("<wp:author_id>1</wp:author_id>", "")
    posts = [
        with_inside(item(n, status="publish", post_date=DATE, creator="ann"), THUMBNAIL.format(id=999))
        for n in range(1, 200)
    ]
    attachment = item(999, status="inherit", post_type="attachment", post_parent="1", creator="ann")
    # (wxrtool's split keeps a featured image with its posts: parts cut elsewhere, as WP-CLI's are)
    (tmp_path / "parts").mkdir()
    (tmp_path / "parts" / "whole.001.xml").write_text(export("".join(posts[:100]), header), encoding="utf-8")
    (tmp_path / "parts" / "whole.002.xml").write_text(export("".join(posts[100:]) + attachment, header), "utf-8")
    parts = sorted(str(p) for p in (tmp_path / "parts").glob("*.xml"))
    assert len(parts) > 1
    found = [p.code for p in validate(parts)]
    assert "thumbnail-missing" not in found and "attachment-parent-missing" not in found
    assert found.count("author-without-id") == 1


def test_the_parts_of_a_split_export_are_checked_across_each_other(tmp_path: Path) -> None:
    """Each part was checked on its own: a post id used in two parts, a thumbnail or parent in no
    part went unsaid. Each problem names the part it is in, and the first use's part."""
    from wxrtool.split import parse_size, split

    items = "".join(item(n, status="publish", post_date=DATE) for n in range(1, 150))
    items += with_inside(item(150, status="publish", post_date=DATE), THUMBNAIL.format(id=777))  # (no 777)
    items += item(151, status="inherit", post_type="attachment", post_parent="888")  # (no 888)
    (tmp_path / "whole.xml").write_text(export(items), encoding="utf-8")
    split(tmp_path / "whole.xml", parse_size("4KB"), tmp_path / "parts")
    parts = sorted(str(p) for p in (tmp_path / "parts").glob("*.xml"))
    assert len(parts) > 2
    found = validate(parts)
    assert sorted((p.code, p.post_id) for p in found) == sorted(
        (p.code, p.post_id) for p in validate(tmp_path / "whole.xml")
    )
    # The command line takes them as one export too (each part was checked alone: every post was
    # 'thumbnail-missing' but in the last part), each problem under its part.
    done = CliRunner().invoke(main, ["validate", "--json", *parts])
    listed = {f["file"]: [(p["code"], p["post_id"]) for p in f["problems"]] for f in json.loads(done.stdout)["files"]}
    assert list(listed) == parts
    assert sorted(p for problems in listed.values() for p in problems) == sorted((p.code, p.post_id) for p in found)
    for problem in found:  # (each in its item's part)
        assert f"<wp:post_id>{problem.post_id}</wp:post_id>" in Path(problem.file).read_text(encoding="utf-8")
    assert {(p.code, p.post_id) for p in found} == {("thumbnail-missing", 150), ("attachment-parent-missing", 151)}
    # The same id in two parts (written by hand: wxrtool split keeps an id's items together).
    (tmp_path / "x.001.xml").write_text(export(item(5, status="publish", post_date=DATE)), encoding="utf-8")
    (tmp_path / "x.002.xml").write_text(export(item(6) + item(5, status="draft")), encoding="utf-8")
    found = validate([str(tmp_path / "x.001.xml"), str(tmp_path / "x.002.xml")])
    assert [(p.code, p.file) for p in found] == [("duplicate-post-id", str(tmp_path / "x.002.xml"))]
    assert found[0].message.startswith("post id 5 is used again (first at line ")
    assert found[0].message.endswith(f" of {tmp_path / 'x.001.xml'})")


def test_a_glob_or_a_folder_counts_the_files_checked(tmp_path: Path) -> None:
    """'validate "dir/*.xml"' checked each file and said "1 file" (the arguments, not the files)."""
    for name in ("klout.xml", "rules.xml"):
        (tmp_path / name).write_bytes((SAMPLES / name).read_bytes())
    for given in (str(tmp_path / "*.xml"), str(tmp_path)):
        done = CliRunner().invoke(main, ["validate", given])
        assert done.stderr.startswith("2 files: "), done.stderr


def test_the_parts_of_a_split_export_left_out_are_said(tmp_path: Path) -> None:
    """'validate x.001.xml x.003.xml' said '0 errors' of parts convert refuses (002 skipped), and a
    part checked alone said nothing of the parts beside it."""
    from wxrtool.split import parse_size, split

    split(DRAFTS, parse_size("6KB"), str(tmp_path / "parts"))
    parts = sorted((tmp_path / "parts").glob("*.xml"))
    assert len(parts) >= 3
    gap = CliRunner().invoke(main, ["validate", str(parts[0]), str(parts[2])])
    assert gap.exit_code == 1 and "error parts-missing" in gap.stdout and "skip 002" in gap.stdout
    alone = [p.code for p in validate(parts[0])]
    assert "parts-not-given" in alone
    assert "parts-not-given" not in [p.code for p in validate([str(p) for p in parts])]
    assert not [p for p in validate(DRAFTS) if p.code.startswith("parts-")]


@pytest.mark.parametrize(("written", "state"), [("abc", "'abc', not a number"), (None, "has no <wp:post_id>")])
def test_an_item_whose_id_is_no_number_is_said(written: str | None, state: str, tmp_path: Path) -> None:
    """<wp:post_id>abc</wp:post_id> (or none) was read as post 0 without a word; only two such items
    said something, a duplicate id 0, which named no cause."""
    text = DRAFTS.read_text(encoding="utf-8")
    start = text.index("<wp:post_id>")
    end = text.index("</wp:post_id>", start) + len("</wp:post_id>")
    source = tmp_path / "x.xml"
    source.write_text(
        text[:start] + (f"<wp:post_id>{written}</wp:post_id>" if written else "") + text[end:], encoding="utf-8"
    )
    found = [p for p in validate(source) if p.code == "post-id-not-a-number"]
    assert len(found) == 1 and state in found[0].message and found[0].severity == "warning"
    assert not [p for p in validate(DRAFTS) if p.code == "post-id-not-a-number"]


def test_a_bare_terminator_in_cdata_is_named(tmp_path: Path) -> None:
    """WordPress 3.0's exporter wrote a post's ']]>' as it was: the error was a tag mismatch
    ('not-well-formed'), which names no cause; it is the 'cdata-terminator' that --recover repairs."""
    text = DRAFTS.read_text(encoding="utf-8")
    at = text.index("<content:encoded><![CDATA[") + len("<content:encoded><![CDATA[")
    source = tmp_path / "x.xml"
    source.write_text(text[:at] + "<p>if (a[b[i]]>0) return;</p>" + text[at:], encoding="utf-8")
    errors = [p for p in validate(source) if p.severity == "error"]
    assert [p.code for p in errors] == ["cdata-terminator"] and "--recover" in errors[0].hint
    assert not [p for p in validate(source, recover=True) if p.severity == "error"]


def test_a_zip_of_several_files_names_the_file_of_each_problem(tmp_path: Path) -> None:
    """A zip of a split export's parts: each problem named the zip alone, its line in no file
    one could find ('p2.zip:298 ... (first at line 340)')."""
    import zipfile

    from wxrtool.split import parse_size, split

    split(DRAFTS, parse_size("6KB"), str(tmp_path / "parts"))
    parts = sorted((tmp_path / "parts").glob("*.xml"))
    first = parts[0].read_text(encoding="utf-8")
    reused = re.search(r"<wp:post_id>(\d+)</wp:post_id>", first.split("<item>", 1)[1]).group(1)  # type: ignore[union-attr]
    third = re.sub(
        r"<wp:post_id>\d+</wp:post_id>",
        f"<wp:post_id>{reused}</wp:post_id>",
        parts[2].read_text(encoding="utf-8"),
        count=1,
    )
    archive = tmp_path / "p2.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for part in parts:
            z.writestr(part.name, third if part == parts[2] else part.read_text(encoding="utf-8"))
    [again] = [p for p in validate(archive) if p.code == "duplicate-post-id"]
    assert again.file == f"{archive}/{parts[2].name}"
    assert f"of {archive}/{parts[0].name})" in again.message


def test_a_reply_to_a_ping_is_no_missing_parent(tmp_path: Path) -> None:
    # The parent was in the export, a pingback: "is not in the export" sent the user looking for
    # a deleted comment.
    ping = (
        "<wp:comment><wp:comment_id>7</wp:comment_id><wp:comment_type>pingback</wp:comment_type>"
        "<wp:comment_approved>1</wp:comment_approved></wp:comment>"
    )
    reply = (
        "<wp:comment><wp:comment_id>8</wp:comment_id><wp:comment_parent>7</wp:comment_parent>"
        "<wp:comment_approved>1</wp:comment_approved></wp:comment>"
    )
    path = tmp_path / "x.xml"
    path.write_text(export(with_inside(item(1, status="publish", post_date=DATE), ping, reply)), encoding="utf-8")
    found = {p.code: p for p in validate(path)}
    assert "comment-parent-missing" not in found
    assert found["comment-parent-is-a-ping"].comment_id == 8 and found["comment-parent-is-a-ping"].severity == "info"


def test_a_part_of_another_site_is_an_error_as_convert_refuses_it(tmp_path: Path) -> None:
    # convert refuses it ("a part of another site"); validate said 0 errors and exit 0.
    folder = tmp_path / "parts"
    folder.mkdir()
    (folder / "s.001.xml").write_bytes((SAMPLES / "drafts-and-pages.xml").read_bytes())
    (folder / "s.002.xml").write_bytes((SAMPLES / "klout.xml").read_bytes())
    problems = validate([folder / "s.001.xml", folder / "s.002.xml"])
    [other] = [p for p in problems if p.code == "part-of-another-site"]
    assert other.severity == "error" and other.file == str(folder / "s.002.xml") and "jeffturner.info" in other.message
    assert not [p for p in validate([folder / "s.001.xml"]) if p.code == "part-of-another-site"]

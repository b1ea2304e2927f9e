"""The README's promises, each by a test that a plausible bug would fail.

Most use ``samples/rules.xml``, a hand-written export with one item per rule that is
easy to get wrong: a +14:00 offset, duplicate comment ids, slugs that differ only in
case, a draft and a private post with comments, a password, a slug too long for Ghost.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

import wxrtool
from wxrtool import writers
from wxrtool.index import SiteIndex
from wxrtool.output import dir_output, text_output
from wxrtool.rendering import Rendering
from wxrtool.validate import validate
from wxrtool.writers import disqus
from wxrtool.writers.protocol import WriteOptions

from .conftest import BENCH_GENERATOR, SAMPLES, front

RULES = SAMPLES / "rules.xml"
KLOUT = SAMPLES / "klout.xml"
DRAFTS = SAMPLES / "drafts-and-pages.xml"
PASSWORD = "tide-table-s3cret"


def posts(path: Path) -> dict[int, wxrtool.Post]:
    return {r.id: r for r in wxrtool.read(path) if isinstance(r, wxrtool.Post)}


def output_text(path: Path) -> str:
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return "\n".join(p.read_text(encoding="utf-8") for p in files)


@pytest.mark.parametrize("fmt", [name for name in writers.FORMATS if name != "wxr"])
def test_a_post_password_appears_in_no_output(fmt: str, tmp_path: Path) -> None:
    """Only a WXR re-import needs the password (without it, the post would be public there)."""
    out = tmp_path / "out"
    wxrtool.convert(RULES, fmt, str(out), wxrtool.Selection.everything())
    assert PASSWORD not in output_text(out)


def test_wxr_keeps_the_password(tmp_path: Path) -> None:
    out = tmp_path / "out.xml"
    wxrtool.convert(RULES, "wxr", str(out), wxrtool.Selection.everything())
    assert posts(out)[14].password == PASSWORD


def test_comments_of_left_out_items_are_counted_as_left_out(tmp_path: Path) -> None:
    account = wxrtool.convert(RULES, "json", str(tmp_path / "out.json"))
    assert account.balanced()
    assert account.read["comments"] == 6
    assert account.written["comments"] == 3
    assert sum(account.left_out["comments"].values()) == 3  # the draft's two, the private post's one
    assert account.left_out["pings"] == {"item-left-out": 1}  # the draft's pingback
    assert account.left_out["items"] == {"status:draft": 1, "status:private": 1, "password": 1}


def test_replies_to_a_duplicated_comment_id_attach_to_the_first() -> None:
    threads = wxrtool.build_threads(posts(RULES)[10].comments)
    by_author = {t.comment.author: t for t in threads}
    assert [r.comment.id for r in by_author["First"].replies] == [701]
    assert by_author["Second"].replies == ()


def test_a_fourteen_hour_offset_is_real() -> None:
    """Kiribati (+14:00) is the largest offset in use: not damage, not a fallback."""
    post = posts(RULES)[10]
    assert post.date is not None and post.date_utc is not None
    assert post.date.utcoffset() is not None and post.date.utcoffset().total_seconds() == 14 * 3600
    assert post.date_utc.isoformat() == "2024-03-01T00:00:00+00:00"
    assert not [p for p in validate(RULES) if p.code.endswith("date") or "offset" in p.code]


def test_duplicate_slugs_are_compared_without_case() -> None:
    found = [(p.code, p.post_id) for p in validate(RULES) if p.code == "duplicate-slug"]
    assert found == [("duplicate-slug", 11)]


def test_ghost_cuts_slugs_to_191_characters(tmp_path: Path) -> None:
    import json

    out = tmp_path / "ghost.json"
    wxrtool.convert(RULES, "ghost", str(out))
    slugs = {p["slug"] for p in json.loads(out.read_text())["data"]["posts"]}
    assert max(len(s) for s in slugs) == 191
    assert all(len(s) <= 191 for s in slugs)


def test_disqus_files_are_cut_before_the_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if not BENCH_GENERATOR.is_file():
        pytest.skip("../shared/bench/make_wxr.py is absent")
    export = tmp_path / "export.xml"
    subprocess.run([sys.executable, str(BENCH_GENERATOR), "--posts", "60", "--out", str(export), "-q"], check=True)
    limit = 20_000
    monkeypatch.setattr(disqus, "DISQUS_LIMIT", limit)
    wxrtool.convert(export, "disqus", str(tmp_path / "d"), wxrtool.Selection.everything())
    files = sorted((tmp_path / "d").glob("disqus-*.xml"))
    assert len(files) > 2
    for file in files:
        # One thread bigger than the limit gets a file of its own: a thread is never cut.
        assert file.stat().st_size <= limit or file.read_text(encoding="utf-8").count("<item>") == 1, file.name
    assert any(file.read_text(encoding="utf-8").count("<item>") > 1 for file in files)


def test_a_failed_conversion_leaves_an_earlier_output_file_as_it_was(tmp_path: Path) -> None:
    out = tmp_path / "blog.json"
    out.write_bytes(b"the earlier output\n")
    broken = tmp_path / "broken.xml"
    broken.write_bytes(KLOUT.read_bytes()[:-300])
    for fmt in ("json", "jsonl", "wxr", "ghost", "remark42"):
        with pytest.raises(wxrtool.ParseError):
            wxrtool.convert(broken, fmt, str(out))
        assert out.read_bytes() == b"the earlier output\n"
        assert sorted(os.listdir(tmp_path)) == ["blog.json", "broken.xml"]


def test_jekyll_redirects_from_the_old_slug(tmp_path: Path) -> None:
    wxrtool.convert(KLOUT, "jekyll", str(tmp_path / "site"))
    data = front(tmp_path / "site" / "_posts" / "2011-11-16-why-i-deleted-my-klout-profile.md")
    assert data["permalink"] == "/why-i-deleted-my-klout-profile/"
    assert data["redirect_from"] == ["/deleting-klout/"]


def test_hugo_aliases_the_old_permalink(tmp_path: Path) -> None:
    wxrtool.convert(KLOUT, "hugo", str(tmp_path / "site"))
    data = front(tmp_path / "site" / "content" / "posts" / "why-i-deleted-my-klout-profile" / "index.md")
    assert data["aliases"] == ["/why-i-deleted-my-klout-profile/"]


# Personal data is removed by the reader (when asked), the selector and each writer. The
# writers' own layer is tested alone here: records that still carry e-mail and IP
# addresses, written with a selection that does not keep personal data.
PERSONAL = ("anna@kuechenbuch.example.de", "lea@example.com", "198.51.100.20", "192.0.2.51")


@pytest.mark.parametrize("fmt", list(writers.FORMATS))
def test_each_writer_leaves_out_personal_data_on_its_own(fmt: str, tmp_path: Path) -> None:
    records = list(wxrtool.read(DRAFTS))  # read() keeps personal data
    assert any(isinstance(r, wxrtool.Post) and any(c.author_email for c in r.comments) for r in records)
    declared = writers.get(fmt)
    options = WriteOptions(selection=wxrtool.Selection(), index=SiteIndex.build(iter(records)))
    entries = Rendering(declared.render, options).entries(records)
    out = tmp_path / "out"
    if declared.target == "directory":
        with dir_output(str(out)) as folder:
            declared.writer.write(entries, folder, options)
    else:
        with text_output(str(out)) as stream:
            declared.writer.write(entries, stream, options)
    text = output_text(out)
    assert not [value for value in PERSONAL if value in text]


def test_pre_keeps_its_blank_lines_but_the_first_newline(tmp_path: Path) -> None:
    """HTML drops one newline right after <pre>; the blank line after it is the author's."""
    wxrtool.convert(RULES, "markdown", str(tmp_path / "site"))
    text = (tmp_path / "site" / "posts" / "Same-Name.md").read_text(encoding="utf-8")
    assert "```\n\n  indented after a blank line\n```" in text


def test_rules_sample_reads_from_a_stream_too() -> None:
    assert len(posts(RULES)) == len(
        [r for r in wxrtool.read(io.BytesIO(RULES.read_bytes())) if isinstance(r, wxrtool.Post)]
    )


def test_since_and_until_keep_the_days_they_name(tmp_path: Path) -> None:
    """Both ends are inclusive: --since 2024-03-02 --until 2024-03-02 keeps that day's post."""
    selection = wxrtool.Selection(since=date(2024, 3, 2), until=date(2024, 3, 2))
    account = wxrtool.convert(RULES, "json", str(tmp_path / "out.json"), selection)
    assert account.written["items"] == 1

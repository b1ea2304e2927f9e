"""Disqus and remark42: every comment and its parent arrive; the real isso imports the Disqus files."""

from __future__ import annotations

import html
import json
import re
import sqlite3
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import wxrtool
from wxrtool.content import comment_html
from wxrtool.writers import disqus as disqus_writer
from wxrtool.writers.disqus import numeric_id

from .conftest import FIXTURE_FILES, SAMPLE_FILES, SAMPLES, fixture_cases, readable

WP = "{http://wordpress.org/export/1.0/}"
DSQ = "{http://www.disqus.com/}"


def gist(text: str) -> str:
    """A comment's text without markup or spacing, which importers rewrite."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())[:60]


def kept_posts(path: Path) -> list[wxrtool.Post]:
    return [r for r in wxrtool.Selector().apply(wxrtool.read(path)) if isinstance(r, wxrtool.Post) and r.comments]


@pytest.mark.parametrize(
    "path", SAMPLE_FILES + fixture_cases(p for p in FIXTURE_FILES if readable(p)), ids=lambda p: p.name
)
def test_disqus_has_every_field_and_thread(path: Path, tmp_path: Path) -> None:
    account = wxrtool.convert(path, "disqus", str(tmp_path / "d"))
    assert account.balanced()
    items = [item for f in sorted((tmp_path / "d").glob("disqus-*.xml")) for item in ET.parse(f).getroot().iter("item")]
    posts = kept_posts(path)
    assert len(items) == len(posts)
    for item, post in zip(items, posts, strict=True):
        for name in (
            "title",
            "link",
            "{http://purl.org/rss/1.0/modules/content/}encoded",
            f"{DSQ}thread_identifier",
            f"{WP}post_date_gmt",
            f"{WP}comment_status",
        ):
            assert item.find(name) is not None, name
        # Comment ids are the threads' keys as numbers: 700, or 10**15 + 700 for a later comment reusing 700.
        ids = [int(c.findtext(f"{WP}comment_id")) for c in item.iter(f"{WP}comment")]
        expected = [
            (numeric_id(n.key), path[-1] if path else 0)
            for n, path in wxrtool.walk(wxrtool.build_threads(post.comments))
        ]
        parents = [int(c.findtext(f"{WP}comment_parent")) for c in item.iter(f"{WP}comment")]
        assert list(zip(ids, parents, strict=True)) == expected
        for c in item.iter(f"{WP}comment"):
            for name in (
                "comment_author",
                "comment_author_email",
                "comment_author_url",
                "comment_author_IP",
                "comment_date_gmt",
                "comment_content",
                "comment_approved",
            ):
                assert c.find(f"{WP}{name}") is not None


def test_disqus_files_stay_under_the_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(disqus_writer, "DISQUS_LIMIT", 20_000)
    source = tmp_path / "two.xml"
    text = (SAMPLES / "klout.xml").read_text(encoding="utf-8")
    # Two posts with comments: the seed post, and a copy of it under other ids.
    head, rest = text.split("\t<item>", 1)
    item = "\t<item>" + rest.split("</channel>")[0]
    copy = item.replace("<wp:post_id>2033</wp:post_id>", "<wp:post_id>9033</wp:post_id>")
    source.write_text(head + item + copy + "</channel>\n</rss>\n", encoding="utf-8")
    wxrtool.convert(source, "disqus", str(tmp_path / "d"))
    files = sorted((tmp_path / "d").glob("disqus-*.xml"))
    assert len(files) == 2
    assert sum(len(list(ET.parse(f).getroot().iter(f"{WP}comment"))) for f in files) == 72


@pytest.mark.parametrize("sample", ["klout.xml", "drafts-and-pages.xml", "unicode.xml", "rules.xml"])
def test_isso_imports_every_comment_with_its_parent(isso: str, sample: str, tmp_path: Path) -> None:
    wxrtool.convert(SAMPLES / sample, "disqus", str(tmp_path / "d"))
    database = tmp_path / "comments.db"
    config = tmp_path / "isso.cfg"
    config.write_text(f"[general]\ndbpath = {database}\nhost = http://localhost/\n")
    for part in sorted((tmp_path / "d").glob("disqus-*.xml")):
        proc = subprocess.run(
            [isso, "-c", str(config), "import", str(part)], capture_output=True, text=True, check=False
        )
        assert proc.returncode == 0, proc.stderr
    rows = sqlite3.connect(database).execute("SELECT id, parent, author, created, text FROM comments").fetchall()
    by_key = {(author, round(created), gist(text)): (row_id, parent) for row_id, parent, author, created, text in rows}
    expected = []
    for post in kept_posts(SAMPLES / sample):
        for node, path in wxrtool.walk(wxrtool.build_threads(post.comments)):
            expected.append((node, path[0] if path else None))
    assert len(rows) == len(expected) == len(by_key)

    def key(c: wxrtool.Comment) -> tuple[str, int, str]:
        moment = c.date_utc or c.date
        assert moment is not None
        return (c.author, round(moment.timestamp()), gist(comment_html(c.content_html)))

    # (By key: an export can repeat a comment id; replies name the first, whose key is its id.)
    ids = {(node.comment.post_id, node.key): by_key[key(node.comment)][0] for node, _ in expected}
    for node, top in expected:
        _row_id, parent = by_key[key(node.comment)]
        # isso nests one level: a reply hangs under its thread's top-level comment.
        assert parent == (ids[(node.comment.post_id, str(top))] if top is not None else None)


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.name)
def test_remark42_backup(path: Path, tmp_path: Path) -> None:
    out = tmp_path / "backup.jsonl"
    account = wxrtool.convert(path, "remark42", str(out))
    assert account.balanced()
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert lines[0] == {"version": 1, "users": [], "posts": []}
    comments = lines[1:]
    ids = {c["id"] for c in comments}
    assert len(ids) == len(comments) == account.written["comments"]
    for c in comments:
        assert set(c) >= {"id", "pid", "text", "user", "locator", "time", "title"}
        assert c["pid"] == "" or c["pid"] in ids
        assert c["user"]["name"] and c["user"]["id"].startswith("wordpress_")
        assert c["locator"]["url"].startswith("http") and c["time"].endswith("Z")
        assert "<script" not in c["text"]

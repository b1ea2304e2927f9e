"""Ghost: the import document checked against the rules of Ghost's importer and schema."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import jsonschema
import pytest

import wxrtool

from .conftest import FIXTURE_FILES, SAMPLE_FILES, SAMPLES, fixture_cases, readable

SCHEMA = json.loads((Path(__file__).parent / "schemas" / "ghost-import.schema.json").read_text())


def check(document: dict) -> None:  # type: ignore[type-arg]
    """What the schema cannot say: unique ids and slugs, and every reference resolving."""
    jsonschema.validate(document, SCHEMA)
    data = document["data"]
    for table in data.values():
        ids = [row["id"] for row in table if "id" in row]
        assert len(ids) == len(set(ids))
    post_ids = {p["id"] for p in data["posts"]}
    assert len(Counter((p["slug"], p["type"]) for p in data["posts"])) == len(data["posts"])
    assert len({t["slug"] for t in data["tags"]}) == len(data["tags"])
    assert len({u["slug"] for u in data["users"]}) == len({u["email"] for u in data["users"]}) == len(data["users"])
    tag_ids, user_ids = {t["id"] for t in data["tags"]}, {u["id"] for u in data["users"]}
    assert all(r["post_id"] in post_ids and r["tag_id"] in tag_ids for r in data["posts_tags"])
    assert all(r["post_id"] in post_ids and r["author_id"] in user_ids for r in data["posts_authors"])
    assert {r["post_id"] for r in data["posts_authors"]} == post_ids
    assert all(r["post_id"] in post_ids for r in data["posts_meta"])
    for post in data["posts"]:
        if post["status"] == "draft":
            assert post["published_at"] is None
        elif post["created_at"] is not None:  # an undated item gets its date from Ghost on import
            assert post["published_at"] is not None


@pytest.mark.parametrize(
    "path", SAMPLE_FILES + fixture_cases(p for p in FIXTURE_FILES if readable(p)), ids=lambda p: p.name
)
def test_import_document_follows_ghosts_rules(path: Path, tmp_path: Path) -> None:
    out = tmp_path / "ghost.json"
    account = wxrtool.convert(path, "ghost", str(out), wxrtool.Selection.everything())
    assert account.balanced()
    document = json.loads(out.read_text(encoding="utf-8"))
    check(document)
    assert len(document["data"]["posts"]) == account.written["items"]


def test_statuses_slugs_and_cuts(tmp_path: Path) -> None:
    long_title = "Ä" + "x" * 400
    export = (
        (SAMPLES / "unicode.xml")
        .read_text(encoding="utf-8")
        .replace("<title>مرحبا — a page whose slug is Arabic</title>", f"<title>{long_title}</title>")
    )
    source = tmp_path / "export.xml"
    source.write_text(export, encoding="utf-8")
    out = tmp_path / "ghost.json"
    wxrtool.convert(source, "ghost", str(out))
    document = json.loads(out.read_text(encoding="utf-8"))
    check(document)
    posts = {p["type"]: p for p in document["data"]["posts"]}
    assert posts["post"]["slug"] == "post-301"  # a Japanese slug has no ASCII letters
    assert len(posts["page"]["title"]) == 255 and posts["page"]["title"].endswith("…")
    meta = {m["post_id"]: json.loads(m["frontmatter"]) for m in document["data"]["posts_meta"]}
    assert meta[posts["page"]["id"]]["shortened"] == ["title cut from 401 to 255 characters"]
    drafts = tmp_path / "drafts.json"
    wxrtool.convert(SAMPLES / "drafts-and-pages.xml", "ghost", str(drafts), wxrtool.Selection(statuses=None))
    statuses = Counter(p["status"] for p in json.loads(drafts.read_text())["data"]["posts"])
    assert statuses == Counter({"draft": 4, "published": 4, "scheduled": 1})  # private, pending, trash: drafts

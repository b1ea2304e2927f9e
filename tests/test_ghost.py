"""Ghost: the import document checked against the rules of Ghost's importer and schema."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

import wxrtool
from wxrtool.cli import main

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
    for setting in data.get("settings", []):
        # (the schema's contentSchema is an annotation only: the value is checked decoded)
        navigation = {"$defs": SCHEMA["$defs"], "$ref": "#/$defs/navigation"}
        jsonschema.validate(json.loads(setting["value"]), navigation)
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


def _ghost(tmp_path: Path, name: str, **options: object) -> tuple[dict, wxrtool.Account]:  # type: ignore[type-arg]
    out = tmp_path / f"{name}.json"
    account = wxrtool.convert(SAMPLES / "drafts-and-pages.xml", "ghost", str(out), **options)
    document = json.loads(out.read_text(encoding="utf-8"))
    check(document)
    return document, account


def test_custom_post_types_and_taxonomies(tmp_path: Path) -> None:
    # drafts-and-pages.xml has a "recipe" (Knäckebröd) in the custom taxonomy "cuisine" (Nordic).
    def recipe(document: dict) -> dict | None:  # type: ignore[type-arg]
        return next((p for p in document["data"]["posts"] if p["title"].startswith("Kn")), None)

    def tags_of(document: dict, post: dict) -> list[str]:  # type: ignore[type-arg]
        names = {t["id"]: t["name"] for t in document["data"]["tags"]}
        return [names[r["tag_id"]] for r in document["data"]["posts_tags"] if r["post_id"] == post["id"]]

    default, _ = _ghost(tmp_path, "default")
    post = recipe(default)
    assert post is not None and post["type"] == "post"
    assert tags_of(default, post) == ["Nordic"]  # (a custom taxonomy's term is a tag too)
    tagged, _ = _ghost(tmp_path, "tag", ghost_types="tag")
    post = recipe(tagged)
    assert post is not None and tags_of(tagged, post) == ["Nordic", "#recipe"]  # (internal: hidden by Ghost)
    paged, _ = _ghost(tmp_path, "page", ghost_types="page")
    post = recipe(paged)
    assert post is not None and post["type"] == "page"
    skipped, account = _ghost(tmp_path, "skip", ghost_types="skip")
    assert recipe(skipped) is None and account.left_out["items"]["type:recipe"] == 1 and account.balanced()


def test_ghost_types_is_for_ghost(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["convert", str(SAMPLES / "klout.xml"), "--to", "hugo", "-o", str(tmp_path / "x"), "--ghost-types", "page"],
    )
    assert result.exit_code == 2 and "--ghost-types applies to --to ghost" in result.stderr

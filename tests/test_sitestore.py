"""The site index on disk (:mod:`wxrtool.sitestore`): from ``SPILL_AT`` items on, the index's
large tables are an SQLite database, which answers as the dictionaries did and which workers
read; the output is the same, byte for byte."""

from __future__ import annotations

import gc
import json
import os
import pickle
from pathlib import Path

import pytest

import wxrtool
from wxrtool import index as index_module
from wxrtool import sitestore
from wxrtool.content import Context, post_markdown
from wxrtool.index import SiteIndex
from wxrtool.output import MANIFEST
from wxrtool.update import STATE

from .conftest import SAMPLE_FILES, SAMPLES, tree


@pytest.fixture
def small_spill(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tables on disk from the second item on: every sample's index spills."""
    monkeypatch.setattr(index_module, "SPILL_AT", 1)


def _in_memory(export: Path) -> SiteIndex:
    return SiteIndex.build(wxrtool.Reader(export, light=True))


@pytest.mark.parametrize("export", SAMPLE_FILES, ids=lambda p: p.stem)
def test_the_index_on_disk_holds_what_the_one_in_memory_does(export: Path, small_spill: None) -> None:
    on_disk = SiteIndex.build(wxrtool.Reader(export, light=True))
    index_module.SPILL_AT = 10**9  # type: ignore[attr-defined]  # (the fixture puts it back)
    memory = _in_memory(export)
    assert not memory.on_disk
    if len(memory.items) < 2:
        pytest.skip("too few items to spill")
    assert on_disk.on_disk
    for name in ("items", "attachments", "addresses"):
        assert dict(getattr(on_disk, name).items()) == dict(getattr(memory, name)), name
        assert len(getattr(on_disk, name)) == len(getattr(memory, name)), name
    assert on_disk.shared_ids == memory.shared_ids
    for item_id, info in memory.items.items():
        assert on_disk.items[item_id] == info and item_id in on_disk.items
    assert 10**12 not in on_disk.items and on_disk.items.get(10**12) is None


def test_an_id_two_items_share_is_told_on_disk(small_spill: None, tmp_path: Path) -> None:
    text = (SAMPLES / "klout.xml").read_text(encoding="utf-8")
    first = text.index("<item>")
    end = text.index("</item>", first) + len("</item>")
    export = tmp_path / "twice.xml"
    export.write_text(text[:end] + text[first:end] + text[end:], encoding="utf-8")
    index = SiteIndex.build(wxrtool.Reader(export, light=True))
    assert index.on_disk and len(index.shared_ids) == 1


def test_workers_are_given_the_path_and_read_it(small_spill: None) -> None:
    index = SiteIndex.build(wxrtool.Reader(SAMPLES / "links-between-posts.xml", light=True))
    sent = pickle.dumps(index.items)
    assert len(sent) < 500  # (the path, not the rows)
    copy = pickle.loads(sent)
    assert dict(copy.items()) == dict(index.items.items())


def test_the_folder_goes_with_the_index(small_spill: None) -> None:
    index = SiteIndex.build(wxrtool.Reader(SAMPLES / "links-between-posts.xml", light=True))
    folder = os.path.dirname(index.items.path)  # type: ignore[attr-defined]
    assert os.path.isdir(folder)
    del index
    gc.collect()
    assert not os.path.exists(folder)


def test_a_gallery_finds_its_pictures_on_disk(small_spill: None) -> None:
    """``[gallery]`` with no ids shows the post's own attachments: looked up by parent."""
    index = SiteIndex.build(wxrtool.Reader(SAMPLES / "links-between-posts.xml", light=True))
    parent = next(a.parent for a in index.attachments.values() if a.parent)
    markdown = post_markdown("[gallery]", Context(post_id=parent, attachments=index.attachments))
    for attachment in index.attachments.values():
        if attachment.parent == parent:
            assert attachment.url.rsplit("/", 1)[1] in markdown


@pytest.mark.parametrize("fmt", ["markdown", "hugo", "jekyll", "eleventy", "astro", "pelican", "ghost", "disqus"])
@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize("export", [SAMPLES / "links-between-posts.xml", SAMPLES / "drafts-and-pages.xml"])
def test_the_output_is_the_same_with_everything_on_disk(
    export: Path, fmt: str, jobs: int, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The index and every writer's record (paths, addresses, files, counts) on disk from the
    first entry on: the same files, byte for byte, and the same redirects."""
    out = {}
    for name, spill_at in (("memory", 10**9), ("disk", 1)):
        monkeypatch.setattr(index_module, "SPILL_AT", spill_at)
        monkeypatch.setattr(sitestore, "SPILL_AT", spill_at)
        run = tmp_path / name
        target = run / ("out.json" if fmt == "ghost" else "out")
        run.mkdir()
        redirects = None if fmt == "disqus" else ("nginx", str(run / "redirects.conf"))  # (threads give no address)
        wxrtool.convert(export, fmt, str(target), scaffold=fmt not in ("markdown", "ghost", "disqus"), jobs=jobs,
                        redirects=redirects)  # fmt: skip
        out[name] = _without_record(tree(run))
    assert out["disk"] == out["memory"]


def _without_record(files: dict[str, bytes]) -> dict[str, bytes]:
    """``files`` without the run's record for --update, and without it in the manifest's list: it
    is kept only while the index is in memory (tests/test_rerun.py)."""
    listed = json.dumps(STATE).encode() + b",\n"
    return {name: data.replace(listed, b"") if name.endswith(MANIFEST) else data for name, data in files.items()}


def test_an_update_with_everything_on_disk(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(sitestore, "SPILL_AT", 1)
    site = tmp_path / "site"
    wxrtool.convert(SAMPLES / "links-between-posts.xml", "hugo", str(site))
    account = wxrtool.convert(SAMPLES / "links-between-posts.xml", "hugo", str(site), update=True)
    assert account.update is not None and account.update.changed == [] and account.update.added == []
    listed = json.loads((site / MANIFEST).read_text())["files"]
    assert account.update.unchanged == len([name for name in listed if name != STATE])


def test_the_largest_maps_move_to_disk_past_the_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    """A writer keeps several maps of one key per item, each under its own limit: together they
    keep no more than the budget in memory, the largest going to disk first."""
    monkeypatch.setattr(sitestore, "BUDGET", 50)
    monkeypatch.setattr(sitestore, "_LOOK_EVERY", 1)
    small, large, other = sitestore.SpillMap[int, int](), sitestore.SpillMap[int, int](), sitestore.SpillSet()
    for key in range(20):
        small[key] = key
    for key in range(40):
        large[key] = -key
    assert large.on_disk and not small.on_disk  # (60 keys: the largest went, 20 are left)
    for key in range(45):
        other.add(key)
    assert other._map.on_disk and not small.on_disk
    assert dict(large.items()) == {key: -key for key in range(40)} and len(large) == 40
    assert [key for key in range(45) if key in other] == list(range(45)) and 45 not in other
    small[0] = 7  # (a new value for a key held: nothing more to keep)
    assert not small.on_disk and small[0] == 7


def test_maps_let_go_of_leave_the_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sitestore, "BUDGET", 50)
    monkeypatch.setattr(sitestore, "_LOOK_EVERY", 1)
    for _ in range(5):  # (each gone before the next: 40 keys at most at once)
        gone = sitestore.SpillMap[int, int]()
        for key in range(40):
            gone[key] = key
        assert not gone.on_disk
        del gone
        gc.collect()


@pytest.mark.parametrize("fmt", ["json", "jsonl", "markdown", "hugo", "ghost", "wxr"])
def test_ids_past_64_bits_read_alike_in_memory_and_on_disk(
    fmt: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A hostile export's ids past 64 bits (a post's, its parent's, a comment's, a term's): held at
    PHP's largest integer as WordPress's importer holds them, so the tables on disk (SQLite's
    integers are 64 bits) take them and the output is the one made in memory. Before, every
    format stopped with an OverflowError once a table was on disk."""
    text = (SAMPLES / "links-between-posts.xml").read_text(encoding="utf-8")
    huge = "9" * 30
    text = text.replace("<wp:post_id>10</wp:post_id>", f"<wp:post_id>{huge}</wp:post_id>")
    text = text.replace("<wp:post_parent>11</wp:post_parent>", f"<wp:post_parent>-{huge}</wp:post_parent>")
    text = text.replace("<wp:comment_id>20</wp:comment_id>", "<wp:comment_id>9223372036854775808</wp:comment_id>")
    text = text.replace("<wp:term_id>3</wp:term_id>", f"<wp:term_id>{huge}</wp:term_id>")
    assert text.count(huge) == 3
    export = tmp_path / "huge-ids.xml"
    export.write_text(text, encoding="utf-8")
    out = {}
    for name, spill_at, budget in (("memory", 10**9, 10**9), ("disk", 0, 0)):
        monkeypatch.setattr(index_module, "SPILL_AT", spill_at)
        monkeypatch.setattr(sitestore, "SPILL_AT", max(spill_at, 1))
        monkeypatch.setattr(sitestore, "BUDGET", budget)
        run = tmp_path / name
        run.mkdir()
        target = run / ("out" if wxrtool.writers.get(fmt).target == "directory" else "out.txt")
        wxrtool.convert(export, fmt, str(target), selection=wxrtool.Selection.everything())
        out[name] = _without_record(tree(run))
    assert out["disk"] == out["memory"]
    if fmt == "json":
        document = json.loads(out["memory"]["out.txt"])
        assert 2**63 - 1 in {post["id"] for post in document["posts"]}

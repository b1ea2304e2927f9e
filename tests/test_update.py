"""``convert --update``: an earlier output brought up to date, file by file, keeping what the
user edited (:mod:`wxrtool.update`)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

import wxrtool
from wxrtool.cli import main
from wxrtool.errors import OptionsError, OutputError
from wxrtool.output import MANIFEST
from wxrtool.update import STATE

from .conftest import SAMPLES

LANGUAGES = SAMPLES / "languages.xml"
OLD = 946684800  # 2000-01-01: the time every file of the first output is given


def _first(tmp_path: Path, to: str = "hugo", **options: object) -> Path:
    site = tmp_path / "site"
    wxrtool.convert(LANGUAGES, to, str(site), **options)
    for path in site.rglob("*"):
        if path.is_file():
            os.utime(path, (OLD, OLD))
    return site


def _export(tmp_path: Path, *changes: tuple[str, str]) -> Path:
    text = LANGUAGES.read_text(encoding="utf-8")
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / "again.xml"
    path.write_text(text, encoding="utf-8")
    return path


def _touched(site: Path) -> set[str]:
    return {str(p.relative_to(site)) for p in site.rglob("*") if p.is_file() and p.stat().st_mtime != OLD} - {MANIFEST}


def test_nothing_changed_nothing_written(tmp_path: Path) -> None:
    site = _first(tmp_path)
    account = wxrtool.convert(LANGUAGES, "hugo", str(site), update=True)
    assert account.update is not None
    assert (account.update.changed, account.update.added, account.update.removed) == ([], [], [])
    listed = json.loads((site / MANIFEST).read_text())["files"]
    assert account.update.unchanged == len([name for name in listed if name != STATE])  # (the run's record aside)
    assert _touched(site) == set()


def test_only_the_changed_items_file_is_rewritten(tmp_path: Path) -> None:
    site = _first(tmp_path)
    again = _export(tmp_path, ("The bench is clear", "The bench is swept"))
    account = wxrtool.convert(again, "hugo", str(site), update=True)
    assert account.update is not None and account.update.changed == ["content/posts/spring-in-the-workshop/index.md"]
    assert _touched(site) == {"content/posts/spring-in-the-workshop/index.md", STATE}  # (and the run's record)
    assert "The bench is swept" in (site / "content/posts/spring-in-the-workshop/index.md").read_text()


def test_a_file_edited_by_hand_is_kept_and_listed(tmp_path: Path) -> None:
    site = _first(tmp_path)
    edited = site / "content/posts/les-rabots/index.fr.md"
    edited.write_text(edited.read_text() + "\nMa correction.\n")
    again = _export(tmp_path, ("Un rabot bien réglé chante.", "Un rabot bien réglé siffle."))
    account = wxrtool.convert(again, "hugo", str(site), update=True)
    assert account.update is not None
    assert account.update.conflicts == [("content/posts/les-rabots/index.fr.md", "edited since wxrtool wrote it")]
    assert "Ma correction." in edited.read_text() and "siffle" not in edited.read_text()
    # Still a conflict the next time; once the user deletes it, it is written again.
    account = wxrtool.convert(again, "hugo", str(site), update=True)
    assert account.update is not None and [f for f, _ in account.update.conflicts] == [str(edited.relative_to(site))]
    edited.unlink()
    account = wxrtool.convert(again, "hugo", str(site), update=True)
    assert account.update is not None and account.update.added == [str(edited.relative_to(site))]
    assert "siffle" in edited.read_text()


def test_items_gone_from_the_export_are_removed_or_kept(tmp_path: Path) -> None:
    site = _first(tmp_path, "markdown")
    gone = _export(tmp_path, ("<wp:status><![CDATA[publish]]></wp:status>\n\t\t<wp:post_parent>0</wp:post_parent>\n"
                              "\t\t<wp:menu_order>0</wp:menu_order>\n\t\t<wp:post_type><![CDATA[post]]></wp:post_type>\n"
                              "\t\t<wp:post_password><![CDATA[]]></wp:post_password>\n\t\t<wp:is_sticky>0</wp:is_sticky>\n"
                              '\t\t<category domain="category" nicename="atelier"><![CDATA[Atelier]]></category>\n'
                              '\t\t<category domain="language" nicename="fr"><![CDATA[Français]]></category>\n\t</item>',
                              "<wp:status><![CDATA[trash]]></wp:status>\n\t\t<wp:post_parent>0</wp:post_parent>\n"
                              "\t\t<wp:menu_order>0</wp:menu_order>\n\t\t<wp:post_type><![CDATA[post]]></wp:post_type>\n"
                              "\t\t<wp:post_password><![CDATA[]]></wp:post_password>\n\t\t<wp:is_sticky>0</wp:is_sticky>\n"
                              '\t\t<category domain="category" nicename="atelier"><![CDATA[Atelier]]></category>\n'
                              '\t\t<category domain="language" nicename="fr"><![CDATA[Français]]></category>\n\t</item>'))  # fmt: skip
    kept = wxrtool.convert(gone, "markdown", str(site), update=True, keep_removed=True)
    assert kept.update is not None and kept.update.kept_removed == ["posts/les-rabots.md"]
    assert (site / "posts/les-rabots.md").is_file()
    removed = wxrtool.convert(gone, "markdown", str(site), update=True)
    assert removed.update is not None and removed.update.removed == ["posts/les-rabots.md"]
    assert not (site / "posts/les-rabots.md").exists()
    assert "posts/les-rabots.md" not in json.loads((site / MANIFEST).read_text())["files"]


def test_an_edited_file_of_a_removed_item_is_kept(tmp_path: Path) -> None:
    site = _first(tmp_path, "markdown")
    edited = site / "posts/sharpening-chisels.md"
    edited.write_text("mine\n")
    gone = _export(tmp_path, ("<wp:post_name><![CDATA[sharpening-chisels]]>", "<wp:post_name><![CDATA[chisels]]>"))
    account = wxrtool.convert(gone, "markdown", str(site), update=True)
    assert account.update is not None and account.update.added == ["posts/chisels.md"]
    assert ("posts/sharpening-chisels.md", "gone from the export, but edited since wxrtool wrote it") in (
        account.update.conflicts
    )
    assert edited.read_text() == "mine\n"


def test_a_file_the_user_added_is_left_alone(tmp_path: Path) -> None:
    site = _first(tmp_path)
    mine = site / "content/posts/mine.md"
    mine.write_text("my own post\n")
    account = wxrtool.convert(LANGUAGES, "hugo", str(site), update=True)
    assert account.update is not None and account.update.conflicts == []
    assert mine.read_text() == "my own post\n"


def test_the_redirect_file_follows_the_same_rule(tmp_path: Path) -> None:
    table = tmp_path / "redirects.conf"
    site = _first(tmp_path, redirects=("nginx", str(table)))
    os.utime(table, (OLD, OLD))
    account = wxrtool.convert(LANGUAGES, "hugo", str(site), redirects=("nginx", str(table)), update=True)
    assert account.update is not None and account.update.conflicts == [] and table.stat().st_mtime == OLD
    moved = _export(tmp_path, ("/2024/04/sharpening-chisels/</link>", "/2024/04/chisels/</link>"))
    account = wxrtool.convert(moved, "hugo", str(site), redirects=("nginx", str(table)), update=True)
    assert account.update is not None and str(table) in account.update.changed  # (said by its path)
    assert "/2024/04/chisels/" in table.read_text()
    table.write_text(table.read_text() + "# my own rule\n")
    account = wxrtool.convert(LANGUAGES, "hugo", str(site), redirects=("nginx", str(table)), update=True)
    assert account.update is not None
    assert account.update.conflicts == [(str(table), "the redirect file, edited since wxrtool wrote it")]
    assert table.read_text().endswith("# my own rule\n")


def test_media_follow_the_same_rule(tmp_path: Path) -> None:
    media = tmp_path / "media" / "fieldnotes.example.net" / "wp-content" / "uploads" / "2024" / "03"
    media.mkdir(parents=True)
    (media / "swifts.jpg").write_bytes(b"\xff\xd8 jpeg")
    site = tmp_path / "site"
    export = SAMPLES / "links-between-posts.xml"
    wxrtool.convert(export, "hugo", str(site), media=str(tmp_path / "media"))
    placed = [p for p in site.rglob("swifts.jpg")]
    assert len(placed) == 1
    os.utime(placed[0], (OLD, OLD))
    account = wxrtool.convert(export, "hugo", str(site), media=str(tmp_path / "media"), update=True)
    assert account.update is not None and account.update.changed == [] and placed[0].stat().st_mtime == OLD
    (media / "swifts.jpg").write_bytes(b"\xff\xd8 a better jpeg")
    account = wxrtool.convert(export, "hugo", str(site), media=str(tmp_path / "media"), update=True)
    assert account.update is not None and account.update.changed == [str(placed[0].relative_to(site))]
    assert placed[0].read_bytes() == b"\xff\xd8 a better jpeg"


def test_workers_update_as_one_process_does(tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    (one).mkdir(), (two).mkdir()
    first, second = _first(one, "jekyll"), _first(two, "jekyll")
    again = _export(tmp_path, ("The bench is clear", "The bench is swept"))
    a = wxrtool.convert(again, "jekyll", str(first), update=True, jobs=1)
    b = wxrtool.convert(again, "jekyll", str(second), update=True, jobs=2)
    assert a.update is not None and b.update is not None
    assert a.update.as_dict() == b.update.as_dict() and a.update.changed


def test_an_output_written_before_hashes_were_kept(tmp_path: Path) -> None:
    """A manifest with no hashes ("wxrtool": 1) cannot tell an edit: a file that differs is kept."""
    site = _first(tmp_path, "markdown")
    manifest = json.loads((site / MANIFEST).read_text())
    (site / MANIFEST).write_text(json.dumps({"wxrtool": 1, "files": manifest["files"]}))
    again = _export(tmp_path, ("The bench is clear", "The bench is swept"))
    account = wxrtool.convert(again, "markdown", str(site), update=True)
    assert account.update is not None and [f for f, _ in account.update.conflicts] == [
        "posts/spring-in-the-workshop.md"
    ]
    assert "The bench is clear" in (site / "posts/spring-in-the-workshop.md").read_text()


def test_update_of_a_folder_wxrtool_did_not_write_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    with pytest.raises(OutputError, match="--update needs an earlier wxrtool output"):
        wxrtool.convert(LANGUAGES, "hugo", str(folder), update=True)
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]


def test_update_into_a_new_folder_writes_it(tmp_path: Path) -> None:
    account = wxrtool.convert(LANGUAGES, "hugo", str(tmp_path / "new"), update=True)
    assert account.update is None and (tmp_path / "new" / MANIFEST).is_file()


@pytest.mark.parametrize(
    ("options", "said"),
    [
        ({"to": "json", "update": True}, "--update applies to the formats that write a folder"),
        ({"to": "hugo", "update": True, "force": True}, "--update keeps the files you edited"),
        ({"to": "hugo", "keep_removed": True}, "--keep-removed applies to --update"),
    ],
)
def test_options_that_do_not_go_together(options: dict[str, object], said: str, tmp_path: Path) -> None:
    to = options.pop("to")
    with pytest.raises(OptionsError, match=said):
        wxrtool.convert(LANGUAGES, str(to), str(tmp_path / "out"), **options)


def test_the_command_says_what_changed(tmp_path: Path) -> None:
    site = _first(tmp_path)
    again = _export(tmp_path, ("The bench is clear", "The bench is swept"))
    report = tmp_path / "report.json"
    result = CliRunner().invoke(
        main, ["convert", str(again), "--to", "hugo", "-o", str(site), "--update", "--report", str(report)]
    )
    assert result.exit_code == 0, result.output
    assert "brought the hugo output in" in result.output
    assert "update: 1 changed, 0 added, 0 removed" in result.output
    assert "changed: content/posts/spring-in-the-workshop/index.md" in result.output
    assert json.loads(report.read_text())["update"]["changed"] == ["content/posts/spring-in-the-workshop/index.md"]


def test_an_update_in_another_format_is_refused(tmp_path: Path) -> None:
    """--update --to hugo over a Markdown output replaced every file with Hugo's, exit 0 (found by
    a first-hour sweep); an output written before manifests named their format is updated as before."""
    out = tmp_path / "site"
    first = CliRunner().invoke(main, ["convert", str(LANGUAGES), "--to", "markdown", "-o", str(out), "-q"])
    assert first.exit_code == 0 and json.loads((out / MANIFEST).read_text(encoding="utf-8"))["format"] == "markdown"
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    other = CliRunner().invoke(main, ["convert", str(LANGUAGES), "--to", "hugo", "-o", str(out), "--update"])
    assert other.exit_code == 1 and "holds wxrtool's markdown output, not hugo" in other.stderr
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    del manifest["format"]
    (out / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    again = CliRunner().invoke(main, ["convert", str(LANGUAGES), "--to", "markdown", "-o", str(out), "--update", "-q"])
    assert again.exit_code == 0  # (nothing changed: the manifest as it was, until something does)

"""``convert --update`` reading only the items that changed (:mod:`wxrtool.rerun`): the same
output and account as reading everything, or everything read, saying why."""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
from pathlib import Path

import pytest

import wxrtool
from wxrtool import itemspans
from wxrtool.account import Account
from wxrtool.output import MANIFEST
from wxrtool.rerun import FORMATS
from wxrtool.update import STATE

from .conftest import SAMPLES

OLD = 946684800  # 2000-01-01: the time every file of the first output is given
SAMPLED = sorted(SAMPLES.glob("*.xml"))


def _items(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"<item>.*?</item>", text, re.S)]


def _edited(source: Path, tmp_path: Path, every: int = 2) -> Path:
    """``source`` with the texts of every ``every``-th post or page changed: its content (with a
    link to the first post), and its excerpt."""
    text = source.read_text(encoding="utf-8")
    link = re.search(r"<item>.*?<link>([^<]*)</link>", text, re.S)
    out, at, n = [], 0, 0
    for start, end in _items(text):
        item = text[start:end]
        if re.search(r"<wp:post_type>(<!\[CDATA\[)?(post|page)(]]>)?</wp:post_type>", item):
            if n % every == 0:
                added = f'<p>Edited, <a href="{link.group(1) if link else "/"}">see this</a>.</p>'
                opening = re.search(r"<content:encoded>(<!\[CDATA\[)?", item)
                if opening:
                    put = added if opening.group(1) else html.escape(added, quote=False)
                    item = item[: opening.end()] + put + item[opening.end() :]
                item = re.sub(r"<excerpt:encoded>(<!\[CDATA\[)?", lambda m: m.group(0) + "Edited. ", item, count=1)
            n += 1
        out += [text[at:start], item]
        at = end
    out.append(text[at:])
    path = tmp_path / f"edited-{source.name}"
    path.write_text("".join(out), encoding="utf-8")
    return path


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _state(folder: Path) -> dict[str, object]:
    head, *lines = (folder / STATE).read_text(encoding="utf-8").splitlines()
    data: dict[str, list[object]] = {"head": [json.loads(head)]}
    for line in lines:
        name, value = json.loads(line)
        data.setdefault(name, []).append(value)
    notes = {item: found for chunk in data.pop("notes", []) for item, found in chunk}  # type: ignore[attr-defined]
    return {**data, "notes": notes}  # (notes in the order items changed)


def _account(account: Account) -> dict[str, object]:
    found = account.as_dict()
    found.pop("update", None)
    return found


def _first(source: Path, to: str, folder: Path, **options: object) -> Path:
    wxrtool.convert(source, to, str(folder), **options)
    for path in folder.rglob("*"):
        if path.is_file():
            os.utime(path, (OLD, OLD))
    return folder


@pytest.mark.parametrize("to", FORMATS)
@pytest.mark.parametrize("sample", SAMPLED, ids=lambda p: p.stem)
def test_reading_the_changed_items_gives_what_reading_everything_gives(sample: Path, to: str, tmp_path: Path) -> None:
    site = _first(sample, to, tmp_path / "site")
    edited = _edited(sample, tmp_path)
    quick = wxrtool.convert(edited, to, str(site), update=True)
    assert quick.update is not None
    assert quick.update.items_read_again is not None, quick.update.read_all_because
    assert quick.update.items_read_again[0] > 0
    whole = wxrtool.convert(edited, to, str(tmp_path / "whole"))
    mine, theirs = _tree(site), _tree(tmp_path / "whole")
    assert mine.keys() == theirs.keys()
    assert [name for name in mine if mine[name] != theirs[name] and name != STATE] == []
    assert _state(site) == _state(tmp_path / "whole")
    assert _account(quick) == _account(whole)
    # Only the changed files (and the record of the run, and the manifest) were touched.
    touched = {str(p.relative_to(site)) for p in site.rglob("*") if p.is_file() and p.stat().st_mtime != OLD}
    assert touched == set(quick.update.changed) | {STATE, MANIFEST}


def test_an_update_with_nothing_changed_touches_nothing(tmp_path: Path) -> None:
    site = _first(SAMPLES / "links-between-posts.xml", "hugo", tmp_path / "site")
    account = wxrtool.convert(SAMPLES / "links-between-posts.xml", "hugo", str(site), update=True)
    assert account.update is not None and account.update.items_read_again == (0, account.update.items_read_again[1])
    assert account.update.changed == [] and account.update.conflicts == []
    assert {p.stat().st_mtime for p in site.rglob("*") if p.is_file()} == {OLD}


@pytest.mark.parametrize(
    ("change", "because"),
    [
        (lambda t: re.sub(r"(<item>\s*<title>(<!\[CDATA\[)?)", r"\1New: ", t, count=1), "beyond its texts"),
        (lambda t: t.replace("</channel>", _item(99999) + "</channel>"), "added, removed or moved"),
        (lambda t: t.replace("<wp:category>", "<wp:category><wp:term_id>77</wp:term_id>", 1), "channel"),
        (lambda t: re.sub(r"(<wp:comment_content>(<!\[CDATA\[)?)", r"\1Edited. ", t, count=1), "beyond its texts"),
    ],
    ids=["a title", "an item added", "a term", "a comment's text"],
)
def test_anything_beyond_texts_reads_everything_and_says_why(change, because: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    sample = SAMPLES / "links-between-posts.xml"
    site = _first(sample, "markdown", tmp_path / "site")
    edited = tmp_path / "edited.xml"
    edited.write_text(change(sample.read_text(encoding="utf-8")), encoding="utf-8")
    account = wxrtool.convert(edited, "markdown", str(site), update=True)
    assert account.update is not None and account.update.items_read_again is None
    assert because in (account.update.read_all_because or "")
    whole = wxrtool.convert(edited, "markdown", str(tmp_path / "whole"))
    mine, theirs = _tree(site), _tree(tmp_path / "whole")
    assert mine.keys() == theirs.keys()
    assert [name for name in mine if mine[name] != theirs[name] and name != STATE] == []
    assert _state(site) == _state(tmp_path / "whole")
    assert _account(account) == _account(whole)


def _item(number: int) -> str:
    return (
        f"<item><title>Late</title><link>https://example.org/late-{number}/</link><wp:post_id>{number}</wp:post_id>"
        "<wp:post_date>2024-01-01 10:00:00</wp:post_date><wp:post_date_gmt>2024-01-01 10:00:00</wp:post_date_gmt>"
        f"<wp:post_name>late-{number}</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>"
        "<content:encoded><![CDATA[<p>Late.</p>]]></content:encoded></item>\n"
    )


def test_an_attachment_whose_caption_changed_reads_everything(tmp_path: Path) -> None:
    """A picture's caption is shown by the posts that hold it: not the attachment's own text."""
    sample = SAMPLES / "klout.xml"
    site = _first(sample, "hugo", tmp_path / "site")
    edited = tmp_path / "edited.xml"
    text = sample.read_text(encoding="utf-8")
    edited.write_text(text.replace("[Jeff Turner Klout Score 65]]></excerpt", "[Jeff Turner, Klout 65]]></excerpt"),
                      encoding="utf-8")  # fmt: skip
    account = wxrtool.convert(edited, "hugo", str(site), update=True)
    assert account.update is not None and "item 2034 changed beyond its texts" in (
        account.update.read_all_because or ""
    )
    wxrtool.convert(edited, "hugo", str(tmp_path / "whole"))
    assert [n for n, b in _tree(site).items() if b != _tree(tmp_path / "whole")[n] and n != STATE] == []


def test_a_reusable_block_whose_content_changed_reads_everything(tmp_path: Path) -> None:
    """The posts that use a reusable block show its content: read alone, they kept the old one."""
    sample = SAMPLES / "klout.xml"
    text = sample.read_text(encoding="utf-8")
    block = _item(9001).replace("post</wp:post_type>", "wp_block</wp:post_type>")
    uses = '<!-- wp:paragraph --><p>Here.</p><!-- /wp:paragraph --><!-- wp:block {"ref":9001} /-->'
    with_block = text.replace("</channel>", _item(9000).replace("<p>Late.</p>", uses) + block + "</channel>")
    source = tmp_path / "source.xml"
    source.write_text(with_block, encoding="utf-8")
    site = _first(source, "markdown", tmp_path / "site")
    assert any("Late." in b.decode() for b in _tree(site).values())
    source.write_text(with_block.replace("<p>Late.</p>]]></content:encoded></item>\n</channel>",
                                         "<p>Changed.</p>]]></content:encoded></item>\n</channel>"), encoding="utf-8")  # fmt: skip
    account = wxrtool.convert(source, "markdown", str(site), update=True)
    assert account.update is not None and "(wp_block) changed: other items show it" in (
        account.update.read_all_because or ""
    )
    assert any("Here.\n\nChanged." in b.decode() for b in _tree(site).values())


@pytest.mark.parametrize("to", ["markdown", "hugo"])
def test_an_attachment_whose_description_changed_is_read_alone(to: str, tmp_path: Path) -> None:
    """Its description (content) is its own: shown on its own page only (--type attachment)."""
    sample = SAMPLES / "klout.xml"
    everything = wxrtool.Selection(types=frozenset({"post", "attachment"}))
    site = _first(sample, to, tmp_path / "site", selection=everything)
    text = sample.read_text(encoding="utf-8")
    at = text.index("<wp:post_id>2034</wp:post_id>")
    start = text.rindex("<content:encoded>", 0, at) + len("<content:encoded>")
    edited = tmp_path / "edited.xml"
    edited.write_text(text[:start] + "<![CDATA[A score, shown.]]>" + text[text.index("</content:encoded>", start):],
                      encoding="utf-8")  # fmt: skip
    account = wxrtool.convert(edited, to, str(site), selection=everything, update=True)
    assert account.update is not None and account.update.items_read_again == (1, 2), account.update.read_all_because
    wxrtool.convert(edited, to, str(tmp_path / "whole"), selection=everything)
    assert [n for n, b in _tree(site).items() if b != _tree(tmp_path / "whole")[n] and n != STATE] == []
    assert any("A score, shown." in b.decode() for b in _tree(site).values())


def test_files_edited_by_hand_are_kept_and_listed_whether_their_item_changed_or_not(tmp_path: Path) -> None:
    sample = SAMPLES / "links-between-posts.xml"
    site = _first(sample, "markdown", tmp_path / "site")
    edited = _edited(sample, tmp_path, every=1000)  # (the first post only)
    posts = sorted(p for p in (site / "posts").glob("*.md"))
    for path in posts:
        path.write_text(path.read_text(encoding="utf-8") + "\nMy own words.\n", encoding="utf-8")
    account = wxrtool.convert(edited, "markdown", str(site), update=True)
    assert account.update is not None and account.update.items_read_again is not None
    assert sorted(f for f, _ in account.update.conflicts) == sorted(str(p.relative_to(site)) for p in posts)
    assert all(p.read_text(encoding="utf-8").endswith("My own words.\n") for p in posts)
    # Still conflicts on the next run; a file deleted is written again (everything read for it).
    again = wxrtool.convert(edited, "markdown", str(site), update=True)
    assert again.update is not None and len(again.update.conflicts) == len(posts)
    posts[0].unlink()
    back = wxrtool.convert(edited, "markdown", str(site), update=True)
    assert back.update is not None and back.update.added == [str(posts[0].relative_to(site))]
    assert "gone from the folder" in (back.update.read_all_because or "")


@pytest.mark.parametrize(
    "state",
    [
        "not json",
        json.dumps({"wxrtool": 1}),
        "[" * 100000 + "]" * 100000,
        None,  # (the real one, its index holding a record of another type)
        "",  # (the real one, a record's field of another type)
    ],
    ids=["not json", "fields missing", "deep", "a type not the index's", "a field's type"],
)
def test_a_record_of_the_run_that_is_not_one_reads_everything(state: str | None, tmp_path: Path) -> None:
    """The record lies in a folder anyone may have made (a site's repository): data, never code."""
    sample = SAMPLES / "klout.xml"
    site = _first(sample, "markdown", tmp_path / "site")
    path = site / STATE
    if state is None:
        state = path.read_text(encoding="utf-8").replace('"m":"ItemInfo"', '"m":"Popen"', 1)
        assert '"Popen"' in state
    elif state == "":
        state, n = re.subn(r'("m":"ItemInfo","rows":\[\[\d+,)"[^"]*"', r"\1[7]", path.read_text(encoding="utf-8"))
        assert n == 1
    path.write_text(_sealed(state), encoding="utf-8")  # (as if wxrtool had written it)
    edited = _edited(sample, tmp_path)
    account = wxrtool.convert(edited, "markdown", str(site), update=True)
    assert account.update is not None and account.update.items_read_again is None
    assert STATE in (account.update.read_all_because or "")
    wxrtool.convert(edited, "markdown", str(tmp_path / "whole"))
    assert [n for n, b in _tree(site).items() if b != _tree(tmp_path / "whole")[n] and n not in (MANIFEST, STATE)] == []


def _sealed(text: str) -> str:
    """``text`` with its last line the hash of the others, as a record's is."""
    lines = text.splitlines(keepends=True)
    if lines and lines[-1].startswith('["end"'):
        lines.pop()
    digest = hashlib.blake2b("".join(lines).encode(), digest_size=16).hexdigest()
    return "".join(lines) + json.dumps(["end", digest]) + "\n"


def test_an_edited_record_of_the_run_is_not_trusted(tmp_path: Path) -> None:
    site = _first(SAMPLES / "klout.xml", "markdown", tmp_path / "site")
    (site / STATE).write_text((site / STATE).read_text(encoding="utf-8").replace("klout", "kloot"), encoding="utf-8")
    account = wxrtool.convert(_edited(SAMPLES / "klout.xml", tmp_path), "markdown", str(site), update=True)
    assert account.update is not None and "edited since" in (account.update.read_all_because or "")


def test_an_item_tag_inside_a_text_cuts_wrong_and_is_still_right(tmp_path: Path) -> None:
    """A post about RSS: "<item>" and "</item>" in its text. The cut by bytes is wrong there; the
    update must still write what reading everything writes."""
    sample = tmp_path / "rss.xml"
    text = (SAMPLES / "links-between-posts.xml").read_text(encoding="utf-8")
    text = text.replace(
        "<content:encoded><![CDATA[", "<content:encoded><![CDATA[<p>An RSS item: </item><item> ends.</p>", 1
    )
    sample.write_text(text, encoding="utf-8")
    site = _first(sample, "markdown", tmp_path / "site")
    edited = _edited(sample, tmp_path)
    account = wxrtool.convert(edited, "markdown", str(site), update=True)
    whole = wxrtool.convert(edited, "markdown", str(tmp_path / "whole"))
    assert [n for n, b in _tree(site).items() if b != _tree(tmp_path / "whole")[n] and n != STATE] == []
    assert _account(account) == _account(whole)


def test_a_title_holding_a_tag_does_not_hide_its_change(tmp_path: Path) -> None:
    """A title "<content:encoded> One" makes the cut by bytes start inside the title: a change of
    the rest of the title would look like a change of the content alone."""
    text = (SAMPLES / "links-between-posts.xml").read_text(encoding="utf-8")
    titled = re.sub(r"<item>(\s*)<title>.*?</title>", r"<item>\1<title><![CDATA[<content:encoded> One]]></title>", text,
                    count=1)  # fmt: skip
    assert "<content:encoded> One" in titled
    first, again = tmp_path / "first.xml", tmp_path / "again.xml"
    first.write_text(titled, encoding="utf-8")
    again.write_text(titled.replace("<content:encoded> One", "<content:encoded> Two"), encoding="utf-8")
    site = _first(first, "markdown", tmp_path / "site")
    account = wxrtool.convert(again, "markdown", str(site), update=True)
    assert account.update is not None and "looks like one of its tags" in (account.update.read_all_because or "")
    wxrtool.convert(again, "markdown", str(tmp_path / "whole"))
    assert [n for n, b in _tree(site).items() if b != _tree(tmp_path / "whole")[n] and n != STATE] == []


def test_a_redirect_file_edited_by_hand_is_a_conflict(tmp_path: Path) -> None:
    sample = SAMPLES / "links-between-posts.xml"
    redirects = tmp_path / "_redirects"
    site = _first(sample, "hugo", tmp_path / "site", redirects=("netlify", str(redirects)))
    redirects.write_text(redirects.read_text(encoding="utf-8") + "/mine /yours 301\n", encoding="utf-8")
    account = wxrtool.convert(_edited(sample, tmp_path), "hugo", str(site), redirects=("netlify", str(redirects)),
                              update=True)  # fmt: skip
    assert account.update is not None and account.update.items_read_again is not None
    assert account.update.conflicts == [(str(redirects), "the redirect file, edited since wxrtool wrote it")]
    assert redirects.read_text(encoding="utf-8").endswith("/mine /yours 301\n")


def test_the_cut_is_the_same_whatever_the_blocks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sample = SAMPLES / "klout.xml"
    whole = itemspans.scan(str(sample))
    monkeypatch.setattr(itemspans, "_BLOCK", 7)
    small = itemspans.scan(str(sample))
    assert (small.frame, small.source, small.skeleton, small.ids, small.head, small.tail) == (
        whole.frame, whole.source, whole.skeleton, whole.ids, whole.head, whole.tail)  # fmt: skip
    assert len(whole.source) == 2 and whole.ids == [2033, 2034]


def test_the_time_of_the_export_is_no_change(tmp_path: Path) -> None:
    """WordPress writes when the export was made, in a comment and the channel's pubDate: every
    export differs there, and nothing is made of it."""
    sample = SAMPLES / "klout.xml"
    text = sample.read_text(encoding="utf-8")
    again = tmp_path / "again.xml"
    again.write_text(re.sub(r"<pubDate>[^<]*</pubDate>", "<pubDate>Mon, 30 Nov 2026 10:00:00 +0000</pubDate>", text,
                            count=1), encoding="utf-8")  # fmt: skip
    assert again.read_text(encoding="utf-8") != text
    assert itemspans.scan(str(again)).frame == itemspans.scan(str(sample)).frame


def test_a_compressed_export_reads_everything_and_says_so(tmp_path: Path) -> None:
    import gzip

    packed = tmp_path / "klout.xml.gz"
    packed.write_bytes(gzip.compress((SAMPLES / "klout.xml").read_bytes()))
    site = _first(packed, "markdown", tmp_path / "site")
    assert not (site / STATE).exists()  # (no record: the next update could not cut the file by its bytes)
    account = wxrtool.convert(packed, "markdown", str(site), update=True)
    assert account.update is not None and account.update.read_all_because == "the export is not one uncompressed file"


def test_a_redirect_file_elsewhere_than_the_last_run_reads_everything(tmp_path: Path) -> None:
    sample = SAMPLES / "links-between-posts.xml"
    site = _first(sample, "hugo", tmp_path / "site", redirects=("netlify", str(tmp_path / "_redirects")))
    account = wxrtool.convert(_edited(sample, tmp_path), "hugo", str(site), update=True,
                              redirects=("netlify", str(tmp_path / "moved")))  # fmt: skip
    assert account.update is not None and "redirect file is not where" in (account.update.read_all_because or "")
    assert (tmp_path / "moved").is_file()

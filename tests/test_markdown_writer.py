"""The Markdown writer: golden trees, safe paths, front matter, threaded comments."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import unicodedata
from datetime import datetime
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import wxrtool
from wxrtool.errors import OutputError
from wxrtool.output import MANIFEST
from wxrtool.update import STATE
from wxrtool.writers.paths import safe_component

from .conftest import GOLDEN, SAMPLE_FILES, SAMPLES

KLOUT = SAMPLES / "klout.xml"


def tree(root: Path) -> dict[str, str]:
    """The files of an output, but the record of the run kept for --update (tests/test_rerun.py)."""
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.name != STATE)
    return {str(p.relative_to(root)): p.read_text(encoding="utf-8") for p in files}


def split(document: str) -> tuple[dict, str]:  # type: ignore[type-arg]
    assert document.startswith("---\n")
    head, body = document[4:].split("\n---\n", 1)
    return yaml.safe_load(head), body


@pytest.mark.parametrize("sample", SAMPLE_FILES, ids=lambda p: p.stem)
def test_golden_tree(sample: Path, tmp_path: Path, update_golden: bool) -> None:
    out = tmp_path / "site"
    account = wxrtool.convert(sample, "markdown", str(out))
    assert account.balanced()
    golden = GOLDEN / "markdown" / sample.stem
    if update_golden:
        shutil.rmtree(golden, ignore_errors=True)
        shutil.copytree(out, golden, ignore=shutil.ignore_patterns(STATE))
    assert golden.is_dir(), f"no golden tree for {sample.name}: run pytest --update-golden and review it"
    assert tree(out) == tree(golden)


def test_same_input_same_bytes(tmp_path: Path) -> None:
    for name in ("a", "b"):
        wxrtool.convert(
            SAMPLES / "drafts-and-pages.xml", "markdown", str(tmp_path / name), wxrtool.Selection.everything()
        )
    assert tree(tmp_path / "a") == tree(tmp_path / "b")


def test_front_matter_round_trips(tmp_path: Path) -> None:
    wxrtool.convert(KLOUT, "markdown", str(tmp_path / "s"))
    data, body = split((tmp_path / "s" / "posts" / "why-i-deleted-my-klout-profile.md").read_text(encoding="utf-8"))
    assert data["title"] == "Why I Deleted My Klout Profile"
    assert data["date"] == datetime.fromisoformat("2011-11-16T08:41:12-06:00")
    assert data["date"].utcoffset().total_seconds() == -6 * 3600
    assert data["author"] == "Jeff Turner"
    assert data["featured_image"].endswith("jeff-turner-klout-score-65.png")
    assert data["permalink"] == "http://jeffturner.info/why-i-deleted-my-klout-profile/"
    assert "## Comments" in body and "## Pingbacks and trackbacks" in body


@pytest.mark.parametrize(
    "title",
    [
        "Colon: here",
        'A "quote"',
        "# not a comment",
        "- leading dash",
        "yes",
        "null",
        "1.5",
        "'single'",
        "tab\there",
        "@at",
    ],
)
def test_awkward_titles_survive_yaml(title: str, tmp_path: Path) -> None:
    export = KLOUT.read_text(encoding="utf-8").replace(
        "<title><![CDATA[Why I Deleted My Klout Profile]]></title>", f"<title><![CDATA[{title}]]></title>"
    )
    source = tmp_path / "export.xml"
    source.write_text(export, encoding="utf-8")
    wxrtool.convert(source, "markdown", str(tmp_path / "s"))
    data, _ = split((tmp_path / "s" / "posts" / "why-i-deleted-my-klout-profile.md").read_text(encoding="utf-8"))
    assert data["title"] == title


def test_comments_nested_as_the_thread(tmp_path: Path) -> None:
    wxrtool.convert(KLOUT, "markdown", str(tmp_path / "s"))
    body = (tmp_path / "s" / "posts" / "why-i-deleted-my-klout-profile.md").read_text(encoding="utf-8")
    comments = body.split("## Pingbacks and trackbacks")[0]  # (pings have their anchors too, unnested)
    anchors = [line for line in comments.splitlines() if '<a id="comment-' in line]
    assert len(anchors) == 36
    depth = {line.split('id="comment-')[1].split('"')[0]: (len(line) - len(line.lstrip())) // 2 for line in anchors}
    post = next(r for r in wxrtool.read(KLOUT) if isinstance(r, wxrtool.Post) and r.type == "post")
    expected = {str(n.comment.id): n.depth for n, _ in wxrtool.walk(wxrtool.build_threads(post.comments))}
    assert depth == expected
    assert max(depth.values()) == 3


def test_pages_keep_parent_path_and_types(tmp_path: Path) -> None:
    wxrtool.convert(SAMPLES / "drafts-and-pages.xml", "markdown", str(tmp_path / "s"))
    files = set(tree(tmp_path / "s"))
    assert "pages/about/contact.md" in files and "pages/about.md" in files
    assert "recipes/knackebrod.md" in files
    assert not any(f.startswith(("attachments/", "nav_menu_items/")) for f in files)


def test_comments_file_keeps_the_tree(tmp_path: Path) -> None:
    wxrtool.convert(KLOUT, "markdown", str(tmp_path / "s"), comments_file="json")
    sidecar = json.loads((tmp_path / "s" / "posts" / "why-i-deleted-my-klout-profile.comments.json").read_text())
    assert len(sidecar["comments"]) == 20 and len(sidecar["pings"]) == 11
    assert "## Comments" not in (tmp_path / "s" / "posts" / "why-i-deleted-my-klout-profile.md").read_text()
    wxrtool.convert(KLOUT, "markdown", str(tmp_path / "y"), comments_file="yaml")
    data = yaml.safe_load((tmp_path / "y" / "posts" / "why-i-deleted-my-klout-profile.comments.yaml").read_text())
    assert data == sidecar


def test_template_fields_and_meta(tmp_path: Path) -> None:
    wxrtool.convert(
        SAMPLES / "drafts-and-pages.xml",
        "markdown",
        str(tmp_path / "s"),
        path_template="{yyyy}/{mm}/{dd}/{id}-{slug}.md",
        meta_keys=("rating",),
    )
    data, _ = split((tmp_path / "s" / "2024" / "01" / "13" / "101-rye-sourdough.md").read_text(encoding="utf-8"))
    assert data["meta"] == {"rating": {"stars": 5, "notes": "Très bon"}}
    assert data["sticky"] is True


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("{title}.md", r"unknown field \{title\}"),
        ("{type}/{yyyy}.md", r"has neither \{slug\} nor \{id\}"),
        ("../{slug}.md", "leaves the output folder"),
    ],
)
def test_bad_templates_refused(template: str, message: str, tmp_path: Path) -> None:
    with pytest.raises(OutputError, match=message):
        wxrtool.convert(KLOUT, "markdown", str(tmp_path / "s"), path_template=template)
    assert not (tmp_path / "s").exists()  # refused before anything is written


def test_no_item_takes_the_name_of_the_sites_data(tmp_path: Path) -> None:
    text = KLOUT.read_text(encoding="utf-8").replace(
        "<wp:post_name><![CDATA[why-i-deleted-my-klout-profile]]>", "<wp:post_name><![CDATA[authors.json]]>"
    )
    assert "[authors.json]" in text
    (tmp_path / "x.xml").write_text(text, encoding="utf-8")
    wxrtool.convert(tmp_path / "x.xml", "markdown", str(tmp_path / "s"), path_template="{slug}")
    written = tree(tmp_path / "s")
    assert json.loads(written["authors.json"])["Jeff Turner"]["login"] == "jeff"  # (the data, not the post)
    assert [name for name in written if "Klout" in written[name]] == ["authors.json-2033"]  # (the post, renamed)


def test_template_without_extension_is_taken_as_written(tmp_path: Path) -> None:
    wxrtool.convert(KLOUT, "markdown", str(tmp_path / "s"), path_template="{slug}")
    written = tree(tmp_path / "s")
    written.pop(MANIFEST)
    assert list(written) == ["authors.json", "why-i-deleted-my-klout-profile"]
    assert split(written["why-i-deleted-my-klout-profile"])[0]["title"] == "Why I Deleted My Klout Profile"


HOSTILE_SLUGS = [
    "..%2f..%2fescape",
    "%2e%2e",
    "a%00b",
    "%e2%80%aeexe.md",
    "CON",
    "x/../../y",
    "%2Fetc%2Fpasswd",
    ".hidden",
    "   ",
    "Same",
    "same",
    "SAME",
]


def test_hostile_slugs_stay_inside(tmp_path: Path) -> None:
    items = "".join(
        f"<item><title>t{i}</title><wp:post_id>{i + 1}</wp:post_id><wp:post_name>{slug}</wp:post_name>"
        f"<wp:status>publish</wp:status><wp:post_type>post</wp:post_type></item>"
        for i, slug in enumerate(HOSTILE_SLUGS)
    )
    export = (
        '<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><wp:wxr_version>1.2</wp:wxr_version>'
        f"{items}</channel></rss>"
    ).encode()
    out = tmp_path / "inside" / "site"
    wxrtool.convert(io.BytesIO(export), "markdown", str(out))
    written = tree(out)
    assert sorted(json.loads(written.pop(MANIFEST))["files"]) == sorted([*written, STATE])
    assert len(written) == len(HOSTILE_SLUGS)
    assert sorted(os.listdir(tmp_path)) == ["inside"] and sorted(os.listdir(tmp_path / "inside")) == ["site"]
    for relative in written:
        assert ".." not in Path(relative).parts and "\u202e" not in relative and "\x00" not in relative
        assert not any(part.startswith(".") for part in Path(relative).parts)
    lowered = [r.lower() for r in written]
    assert len(set(lowered)) == len(lowered)
    assert {"posts/same.md", "posts/same-11.md", "posts/same-12.md"} <= set(lowered)


def test_non_empty_folder_refused_unless_forced(tmp_path: Path) -> None:
    out = tmp_path / "site"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    with pytest.raises(OutputError, match="not empty"):
        wxrtool.convert(KLOUT, "markdown", str(out))
    assert tree(out) == {"keep.txt": "mine"}
    with pytest.raises(OutputError, match="wxrtool did not write it"):
        wxrtool.convert(KLOUT, "markdown", str(out), force=True)  # not an earlier output: kept
    (out / "keep.txt").unlink()
    wxrtool.convert(KLOUT, "markdown", str(out))
    wxrtool.convert(KLOUT, "markdown", str(out), force=True)
    assert MANIFEST in tree(out)


def test_failure_leaves_no_folder(tmp_path: Path) -> None:
    broken = tmp_path / "broken.xml"
    broken.write_bytes(KLOUT.read_bytes()[:-200])
    with pytest.raises(wxrtool.ParseError):
        wxrtool.convert(broken, "markdown", str(tmp_path / "site"))
    assert sorted(os.listdir(tmp_path)) == ["broken.xml"]


def test_stdin_is_read_twice_through_a_spool(tmp_path: Path) -> None:
    with KLOUT.open("rb") as f:
        account = wxrtool.convert(f, "markdown", str(tmp_path / "s"))
    assert account.written["items"] == 1
    data, _ = split((tmp_path / "s" / "posts" / "why-i-deleted-my-klout-profile.md").read_text(encoding="utf-8"))
    assert "featured_image" in data  # the attachment after the post was found in the first pass


def _safe_component_in_full(text: str, fallback: str) -> str:
    # The rules of safe_component() applied character by character, without its fast path.
    text = unicodedata.normalize("NFC", text)
    kept = []
    for ch in text:
        if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp"):
            continue
        kept.append("-" if ch in '<>:"|?*/\\' or ch.isspace() else ch)
    cleaned = "".join(kept).strip("-. ").lstrip(".")
    cleaned = cleaned.encode("utf-8")[:200].decode("utf-8", "ignore").rstrip("-. ")
    stem, dot, rest = cleaned.partition(".")
    if re.fullmatch(r"con|prn|aux|nul|conin\$|conout\$|(com|lpt)[1-9\u00b9\u00b2\u00b3]", stem.rstrip(" "), re.I):
        cleaned = f"{stem}-{dot}{rest}"  # a Windows device name
    return cleaned or fallback


@settings(max_examples=3000, deadline=None)
@given(
    st.one_of(
        st.text(alphabet="aZ09_.- /\\\u00e9", max_size=12),
        st.text(max_size=10),
        st.text(alphabet="ab-", min_size=195, max_size=205),
    )
)
def test_a_plain_slug_takes_the_fast_path_to_the_same_component(text: str) -> None:
    assert safe_component(text, "7") == _safe_component_in_full(text, "7")


def test_titles_are_what_readers_saw(tmp_path: Path) -> None:
    """WordPress prints a title as HTML: its entities shown decoded, its markup not shown."""
    import dataclasses

    from wxrtool.writers.frontmatter import metadata
    from wxrtool.writers.protocol import WriteOptions

    post = next(r for r in wxrtool.read(SAMPLES / "klout.xml") if isinstance(r, wxrtool.Post))
    titled = dataclasses.replace(post, title="Tom &amp; Jerry &#8211; it&#8217;s <b>bold</b>")
    assert metadata(titled, WriteOptions())["title"] == "Tom & Jerry \u2013 it\u2019s bold"


def test_every_public_custom_field_typed(tmp_path: Path) -> None:
    # ACF and other plugins keep fields as text: numbers, booleans and PHP arrays come out typed;
    # "--meta '*'" takes every field but WordPress's private ones ("_..."), in order.
    text = KLOUT.read_text(encoding="utf-8")
    fields = {"rating": "4", "price": "3.50", "code": "007", "featured": "true",
              "colours": 'a:2:{i:0;s:3:"red";i:1;s:4:"blue";}', "_edit_lock": "1700000000:1"}  # fmt: skip
    rows = "".join(
        f"<wp:postmeta><wp:meta_key><![CDATA[{k}]]></wp:meta_key><wp:meta_value><![CDATA[{v}]]></wp:meta_value>"
        "</wp:postmeta>"
        for k, v in fields.items()
    )
    anchor = "<wp:post_id>2033</wp:post_id>"
    assert anchor in text
    (tmp_path / "x.xml").write_text(text.replace(anchor, anchor + rows), encoding="utf-8")
    wxrtool.convert(tmp_path / "x.xml", "markdown", str(tmp_path / "s"), meta_keys=("*",))
    front = split(tree(tmp_path / "s")["posts/why-i-deleted-my-klout-profile.md"])[0]
    assert front["meta"] == {"rating": 4, "price": 3.5, "code": "007", "featured": True, "colours": ["red", "blue"]}


def test_pings_have_their_anchors_and_states(tmp_path: Path) -> None:
    # WordPress gives a ping the anchor a comment has (#comment-2077): links to it led nowhere, and
    # with --comments all a spam ping looked like any other.
    wxrtool.convert(SAMPLES / "klout.xml", "markdown", str(tmp_path / "k"))
    text = next((tmp_path / "k").rglob("*.md")).read_text(encoding="utf-8")
    pings = [p for r in wxrtool.read(SAMPLES / "klout.xml") if isinstance(r, wxrtool.Post) for p in r.pings]
    assert pings and all(f'<a id="comment-{p.id}"></a>' in text for p in pings)
    wxrtool.convert(SAMPLES / "drafts-and-pages.xml", "markdown", str(tmp_path / "d"), wxrtool.Selection.everything())
    shown = "\n".join(p.read_text(encoding="utf-8") for p in (tmp_path / "d").rglob("*.md"))
    states = [p for r in wxrtool.read(SAMPLES / "drafts-and-pages.xml") if isinstance(r, wxrtool.Post) for p in r.pings]
    for ping in states:
        line = next(line for line in shown.splitlines() if f'id="comment-{ping.id}"' in line)
        assert (f"({ping.status.value})" in line) == (ping.status.value != "approved"), line


@pytest.mark.parametrize("jobs", [1, 2])
def test_reusable_blocks_from_the_export_show_in_the_posts(
    jobs: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The wp_block item may come after the post that uses it; with workers the index pass reads
    # ranges without their items' content (parallel.scan), and must keep a reusable block's. Only
    # a published one without a password shows (render_block_core_block()).
    from wxrtool.parallel import cuts

    monkeypatch.setattr(cuts, "CHUNK_BYTES", 64 * 1024)
    monkeypatch.setattr(cuts, "MIN_CHUNK_BYTES", 64 * 1024)

    def item(n: int, kind: str, content: str, status: str = "publish") -> str:
        # (in WordPress's order: the content before the id and the type)
        return (
            f"<item><title>T{n}</title><link>https://ex.test/t{n}/</link>"
            f"<content:encoded><![CDATA[{content}]]></content:encoded><wp:post_id>{n}</wp:post_id>"
            f"<wp:post_date>2024-01-01 10:00:00</wp:post_date><wp:post_name>t{n}</wp:post_name>"
            f"<wp:status>{status}</wp:status><wp:post_type>{kind}</wp:post_type></item>\n"
        )

    uses = '<!-- wp:paragraph --><p>Before</p><!-- /wp:paragraph --><!-- wp:block {"ref":900} /-->'
    filler = "<p>" + "filler text " * 400 + "</p>"
    export = tmp_path / "x.xml"
    export.write_text(
        '<rss xmlns:wp="http://wordpress.org/export/1.2/" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        "<channel><wp:wxr_version>1.2</wp:wxr_version>\n"
        + "".join(item(n, "post", filler + uses) for n in range(1, 80))
        + item(900, "wp_block", "<!-- wp:paragraph --><p>Reusable CTA</p><!-- /wp:paragraph -->")
        + item(80, "post", '<p>Draft block:</p><!-- wp:block {"ref":901} /-->')
        + item(901, "wp_block", "<p>NOT PUBLISHED</p>", status="draft")
        + "</channel></rss>",
        encoding="utf-8",
    )
    assert export.stat().st_size > 5 * 64 * 1024  # (several ranges)
    account = wxrtool.convert(export, "markdown", str(tmp_path / "site"), jobs=jobs)
    posts = sorted((tmp_path / "site").rglob("*.md"))
    assert len(posts) == 80 and account.balanced()
    texts = [post.read_text(encoding="utf-8") for post in posts]
    assert sum(text.endswith("Before\n\nReusable CTA\n") for text in texts) == 79
    assert not any("NOT PUBLISHED" in text for text in texts)


def test_a_post_shows_reusable_blocks_in_proportion_to_itself(tmp_path: Path) -> None:
    # A thousand posts of one reference each to a block of a megabyte wrote a gigabyte: a post
    # shows 100 KB and 16 times its own length of them, at most 1 MB.
    big = "<p>" + "x" * 1_000_000 + "</p>"
    items = "".join(
        f"<item><title>T{n}</title><content:encoded><![CDATA[{body}]]></content:encoded><wp:post_id>{n}</wp:post_id>"
        f"<wp:post_name>t{n}</wp:post_name><wp:status>publish</wp:status><wp:post_type>{kind}</wp:post_type></item>"
        for n, kind, body in [(10, "wp_block", big)]
        + [(n, "post", '<!-- wp:block {"ref":10} /-->') for n in range(1, 21)]
    )
    export = tmp_path / "x.xml"
    export.write_text(
        '<rss xmlns:wp="http://wordpress.org/export/1.2/" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        f"<channel><wp:wxr_version>1.2</wp:wxr_version>{items}</channel></rss>",
        encoding="utf-8",
    )
    account = wxrtool.convert(export, "markdown", str(tmp_path / "site"), jobs=1)
    written = sum(p.stat().st_size for p in (tmp_path / "site").rglob("*.md"))
    assert written < 100_000 and account.content["reusable-block-over-limit"] == 20

"""The wxrtool command: stdout and stderr checked apart, exit codes, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from wxrtool import __version__, writers
from wxrtool.cli import main
from wxrtool.selection import Selection

from .conftest import SAMPLES

KLOUT = str(SAMPLES / "klout.xml")
DRAFTS = str(SAMPLES / "drafts-and-pages.xml")


def run(*args: str, input: bytes | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), input=input)


def test_convert_json_to_stdout_account_to_stderr() -> None:
    result = run("convert", KLOUT, "--to", "json")
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert len(document["posts"][0]["comments"]) == 20  # top-level threads
    assert "items: 2 read, 2 written" in result.stderr
    assert "comments: 36 read, 36 written" in result.stderr
    assert "pings: 11 read, 11 written" in result.stderr


def test_convert_to_file(tmp_path: Path) -> None:
    out = tmp_path / "blog.jsonl"
    result = run("convert", KLOUT, "--to", "jsonl", "-o", str(out))
    assert result.exit_code == 0 and result.stdout == ""
    kinds = [json.loads(line)["record"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert kinds.count("comment") == 36 and kinds.count("ping") == 11 and kinds.count("post") == 2
    assert [p.name for p in tmp_path.iterdir()] == ["blog.jsonl"]


def test_stdin_source() -> None:
    result = run("convert", "-", "--to", "jsonl", "-q", input=Path(KLOUT).read_bytes())
    assert result.exit_code == 0 and result.stderr == ""
    assert json.loads(result.stdout.splitlines()[0])["record"] == "site"


def test_default_writes_what_a_visitor_sees() -> None:
    result = run("convert", DRAFTS, "--to", "json")
    document = json.loads(result.stdout)
    assert {p["status"] for p in document["posts"]} <= {"publish", "inherit"}
    assert "for-subscribers" not in {p["slug"] for p in document["posts"]}
    assert "brot2024" not in result.stdout
    assert "@" not in json.dumps([p["comments"] for p in document["posts"]])
    assert "email" not in json.dumps(document["authors"])
    assert "password 1" in result.stderr and "spam 1" in result.stderr


def test_all_widens_but_never_writes_a_password() -> None:
    result = run("convert", DRAFTS, "--to", "json", "--all")
    document = json.loads(result.stdout)
    assert len(document["posts"]) == 13
    assert "brot2024" not in result.stdout
    protected = [p for p in document["posts"] if p["protected"]]
    assert [p["slug"] for p in protected] == ["for-subscribers"]
    assert "lea@example.com" in result.stdout


def test_status_and_comments_options() -> None:
    result = run("convert", DRAFTS, "--to", "jsonl", "--status", "publish,draft", "--comments", "all", "--type", "post")
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    posts = [r for r in lines if r["record"] == "post"]
    assert sorted(p["status"] for p in posts) == ["draft", "publish"]
    assert any(r["record"] == "comment" and r["status"] == "spam" for r in lines)
    assert "type:page 2" in result.stderr


def test_comments_none() -> None:
    result = run("convert", KLOUT, "--to", "jsonl", "--comments", "none")
    records = [json.loads(line)["record"] for line in result.stdout.splitlines()]
    assert result.exit_code == 0 and "post" in records
    assert "comment" not in records and "ping" not in records
    assert "comments: 36 read, 0 written, 36 left out (not-asked 36)" in result.stderr
    # A comment system's format with nothing to hold is refused, not written empty.
    refused = run("convert", KLOUT, "--to", "disqus", "--comments", "none", "-o", "x")
    assert refused.exit_code == 2 and "--comments none leaves nothing to write" in refused.stderr


def test_stats_text_and_json() -> None:
    text = run("stats", KLOUT)
    assert (
        text.exit_code == 0
        and "comments: 36" in text.stdout
        and "thread depths: 0: 20, 1: 10, 2: 5, 3: 1" in text.stdout
    )
    numbers = json.loads(run("stats", KLOUT, "--json").stdout)
    assert numbers["pings"]["by_type"] == {"pingback": {"approved": 8}, "trackback": {"approved": 3}}
    assert numbers["threads"]["max_depth"] == 3


def test_stats_counts_everything() -> None:
    numbers = json.loads(run("stats", DRAFTS, "--json").stdout)
    assert numbers["items"]["total"] == 13
    assert numbers["comments"]["by_type"]["comment"] == {"approved": 7, "pending": 1, "spam": 1}
    assert numbers["threads"]["orphans"] == {"cycle": 1, "missing-parent": 1, "self-parent": 1}


def test_formats_lists_the_table() -> None:
    result = run("formats")
    assert result.exit_code == 0
    assert [line.split()[0] for line in result.stdout.splitlines()] == list(writers.FORMATS)
    assert {"json", "jsonl", "markdown", "hugo"} <= set(writers.FORMATS)


def test_version_and_help() -> None:
    assert run("--version").stdout.strip() == f"wxrtool, version {__version__}"
    assert "Examples:" in run("convert", "--help").stdout


def test_unknown_format_is_a_usage_error_naming_the_choices() -> None:
    result = run("convert", KLOUT, "--to", "docx")
    assert result.exit_code == 2
    assert "choose one of: json, jsonl," in result.stderr
    assert result.stdout == ""


def test_bad_input_one_line_error_no_output(tmp_path: Path) -> None:
    broken = tmp_path / "broken.xml"
    broken.write_bytes(Path(KLOUT).read_bytes()[:30000])
    out = tmp_path / "out.json"
    result = run("convert", str(broken), "--to", "json", "-o", str(out))
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"Error: {broken}:") and "the export is cut short" in lines[0]
    assert list(tmp_path.iterdir()) == [broken]  # no output, no leftover temporary file


def test_an_export_cut_short_is_called_so_and_damage_elsewhere_is_not(tmp_path: Path) -> None:
    """A file cut short was 'not well-formed XML: expected >', its validate kind not 'truncated' as promised."""
    text = Path(KLOUT).read_bytes()
    at = text.index(b"</wp:post_name>")
    cases = {
        "in-a-tag": text[: text.index(b"<wp:comment_id>") + 5],  # (libxml2: "Couldn't find end of Start Tag")
        "in-content": text[:30000],  # (libxml2: "expected '>'")
        "in-cdata": text[: text.index(b"<![CDATA[", 20000) + 40] + b"\n\n\nmore text\n",
        "damaged": text[:at] + b"</wp:post_nam>" + text[at + 15 :],  # (a complete file, damaged in its first half)
    }
    for name, data in cases.items():
        broken = tmp_path / f"{name}.xml"
        broken.write_bytes(data)
        said = run("convert", str(broken), "--to", "json").stderr
        checked = run("validate", str(broken)).stdout
        if name == "damaged":
            assert (
                "not well-formed XML: Opening and ending tag mismatch" in said and " error not-well-formed" in checked
            )
        else:
            assert f"{broken}:" in said and "the export is cut short" in said, said
            assert " error truncated: " in checked, checked
    # Compressed, cut before the compression's end: "cannot read the input: Compressed file ended
    # before the end-of-stream marker was reached", validate's kind 'unreadable'.
    import bz2
    import gzip
    import lzma

    for suffix, compress in (("gz", gzip.compress), ("bz2", bz2.compress), ("xz", lzma.compress)):
        packed = compress(text)
        for cut in (len(packed) // 2, len(packed) - 10):
            broken = tmp_path / f"cut.xml.{suffix}"
            broken.write_bytes(packed[:cut])
            said = run("convert", str(broken), "--to", "json").stderr
            assert said.startswith(f"Error: {broken}: the export is cut short: the compressed file ends"), said
            assert " error truncated: " in run("validate", str(broken)).stdout
            # (with --recover given, and nothing to keep before the break: not told to add it)
            recovered = run("convert", str(broken), "--to", "json", "--recover")
            assert recovered.exit_code == 0 or "--recover" not in recovered.stderr, recovered.stderr


def test_missing_output_folder(tmp_path: Path) -> None:
    result = run("convert", KLOUT, "--to", "json", "-o", str(tmp_path / "no" / "such" / "out.json"))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and "cannot write here" in result.stderr


@pytest.mark.parametrize(
    ("args", "code", "stderr_start"),
    [
        (["convert", "/nonexistent.xml", "--to", "json"], 1, "Error: /nonexistent.xml: No such file"),
        (["stats"], 2, "Usage:"),
        (["convert", KLOUT], 2, "Usage:"),
    ],
)
def test_real_process_exit_codes(args: list[str], code: int, stderr_start: str) -> None:
    proc = subprocess.run([sys.executable, "-m", "wxrtool", *args], capture_output=True, text=True, check=False)
    assert proc.returncode == code
    assert proc.stderr.startswith(stderr_start)
    assert "Traceback" not in proc.stderr


def test_markdown_to_a_folder(tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = run(
        "convert", KLOUT, "--to", "markdown", "-o", str(out), "--comments-file", "yaml", "--meta", "_wp_old_slug"
    )
    assert result.exit_code == 0, result.stderr
    assert "type:attachment 1" in result.stderr
    assert (out / "posts" / "why-i-deleted-my-klout-profile.comments.yaml").is_file()
    assert "_wp_old_slug: deleting-klout" in (out / "posts" / "why-i-deleted-my-klout-profile.md").read_text()


def test_markdown_needs_a_folder_and_folder_options_need_markdown(tmp_path: Path) -> None:
    result = run("convert", KLOUT, "--to", "markdown")
    assert result.exit_code == 1 and "writes a folder" in result.stderr
    result = run("convert", KLOUT, "--to", "json", "--path-template", "{slug}.md")
    assert result.exit_code == 2 and "--path-template applies to folder formats" in result.stderr


def test_non_empty_output_folder(tmp_path: Path) -> None:
    (tmp_path / "x").write_text("x")
    result = run("convert", KLOUT, "--to", "markdown", "-o", str(tmp_path))
    assert result.exit_code == 1
    assert (
        result.stderr.strip()
        == f"Error: {tmp_path}: the output folder is not empty (choose another folder, or add --force to replace it)"
    )


def test_stats_lists_blocks_and_shortcodes(tmp_path: Path) -> None:
    export = tmp_path / "e.xml"
    export.write_text(
        '<rss xmlns:wp="http://wordpress.org/export/1.2/" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        "<channel><wp:wxr_version>1.2</wp:wxr_version><item><content:encoded><![CDATA["
        '[gallery ids="1"] [acme-form id=3] [acme-form] [[escaped]] <!-- wp:paragraph --><p>x</p><!-- /wp:paragraph -->'
        "]]></content:encoded></item></channel></rss>"
    )
    numbers = json.loads(run("stats", str(export), "--json").stdout)
    assert numbers["content"]["shortcodes"] == {
        "acme-form": {"count": 2, "converted": False},
        "gallery": {"count": 1, "converted": True},
    }
    assert numbers["content"]["blocks"] == {"paragraph": 1}
    assert "acme-form 2 (kept as written)" in run("stats", str(export)).stdout


def test_progress_is_reported_and_not_shown_off_a_terminal(tmp_path: Path) -> None:
    import wxrtool

    calls: list[tuple[int, int | None, int]] = []
    wxrtool.convert(KLOUT, "jsonl", str(tmp_path / "o.jsonl"), progress=lambda d, t, n: calls.append((d, t, n)))
    size = Path(KLOUT).stat().st_size
    assert calls[-1] == (size, size, 2) and all(t == size for _, t, _ in calls)
    result = run("convert", KLOUT, "--to", "jsonl", "-o", str(tmp_path / "p.jsonl"))
    assert "\r" not in result.stderr and "MB/s" not in result.stderr


def test_stats_and_validate_never_send_the_exports_escapes_to_the_terminal(tmp_path: Path) -> None:
    hostile = "Blog\x1b]0;owned\x07\x9b2J\u202e"
    export = tmp_path / "escapes.xml"
    export.write_text(
        '<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><wp:wxr_version>1.2</wp:wxr_version>'
        f"<title>{hostile}</title><link>https://x.example/\x1b[31m</link>"
        f"<item><title>{hostile}</title><wp:post_id>1</wp:post_id><wp:post_type>post</wp:post_type>"
        f"<wp:status>publish</wp:status><wp:postmeta><wp:meta_key>{hostile}</wp:meta_key></wp:postmeta>"
        "</item></channel></rss>",
        encoding="utf-8",
    )
    # Raw ESC and BEL are not XML: --recover keeps them (losslessly), so they reach the records.
    for args in (["stats", str(export)], ["stats", "--json", str(export)], ["validate", str(export)]):
        result = CliRunner().invoke(main, [*args, "--recover"])
        assert result.exit_code == 0, result.output
        for raw in ("\x1b", "\x07", "\x9b", "\u202e"):
            assert raw not in result.output, (args, raw)
    assert "Blog\\x1b]0;owned" in CliRunner().invoke(main, ["stats", "--recover", str(export)]).output


def test_usage_errors_come_before_the_format_s_own_checks(tmp_path: Path) -> None:
    """What the command is asked to do wrong is said first, as a usage error (exit 2)."""
    rules = str(SAMPLES / "rules.xml")
    batch = run("convert", KLOUT, rules, "--to", "hugo")
    assert batch.exit_code == 2 and "2 sites need an output folder" in batch.stderr
    redirects = run("convert", KLOUT, "--to", "disqus", "--redirects", "nginx", str(tmp_path / "r.conf"))
    assert redirects.exit_code == 2 and "--redirects needs a format that gives posts new addresses" in redirects.stderr
    # A folder option is refused for a file format even when it repeats the default.
    default = run(
        "convert", KLOUT, "--to", "json", "-o", str(tmp_path / "k.json"), "--path-template", "{type}s/{slug}.md"
    )
    assert default.exit_code == 2 and "--path-template applies to folder formats" in default.stderr
    assert not (tmp_path / "k.json").exists()


def test_the_shell_completes_format_names() -> None:
    from wxrtool.cli.options import FormatName

    completed = FormatName().shell_complete(click.Context(main), click.Option(["--to"]), "js")
    assert [item.value for item in completed] == ["json", "jsonl"]


@pytest.mark.parametrize(
    "template",
    ["{slug", "{slug}}{", "{slug:99999999999999999999}.md", "{id:d}{yyyy:d}.md", "{slug!z}.md", "{slug:>999999999}.md"],
)
def test_a_path_template_that_formats_or_is_no_template_is_refused(template: str, tmp_path: Path) -> None:
    """One line naming the template, before anything is written: each stopped with a ValueError
    (an internal error) as the first path was made, and `{slug:>999999999}` asked for a file name
    of a gigabyte."""
    result = run("convert", KLOUT, "--to", "markdown", "-o", str(tmp_path / "o"), "--path-template", template)
    assert result.exit_code != 0 and "internal error" not in result.stderr
    assert "path template" in result.stderr and len(result.stderr) < 500
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("option", [["split", "--max-size"], ["convert", "--to", "json", "--max-item-size"]])
def test_a_size_of_hundreds_of_digits_is_no_size(option: list[str], tmp_path: Path) -> None:
    # (float() of 400 digits is infinite, and int() of infinity stopped the command)
    command, *rest = option
    result = run(command, KLOUT, *rest, "9" * 400, "-o", str(tmp_path / "o"))
    assert result.exit_code != 0 and "internal error" not in result.stderr and "not a size" in result.stderr
    assert len(result.stderr) < 300  # (the size as given, to a line's length: it was echoed whole)


@pytest.mark.parametrize(
    "args",
    [
        ["convert", "{e}", "--to", "wxr", "-o", "{e}"],
        ["convert", "{e}", "--to", "json", "-o", "{link}"],  # (the same file by another name)
        ["convert", "{e}", "--to", "hugo", "-o", "{site}", "--redirects", "nginx", "{e}"],
        ["convert", "{e}", "--to", "json", "-o", "{out}", "--report", "{e}"],
        ["convert", "{other}", "{e}", "--to", "json", "-o", "{site}", "--report", "{e}"],  # (a batch)
        ["validate", "{e}", "--html", "{e}"],
    ],
)
def test_an_output_that_is_the_export_is_refused(args: list[str], tmp_path: Path) -> None:
    """It replaced the export (`-o e.xml --to wxr` kept 6 of its 13 items), and said nothing."""
    export = tmp_path / "e.xml"
    export.write_bytes((SAMPLES / "drafts-and-pages.xml").read_bytes())
    (tmp_path / "o.xml").write_bytes((SAMPLES / "klout.xml").read_bytes())
    (tmp_path / "link.xml").symlink_to(export)
    names = {"e": export, "link": tmp_path / "link.xml", "site": tmp_path / "site", "out": tmp_path / "x.json"}
    names["other"] = tmp_path / "o.xml"
    result = run(*[a.format(**{k: str(v) for k, v in names.items()}) for a in args])
    assert result.exit_code == 2 and "would write over the export" in result.stderr
    assert export.read_bytes() == (SAMPLES / "drafts-and-pages.xml").read_bytes()
    assert not (tmp_path / "site").exists() and not (tmp_path / "x.json").exists()


def test_the_library_will_not_write_over_the_export(tmp_path: Path) -> None:
    from wxrtool.convert import ConvertOptions
    from wxrtool.convert import run as run_conversion
    from wxrtool.errors import OutputError

    export = tmp_path / "e.xml"
    export.write_bytes((SAMPLES / "klout.xml").read_bytes())
    with pytest.raises(OutputError, match="write over the export"):
        run_conversion(str(export), ConvertOptions(to="jsonl", output=str(export), selection=Selection()))
    assert export.read_bytes() == (SAMPLES / "klout.xml").read_bytes()


def test_a_misspelled_status_or_type_is_said(tmp_path: Path) -> None:
    """'--status publsh' kept nothing, exit 0, and said so only in the account's counts."""
    args = ["--to", "json", "-o", str(tmp_path / "o.json"), "--status", "publsh,wc-completed", "--type", "psot,recipe"]
    result = run("convert", KLOUT, *args)
    assert "--status 'publsh' is none of WordPress's; did you mean 'publish'?" in result.stderr
    assert "--type 'psot' is none of WordPress's; did you mean 'post'?" in result.stderr
    assert "wc-completed" not in result.stderr and "recipe" not in result.stderr  # (a plugin's own)
    assert "did you mean" not in run("convert", KLOUT, "--to", "json", "-o", str(tmp_path / "p.json")).stderr


def test_split_to_standard_output_is_refused_and_counts_read_as_words(tmp_path: Path) -> None:
    """'split -o -' made a folder named '-'; validate said '1 errors'."""
    refused = CliRunner().invoke(main, ["split", KLOUT, "--max-size", "1MB", "-o", "-"])
    assert refused.exit_code == 2 and "give -o a folder" in refused.stderr
    broken = tmp_path / "broken.xml"
    broken.write_text("<rss><channel>", encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", KLOUT, str(broken)])
    assert "2 files: 1 error, 0 warnings, 0 notes" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["convert", KLOUT, "--to", "jsonl", "-o", "{out}", "--report", "{nowhere}"],
        ["convert", KLOUT, "--to", "markdown", "-o", "{out}", "--report", "{nowhere}"],
        ["validate", KLOUT, "--html", "{nowhere}"],
    ],
)
def test_a_side_file_that_cannot_be_written_stops_the_run_before_it_writes(args: list[str], tmp_path: Path) -> None:
    """--report in a missing folder: the output was written, then the run failed (exit 1)."""
    names = {"out": str(tmp_path / "out"), "nowhere": str(tmp_path / "missing" / "side")}
    result = run(*[a.format(**names) for a in args])
    assert result.exit_code == 1 and "cannot write here" in result.stderr
    assert "internal error" not in result.stderr and result.stderr.count("\n") == 1
    assert not (tmp_path / "out").exists() and result.stdout == ""


def test_a_validation_page_is_written_when_an_export_has_errors(tmp_path: Path) -> None:
    broken = tmp_path / "broken.xml"
    broken.write_text("<rss><channel>", encoding="utf-8")
    result = run("validate", KLOUT, str(broken), "--html", str(tmp_path / "v.html"))
    assert result.exit_code == 1
    assert "broken.xml" in (tmp_path / "v.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("to, name", [("markdown", "site"), ("jsonl", "sub/o.jsonl")])
def test_an_output_under_a_file_names_the_file(to: str, name: str, tmp_path: Path) -> None:
    """'-o notes.txt/site' said "File exists", of nothing in particular."""
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    result = run("convert", KLOUT, "--to", to, "-o", str(tmp_path / "notes.txt" / name))
    assert result.exit_code == 1 and f"{tmp_path / 'notes.txt'} is a file, not a folder" in result.stderr
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_a_misspelled_front_matter_field_is_said(tmp_path: Path) -> None:
    """'--front-matter titel' left the title out of every page, exit 0, and said nothing."""
    result = run("convert", KLOUT, "--to", "markdown", "-o", str(tmp_path / "o"), "--front-matter", "titel,subtitle")
    assert result.exit_code == 0
    assert "--front-matter 'titel' is no usual field; did you mean 'title'?" in result.stderr
    assert "subtitle" not in result.stderr  # (a custom field's name is not questioned)
    quiet = run("convert", KLOUT, "--to", "markdown", "-o", str(tmp_path / "p"), "--front-matter", "title,tags")
    assert "usual field" not in quiet.stderr


@pytest.mark.parametrize(
    "args, said",
    [
        (["--to", "json", "-o", "{d}/o.json", "--report", "{d}/./o.json"], "--report {d}/./o.json and -o {d}/o.json"),
        (["--to", "markdown", "-o", "{d}/r", "--redirects", "nginx", "{d}/r"], "--redirects {d}/r and -o {d}/r"),
        (["--to", "hugo", "-o", "{d}/s", "--redirects", "netlify", "{d}/r.txt", "--report", "{d}/link"], "name one"),
        (["--to", "hugo", "-o", "{d}/s", "--report", "{d}/s/r.json"], "--report {d}/s/r.json is inside -o {d}/s"),
        (["--to", "hugo", "-o", "{d}/s", "--redirects", "netlify", "{d}/s/static/_redirects"], "is inside -o"),
    ],
)
def test_outputs_that_clash_are_refused_before_anything_is_written(args: list[str], said: str, tmp_path: Path) -> None:
    """'--report o.json -o o.json' kept the report and lost the blog, exit 0; '--redirects r -o r'
    wrote the site, then failed on a temporary file's name."""
    (tmp_path / "link").symlink_to(tmp_path / "r.txt")
    result = run("convert", KLOUT, *[a.format(d=tmp_path) for a in args])
    assert result.exit_code == 2 and said.format(d=tmp_path) in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link"]


def test_the_library_refuses_outputs_that_clash(tmp_path: Path) -> None:
    from wxrtool.convert import ConvertOptions
    from wxrtool.convert import run as run_conversion
    from wxrtool.errors import OutputError

    site, redirects = tmp_path / "site", ("nginx", str(tmp_path / "site" / "r.conf"))
    with pytest.raises(OutputError, match="inside output"):
        run_conversion(KLOUT, ConvertOptions(to="hugo", output=str(site), redirects=redirects, selection=Selection()))
    assert not site.exists()


@pytest.mark.parametrize(
    "media, said",
    [
        (["--media", "downlaod"], "--media downlaod: no such folder"),
        (["--media", "{d}/notes.txt"], "is no folder"),
        (["--media", "{d}", "--media-from", "{d}"], "give one folder"),
    ],
)
def test_a_media_option_that_places_nothing_is_refused(media: list[str], said: str, tmp_path: Path) -> None:
    """'--media downlaod' (or a file) placed no media and exited 0; with --media-from, --media was dropped."""
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    result = run(
        "convert", KLOUT, "--to", "markdown", "-o", str(tmp_path / "o"), *[m.format(d=tmp_path) for m in media]
    )
    assert result.exit_code == 2 and said.format(d=tmp_path) in result.stderr
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(
    "args, said",
    [
        (["media", KLOUT, "--download", "{d}/notes.txt/sub"], "notes.txt is a file, not a folder"),
        (["media", KLOUT, "--download", "{d}/notes.txt"], "notes.txt is a file, not a folder"),
        (["media", KLOUT, "--json", "--csv"], "--json and --csv: choose one"),
        (["media", KLOUT, "--download", "{d}/m", "--timeout", "-1"], "'--timeout': -1.0 is not in the range"),
        (["media", KLOUT, "--download", "{d}/m", "--workers", "0"], "'--workers': 0 is not in the range"),
        (["convert", KLOUT, "--to", "json", "-o", "{d}/o.json", "--jobs", "-3"], "'--jobs': -3 is not in the range"),
    ],
)
def test_media_and_numbers_that_cannot_work_are_refused_first(args: list[str], said: str, tmp_path: Path) -> None:
    """'media --download afile' fetched every file, each failing on a line of its own; '--timeout -1'
    said 'not done within -10 s'; --json --csv gave JSON."""
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    result = run(*[a.format(d=tmp_path) for a in args])
    assert result.exit_code == 2 and said in result.stderr and result.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_a_run_that_keeps_no_item_says_so_even_when_quiet(tmp_path: Path) -> None:
    """'--since 2020-01-01 -q' on a blog of 2011 wrote an empty output, exit 0, and said nothing."""
    result = run("convert", KLOUT, "--to", "json", "-o", str(tmp_path / "o.json"), "--since", "2020-01-01", "-q")
    assert result.exit_code == 0
    assert result.stderr == "wxrtool: warning: no item was written: the 2 read were all left out (date 2)\n"
    kept = run("convert", KLOUT, "--to", "json", "-o", str(tmp_path / "p.json"), "--since", "2010-01-01", "-q")
    assert kept.stderr == ""
    # A comment system's format writes threads, and has no place for items: nothing to warn of.
    threads = run("convert", KLOUT, "--to", "disqus", "-o", str(tmp_path / "d"), "-q")
    assert threads.exit_code == 0 and threads.stderr == ""


def test_a_batch_says_what_each_site_left_out_and_reports_every_site(tmp_path: Path) -> None:
    """Several sites said 'ok klout: 1 items' (1 of 2, the other left out unsaid), and --report was refused."""
    result = run(
        "convert", KLOUT, DRAFTS, "--to", "markdown", "-o", str(tmp_path / "s"), "--report", str(tmp_path / "r")
    )
    assert result.exit_code == 0, result.stderr
    assert (
        "ok      drafts-and-pages: 4 of 13 items (9 left out), 7 of 9 comments (2 left out), 0 of 1 pings (1 left out) -> "
        in result.stderr
    )
    report = json.loads((tmp_path / "r").read_text(encoding="utf-8"))
    assert report["format"] == "markdown" and [s["name"] for s in report["sites"]] == ["klout", "drafts-and-pages"]
    drafts = report["sites"][1]
    assert drafts["ok"] and drafts["input"] == [DRAFTS] and drafts["left_out"]["items"]["status:draft"] > 0


@pytest.mark.parametrize("flag", ["-o", "--report"])
def test_a_file_output_named_as_a_folder_is_refused(flag: str, tmp_path: Path) -> None:
    """'-o new/ --to json' wrote a file named 'new'; '--report FOLDER' hinted at -o."""
    (tmp_path / "folder").mkdir()
    given = {
        "-o": ["-o", str(tmp_path / "new") + "/"],
        "--report": ["-o", str(tmp_path / "o.json"), "--report", str(tmp_path / "folder")],
    }
    result = run("convert", KLOUT, "--to", "json", *given[flag])
    assert result.exit_code == 1 and "one file is written here (give a file's name)" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder"]


def test_migrate_of_a_missing_file_says_so_in_one_line(tmp_path: Path) -> None:
    """It said '1 error in the export', and pointed at validate and --recover."""
    result = run("migrate", str(tmp_path / "nosuch.xml"), "--to", "hugo", "-o", str(tmp_path / "s"), "-q")
    assert (
        result.exit_code == 1
        and result.stderr
        == f"Error: {tmp_path / 'nosuch.xml'}: No such file or directory (check the path and its permissions)\n"
    )


def test_a_batch_report_may_go_in_the_batch_folder(tmp_path: Path) -> None:
    """Refused as 'inside a folder wxrtool replaces whole', which a batch's folder is not."""
    result = run(
        "convert",
        KLOUT,
        DRAFTS,
        "--to",
        "markdown",
        "-o",
        str(tmp_path / "b"),
        "--report",
        str(tmp_path / "b" / "r.json"),
    )
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "b").iterdir()) == ["drafts-and-pages", "klout", "r.json"]


def test_a_batch_says_each_failure_even_when_quiet_and_each_repair(tmp_path: Path) -> None:
    """'-q' hid the failures of a batch (exit 1, nothing said); a cut-short site read with --recover was a
    plain 'ok', its pings not counted."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "klout.xml").write_bytes(Path(KLOUT).read_bytes())
    (folder / "cut.xml").write_bytes(Path(KLOUT).read_bytes()[:30000])
    quiet = run("convert", str(folder), "--to", "jsonl", "-o", str(tmp_path / "q"), "-q")
    assert quiet.exit_code == 1
    assert quiet.stderr.startswith("failed  cut: ") and "the export is cut short" in quiet.stderr
    assert "ok " not in quiet.stderr and quiet.stderr.endswith("wxrtool: 1 of 2 sites converted\n")
    recovered = run("convert", str(folder), "--to", "jsonl", "-o", str(tmp_path / "r"), "--recover")
    assert recovered.exit_code == 0
    assert "ok      cut: 0 of 0 items, 0 of 0 comments, 0 of 0 pings; 1 repair (unreadable-rest)" in recovered.stderr
    assert "ok      klout: 2 of 2 items, 36 of 36 comments, 11 of 11 pings -> " in recovered.stderr


def test_migrate_of_a_file_that_is_no_export_says_what_it_is(tmp_path: Path) -> None:
    """It said '1 error in the export' and pointed at --recover, which could not help."""
    (tmp_path / "n.xml").write_text("hi\n", encoding="utf-8")
    result = run("migrate", str(tmp_path / "n.xml"), "--to", "hugo", "-o", str(tmp_path / "s"), "-q")
    assert result.exit_code == 1 and "not a WordPress export: text that is not XML" in result.stderr
    assert "--recover" not in result.stderr and not (tmp_path / "s").exists()


def test_a_recovered_export_with_no_item_says_so(tmp_path: Path) -> None:
    """'--recover' on an export that breaks off inside its first item wrote the header alone, exit 0,
    the break said only as a repair's count."""
    cut = tmp_path / "cut.xml"
    cut.write_bytes(Path(KLOUT).read_bytes()[:3000])
    result = run("convert", str(cut), "--to", "jsonl", "-o", str(tmp_path / "o.jsonl"), "--recover", "-q")
    assert result.exit_code == 0
    assert result.stderr.startswith("wxrtool: warning: no item was written: the export breaks off at line ")


@pytest.mark.parametrize(("to", "report"), [("json", "o/klout.json"), ("hugo", "o/klout/r.json"), ("hugo", "o/klout")])
def test_a_batch_report_where_a_site_goes_is_refused(to: str, report: str, tmp_path: Path) -> None:
    """'--report out/klout.json' with --to json: the report was written over klout's converted blog, exit 0."""
    result = run("convert", KLOUT, DRAFTS, "--to", to, "-o", str(tmp_path / "o"), "--report", str(tmp_path / report))
    assert result.exit_code == 2 and "is where a site goes" in result.stderr
    assert not (tmp_path / "o").exists()


def test_media_download_makes_no_folder_for_an_export_it_cannot_read(tmp_path: Path) -> None:
    cut = tmp_path / "cut.xml"
    cut.write_bytes(Path(KLOUT).read_bytes()[:30000])
    result = run("media", str(cut), "--download", str(tmp_path / "new" / "sub"))
    assert result.exit_code == 1 and not (tmp_path / "new").exists()


@pytest.mark.parametrize("to", ["jsonl", "json"])
def test_output_cut_off_by_its_reader_ends_quietly(to: str, tmp_path: Path) -> None:
    """'wxrtool convert ... | head' said 'Error: <system>: Broken pipe', exit 1: the reader of
    standard output stopped reading, nothing went wrong. It ends as a process SIGPIPE ends."""
    from .test_security_formats import export, item

    source = export(tmp_path / "big.xml", "".join(item(n) for n in range(1, 5001)))  # (more than a pipe holds)
    convert = subprocess.Popen(
        [sys.executable, "-m", "wxrtool", "convert", str(source), "--to", to],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    with convert:
        assert convert.stdout is not None and convert.stderr is not None
        convert.stdout.read(100)
        convert.stdout.close()  # (as head does, once it has its lines)
        errors = convert.stderr.read().decode()
        assert convert.wait(timeout=120) == 141 and errors == ""


@pytest.mark.parametrize(("fmt", "out"), [("jsonl", "x.jsonl"), ("markdown", "site")])
def test_a_named_pipe_is_read_as_a_stream(fmt: str, out: str, tmp_path: Path) -> None:
    # wxrtool convert <(zcat export.xml.gz) ...: the zip check asked the pipe to seek ("Illegal
    # seek"), and markdown, which reads the export twice, would have read an empty pipe again.
    import os
    import threading

    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)

    def feed() -> None:
        with open(pipe, "wb") as writer:
            writer.write(Path(KLOUT).read_bytes())

    feeder = threading.Thread(target=feed, daemon=True)
    feeder.start()
    result = run("convert", str(pipe), "--to", fmt, "-o", str(tmp_path / out), "-q")
    feeder.join(timeout=60)
    assert result.exit_code == 0, result.output
    expected = run("convert", KLOUT, "--to", fmt, "-o", str(tmp_path / ("again-" + out)), "-q")
    assert expected.exit_code == 0
    if fmt == "jsonl":
        assert (tmp_path / out).read_bytes() == (tmp_path / ("again-" + out)).read_bytes()
    else:
        read = {p.relative_to(tmp_path / out): p.read_bytes() for p in (tmp_path / out).rglob("*.md")}
        again = tmp_path / ("again-" + out)
        assert read and read == {p.relative_to(again): p.read_bytes() for p in again.rglob("*.md")}


@pytest.mark.parametrize("compress", ["gzip", "bz2", "xz", "utf-16-le", "utf-32-be"])
def test_a_compressed_export_on_standard_input_is_read_twice(compress: str, tmp_path: Path) -> None:
    # A format that reads the export twice spools standard input first; its check that the start
    # is no binary file (/dev/zero) must let compressed data through, which the reader opens, and
    # UTF-16 or UTF-32, whose NUL bytes are text.
    import bz2
    import gzip
    import lzma

    text = Path(KLOUT).read_text(encoding="utf-8")
    wide = {
        e: lambda t, e=e: t.replace('encoding="UTF-8"', f'encoding="{e}"').encode(e) for e in ("utf-16-le", "utf-32-be")
    }
    packing = {"gzip": gzip.compress, "bz2": bz2.compress, "xz": lzma.compress}
    packed = wide[compress](text) if compress in wide else packing[compress](text.encode("utf-8"))
    result = run("convert", "-", "--to", "markdown", "-o", str(tmp_path / "site"), "-q", input=packed)
    assert result.exit_code == 0, result.output
    assert len(list((tmp_path / "site").rglob("*.md"))) == 1


def test_an_export_with_a_nul_byte_on_standard_input_is_recovered(tmp_path: Path) -> None:
    # The spool's check for binary data looks only at what does not start as markup: a NUL in an
    # export's header is damage --recover maps out, not a binary file.
    data = Path(KLOUT).read_bytes().replace(b"Jeff Turner</description>", b"Jeff\x00Turner</description>", 1)
    result = run("convert", "-", "--to", "markdown", "--recover", "-o", str(tmp_path / "site"), "-q", input=data)
    assert result.exit_code == 0, result.output

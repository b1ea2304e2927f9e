"""What one item may take: long posts read whole, larger items stop the read, memory stays bounded.

The item size limit (``--max-item-size``, 64 MB) is what keeps a compressed bomb (one
CDATA section or comment of a gigabyte in a few kilobytes of bzip2) from taking the
machine's memory: every command is run on such bombs under an address-space limit.
"""

from __future__ import annotations

import bz2
import gzip
import io
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import wxrtool
from wxrtool.cli import main
from wxrtool.errors import ItemTooLargeError
from wxrtool.parallel import cuts
from wxrtool.read import Reader, max_item_size, set_max_item_size
from wxrtool.source import DEFAULT_MAX_ITEM_SIZE

from .conftest import SAMPLES

HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"'
    ' xmlns:content="http://purl.org/rss/1.0/modules/content/">\n'
    "<channel>\n<title>Limits</title>\n<wp:wxr_version>1.2</wp:wxr_version>\n"
)
TAIL = "</channel>\n</rss>\n"


def item(n: int, content: str = "") -> str:
    return (
        f"<item>\n<title>Post {n}</title>\n<wp:post_id>{n}</wp:post_id>\n<wp:status>publish</wp:status>\n"
        f"<content:encoded><![CDATA[{content}]]></content:encoded>\n</item>\n"
    )


def posts(data: bytes, **options: object) -> list[wxrtool.Post]:
    return [r for r in Reader(io.BytesIO(data), **options) if isinstance(r, wxrtool.Post)]  # type: ignore[arg-type]


# -- long posts -------------------------------------------------------------------


@pytest.mark.parametrize("recover", [False, True])
def test_a_post_over_10_mb_is_read_whole_and_so_is_what_follows(recover: bool) -> None:
    # libxml2 alone calls a text node over 10 MB damaged; --recover then dropped every later post.
    long = "<p>" + "Lorem ipsum dolor sit amet. " * 450_000 + "</p>"  # 12.6 MB
    data = (HEAD + item(1, "short") + item(2, long) + item(3, "after") + TAIL).encode()
    reader = Reader(io.BytesIO(data), recover=recover)
    read = [r for r in reader if isinstance(r, wxrtool.Post)]
    assert [p.id for p in read] == [1, 2, 3]
    assert read[1].content_html == long and read[2].content_html == "after"
    assert reader.repairs == []


def test_the_limit_is_per_item_not_per_file() -> None:
    body = "x" * 200_000
    data = (HEAD + "".join(item(n, body) for n in range(1, 31)) + TAIL).encode()  # 6 MB
    assert [p.id for p in posts(data, max_item_size=1_000_000)] == list(range(1, 31))


# -- items over the limit ----------------------------------------------------------

BIG = 3_000_000
HUGE_PARTS = {
    "cdata": ("<content:encoded><![CDATA[", "a" * BIG, "]]></content:encoded>"),
    "comment": ("<content:encoded><!--", "a" * BIG, "--></content:encoded>"),
    "text": ("<content:encoded>", "a" * BIG, "</content:encoded>"),
    "many-cdata": ("<content:encoded>", "<![CDATA[aaaa]]>" * (BIG // 16), "</content:encoded>"),
    "attribute": ('<content:encoded a="', "a" * BIG, '"></content:encoded>'),
    "instruction": ("<content:encoded><?pi ", "a" * BIG, "?></content:encoded>"),
    "elements": ("<content:encoded>", "<a/>" * (BIG // 4), "</content:encoded>"),
}


@pytest.mark.parametrize("recover", [False, True])
@pytest.mark.parametrize("kind", sorted(HUGE_PARTS))
def test_an_item_over_the_limit_stops_the_read_naming_it(kind: str, recover: bool) -> None:
    opening, middle, closing = HUGE_PARTS[kind]
    huge = f"<item>\n<title>Huge</title>\n{opening}{middle}{closing}\n</item>\n"
    data = (HEAD + item(1) + huge + item(3) + TAIL).encode()
    line = (HEAD + item(1)).count("\n") + 1
    reader = Reader(io.BytesIO(data), max_item_size=1_000_000, recover=recover)
    seen = []
    with pytest.raises(ItemTooLargeError) as info:
        seen.extend(reader)  # never a silent stop: the error, whatever --recover says
    assert [r.id for r in seen if isinstance(r, wxrtool.Post)] == [1]
    error = info.value
    assert error.line == line and error.file == "<stream>"
    assert "--max-item-size" in str(error) and "1 MB" in str(error) and "\n" not in str(error)
    # The deepest element begun: a start tag still being read is not one yet.
    stopped = {"attribute": f"<title> on line {line + 1}", "elements": f"<a> on line {line + 2}"}
    assert f"reading stopped in its {stopped.get(kind, f'<content:encoded> on line {line + 2}')}" in error.message


def test_a_header_over_the_limit_is_named() -> None:
    authors = "".join(
        f"<wp:author><wp:author_login>a{n}</wp:author_login><wp:author_email>{'e' * 200}</wp:author_email></wp:author>\n"
        for n in range(10_000)
    )
    data = (HEAD + authors + item(1) + TAIL).encode()
    with pytest.raises(ItemTooLargeError, match="the channel's header is larger than 1 MB"):
        posts(data, max_item_size=1_000_000)


def test_what_follows_the_last_item_is_bounded_too() -> None:
    data = (HEAD + item(1) + "<!--" + "a" * BIG + "-->" + TAIL).encode()
    with pytest.raises(ItemTooLargeError, match="what follows the item starting here") as info:
        posts(data, max_item_size=1_000_000)
    assert info.value.line == HEAD.count("\n") + 1


def test_the_default_limit_is_process_wide_and_read_takes_one() -> None:
    data = (HEAD + item(1, "a" * 2_000_000) + TAIL).encode()
    assert max_item_size() == DEFAULT_MAX_ITEM_SIZE == 64_000_000
    assert len(list(wxrtool.read(io.BytesIO(data)))) == 2
    with pytest.raises(ItemTooLargeError):
        list(wxrtool.read(io.BytesIO(data), max_item_size=1_000_000))
    set_max_item_size(1_000_000)
    try:
        with pytest.raises(ItemTooLargeError):
            list(wxrtool.read(io.BytesIO(data)))
    finally:
        set_max_item_size(DEFAULT_MAX_ITEM_SIZE)


def test_max_item_size_option(tmp_path: Path) -> None:
    export = tmp_path / "export.xml"
    export.write_text(HEAD + item(1, "a" * 2_000_000) + TAIL, encoding="utf-8")
    runner = CliRunner()
    small = runner.invoke(main, ["stats", str(export), "--max-item-size", "1MB"])
    assert small.exit_code == 1
    assert small.output.startswith(f"Error: {export}:6: the <item> starting here is larger than 1 MB")
    # The limit given to one command is not the next one's.
    assert runner.invoke(main, ["stats", str(export)]).exit_code == 0
    assert runner.invoke(main, ["stats", str(export), "--max-item-size", "3MB"]).exit_code == 0
    bad = runner.invoke(main, ["stats", str(export), "--max-item-size", "lots"])
    assert bad.exit_code == 2 and "--max-item-size" in bad.output


# -- ranges ------------------------------------------------------------------------


def test_no_range_is_longer_than_a_chunk_and_an_item(tmp_path: Path) -> None:
    export = tmp_path / "export.xml"
    small = "".join(item(n, "b" * 20_000) for n in range(1, 200))
    export.write_text(HEAD + small + item(500, "c" * 3_000_000) + small + TAIL, encoding="utf-8")
    plan = cuts.plan(export, "export.xml", 2, chunk=600_000)
    assert plan is not None
    assert max(plan.span(k)[1] - plan.span(k)[0] for k in range(len(plan.starts))) < 600_000 + 3_100_000
    set_max_item_size(1_000_000)
    try:
        assert cuts.plan(export, "export.xml", 2, chunk=600_000) is None  # read as a stream instead
        result = CliRunner().invoke(
            main, ["convert", str(export), "--to", "jsonl", "-o", str(tmp_path / "out.jsonl"), "--jobs", "2"]
        )
    finally:
        set_max_item_size(DEFAULT_MAX_ITEM_SIZE)
    assert result.exit_code == 0  # the option's default put back the 64 MB limit
    out = str(tmp_path / "out.jsonl")
    result = CliRunner().invoke(
        main, ["convert", str(export), "--to", "jsonl", "-o", out, "--jobs", "2", "--max-item-size", "1MB", "-q"]
    )
    assert result.exit_code == 1 and "larger than 1 MB" in result.output


def test_a_last_range_is_bounded_too(tmp_path: Path) -> None:
    export = tmp_path / "export.xml"
    export.write_text(
        HEAD + "".join(item(n, "b" * 20_000) for n in range(1, 100)) + item(500, "c" * 3_000_000) + TAIL,
        encoding="utf-8",
    )
    set_max_item_size(1_000_000)
    try:
        assert cuts.plan(export, "export.xml", 2, chunk=600_000) is None
    finally:
        set_max_item_size(DEFAULT_MAX_ITEM_SIZE)


# -- compressed bombs, every command, bounded memory --------------------------------

ADDRESS_SPACE = 400 * 1024 * 1024  # a normal run of any command takes under 50 MB of it
RUN = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[1]), int(sys.argv[1])))
from wxrtool.cli import main
main(sys.argv[2:], prog_name="wxrtool")
"""


def bomb(opening: bytes, closing: bytes, compress: object) -> bytes:
    """A gigabyte of ``a`` between ``opening`` and ``closing`` in an item, as a multi-stream file."""
    head = HEAD.encode() + b"<item>\n<title>Bomb</title>\n<content:encoded>" + opening
    block = compress(b"a" * (8 << 20))  # type: ignore[operator]
    tail = closing + b"</content:encoded>\n</item>\n" + TAIL.encode()
    return compress(head) + block * 128 + compress(tail)  # type: ignore[operator, no-any-return]


@pytest.fixture(scope="module")
def bombs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("bombs")
    made = {
        "cdata.xml.bz2": bomb(b"<![CDATA[", b"]]>", bz2.compress),
        "comment.xml.gz": bomb(b"<!--", b"-->", gzip.compress),
    }
    for name, data in made.items():
        (folder / name).write_bytes(data)
    assert len(made["cdata.xml.bz2"]) < 10_000
    return {name: folder / name for name in made}


COMMANDS = {
    "jsonl": ["convert", "{file}", "--to", "jsonl", "-o", "{out}/out.jsonl"],
    "markdown": ["convert", "{file}", "--to", "markdown", "-o", "{out}/site"],
    "stats": ["stats", "{file}"],
    "validate": ["validate", "{file}"],
    "media": ["media", "{file}"],
    "split": ["split", "{file}", "--max-size", "10MB", "-o", "{out}/parts"],
    "recover": ["convert", "{file}", "--to", "jsonl", "-o", "{out}/out.jsonl", "--recover"],
}


def run_limited(command: str, file: Path, out: Path) -> subprocess.CompletedProcess[str]:
    args = [a.format(file=file, out=out) for a in COMMANDS[command]]
    return subprocess.run(
        [sys.executable, "-c", RUN, str(ADDRESS_SPACE), *args], capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_normal_run_fits_in_the_address_space_limit(command: str, tmp_path: Path) -> None:
    proc = run_limited(command, SAMPLES / "klout.xml", tmp_path)
    assert proc.returncode == 0, proc.stderr


@pytest.mark.skipif(resource.RLIMIT_AS is None, reason="no address-space limit here")
@pytest.mark.parametrize("name", ["cdata.xml.bz2", "comment.xml.gz"])
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_stops_a_bomb_with_one_clear_line(
    command: str, name: str, bombs: dict[str, Path], tmp_path: Path
) -> None:
    proc = run_limited(command, bombs[name], tmp_path)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr + proc.stdout
    # validate lists the problem on stdout and counts it on stderr; the others print one Error: line.
    line = proc.stdout if command == "validate" else proc.stderr
    assert line.count("\n") == 1, line
    assert f"{bombs[name]}:6: " in line
    assert "larger than 64 MB, the --max-item-size limit; reading stopped in its <content:encoded> on line 8" in line

"""WordPress.com's export download, a zip of XML files, read as one site wherever a path is.

The XML files (one, or the parts of a split export, in a folder or not) are read in name
order as :func:`wxrtool.read.read_parts` reads a split export; other files are ignored. Before
anything is inflated the archive is bounded: a few files listed, each XML file deflated or
stored, not encrypted, and inflating at most ``MAX_INFLATION`` times; as it is read, the item
size limit holds as for any export. Member names are shown, never used as paths.
"""

from __future__ import annotations

import io
import json
import os
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

import wxrtool
from wxrtool.cli import main
from wxrtool.errors import ArchiveError, ItemTooLargeError
from wxrtool.inputs import opened
from wxrtool.read import read_parts
from wxrtool.source import MAX_INFLATION, MAX_ZIP_FILES
from wxrtool.split import split

from .conftest import BENCH_GENERATOR, SAMPLES

SITE = SAMPLES / "drafts-and-pages.xml"


def zipped(path: Path, members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


@pytest.fixture(scope="module")
def parts(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """drafts-and-pages.xml split as WP-CLI and WordPress.com split big exports."""
    folder = tmp_path_factory.mktemp("parts") / "parts"
    report = split(SITE, 6000, str(folder))
    assert len(report.parts) >= 3
    return [folder / name for name in report.parts]


def test_one_export_in_a_folder_reads_as_the_file_does(tmp_path: Path) -> None:
    archive = zipped(tmp_path / "site.zip", {"export/site.wordpress.2025-01-19.000.xml": SITE.read_bytes()})
    assert list(wxrtool.read(archive)) == list(wxrtool.read(SITE))


def test_the_parts_of_a_split_export_read_as_one_site(tmp_path: Path, parts: list[Path]) -> None:
    members = {f"site/{p.name}": p.read_bytes() for p in reversed(parts)}  # (stored out of order)
    members["site/media/logo.png"] = b"\x89PNG not read"
    members["__MACOSX/site/._" + parts[0].name] = b"\x00\x05\x16\x07 a resource fork, not XML"
    archive = zipped(tmp_path / "site.zip", members)
    reader = wxrtool.Reader(archive)
    records = list(reader)
    assert records == list(read_parts([str(p) for p in parts]))
    assert sum(isinstance(r, wxrtool.Site) for r in records) == 1
    assert {r.id for r in records if isinstance(r, wxrtool.Post)} == {
        r.id for r in wxrtool.read(SITE) if isinstance(r, wxrtool.Post)
    }


def _part(n: int) -> bytes:
    """An export of one item, ``n`` its id and title."""
    item = f"<item><title>{n}</title><wp:post_id>{n}</wp:post_id></item>"
    return (
        '<?xml version="1.0"?><rss xmlns:wp="http://wordpress.org/export/1.2/"><channel>'
        f"<wp:wxr_version>1.2</wp:wxr_version>{item}</channel></rss>"
    ).encode()


def test_parts_are_read_in_the_order_their_numbers_say(tmp_path: Path) -> None:
    archive = zipped(tmp_path / "site.zip", {f"site.{n}.xml": _part(n) for n in (10, 2, 1)})
    assert [r.id for r in wxrtool.read(archive) if isinstance(r, wxrtool.Post)] == [1, 2, 10]


def test_names_with_digits_int_refuses_are_ordered_too(tmp_path: Path) -> None:
    """A name's runs of ASCII digits count by their value however long ("²" is no digit to it): a
    superscript passed str.isdigit() and 5,000 digits passed the pattern, and int() stopped the read."""

    names = {"site.\u00b21.xml": 3, "site." + "9" * 5000 + ".xml": 4, "site.010.xml": 2, "site.9.xml": 1}
    archive = zipped(tmp_path / "site.zip", {name: _part(n) for name, n in names.items()})
    assert [r.id for r in wxrtool.read(archive) if isinstance(r, wxrtool.Post)] == [1, 2, 4, 3]


def test_every_command_that_takes_an_export_takes_the_zip(tmp_path: Path, parts: list[Path]) -> None:
    archive = zipped(tmp_path / "site.zip", {p.name: p.read_bytes() for p in parts})
    runner = CliRunner()
    for args in (["validate"], ["stats", "--json"], ["media", "--json"]):
        by_zip, by_file = runner.invoke(main, [*args, str(archive)]), runner.invoke(main, [*args, str(SITE)])
        assert by_zip.exit_code == by_file.exit_code == 0, (args, by_zip.output)
    stats = json.loads(runner.invoke(main, ["stats", "--json", str(archive)]).stdout)
    assert stats["items"] == json.loads(runner.invoke(main, ["stats", "--json", str(SITE)]).stdout)["items"]
    for jobs in ("1", "4"):  # (a zip is never cut into byte ranges for workers)
        out = tmp_path / f"site-{jobs}.json"
        result = runner.invoke(main, ["convert", str(archive), "--to", "json", "-o", str(out), "--jobs", jobs])
        assert result.exit_code == 0, result.output
        assert json.loads(out.read_text())["posts"]
    built = tmp_path / "public"
    built.mkdir()
    (built / "index.html").write_text("<p>home</p>")
    checks = [
        runner.invoke(main, ["check-urls", str(export), str(built), "--json", "-q"]).stdout
        for export in (archive, SITE)
    ]
    assert json.loads(checks[0])["addresses"] and checks[0] == checks[1]


def test_a_zip_is_no_plain_file_for_workers(tmp_path: Path) -> None:
    archive = zipped(tmp_path / "site.zip", {"site.xml": SITE.read_bytes()}, zipfile.ZIP_STORED)
    with opened(str(archive)) as export:
        assert export.path is None and export.size is None


def test_gzip_inside_the_zip(tmp_path: Path) -> None:
    import gzip

    archive = zipped(tmp_path / "site.zip", {"site.xml.gz": gzip.compress(SITE.read_bytes())}, zipfile.ZIP_STORED)
    assert list(wxrtool.read(archive)) == list(wxrtool.read(SITE))


def test_a_zip_from_a_seekable_stream(tmp_path: Path) -> None:
    archive = zipped(tmp_path / "site.zip", {"site.xml": SITE.read_bytes()})
    assert list(wxrtool.read(io.BytesIO(archive.read_bytes()))) == list(wxrtool.read(SITE))


def test_a_zip_on_a_pipe_is_a_clear_error(tmp_path: Path) -> None:
    archive = zipped(tmp_path / "site.zip", {"site.xml": SITE.read_bytes()})
    result = subprocess.run(
        [sys.executable, "-m", "wxrtool", "convert", "-", "--to", "json", "-o", str(tmp_path / "out.json")],
        input=archive.read_bytes(),
        capture_output=True,
        timeout=60,
    )
    assert result.returncode == 1 and b"Traceback" not in result.stderr
    assert result.stderr.startswith(b"Error: -: a zip archive read from a pipe") and b"path" in result.stderr


# -- What is not an export, or not safe to inflate ------------------------------------


def test_a_document_is_not_an_export(tmp_path: Path) -> None:
    docx = zipped(tmp_path / "export.docx", {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"})
    with pytest.raises(wxrtool.NotWXRError, match="a document"):
        list(wxrtool.read(docx))


def test_an_xml_file_that_is_no_export_is_named_inside_the_zip(tmp_path: Path) -> None:
    archive = zipped(tmp_path / "site.zip", {"sitemap.xml": b'<?xml version="1.0"?><urlset><url/></urlset>'})
    with pytest.raises(wxrtool.NotWXRError, match="root element is <urlset>") as info:
        list(wxrtool.read(archive))
    assert info.value.file == f"{archive}/sitemap.xml"


def test_thousands_of_files_are_refused_before_they_are_listed(tmp_path: Path) -> None:
    archive = zipped(tmp_path / "many.zip", {f"f{n}.xml": b"" for n in range(MAX_ZIP_FILES + 1000)})
    # (told from the archive's end record, before zipfile reads the list into memory)
    with pytest.raises(ArchiveError, match=f"lists {MAX_ZIP_FILES + 1000} files in "):
        list(wxrtool.read(archive))


def test_a_zip_bomb_is_refused_before_it_inflates(tmp_path: Path) -> None:
    # 40 MB of an item's text in 40 KB: a thousand times, where exports inflate 5 to 20.
    body = b'<?xml version="1.0"?><rss><channel><item><title>' + b" " * 40_000_000 + b"</title></item></channel></rss>"
    archive = zipped(tmp_path / "bomb.zip", {"export.xml": body})
    info = zipfile.ZipFile(archive).getinfo("export.xml")
    assert info.file_size > MAX_INFLATION * info.compress_size
    del body
    with pytest.raises(ArchiveError, match="zip bomb") as error:
        list(wxrtool.read(archive))
    assert error.value.file == f"{archive}/export.xml"


def test_an_item_past_the_size_limit_stops_the_read_as_in_any_export(tmp_path: Path) -> None:
    body = b'<?xml version="1.0"?><rss><channel><item><title>' + b"x" * 3_000_000 + b"</title></item></channel></rss>"
    archive = zipped(tmp_path / "big.zip", {"export.xml": body})
    with pytest.raises(ItemTooLargeError, match="larger than 1 MB") as error:
        list(wxrtool.read(archive, max_item_size=1_000_000))
    assert error.value.file == f"{archive}/export.xml"


def test_nothing_past_the_size_a_file_declares_is_inflated(tmp_path: Path) -> None:
    """A header that says 1,000 bytes for 10 MB: zipfile stops at 1,000 and the CRC fails."""
    archive = zipped(tmp_path / "lies.zip", {"export.xml": b"<!-- " + b"a" * 10_000_000 + b" -->"})
    data = bytearray(archive.read_bytes())
    local = data.index(b"PK\x03\x04")
    central = data.index(b"PK\x01\x02")
    struct.pack_into("<L", data, local + 22, 1000)  # uncompressed size, in both headers
    struct.pack_into("<L", data, central + 24, 1000)
    archive.write_bytes(bytes(data))
    with pytest.raises(ArchiveError, match="CRC"):
        list(wxrtool.read(archive))


@pytest.mark.parametrize("method", [zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA], ids=["bzip2", "lzma"])
def test_compression_whose_memory_cannot_be_bounded_is_refused(method: int, tmp_path: Path) -> None:
    archive = zipped(tmp_path / "site.zip", {"site.xml": SITE.read_bytes()}, method)
    with pytest.raises(ArchiveError, match=f"method {method}"):
        list(wxrtool.read(archive))


def test_an_encrypted_file_is_refused(tmp_path: Path) -> None:
    archive = zipped(tmp_path / "site.zip", {"site.xml": SITE.read_bytes()})
    data = bytearray(archive.read_bytes())
    struct.pack_into("<H", data, data.index(b"PK\x01\x02") + 8, 0x1)  # "encrypted", in the list
    archive.write_bytes(bytes(data))
    with pytest.raises(ArchiveError, match="the XML file in the zip archive is encrypted"):
        list(wxrtool.read(archive))


def test_a_zip_inside_the_zip_is_not_opened(tmp_path: Path) -> None:
    inner = zipped(tmp_path / "inner.zip", {"site.xml": SITE.read_bytes()}).read_bytes()
    archive = zipped(tmp_path / "outer.zip", {"site.xml": inner})
    with pytest.raises(ArchiveError, match="a zip archive inside the zip archive"):
        list(wxrtool.read(archive))


def test_a_truncated_zip_is_a_clear_error(tmp_path: Path) -> None:
    archive = zipped(tmp_path / "site.zip", {"site.xml": SITE.read_bytes()})
    archive.write_bytes(archive.read_bytes()[:2000])
    with pytest.raises(ArchiveError, match="without its end"):
        list(wxrtool.read(archive))


def test_member_names_are_only_ever_shown(tmp_path: Path) -> None:
    """A name that climbs out or holds a terminal escape: read, named in messages (escaped), never a path."""
    work = tmp_path / "work"
    work.mkdir()
    archive = zipped(
        work / "site.zip",
        {"../../outside.xml": SITE.read_bytes(), "/abs/\x1b[2Jevil.xml": b"<?xml version='1.0'?><evil/>"},
    )
    before = sorted(tmp_path.rglob("*"))
    result = subprocess.run(
        [sys.executable, "-m", "wxrtool", "validate", str(archive)],
        capture_output=True,
        text=True,
        cwd=work,
        timeout=60,
    )
    assert sorted(tmp_path.rglob("*")) == before
    assert result.returncode == 1 and "\x1b" not in result.stdout + result.stderr
    assert f"{archive}//abs/\\x1b[2Jevil.xml" in result.stdout and "root element is <evil>" in result.stdout
    assert not (tmp_path.parent / "outside.xml").exists() and not Path("/abs").exists()


@pytest.mark.skipif(not BENCH_GENERATOR.is_file(), reason="../shared/bench/make_wxr.py is absent")
def test_memory_does_not_grow_with_the_zipped_file(tmp_path: Path) -> None:
    measure = """
import sys, wxrtool
for record in wxrtool.read(sys.argv[1]):
    pass
with open("/proc/self/status") as status:
    print(next(line.split()[1] for line in status if line.startswith("VmHWM:")))
"""
    peaks = []
    for size in ("2MB", "24MB"):
        xml = tmp_path / f"{size}.xml"
        subprocess.run([sys.executable, str(BENCH_GENERATOR), "--size", size, "--out", str(xml), "-q"], check=True)
        archive = zipped(tmp_path / f"{size}.zip", {f"export/{size}.xml": xml.read_bytes()})
        os.remove(xml)
        run = subprocess.run([sys.executable, "-c", measure, str(archive)], capture_output=True, text=True, check=True)
        peaks.append(int(run.stdout))
    small, large = peaks
    assert large - small < 16 * 1024, peaks  # KiB: 12 times the export, not 12 times the memory


def test_a_zip_of_two_sites_is_not_read_as_one(tmp_path: Path) -> None:
    """Two exports zipped together were one site: the first's title over both sites' posts, exit 0."""
    archive = tmp_path / "two.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(SAMPLES / "klout.xml", "klout.xml")
        z.write(SAMPLES / "rules.xml", "rules.xml")
    result = CliRunner().invoke(main, ["convert", str(archive), "--to", "json", "-o", str(tmp_path / "o.json")])
    assert result.exit_code == 1 and not (tmp_path / "o.json").exists()
    assert "two.zip/rules.xml: a part of another site: this file exports 'https://atoll.example.org'" in result.stderr


def test_the_parts_of_one_blog_may_spell_its_address_apart(tmp_path: Path) -> None:
    """Only another blog is another site: http and https, letter case, a last '/' are one blog's."""
    text = (SAMPLES / "klout.xml").read_text(encoding="utf-8")
    other = text.replace("<wp:base_blog_url>http://jeffturner.info</wp:base_blog_url>",
                         "<wp:base_blog_url>HTTPS://JeffTurner.info/</wp:base_blog_url>")  # fmt: skip
    assert other != text
    archive = tmp_path / "one.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("a.xml", text)
        z.writestr("b.xml", other)
    result = CliRunner().invoke(main, ["convert", str(archive), "--to", "json", "-o", str(tmp_path / "o.json")])
    assert result.exit_code == 0, result.stderr


def test_a_part_missing_or_twice_in_a_zip_is_refused(tmp_path: Path, parts: list[Path]) -> None:
    # As convert refuses parts given on the command line that skip one or repeat one: in a zip
    # they were read as they were, a part's items missing (exit 0) or read twice.
    missing = zipped(tmp_path / "missing.zip", {f"site/{p.name}": p.read_bytes() for p in parts if p != parts[1]})
    with pytest.raises(wxrtool.WXRError) as caught:
        list(wxrtool.read(missing))
    assert "skip" in caught.value.message and caught.value.file == f"{missing}/site/{parts[2].name}"
    twice = {f"site/{p.name}": p.read_bytes() for p in parts} | {f"copy/{parts[0].name}": parts[0].read_bytes()}
    with pytest.raises(wxrtool.WXRError, match="given twice"):
        list(wxrtool.read(zipped(tmp_path / "twice.zip", twice)))
    two_sites = {"a.000.xml": parts[0].read_bytes(), "b.000.xml": SITE.read_bytes()}
    assert list(wxrtool.read(zipped(tmp_path / "two.zip", two_sites)))  # (named otherwise: read as they are)

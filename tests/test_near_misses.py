"""Files that are almost an export, or not one at all: each is called what it is, in one line.

Every case is a real file under ``tmp_path`` given to the command line as a user would
(``python -m wxrtool validate FILE`` and ``convert FILE --to json -o out.json``): exit
status 1, one ``Error:`` line (or one ``error`` problem) with its own reason, no traceback,
and never the generic "not well-formed XML" or a hint that would lead to an empty read.
With ``--recover`` no error suggests ``--recover``.
"""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

import wxrtool
from wxrtool.errors import EmptyInputError

DECLARATION = '<?xml version="1.0" encoding="UTF-8" ?>\n'
WP = "http://wordpress.org/export/1.2/"


def export(item: str = "<item><title>Hello</title><wp:post_id>1</wp:post_id></item>") -> str:
    return (
        DECLARATION + f'<rss version="2.0" xmlns:wp="{WP}" xmlns:dc="http://purl.org/dc/elements/1.1/">\n'
        "<channel>\n<title>Site</title>\n<wp:wxr_version>1.2</wp:wxr_version>\n"
        f"{item}\n</channel>\n</rss>\n"
    )


def wxr_13(path: Path) -> None:
    # The proposed WXR 1.3 (github.com/pbiron/wxr, 1.3-proposed): its version on <rss>, its
    # elements in http://wordpress.org/export/ (no version), no <wp:wxr_version>.
    path.write_text(
        DECLARATION + '<rss version="2.0" xmlns:wxr="http://wordpress.org/export/"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/" wxr:version="1.3">\n<channel>\n<title>test</title>\n'
        "<wxr:user><wxr:id>69</wxr:id><wxr:login>admin</wxr:login></wxr:user>\n"
        "<item><title>Hello world!</title><wxr:id>1</wxr:id><wxr:type>post</wxr:type></item>\n"
        "</channel>\n</rss>\n"
    )


def zip_of_photos(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("photos/beach.jpg", b"\xff\xd8\xff\xe0 not really a jpeg")
        archive.writestr("notes.txt", "the media library, not the export")


def html_page(path: Path) -> None:
    # What a browser saves when the export link led to the login page instead.
    path.write_text(
        '<!DOCTYPE html>\n<html lang="en-US">\n<head><title>Log In &lsaquo; Site</title></head>\n'
        '<body class="login"><form name="loginform" action="/wp-login.php"></form></body>\n</html>\n'
    )


def empty(path: Path) -> None:
    path.write_bytes(b"")


def site_feed(path: Path) -> None:
    # https://example.org/feed/ saved: RSS with WordPress's feed namespaces, none of its export's.
    path.write_text(
        DECLARATION + '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"'
        ' xmlns:wfw="http://wellformedweb.org/CommentAPI/" xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:atom="http://www.w3.org/2005/Atom" xmlns:sy="http://purl.org/rss/1.0/modules/syndication/">\n'
        "<channel>\n<title>Site</title>\n"
        '<atom:link href="https://example.org/feed/" rel="self" type="application/rss+xml" />\n'
        "<link>https://example.org</link>\n<generator>https://wordpress.org/?v=6.5.2</generator>\n"
        "<item><title>Hello</title><link>https://example.org/hello/</link><dc:creator>admin</dc:creator>"
        "<content:encoded><![CDATA[<p>Hi</p>]]></content:encoded></item>\n</channel>\n</rss>\n"
    )


def plugin_export(path: Path) -> None:
    # Another plugin's export (WP All Export's XML, say): its own root.
    path.write_text(DECLARATION + "<data>\n<post>\n<ID>1</ID>\n<Title>Hello</Title>\n</post>\n</data>\n")


def png_image(path: Path) -> None:
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))


def json_export(path: Path) -> None:
    path.write_text('{"posts": [{"id": 1, "title": "Hello"}]}\n')


def notes_file(path: Path) -> None:
    path.write_text("My blog's posts, to move:\n- Hello\n")


# name -> (writes the file, words the error must have, the library's exception)
CASES: dict[str, tuple[Callable[[Path], None], str, type[Exception]]] = {
    "wxr-1.3": (wxr_13, "a WXR 1.3 export, which this version does not read", wxrtool.NotWXRError),
    "zip-of-photos": (zip_of_photos, "a zip archive that holds no export", wxrtool.NotWXRError),
    "html-page": (html_page, "an HTML page, not a WordPress export", wxrtool.NotWXRError),
    "empty": (empty, "the file is empty", EmptyInputError),
    "site-feed": (
        site_feed,
        "an RSS feed (such as a site's /feed/ address), not a WordPress export",
        wxrtool.NotWXRError,
    ),
    "plugin-export": (plugin_export, "the root element is <data>", wxrtool.NotWXRError),
    # (each was "not well-formed XML ... the export is damaged there; --recover repairs what it can")
    "png-image": (png_image, "not a WordPress export: a PNG image", wxrtool.NotWXRError),
    "json-file": (json_export, "not a WordPress export: JSON", wxrtool.NotWXRError),
    "text-file": (
        notes_file,
        "not a WordPress export: text that is not XML (it starts \"My blog's",
        wxrtool.NotWXRError,
    ),
}
SUFFIX = {"zip-of-photos": ".zip", "html-page": ".html"}
# What a near miss must never be called, or be told to do: the generic reasons, and the
# hints that would make the file read as an export with nothing in it.
NEVER = ("not well-formed XML", "wxr_version", "DOCTYPE", "Traceback")


def write(tmp_path: Path, case: str) -> Path:
    path = tmp_path / f"{case}{SUFFIX.get(case, '.xml')}"
    CASES[case][0](path)
    return path


def wxrtool_cli(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wxrtool", *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=60
    )


@pytest.mark.parametrize("case", CASES)
def test_the_library_raises_its_own_reason(case: str, tmp_path: Path) -> None:
    path = write(tmp_path, case)
    _, words, error = CASES[case]
    with pytest.raises(error) as info:
        list(wxrtool.read(path))
    assert words in str(info.value) and "\n" not in str(info.value)
    assert info.value.hint and "Tools > Export" in info.value.hint
    assert not any(never in str(info.value) for never in NEVER)


@pytest.mark.parametrize("case", CASES)
def test_convert_says_it_in_one_line(case: str, tmp_path: Path) -> None:
    path = write(tmp_path, case)
    result = wxrtool_cli("convert", path, "--to", "json", "-o", "out.json", cwd=tmp_path)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.startswith(f"Error: {path}")
    assert CASES[case][1] in result.stderr
    assert not any(never in result.stderr for never in NEVER)
    assert not (tmp_path / "out.json").exists()


@pytest.mark.parametrize("case", CASES)
def test_validate_says_it_as_one_error(case: str, tmp_path: Path) -> None:
    path = write(tmp_path, case)
    result = wxrtool_cli("validate", path, cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    errors = [line for line in result.stdout.splitlines() if ": error " in line]
    assert len(errors) == 1 and CASES[case][1] in errors[0] and " error not-wxr: " in errors[0]
    assert not any(never in errors[0] for never in NEVER)


@pytest.mark.parametrize("case", [*CASES, "damaged-header"])
@pytest.mark.parametrize("command", ["convert", "stats"])
def test_with_recover_no_error_suggests_recover(case: str, command: str, tmp_path: Path) -> None:
    if case == "damaged-header":  # broken before anything could be kept
        path = tmp_path / "damaged.xml"
        path.write_text(DECLARATION + f'<rss xmlns:wp="{WP}"><chan nel>')
    else:
        path = write(tmp_path, case)
    extra = ("--to", "json", "-o", "out.json") if command == "convert" else ()
    result = wxrtool_cli(command, path, *extra, "--recover", cwd=tmp_path)
    assert result.returncode == 1 and result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1
    assert "--recover" not in result.stderr and "Traceback" not in result.stderr


def test_a_wxr_13_file_is_not_told_to_add_a_version(tmp_path: Path) -> None:
    """Read as 1.2 (with the <wp:wxr_version> the old hint said to add), every item came out empty."""
    path = write(tmp_path, "wxr-1.3")
    with pytest.raises(wxrtool.NotWXRError) as info:
        list(wxrtool.read(path))
    assert "not a WordPress export" not in str(info.value) and "WXR 1.2" in str(info.value.hint)


def test_a_wxr_13_namespace_without_the_version_attribute(tmp_path: Path) -> None:
    path = tmp_path / "unversioned.xml"
    wxr_13(path)
    path.write_text(path.read_text().replace(' wxr:version="1.3"', ""))
    with pytest.raises(wxrtool.NotWXRError, match=r"a WXR 1\.3 export"):
        list(wxrtool.read(path))


def test_another_programs_export_is_called_that_however_large(tmp_path: Path) -> None:
    """Told from its start: not read to the end (or to the item size limit) to find no <rss>."""
    path = tmp_path / "posts.xml"
    path.write_text(DECLARATION + "<data>\n" + "<post><ID>1</ID><Title>Hello</Title></post>\n" * 20_000 + "</data>\n")
    with pytest.raises(wxrtool.NotWXRError, match="the root element is <data>") as info:
        list(wxrtool.read(path, max_item_size=100_000))
    assert (info.value.line, info.value.column) == (2, 1) and "another program's" in str(info.value.hint)


def test_an_export_missing_only_its_version_keeps_its_own_reason() -> None:
    """Not a feed: the export's namespace and elements are there."""
    data = export().replace("<wp:wxr_version>1.2</wp:wxr_version>", "<wp:base_site_url>x</wp:base_site_url>")
    with pytest.raises(wxrtool.NotWXRError, match="there is no <wp:wxr_version>"):
        list(wxrtool.read(io.BytesIO(data.encode())))


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"  \n\n\t", "the file holds only blank space"),
        (b"\xef\xbb\xbf\n", "the file holds only blank space"),
        (b'<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title></feed>', "an Atom feed"),
        (b"<html><body><p>Not found</p></body></html>", "an HTML page"),
        (DECLARATION.encode() + b'<html xmlns="http://www.w3.org/1999/xhtml"><body/></html>', "an HTML page"),
        (b"<!doctype html>\n<html><body>a<br>b</body></html>", "an HTML page"),
    ],
    ids=["blank", "bom-only", "atom", "html", "xhtml", "html5-lowercase"],
)
def test_more_things_that_are_not_exports(data: bytes, words: str) -> None:
    with pytest.raises(wxrtool.NotWXRError) as info:
        list(wxrtool.read(io.BytesIO(data)))
    assert words in str(info.value)


def test_an_empty_file_compressed_says_so(tmp_path: Path) -> None:
    import gzip

    path = tmp_path / "export.xml.gz"
    path.write_bytes(gzip.compress(b""))
    with pytest.raises(EmptyInputError, match=r"empty once decompressed \(gzip\)"):
        list(wxrtool.read(path))


def test_an_html_doctype_is_still_never_parsed(tmp_path: Path) -> None:
    """Called an HTML page, not an unsafe DOCTYPE: still refused before the parser sees it."""
    page = b'<!DOCTYPE html [<!ENTITY x SYSTEM "file:///etc/passwd">]><html><body>&x;</body></html>'
    with pytest.raises(wxrtool.NotWXRError, match="an HTML page"):
        list(wxrtool.read(io.BytesIO(page)))
    with pytest.raises(wxrtool.UnsafeXMLError):
        list(wxrtool.read(io.BytesIO(page.replace(b"DOCTYPE html", b"DOCTYPE rss").replace(b"<html>", b"<rss>"))))

"""Media: the inventory, safe downloads against a local server, and links rewritten in writers."""

from __future__ import annotations

import contextlib
import csv
import http.server
import io
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

import wxrtool
from wxrtool.cli import main
from wxrtool.fetch import FetchPolicy, download_all
from wxrtool.media import inventory, local_path

from .conftest import SAMPLES

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8
STATE: dict[str, int] = {}


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass

    def handle(self) -> None:
        # The client gives up on a slow answer, as it should: no noise about it.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            super().handle()

    def send_bytes(self, body: bytes, status: int = 200, extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(body)))
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        path = self.path
        STATE[path] = STATE.get(path, 0) + 1
        if path.startswith("/wp-content/uploads/ok/"):
            self.send_bytes(PNG)
        elif path.endswith("/missing.png"):
            self.send_error(404)
        elif path.endswith("/slow.png"):
            time.sleep(1.5)
            self.send_bytes(PNG)
        elif path.endswith("/away.png"):
            self.send_response(302)
            self.send_header("Location", "http://other.example/stolen.png")
            self.end_headers()
        elif path.endswith("/moved.png"):
            self.send_response(301)
            self.send_header("Location", "/wp-content/uploads/ok/moved-here.png")
            self.end_headers()
        elif path.endswith("/big.png"):
            self.send_bytes(PNG * 64)
        elif path.endswith("/flaky.png"):
            ranged = self.headers.get("Range")
            if ranged:
                start = int(ranged.split("=")[1].rstrip("-"))
                self.send_bytes(PNG[start:], 206, {"Content-Range": f"bytes {start}-{len(PNG) - 1}/{len(PNG)}"})
            else:
                self.send_response(200)
                self.send_header("Content-Length", str(len(PNG)))
                self.end_headers()
                self.wfile.write(PNG[:700])  # and the connection drops
                self.close_connection = True
        elif path.endswith("/error500.png"):
            if STATE[path] == 1:
                self.send_error(500)
            else:
                self.send_bytes(PNG)
        else:
            self.send_error(404)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


NAMES = [
    "ok/a.png",
    "ok/a-150x150.png",
    "missing.png",
    "slow.png",
    "away.png",
    "moved.png",
    "big.png",
    "flaky.png",
    "error500.png",
]


def export(base: str) -> str:
    uploads = f"{base}/wp-content/uploads"
    images = "".join(f'<img src="{uploads}/{name}" alt="{name}" />\n' for name in NAMES)
    attachment = (
        f"<item><title>a</title><wp:post_id>11</wp:post_id><wp:post_type>attachment</wp:post_type>"
        f"<wp:status>inherit</wp:status><wp:post_parent>10</wp:post_parent>"
        f"<wp:attachment_url>{uploads}/ok/a.png</wp:attachment_url>"
        "<wp:postmeta><wp:meta_key>_wp_attachment_image_alt</wp:meta_key><wp:meta_value>An A</wp:meta_value></wp:postmeta>"
        '<wp:postmeta><wp:meta_key>_wp_attachment_metadata</wp:meta_key><wp:meta_value><![CDATA[a:3:{s:5:"width";i:300;s:6:"height";i:200;s:5:"sizes";a:1:{s:9:"thumbnail";a:3:{s:4:"file";s:13:"a-150x150.png";s:5:"width";i:150;s:6:"height";i:150;}}}]]></wp:meta_value></wp:postmeta>'
        "</item>"
    )
    post = (
        f"<item><title>Pictures</title><link>{base}/pictures/</link><wp:post_id>10</wp:post_id>"
        "<wp:post_name>pictures</wp:post_name><wp:post_type>post</wp:post_type><wp:status>publish</wp:status>"
        "<wp:post_date>2024-01-01 10:00:00</wp:post_date><wp:post_date_gmt>2024-01-01 10:00:00</wp:post_date_gmt>"
        f'<content:encoded><![CDATA[{images}<a href="http://other.example/elsewhere.pdf">pdf</a>\n[gallery ids="11"]]]></content:encoded>'
        "<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>11</wp:meta_value></wp:postmeta></item>"
    )
    return (
        '<rss xmlns:wp="http://wordpress.org/export/1.2/" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        f"<channel><title>Media</title><link>{base}</link><wp:wxr_version>1.2</wp:wxr_version>"
        f"<wp:base_site_url>{base}</wp:base_site_url>{post}{attachment}</channel></rss>"
    )


@pytest.fixture
def site(server: str, tmp_path: Path) -> Path:
    STATE.clear()
    path = tmp_path / "export.xml"
    path.write_text(export(server), encoding="utf-8")
    return path


def test_inventory_of_the_seed_sample() -> None:
    found = inventory(SAMPLES / "klout.xml")
    original, variant = found.items.values()
    assert original.roles == ["content", "attachment", "featured"] and original.width == 300
    assert original.sizes[0]["url"] == variant.url and variant.original == original.url
    assert found.by_host() == {"jeffturner.info": 2}


def test_inventory_roles_and_hosts(site: Path, server: str) -> None:
    found = inventory(site)
    a = found.items[f"{server}/wp-content/uploads/ok/a.png"]
    assert (
        set(a.roles) == {"content", "attachment", "featured", "gallery"}
        and a.alt == "An A"
        and a.mime_type == "image/png"
    )
    assert "other.example" in found.by_host()
    assert found.items[f"{server}/wp-content/uploads/ok/a-150x150.png"].original == a.url
    assert a.width == 300 and a.sizes[0]["url"].endswith("/ok/a-150x150.png")


def test_downloads_fetch_skip_fail_and_resume(site: Path, server: str, tmp_path: Path) -> None:
    found = inventory(site)
    policy = FetchPolicy(
        hosts=found.site_hosts, allow_private=True, max_bytes=4096, timeout=0.5, retries=2, backoff=0.05
    )
    outcomes = {o.url.rsplit("/", 1)[1]: o for o in download_all(found.items, str(tmp_path / "media"), policy)}
    assert outcomes["a.png"].status == "fetched"
    assert (tmp_path / "media" / local_path(outcomes["a.png"].url)).read_bytes() == PNG
    assert outcomes["missing.png"].status == "failed" and outcomes["missing.png"].reason == "HTTP 404"
    assert outcomes["slow.png"].status == "failed" and "after 2 tries" in outcomes["slow.png"].reason
    assert (
        outcomes["away.png"].status == "failed"
        and "other.example is not one of the site's hosts" in outcomes["away.png"].reason
    )
    assert outcomes["moved.png"].status == "fetched"
    assert outcomes["big.png"].status == "failed" and "over the limit" in outcomes["big.png"].reason
    assert outcomes["flaky.png"].status == "fetched" and outcomes["flaky.png"].reason == "resumed"
    assert (tmp_path / "media" / local_path(outcomes["flaky.png"].url)).read_bytes() == PNG
    assert outcomes["error500.png"].status == "fetched"
    assert (
        outcomes["elsewhere.pdf"].status == "failed"  # a refusal: --host allows it
        and "not one of the site's hosts (--host " in outcomes["elsewhere.pdf"].reason
    )
    again = {o.url.rsplit("/", 1)[1]: o for o in download_all(found.items, str(tmp_path / "media"), policy)}
    assert again["a.png"].status == "skipped" and again["a.png"].reason == "already downloaded"


def test_private_addresses_refused_by_default(site: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["media", str(site), "--download", str(tmp_path / "m")])
    assert result.exit_code == 1  # a refusal is a failure, not a skip
    assert "0 fetched" in result.stderr and "which is not a public address" in result.stderr
    assert "failed: http://127.0.0.1:" in result.stderr
    assert not (tmp_path / "m").exists() or not any((tmp_path / "m").rglob("*.png"))


def test_media_command_outputs(site: Path, server: str, tmp_path: Path) -> None:
    runner = CliRunner()
    data = json.loads(runner.invoke(main, ["media", str(site), "--json"]).stdout)
    assert data["site_hosts"] == ["127.0.0.1"] and len(data["files"]) == 10
    csv_text = runner.invoke(main, ["media", str(site), "--csv"]).stdout
    assert csv_text.splitlines()[0].startswith("url,host,roles")
    media = tmp_path / "media"
    failing = runner.invoke(main, ["media", str(site), "--download", str(media), "--allow-private", "--timeout", "0.5"])
    assert failing.exit_code == 1
    assert "6 fetched, 0 skipped, 4 failed" in failing.stderr
    failed = sorted(
        line.split(": ", 2)[1] for line in failing.stderr.splitlines() if line.strip().startswith("failed:")
    )
    uploads = [f"{server}/wp-content/uploads/{name}" for name in ("away.png", "missing.png", "slow.png")]
    assert failed == [*uploads, "http://other.example/elsewhere.pdf"]
    assert (media / local_path(f"{server}/wp-content/uploads/ok/a.png")).read_bytes() == PNG


@pytest.mark.parametrize(
    ("fmt", "post_file", "media_file", "link"),
    [
        ("markdown", "posts/pictures.md", "posts/pictures/a.png", "(pictures/a.png"),
        ("hugo", "content/posts/pictures/index.md", "content/posts/pictures/a.png", "(a.png"),
        ("jekyll", "_posts/2024-01-01-pictures.md", "assets/media/10/a.png", "(/assets/media/10/a.png"),
        ("pelican", "content/posts/pictures.md", "content/images/pictures/a.png", "({static}/images/pictures/a.png"),
    ],
)
def test_writers_place_media_and_rewrite_links(
    site: Path, server: str, tmp_path: Path, fmt: str, post_file: str, media_file: str, link: str
) -> None:
    found = inventory(site)
    policy = FetchPolicy(
        hosts=found.site_hosts, allow_private=True, max_bytes=4096, timeout=0.5, retries=2, backoff=0.05
    )
    download_all(found.items, str(tmp_path / "media"), policy)
    account = wxrtool.convert(site, fmt, str(tmp_path / "out"), media=str(tmp_path / "media"))
    text = (tmp_path / "out" / post_file).read_text(encoding="utf-8")
    assert (tmp_path / "out" / media_file).read_bytes() == PNG
    assert link in text
    assert f"{server}/wp-content/uploads/ok/a.png" not in text  # every use rewritten, featured image too
    assert f"{server}/wp-content/uploads/missing.png" in text  # not fetched: kept as it was
    assert f"{server}/wp-content/uploads/missing.png" in account.media_missing
    assert "http://other.example/elsewhere.pdf" in account.media_missing
    assert account.media_copied >= 5


def test_an_address_that_does_not_parse_is_no_internal_error(tmp_path: Path) -> None:
    """'http://[host' (an IPv6 host left open) as the blog's link or an image's address: media, and
    convert and migrate with --media-from, stopped with "internal error: ValueError: Invalid IPv6 URL"."""
    from click.testing import CliRunner

    from wxrtool.cli import main

    text = (SAMPLES / "klout.xml").read_text(encoding="utf-8")
    text = text.replace("<link>http://jeffturner.info</link>", "<link>http://[jeffturner.info</link>", 1)
    text = text.replace("<content:encoded><![CDATA[", '<content:encoded><![CDATA[<img src="http://[x/a.jpg">', 1)
    source = tmp_path / "export.xml"
    source.write_text(text, encoding="utf-8")
    (tmp_path / "uploads").mkdir()
    for args in (
        ["media", str(source), "--json"],
        [
            "convert",
            str(source),
            "--to",
            "markdown",
            "-o",
            str(tmp_path / "md"),
            "--media-from",
            str(tmp_path / "uploads"),
        ],
    ):
        done = CliRunner().invoke(main, args)
        assert done.exit_code == 0 and "internal error" not in done.output, done.output
    listed = CliRunner().invoke(main, ["media", str(source), "--json"]).stdout
    assert "klout-score-65.png" in listed and "http://[x" not in listed  # (no file to fetch there)


def test_a_wordpress_com_blogs_uploads_are_the_sites_own(tmp_path: Path) -> None:
    """A WordPress.com blog (blog.wordpress.com) keeps its uploads at blog.files.wordpress.com:
    they were "not one of the site's hosts", never downloaded unless --host named it."""
    from wxrtool.media import inventory

    text = (
        (SAMPLES / "klout.xml")
        .read_text(encoding="utf-8")
        .replace("http://jeffturner.info", "https://klout.wordpress.com")
    )
    text = text.replace("https://klout.wordpress.com/wp-content/uploads/", "https://klout.files.wordpress.com/")
    source = tmp_path / "export.xml"
    source.write_text(text, encoding="utf-8")
    found = inventory(source)
    assert "klout.files.wordpress.com" in found.site_hosts
    assert {item.host for item in found.items.values()} <= found.site_hosts


def test_a_conversion_fetches_only_the_media_of_what_it_writes(tmp_path: Path) -> None:
    """The images of trashed or draft posts were downloaded (and failed, said on the terminal) for a
    migration that wrote none of those posts."""
    from wxrtool.media import inventory
    from wxrtool.mediafolder import MediaSources, fill
    from wxrtool.selection import Selection

    text = (SAMPLES / "klout.xml").read_text(encoding="utf-8")
    draft = (
        "<item><title>Spam</title><wp:post_id>9999</wp:post_id><wp:status>trash</wp:status>"
        '<wp:post_type>post</wp:post_type><content:encoded><![CDATA[<img src="http://jeffturner.info/spam.jpg">]]>'
        "</content:encoded></item>"
    )
    text = text.replace("</channel>", draft + "</channel>")
    source = tmp_path / "export.xml"
    source.write_text(text, encoding="utf-8")
    assert "http://jeffturner.info/spam.jpg" in inventory(source).items  # (the export's inventory: all of it)
    kept = inventory(source, selection=Selection())
    assert "http://jeffturner.info/spam.jpg" not in kept.items and len(kept.items) == 2
    outcomes = fill(source, str(tmp_path / "m"), MediaSources(download=False), selection=Selection())
    assert not [o for o in outcomes if "spam" in o.url]


def test_the_csv_has_no_formula_a_spreadsheet_runs(tmp_path: Path) -> None:
    """An attachment's title, alt text and caption are the export's: one starting with =, +, - or @
    was a live formula in the spreadsheet a user opens the inventory in (=HYPERLINK(...))."""
    text = (SAMPLES / "drafts-and-pages.xml").read_text(encoding="utf-8")
    text = text.replace("A dark rye loaf, cut open on a board", "+SUM(1,2)")
    text = text.replace("<excerpt:encoded><![CDATA[The finished loaf, cut]]>", "<excerpt:encoded><![CDATA[@cap]]>")
    at = text.index("<excerpt:encoded><![CDATA[@cap]]>")
    title = text.rindex("<title>", 0, at)
    text = (
        text[:title]
        + '<title><![CDATA[=HYPERLINK("http://evil.example","x")]]></title>'
        + text[text.index("</title>", title) + 8 :]
    )
    source = tmp_path / "export.xml"
    source.write_text(text, encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(CliRunner().invoke(main, ["media", str(source), "--csv"]).stdout)))
    loaf = next(row for row in rows if row["url"].endswith("rye-loaf.jpg"))
    assert (loaf["title"], loaf["alt"], loaf["caption"]) == (
        '\'=HYPERLINK("http://evil.example","x")',
        "'+SUM(1,2)",
        "'@cap",
    )
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row.values() if cell)

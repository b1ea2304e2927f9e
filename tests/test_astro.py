"""Astro builds what wxrtool writes: the real ``astro build``, each item at its old address, threads.

Astro 5 comes from npm's registry, installed once into a folder outside the repository
(``~/.cache/wxrtool-tests/astro``, or ``$WXRTOOL_TEST_CACHE/astro``; ``.ci/run`` installs it
ahead). Without npm, or without the registry, the tests that build are skipped and say why.
Each site gets a ``node_modules`` of its own holding a link to that ``astro`` (Astro keeps its
build cache in ``node_modules/.astro``: no two sites may share one) and is built by it, in a
network namespace of its own where ``unshare`` can make one: no build step may need the network.

The samples and every readable fixture (and the hostile writer corpus) are converted with
``--scaffold`` and ``--redirects csv``, then built two at a time while the tests read them:
each published item's page at its old address (``data-wordpress-id``), every comment of the
selection in its thread under its parent, and every old address of each item (its permalink,
``/?p=ID``, its old slugs) answered by the built site with the redirect rules applied.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import fcntl
import functools
import json
import os
import re
import shutil
import subprocess
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

import lxml.html
import pytest
import yaml

import wxrtool
from wxrtool.index import SiteIndex
from wxrtool.media import local_path
from wxrtool.oldurls import ITEM_KINDS, OldAddress, old_addresses
from wxrtool.output import dir_output
from wxrtool.parallel import pool as _parallel
from wxrtool.rendering import Rendering
from wxrtool.threads import Thread
from wxrtool.urlcheck import RedirectRules, StaticSite, check_all
from wxrtool.writers import MACHINERY_TYPES, astro
from wxrtool.writers.fmchoice import FrontMatterChoice
from wxrtool.writers.protocol import WriteOptions

from .conftest import FIXTURE_FILES, SAMPLE_FILES, SAMPLES, fixture_cases, front, readable, tree
from .test_check_urls import links_in, links_to_old_items

CACHE = Path(os.environ.get("WXRTOOL_TEST_CACHE") or Path.home() / ".cache" / "wxrtool-tests") / "astro"
PACKAGE = "astro@5"
SCAFFOLD = Path(astro.__file__).parent / "scaffolds" / "astro"
WRITER_INJECTION = Path(__file__).parent / "hostile" / "writer-injection.xml"
EVERYTHING = wxrtool.Selection.everything()

# -- Astro, installed once ------------------------------------------------------------------


def _installed() -> bool:
    package = CACHE / "node_modules" / "astro" / "package.json"
    if not package.is_file() or not (CACHE / "node_modules" / ".bin" / "astro").exists():
        return False
    return bool(json.loads(package.read_text(encoding="utf-8"))["version"].startswith("5."))


def node_fits(version: str) -> bool:
    """Whether Node.js ``version`` is one Astro 5 runs on (its ``engines``: 18.20.8 || ^20.3.0 || >=22.0.0)."""
    found = re.fullmatch(r"v(\d+)\.(\d+)\.(\d+)", version)
    if found is None:
        return False
    major, minor, patch = (int(n) for n in found.groups())
    return ((major, minor) == (18, 20) and patch >= 8) or (major == 20 and minor >= 3) or major >= 22


def install_astro() -> str | None:
    """Install Astro 5 into :data:`CACHE` unless it is there; ``None``, or why it cannot be."""
    node = shutil.which("node")
    if node is None:
        return "Astro runs on Node.js, which is not on PATH (Debian: apt-get install nodejs npm)"
    version = subprocess.run([node, "--version"], capture_output=True, text=True, check=False).stdout.strip()
    if not node_fits(version):
        return f"Astro 5 runs on Node.js 18.20.8, 20.3 and later or 22 and later, not {version or '(no version)'}"
    if _installed():
        return None
    npm = shutil.which("npm")
    if npm is None:
        return f"Astro is not in {CACHE} and npm, which would install it, is not on PATH (Debian: apt-get install npm)"
    CACHE.mkdir(parents=True, exist_ok=True)
    with open(CACHE / ".install-lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # (two test runs at once install it once)
        if _installed():
            return None
        proc = subprocess.run(
            [npm, "install", "--no-audit", "--no-fund", "--prefix", str(CACHE), PACKAGE],
            capture_output=True,
            text=True,
            check=False,
            timeout=900,
        )
        if proc.returncode != 0 or not _installed():
            said = [line for line in proc.stderr.splitlines() if "error" in line and "complete log" not in line]
            return f"`npm install {PACKAGE}` into {CACHE} failed (is npm's registry reachable?): {'; '.join(said[:3])}"
    return None


@pytest.fixture(scope="session")
def astro_bin() -> Path:
    reason = install_astro()
    if reason is not None:
        pytest.skip(reason)
    return CACHE / "node_modules" / ".bin" / "astro"


@functools.cache
def offline() -> list[str]:
    """A prefix that runs a command without a network (a namespace of its own), or ``[]``."""
    unshare = shutil.which("unshare")
    if unshare is None:
        return []
    command = [unshare, "--net", "--map-root-user"]
    works = subprocess.run([*command, "true"], capture_output=True, check=False).returncode == 0
    return command if works else []


def build(astro_bin: Path, site: Path, env: dict[str, str] | None = None) -> tuple[Path, str]:
    """``astro build`` in ``site``: the built folder and what Astro said; a failure is an AssertionError."""
    modules = site / "node_modules"
    modules.mkdir(exist_ok=True)
    with contextlib.suppress(FileExistsError):
        (modules / "astro").symlink_to(CACHE / "node_modules" / "astro", target_is_directory=True)
    environment = {**os.environ, "XDG_CONFIG_HOME": str(CACHE / "config"), "NO_COLOR": "1", **(env or {})}
    environment.pop("ASTRO_TELEMETRY_DISABLED", None)  # (the site's config turns telemetry off itself)
    # (Astro resolves some paths from the working folder, whatever --root says.)
    proc = subprocess.run(
        [*offline(), str(astro_bin), "build"],
        cwd=site,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    said = proc.stdout + proc.stderr
    assert proc.returncode == 0, said
    return site / "dist", said


def complaints(said: str) -> list[str]:
    """What Astro warned of or reported as an error, but that an export with nothing published
    makes an empty collection."""
    lines = [line for line in said.splitlines() if "[WARN]" in line or "[ERROR]" in line or "does not exist" in line]
    return [line for line in lines if '"src/content/items"' not in line and 'collection "items"' not in line]


# -- Reading a built site --------------------------------------------------------------------


def items_of(site: Path) -> list[tuple[Path, dict[str, Any]]]:
    """Every item's file and front matter."""
    return [(p, front(p)) for p in sorted((site / astro.ITEMS).rglob("*.md"))]


def page_of(built: Path, path: str) -> Path:
    """The built page of an item at ``path`` (its front matter's, decoded)."""
    name = path.strip("/")
    return built / name if astro.FILE_ROUTE.fullmatch(path) else built / name / "index.html"


def shown_threads(document: Any) -> list[tuple[str, int, str | None]]:
    """``(anchor, depth, parent's anchor)`` of each comment shown, in order."""
    shown = []
    for li in document.xpath('//li[@class="comment"]'):
        parent = li.getparent().getparent()
        shown.append((li.get("id"), int(li.get("data-depth")), parent.get("id") if parent.tag == "li" else None))
    return shown


def expected_threads(
    threads: list[Thread[wxrtool.Comment]], parent: str | None = None
) -> Iterator[tuple[str, int, str | None]]:
    for node in threads:
        anchor = f"comment-{node.key or node.comment.id}"
        yield anchor, node.depth, parent
        yield from expected_threads(list(node.replies), anchor)


def selected(export: Path, selection: wxrtool.Selection) -> list[wxrtool.Post]:
    """The items the writer got, in order: the selection, without the types Astro leaves out."""
    selection = dataclasses.replace(selection, exclude_types=selection.exclude_types | MACHINERY_TYPES)
    return [r for r in wxrtool.Selector(selection).apply(wxrtool.read(export)) if isinstance(r, wxrtool.Post)]


def check_site(export: Path, site: Path, built: Path, selection: wxrtool.Selection) -> None:
    """Every published item at its page, with its title and its threads."""
    posts = selected(export, selection)
    files = items_of(site)
    assert len(files) == len(posts)
    published = [p for p in posts if p.status == "publish"]
    shown = [(source, data) for source, data in files if not data["draft"]]
    assert sorted(d["wordpress"]["id"] for _, d in shown) == sorted(p.id for p in published)
    by_key = {data["comments"]: data for _, data in files if "comments" in data}
    seen: Counter[int] = Counter()
    pages: dict[str, Any] = {}
    for source, data in shown:
        page = page_of(built, data["path"])
        assert page.is_file(), (source, data["path"])
        document = lxml.html.parse(str(page)).getroot()
        article = document.xpath("//article[@data-wordpress-id]")
        assert [a.get("data-wordpress-id") for a in article] == [str(data["wordpress"]["id"])], page
        assert article[0].findtext("h1") == data["title"]
        pages[data.get("comments", "")] = document
    for post in posts:
        seen[post.id] += 1
        key = str(post.id) if seen[post.id] == 1 else f"{post.id}-{seen[post.id]}"
        if post.status != "publish" or not (post.comments or post.pings):
            continue
        document = pages[key]
        assert by_key[key]["wordpress"]["id"] == post.id
        assert shown_threads(document) == list(expected_threads(wxrtool.build_threads(post.comments))), key
        assert len(document.xpath('//li[starts-with(@class, "ping ")]')) == len(post.pings)


def check_old_addresses(export: Path, built: Path, redirects: Path) -> None:
    """Every old address of every item reaches its page, and every link of the site one of its pages."""
    addresses = [a for a in old_addresses(export) if a.kind in ITEM_KINDS]
    hrefs = links_in(built)
    links = [OldAddress(url, "link") for url in sorted(h for h in hrefs if h.startswith("/") and h[1:2] != "/")]
    with StaticSite(built, RedirectRules.read(redirects)) as served:
        results = check_all(addresses + links, served.url)
    assert [(r.address.url, r.outcome, r.final, r.reason) for r in results if not r.ok] == []
    assert links_to_old_items(export, hrefs) == []


# -- Every sample and fixture, built two at a time -----------------------------------------

CASES = [
    *(pytest.param(p, "default", id=p.stem) for p in SAMPLE_FILES),
    *(pytest.param(p, "everything", id=f"{p.stem}-everything") for p in SAMPLE_FILES),
    pytest.param(WRITER_INJECTION, "default", id="hostile-writer-injection"),
    *(pytest.param(*c.values, "default", id=c.id, marks=c.marks) for c in fixture_cases(
        [p for p in FIXTURE_FILES if readable(p)])),
]  # fmt: skip


@dataclasses.dataclass
class Built:
    site: Path
    redirects: Path
    done: Future[tuple[Path, str]]


@pytest.fixture(scope="module")
def sites(
    astro_bin: Path, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[tuple[Path, str], Built]]:
    """The cases this run asks for, converted (here, one after the other: quick) and built
    by a pool of two (``astro build`` is seconds of one core each) while the tests read them."""
    asked = {
        (item.callspec.params["export"], item.callspec.params["selection"])
        for item in request.session.items
        if getattr(item, "originalname", "") == "test_each_item_at_its_old_address_with_its_threads"
    }
    root = tmp_path_factory.mktemp("astro-sites")
    built: dict[tuple[Path, str], Built] = {}
    with ThreadPoolExecutor(2) as pool:
        for n, case in enumerate(CASES):
            export, selection = case.values
            if (export, selection) not in asked:
                continue
            site, redirects = root / f"{n:03d}", root / f"{n:03d}.csv"
            chosen = EVERYTHING if selection == "everything" else wxrtool.Selection()
            wxrtool.convert(export, "astro", str(site), chosen, scaffold=True, redirects=("csv", str(redirects)))
            built[export, selection] = Built(site, redirects, pool.submit(build, astro_bin, site))
        yield built
        for each in built.values():
            each.done.cancel()  # (after a failure that stops the run: no more builds)


@pytest.mark.parametrize(("export", "selection"), CASES)
def test_each_item_at_its_old_address_with_its_threads(
    export: Path, selection: str, sites: dict[tuple[Path, str], Built]
) -> None:
    case = sites[export, selection]
    built, said = case.done.result()
    assert complaints(said) == []
    check_site(export, case.site, built, EVERYTHING if selection == "everything" else wxrtool.Selection())
    check_old_addresses(export, built, case.redirects)


# -- Hostile values ------------------------------------------------------------------------

HOSTILE_TITLE = "09: \"Breaks\" - [YAML] {and} #the page: 1 < 2 > 0 & 'all' ---"
HOSTILE_TAG = '</li><script>alert("tag")</script>'


def _hostile_export(tmp_path: Path) -> Path:
    """An export whose values would break YAML, the page or the file tree if written as they are."""

    def item(n: int, title: str, link: str, slug: str, extra: str = "", kind: str = "post", parent: int = 0) -> str:
        return (
            f"<item><title><![CDATA[{title}]]></title><link><![CDATA[{link}]]></link>"
            f"<content:encoded><![CDATA[<p>Item {n}: body</p>]]></content:encoded><wp:post_id>{n}</wp:post_id>"
            "<wp:post_date>2024-01-02 10:00:00</wp:post_date><wp:post_date_gmt>2024-01-02 10:00:00</wp:post_date_gmt>"
            f"<wp:post_name><![CDATA[{slug}]]></wp:post_name><wp:status>publish</wp:status>"
            f"<wp:post_parent>{parent}</wp:post_parent><wp:post_type>{kind}</wp:post_type>{extra}</item>"
        )

    comment = (
        "<wp:comment><wp:comment_id>{id}</wp:comment_id><wp:comment_author><![CDATA[{author}]]></wp:comment_author>"
        "<wp:comment_author_url><![CDATA[{url}]]></wp:comment_author_url>"
        "<wp:comment_date>2024-01-03 10:00:00</wp:comment_date><wp:comment_date_gmt>2024-01-03 10:00:00"
        "</wp:comment_date_gmt><wp:comment_content><![CDATA[{text}]]></wp:comment_content>"
        "<wp:comment_approved>1</wp:comment_approved><wp:comment_parent>{parent}</wp:comment_parent></wp:comment>"
    )
    comments = comment.format(id=1, author='<b>Eve</b> "x"', url="javascript:alert(1)", text="Hi", parent=0)
    comments += comment.format(id=2, author="Bob", url="JaVaScRiPt:alert(2)", text="<script>x</script>Re", parent=1)
    # (A chain of 150 replies: the page nests 100 deep, the rest hang at that depth.)
    deep = "".join(comment.format(id=n, author=f"a{n}", url="", text=f"r{n}", parent=n - 1) for n in range(10, 160))
    terms = (
        f'<category domain="post_tag" nicename="t1"><![CDATA[{HOSTILE_TAG}]]></category>'
        '<category domain="post_tag" nicename="t2"><![CDATA[1e3]]></category>'
        '<category domain="category" nicename="c"><![CDATA[- a: b #c]]></category>'
    )
    items = [
        item(1, HOSTILE_TITLE, "https://example.com/../../escape/", "../../etc/passwd", terms + comments),
        item(2, "0o17", "https://example.com/why%3F-and-c%23/", "why"),  # (Astro cannot serve ? and #)
        item(3, "C sharp", "https://example.com/c-sharp/", "c#-tips", deep),
        item(4, "Old page", "https://example.com/2024/old-page.html", "old-page"),  # (".html": built as a file)
        item(5, "About us", "https://example.com/about-us", "about-us"),  # (a folder: item 11 is in it)
        item(6, "Plain", "https://example.com/?p=6", "plain"),
        item(7, "Same address", "https://example.com/c-sharp/", "same"),  # (item 3 has it)
        item(8, "Astro's own", "https://example.com/_astro/x.js", "own"),
        item(9, "Sure", "https://example.com/100%25-sure/", "100-sure"),  # (a "%" of its own)
        item(10, "Café", "https://example.com/caf%C3%A9%20cr%C3%A8me/", "cafe"),
        item(11, "Team", "https://example.com/about-us/team", "team", kind="page", parent=5),
        item(12, "Photo", "https://example.com/2024/old-page.html/photo/", "photo"),  # (item 4 is a file)
        item(13, "Upper", "https://example.com/X.HTML", "upper"),
    ]
    source = tmp_path / "hostile.xml"
    source.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/'
        'content/" xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>Hostile</title>'
        "<link>https://example.com</link><wp:wxr_version>1.2</wp:wxr_version>"
        "<wp:base_site_url>https://example.com</wp:base_site_url>"
        "<wp:base_blog_url>https://example.com</wp:base_blog_url>" + "".join(items) + "</channel></rss>\n",
        encoding="utf-8",
    )
    return source


def test_hostile_values_stay_values(tmp_path: Path) -> None:
    source, site, redirects = _hostile_export(tmp_path), tmp_path / "site", tmp_path / "redirects.csv"
    wxrtool.convert(source, "astro", str(site), scaffold=True, redirects=("csv", str(redirects)))
    for path in site.rglob("*"):
        assert path.resolve().is_relative_to(site.resolve()), path
    data = {d["wordpress"]["id"]: d for _, d in items_of(site)}
    assert data[1]["title"] == HOSTILE_TITLE and data[2]["title"] == "0o17"
    assert data[1]["tags"] == [HOSTILE_TAG, "1e3"] and data[1]["categories"] == ["- a: b #c"]
    assert data[1]["path"] == "/escape/" and (site / astro.ITEMS / "posts" / "etc-passwd.md").is_file()
    assert data[2]["path"] == "/2024/01/02/why/"  # (its old path holds "?" and "#")
    assert (site / astro.ITEMS / "posts" / "c-tips.md").is_file() and data[3]["path"] == "/c-sharp/"
    assert (data[4]["path"], data[5]["path"], data[6]["path"]) == (
        "/2024/old-page.html",
        "/about-us",
        "/2024/01/02/plain/",
    )
    assert data[7]["path"] == "/2024/01/02/same/" and data[8]["path"] == "/2024/01/02/own/"
    assert (data[9]["path"], data[10]["path"], data[11]["path"]) == ("/100%-sure/", "/café crème/", "/about-us/team")
    assert data[12]["path"] == "/2024/01/02/photo/" and data[13]["path"] == "/X.HTML"
    thread = json.loads((site / astro.COMMENTS / "1.json").read_text(encoding="utf-8"))
    assert [c["author_url"] for c in thread["comments"]] == [""]
    assert thread["comments"][0]["replies"][0]["author_url"] == ""
    assert "<script" not in json.dumps(thread)
    rows = dict(csv.reader(redirects.read_text(encoding="utf-8").splitlines()[1:]))
    assert rows["/?p=6"] == "/2024/01/02/plain/" and rows["/why%3F-and-c%23/"] == "/2024/01/02/why/"
    assert "/c-sharp/" not in rows  # (item 3's own page: item 7 has another)


def test_hostile_values_build_as_text(astro_bin: Path, tmp_path: Path) -> None:
    source, site, redirects = _hostile_export(tmp_path), tmp_path / "site", tmp_path / "redirects.csv"
    wxrtool.convert(source, "astro", str(site), scaffold=True, redirects=("csv", str(redirects)))
    built, said = build(astro_bin, site)
    assert complaints(said) == []
    check_site(source, site, built, wxrtool.Selection())
    check_old_addresses(source, built, redirects)
    document = lxml.html.parse(str(built / "escape" / "index.html")).getroot()
    assert document.findtext(".//article/h1") == HOSTILE_TITLE
    assert document.findtext(".//title") == f"{HOSTILE_TITLE} - Hostile"
    assert [li.text_content() for li in document.xpath('//li[@class="tag"]')] == [HOSTILE_TAG, "1e3"]
    assert [li.text_content() for li in document.xpath('//li[@class="category"]')] == ["- a: b #c"]
    for page in built.rglob("*.html"):
        document = lxml.html.parse(str(page)).getroot()
        assert document.xpath("//script") == [], page
        hrefs = [a.get("href") for a in document.xpath("//a")]
        assert not [h for h in hrefs if "javascript" in h.lower()], page
    comments = lxml.html.parse(str(built / "escape" / "index.html")).xpath("//li[@class='comment']")
    assert [c.findtext("p/a[1]") for c in comments] == ["2024-01-03 10:00", "2024-01-03 10:00"]  # (no author link)
    assert [c.find("p").text_content().split(" · ")[0] for c in comments] == ['Eve "x"', "Bob"]


# -- Unit: front matter and schema ----------------------------------------------------------


def schema_fields() -> set[str]:
    """The fields the scaffold's ``items`` schema names (its object's keys)."""
    config = (SCAFFOLD / "src" / "content.config.ts").read_text(encoding="utf-8")
    block = config.split("const items = defineCollection(", 1)[1].split("\n});", 1)[0]
    return set(re.findall(r"^ {6}(\w+):", block, re.M))


# Fields the schema leaves to .passthrough(): what metadata() adds for some items only.
PASSED_THROUGH = {"sticky", "protected", "meta"}


@pytest.mark.parametrize("sample", SAMPLE_FILES, ids=lambda p: p.stem)
def test_front_matter_is_what_the_schema_reads(sample: Path, tmp_path: Path) -> None:
    wxrtool.convert(sample, "astro", str(tmp_path / "s"), EVERYTHING, meta_keys=("_thumbnail_id",))
    fields = schema_fields()
    assert {"title", "description", "pubDate", "updatedDate", "heroImage", "tags", "draft"} <= fields
    assert {"permalink", "path", "wordpress", "categories", "comments"} <= fields
    taxonomies = {t.taxonomy for p in selected(sample, EVERYTHING) for t in p.terms}
    for source, data in items_of(tmp_path / "s"):
        others = {k for k in set(data) - fields - PASSED_THROUGH if not k.startswith("taxonomy_")}
        assert others <= taxonomies, source
        assert isinstance(data["title"], str) and isinstance(data["draft"], bool)
        assert all(isinstance(t, str) for t in data["tags"] + data.get("categories", []))
        assert all(isinstance(data[d], datetime) for d in ("pubDate", "updatedDate") if d in data)
        assert isinstance(data["wordpress"]["id"], int) and data["draft"] == (data["wordpress"]["status"] != "publish")
        if "comments" in data:
            assert (tmp_path / "s" / astro.COMMENTS / f"{data['comments']}.json").is_file()


def test_front_matter_quotes_what_js_yaml_reads_as_numbers() -> None:
    values = ["09", "1e3", "1E3", "-1.5e3", "0o17", "0x1F", ".5", "+12", "2024", "1_000", "text", "v1.2"]
    text = astro.astro_front_matter({"title": "09", "tags": values, "wordpress": {"slug": "1e3"}})
    data = yaml.safe_load(text.split("---\n")[1])
    assert data == {"title": "09", "tags": values, "wordpress": {"slug": "1e3"}}
    assert "- '1e3'" in text and "slug: '1e3'" in text and "- text" in text
    plain = {"title": "Swifts", "tags": ["a"]}
    assert astro.astro_front_matter(plain) == wxrtool.writers.frontmatter.front_matter(plain)


def test_js_yaml_reads_the_front_matter_as_written(astro_bin: Path) -> None:
    values = ["09", "1e3", "1E3", "-1.5e3", "0o17", "0b11", "0x1F", ".5", "+12", "0.", ".inf", "null", "~", "yes",
              "2024-01-02", "12:30", "=", "<<", "- a", "a: b", "#x", "'q'", '"d"', "\u2028", "\U0001f4ab", "\x85"]  # fmt: skip
    text = astro.astro_front_matter({"title": HOSTILE_TITLE, "tags": values})
    js_yaml = CACHE / "node_modules" / "js-yaml" / "index.js"
    script = f"const y = require({json.dumps(str(js_yaml))}); process.stdout.write(JSON.stringify(y.load(require('fs').readFileSync(0, 'utf8').split('---\\n')[1])))"
    done = subprocess.run(["node", "-e", script], input=text, capture_output=True, text=True, check=True)
    assert json.loads(done.stdout) == {"title": HOSTILE_TITLE, "tags": values}


def test_the_fields_the_site_needs_stay_whatever_the_choice(tmp_path: Path) -> None:
    # (--front-matter is for hugo, jekyll and markdown on the command line; the writer keeps
    # what its pages need all the same.)
    records = list(wxrtool.read(SAMPLES / "drafts-and-pages.xml"))
    choice = FrontMatterChoice.parse("pubDate:created,tags")
    options = WriteOptions(index=SiteIndex.build(iter(records)), front_matter=choice)
    entries = Rendering(astro.render, options).entries(
        r for r in records if not isinstance(r, wxrtool.Post) or r.id == 101
    )
    with dir_output(str(tmp_path / "s")) as out:
        astro.write(entries, out, options)
    [(_, data)] = items_of(tmp_path / "s")
    assert list(data) == ["created", "tags", "title", "draft", "path", "wordpress", "comments"]


def test_addresses_taken_by_astro_or_another_item_are_not_given(tmp_path: Path) -> None:
    export = (SAMPLES / "drafts-and-pages.xml").read_text(encoding="utf-8")
    assert export.count("<link>https://kuechenbuch.example.de/about/</link>") == 1
    export = export.replace(
        "<link>https://kuechenbuch.example.de/about/</link>", "<link>https://kuechenbuch.example.de/_astro/</link>"
    )
    source = tmp_path / "x.xml"
    source.write_text(export, encoding="utf-8")
    wxrtool.convert(source, "astro", str(tmp_path / "s"), scaffold=True)
    paths = {d["wordpress"]["id"]: d["path"] for _, d in items_of(tmp_path / "s")}
    assert paths[2] == "/about/"  # (a page: under its parents' slugs, here none)
    assert paths[3] == "/about/contact/" and paths[101] == "/2024/01/rye-sourdough/"


def test_base_url_is_the_sites_address(tmp_path: Path) -> None:
    wxrtool.convert(SAMPLES / "klout.xml", "astro", str(tmp_path / "s"), scaffold=True,
                    base_url="https://example.org/blog")  # fmt: skip
    config = (tmp_path / "s" / "astro.config.mjs").read_text(encoding="utf-8")
    assert 'site: "https://example.org/blog",\n  base: "/blog",' in config
    assert 'process.env.ASTRO_TELEMETRY_DISABLED = "1";' in config
    wxrtool.convert(SAMPLES / "klout.xml", "astro", str(tmp_path / "t"), scaffold=True)
    assert "site:" not in (tmp_path / "t" / "astro.config.mjs").read_text(encoding="utf-8")


def test_a_site_in_a_folder_links_and_places_media_under_it(astro_bin: Path, tmp_path: Path) -> None:
    image = "https://fieldnotes.example.net/wp-content/uploads/2024/03/swifts.jpg"
    media = tmp_path / "media" / local_path(image)
    media.parent.mkdir(parents=True)
    media.write_bytes(b"\xff\xd8 not really a JPEG: Astro copies it as it is")
    site = tmp_path / "s"
    account = wxrtool.convert(
        SAMPLES / "links-between-posts.xml",
        "astro",
        str(site),
        scaffold=True,
        base_url="https://example.org/blog",
        media=str(tmp_path / "media"),
    )
    assert account.media_copied >= 1
    placed = list((site / astro.MEDIA).rglob("swifts.jpg"))
    assert len(placed) == 1 and image not in (site / astro.ITEMS / "posts" / "swifts-return.md").read_text()
    built, _ = build(astro_bin, site)
    copied = built / placed[0].relative_to(site / "public")
    assert copied.read_bytes() == media.read_bytes()
    hrefs = links_in(built)
    assert f"/blog/{copied.relative_to(built)}" in hrefs
    assert all(h.startswith(("/blog/", "https://", "#")) or h == "" for h in hrefs), hrefs
    assert any(h.startswith("https://example.org/blog/") for h in hrefs)  # (a link between items: absolute)


@pytest.mark.parametrize("sample", SAMPLE_FILES, ids=lambda p: p.stem)
def test_workers_write_the_same_files_as_one_process(
    sample: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_parallel, "CHUNK", 1)  # small samples: a pool, several chunks in flight
    one = wxrtool.convert(sample, "astro", str(tmp_path / "one"), EVERYTHING, scaffold=True, jobs=1)
    two = wxrtool.convert(sample, "astro", str(tmp_path / "two"), EVERYTHING, scaffold=True, jobs=2)
    assert tree(tmp_path / "one") == tree(tmp_path / "two") != {}
    assert one.as_dict() == two.as_dict()


def test_astro_asks_nothing_of_the_network(astro_bin: Path, tmp_path: Path) -> None:
    """The site's config turns Astro's telemetry off: nothing is sent when it builds, even
    where the network is there (``unshare`` only makes sure of it in the other tests)."""
    wxrtool.convert(SAMPLES / "klout.xml", "astro", str(tmp_path / "s"), scaffold=True)
    _, said = build(astro_bin, tmp_path / "s", {"DEBUG": "astro:telemetry"})
    assert "[record] telemetry has been disabled" in said
    assert "Error sending event" not in said


def test_package_json_asks_for_astro_5() -> None:
    package = json.loads((SCAFFOLD / "package.json").read_text(encoding="utf-8"))
    assert re.fullmatch(r"\^5\.\d+\.\d+", package["dependencies"]["astro"])
    assert package["scripts"]["build"] == "astro build"

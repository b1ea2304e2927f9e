"""--redirects: every old permalink and /?p=ID lands on the new address."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner

import wxrtool
from wxrtool import sitestore
from wxrtool.cli import main
from wxrtool.redirects import render, render_checked

from .conftest import SAMPLES
from .redirect_cases import load


@pytest.mark.parametrize("fmt", ["markdown", "hugo", "jekyll", "pelican", "ghost"])
def test_every_published_item_has_a_redirect(fmt: str, tmp_path: Path) -> None:
    out = tmp_path / ("out.json" if fmt == "ghost" else "site")
    wxrtool.convert(SAMPLES / "klout.xml", fmt, str(out), redirects=("csv", str(tmp_path / "r.csv")))
    rows = list(csv.DictReader((tmp_path / "r.csv").read_text(encoding="utf-8").splitlines()))
    page = next(r["new"] for r in rows if r["old"] == "/?p=2033")
    assert page.startswith("/") and not page.startswith("//")
    # The post's every old address (its permalink, /?p=, its old slug) to its page...
    item = {r["old"] for r in rows if r["new"] == page}
    own = {"/?p=2033", "/why-i-deleted-my-klout-profile/", "/deleting-klout/"} - {page}
    # (and, for an engine, its attachment's page: the picture was shown on it)
    attachment = {"/?attachment_id=2034", "/why-i-deleted-my-klout-profile/jeff-turner-klout-score-65/"}
    assert item == own | (set() if fmt in ("markdown", "ghost") else attachment)
    # ...and, for an engine, its archives and feeds to the closest page (wxrtool.archives).
    archives = {r["old"] for r in rows} - item
    assert archives == set() if fmt in ("markdown", "ghost") else "/category/featured/" in archives


def test_styles() -> None:
    urls = {7: ("https://example.org/2020/01/caf%c3%a9/", "/posts/cafe/"), 8: ("https://example.org/?p=8", "/b/")}
    # nginx and Apache compare the path decoded; nginx keeps the query for a path rule.
    nginx = render("nginx", urls)
    assert '    "/2020/01/café/" "/posts/cafe/$is_args$args";' in nginx.splitlines()
    assert '    "/2020/01/café" "/posts/cafe/$is_args$args";' in nginx.splitlines()  # (without its slash too)
    assert 'map "$arg_p" $wxrtool_redirect_query {' in nginx.splitlines()  # (?p=8 among other parameters)
    assert '    "8" "/b/";' in nginx.splitlines() and '    "/" $wxrtool_redirect_query;' in nginx.splitlines()
    apache = render("apache", urls)
    assert 'RewriteRule "^/?2020/01/café/?$" "/posts/cafe/" [R=301,L,NE]' in apache
    assert "RewriteCond %{QUERY_STRING} (?:^|&)p=8(?:&|$) [NC]" in apache
    assert "/  p=8  /b/  301!" in render("netlify", urls)  # (forced: Netlify passes over a rule for a file, /)
    assert render("csv", urls).splitlines()[0] == "old,new"


@pytest.mark.parametrize(
    ("link", "key"),
    [
        ("https://x.org/caf%c3%a9/", "/café/"),
        ("https://x.org/a;b/$c/", "/a;b/$c/"),
        ("https://x.org/%7Eu/", "/~u/"),
        ("https://x.org/a%2Fb/", "/a/b/"),
        ("https://x.org/x/a%2F..%2Fy", "/x/y"),
        ("https://x.org/q%22%5C/", '/q\\"\\\\/'),
        ("https://x.org/t%09%0D%0A/", "/t\\t\\r\\n/"),
    ],
)
def test_nginx_keys_are_what_uri_holds(link: str, key: str) -> None:
    # $uri: decoded (an encoded "/" too), dot segments resolved, quoted for nginx's parser.
    assert f'    "{key}" "/n/$is_args$args";' in render("nginx", {1: (link, "/n/")}).splitlines()


@pytest.mark.parametrize(
    "link",
    [
        "https://x.org/a%00b/",  # nginx answers 400
        "https://x.org/a%1Bb/",  # a terminal escape in the file
        "https://x.org/a%C2%9Bb/",  # C1: CSI
        "https://x.org/a%FF/",  # not UTF-8: the file is text
        "https://x.org/a%2F..%2F..%2Fb/",  # above the root: 400
        "https://x.org/a%2F..%2F",  # "/", the home page
    ],
)
def test_nginx_refuses_what_no_request_reaches(link: str) -> None:
    done = render_checked("nginx", {1: (link, "/n/")})
    assert [(r.old, r.reason) for r in done.refused] == [(link, "old address cannot be written for nginx")]
    assert "/n/$is_args$args" not in done.text


def test_nginx_folds_ascii_case_only() -> None:
    # nginx's map lowercases A-Z only: /É/ and /é/ are two keys, /A/ and /a/ one.
    done = render_checked("nginx", {1: ("https://x.org/%C3%89/", "/1/"), 2: ("https://x.org/%C3%A9/", "/2/")})
    assert done.refused == ()
    # /A/ and /a/ are one to its exact keys: each becomes a case-sensitive regular expression.
    done = render_checked("nginx", {1: ("https://x.org/A/", "/1/"), 2: ("https://x.org/a/", "/2/")})
    assert done.refused == ()
    assert '    "~^/A/?$" "/1/$is_args$args";' in done.text and '    "~^/a/?$" "/2/$is_args$args";' in done.text
    # Two old paths that are one $uri (nginx decodes %2F, then resolves "..") are still one too many.
    done = render_checked("nginx", {1: ("https://x.org/b/", "/1/"), 2: ("https://x.org/a%2F..%2Fb/", "/2/")})
    assert [r.reason for r in done.refused] == ["old address is the same to nginx as another"]


def test_formats_without_new_addresses_refuse(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["convert", str(SAMPLES / "klout.xml"), "--to", "json", "--redirects", "nginx", str(tmp_path / "r")]
    )
    assert result.exit_code == 2 and "--redirects needs a format" in result.stderr


def test_a_long_chain_of_redirects_takes_time_in_proportion() -> None:
    # Each rule leads to the next (/p0/ -> /p1/ -> ...): loops are looked for in one walk,
    # not by following every rule to its end (that was quadratic: 4,000 rules took 30 s).
    import time

    def seconds(n: int) -> float:
        urls = {i: (f"https://x.org/p{i}/", f"/p{i + 1}/") for i in range(n)}
        best = float("inf")
        for _ in range(2):
            started = time.process_time()
            render("csv", urls)
            best = min(best, time.process_time() - started)
        return best

    small, large = seconds(2_000), seconds(8_000)
    assert large < 8 * max(small, 0.002), (small, large)


def test_loops_are_left_out_and_what_leads_into_them_kept() -> None:
    urls = {1: ("https://x.org/a/", "/b/"), 2: ("https://x.org/b/", "/a/"), 3: ("https://x.org/c/", "/a/")}
    done = render_checked("csv", urls)
    assert sorted((r.old, r.reason) for r in done.refused) == [
        ("https://x.org/a/", "redirect loop"),
        ("https://x.org/b/", "redirect loop"),
    ]
    assert "/c/,/a/" in done.text.splitlines()


@pytest.mark.parametrize("style", ["nginx", "apache", "netlify", "csv", "disqus"])
def test_the_same_rules_with_everything_on_disk(style: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A site of very many items: the rules wait, sorted, and are checked (names taken, loops,
    paths nginx tells apart by case only, the paths its queries are asked at) in tables on disk.
    The file and what it leaves out are the same as with everything in memory."""
    urls = {case.id: (case.link, case.new) for case in load()}
    urls |= {
        9001: ("https://x.org/a/", "/b/"),  # (a loop, and a rule leading into it)
        9002: ("https://x.org/b/", "/a/"),
        9003: ("https://x.org/c/", "/a/"),
        9004: ("https://x.org/Case/", "/big-c/"),  # (one path to nginx's exact keys: two expressions)
        9008: ("https://x.org/case/", "/small-c/"),
        9009: ("https://x.org/blog/", "/blog-new/"),  # (a path a query is asked at, with a rule of its own)
        9005: ("https://x.org/blog/?p=9005", "/q/"),  # (a query asked at /blog/)
        9006: ("https://x.org/" + "l" * 300 + "/", "/long/"),  # (a larger hash bucket)
        9007: ("https://x.org/b/", "/again/"),  # (the same old address twice)
    }
    others = [(f"/old-{i}/", f"/new-{i % 7}/") for i in range(40)] + [("/?p=5", "/five/"), ("/old-3/", "/x/")]
    done = {}
    for spill_at in (10**9, 1):
        monkeypatch.setattr(sitestore, "SPILL_AT", spill_at)
        monkeypatch.setattr(sitestore, "_BATCH", spill_at)  # (every key written at once: none waits)
        base = {"base_url": "https://new.example.org"}
        done[spill_at] = [render_checked(style, urls, **base)]
        if style != "disqus":
            done[spill_at].append(render_checked(style, urls, others, **base))
    assert done[1] == done[10**9]
    assert any(r.reason == "redirect loop" for r in done[1][0].refused) or style == "disqus"


def test_a_path_without_its_slash_is_nobody_elses() -> None:
    # /index.php is where nginx's map asks for ?p= always: /index.php/'s rule does not take it (a
    # second key for it stopped nginx: "duplicate map key").
    nginx = render("nginx", {1: ("https://x.org/index.php/", "/a/"), 2: ("https://x.org/feed/", "/b/")})
    lines = nginx.splitlines()
    assert '    "/feed" "/b/$is_args$args";' in lines and '    "/index.php" "/a/$is_args$args";' not in lines
    assert [line.split()[0] for line in lines].count('"/index.php"') == 1

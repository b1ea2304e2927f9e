"""--redirects with hostile links and new addresses: every file format parsed back.

The cases are files in tests/hostile/redirects/ (see tests/redirect_cases.py); real nginx
and Apache answer them in test_redirects_servers.py.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

import wxrtool
from wxrtool.redirects import STYLES, old_path, render, render_checked, target_path

from .redirect_cases import expected_rules, load, urls

CASES = load()
URLS = urls(CASES)
BY_NAME = {case.name: case for case in CASES}


def test_there_are_cases() -> None:
    assert len(CASES) > 30


@pytest.mark.parametrize("style", STYLES)
def test_render_is_the_checked_text(style: str) -> None:
    assert render(style, URLS) == render_checked(style, URLS).text


def test_netlify_lines_split_into_exactly_our_fields() -> None:
    found: set[tuple[str, str]] = set()
    for line in render("netlify", URLS).splitlines():
        fields = line.split()
        if fields[:1] == ["/"]:
            assert len(fields) == 4 and re.fullmatch(r"p=\d+", fields[1]), line
            found.add((f"/?{fields[1]}", fields[2]))
        else:
            assert len(fields) == 3, line
            found.add((fields[0], fields[1]))
            # Netlify reads "*" as a splat and ":name" as a placeholder: only literal paths here.
            assert "*" not in fields[0] and ":" not in fields[0], line
        assert fields[-1] == "301" and fields[-2].startswith("/") and not fields[-2].startswith("//"), line
        assert "*" not in fields[-2] and ":" not in fields[-2], line
    assert found == expected_rules(CASES, "netlify")


def test_csv_reads_back_the_exact_pairs() -> None:
    text = render("csv", URLS)
    rows = list(csv.reader(text.splitlines(keepends=True)))
    assert rows[0] == ["old", "new"] and all(len(row) == 2 for row in rows)
    assert len(rows) - 1 == len({tuple(row) for row in rows[1:]})
    assert {(old, new) for old, new in rows[1:]} == expected_rules(CASES, "csv")
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    assert text.isascii() and "\r" not in text


_NGINX_RULE = re.compile(r'    "(/[^"\\$\s{};#]*)" "(/[^"\\$\s{};#]*)";')
_APACHE = [
    re.compile(r"RewriteEngine On"),
    re.compile(
        r'Redirect 301 "(/(?:[^"\\\x00-\x1f\x7f]|\\["\\])*)" "(/[^"\\$\s%{};#]*(?:%[0-9A-F]{2}[^"\\$\s%{};#]*)*)"'
    ),
    re.compile(r"RewriteCond %\{QUERY_STRING\} \^p=\d+\$"),
    re.compile(r'RewriteRule \^/\?\$ "(/(?:[^"\\$\s%{};#]|\\%)*)\?" \[R=301,L,NE\]'),
]


def test_nginx_lines_are_only_map_entries() -> None:
    lines = render("nginx", URLS).splitlines()
    start = lines.index("map $request_uri $wxrtool_redirect {")
    assert all(line.startswith("# ") for line in lines[:start]) and lines[-1] == "}"
    entries = lines[start + 1 : -1]
    assert entries and all(_NGINX_RULE.fullmatch(line) for line in entries), [
        line for line in entries if not _NGINX_RULE.fullmatch(line)
    ]


def test_apache_lines_are_only_redirects() -> None:
    lines = render("apache", URLS).splitlines()
    assert all(any(shape.fullmatch(line) for shape in _APACHE) for line in lines), [
        line for line in lines if not any(shape.fullmatch(line) for shape in _APACHE)
    ]
    assert "${" not in "\n".join(lines)


@pytest.mark.parametrize("style", STYLES)
def test_refusals_are_listed(style: str) -> None:
    refused = {(r.old, r.reason) for r in render_checked(style, URLS).refused}
    for name in ("new-other-host", "new-backslash-host", "new-scheme", "new-dot-dot", "new-control"):
        assert (BY_NAME[name].link, "new address is not a local path") in refused
    assert (BY_NAME["very-long"].link, "old address is not a path") in refused
    assert (BY_NAME["cycle-a"].link, "redirect loop") in refused
    assert (BY_NAME["cycle-b"].link, "redirect loop") in refused
    unwritable = (BY_NAME["apache-define"].link, "old address cannot be written for apache")
    assert (unwritable in refused) == (style == "apache")
    assert ((BY_NAME["prefix-loop"].link, "redirect loop") in refused) == (style == "apache")
    assert ((BY_NAME["case-loop"].link, "redirect loop") in refused) == (style in ("nginx", "netlify"))
    # Nothing else left out: each refusal names a case whose old address is not written.
    assert all(any(case.link == old or f"/?p={case.id}" == old for case in CASES) for old, _ in refused)


@pytest.mark.parametrize(
    ("link", "path"),
    [
        ("https://x.org/2020/01/hello/", "/2020/01/hello/"),
        ("https://x.org/caf%c3%a9", "/caf%C3%A9"),
        ("https://x.org/café/", "/caf%C3%A9/"),
        ("https://x.org/a/../../b/./c/..", "/b/"),
        ("https://x.org/%2e%2E/x/%2e/", "/x/"),
        ("https://x.org//a//b/", "/a/b/"),
        ("https://x.org/a%2Fb", "/a%2Fb"),
        ("https://x.org/~u/$x;{}#frag", "/~u/%24x%3B%7B%7D"),
        ("https://x.org/a\x00b\x01/", "/a%00b%01/"),
        ("https://x.org/", ""),
        ("https://x.org/..", ""),
        ("", ""),
        ("https://x.org/" + "a" * 3000, None),
        ("http://[bad/", None),
    ],
)
def test_old_path(link: str, path: str | None) -> None:
    assert old_path(link) == path


@pytest.mark.parametrize(
    ("new", "path"),
    [
        ("/posts/a/", "/posts/a/"),
        ("/posts/café/", "/posts/caf%C3%A9/"),
        ("/posts/caf%c3%a9/", "/posts/caf%C3%A9/"),
        ("/a b/$host", "/a%20b/%24host"),
        ("/a/%2F/b", "/a/%2F/b"),
        ("//evil.example/x/", None),
        ("/\\evil.example/", None),
        ("/%5C/ok", "/%5C/ok"),
        ("https://evil.example/", None),
        ("javascript:alert(1)", None),
        ("evil.example/", None),
        ("", None),
        ("/a/../b/", None),
        ("/a/%2E%2e/b/", None),
        ("/./", None),
        ("/a\nb/", None),
        ("/a%0Ab/", None),
        ("/a%00b/", None),
    ],
)
def test_target_path(new: str, path: str | None) -> None:
    assert target_path(new) == path


def test_convert_counts_the_redirects_it_leaves_out(tmp_path: Path) -> None:
    export = tmp_path / "export.xml"
    export.write_text(
        '<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><wp:wxr_version>1.2</wp:wxr_version>'
        "<item><title>a</title><link>https://x.org/a%0AAddType application/x-httpd-php .jpg/</link>"
        "<wp:post_id>1</wp:post_id><wp:post_name>a</wp:post_name><wp:status>publish</wp:status>"
        "<wp:post_type>post</wp:post_type></item></channel></rss>",
        encoding="utf-8",
    )
    conf = tmp_path / "redirects.conf"
    account = wxrtool.convert(export, "jekyll", str(tmp_path / "site"), redirects=("apache", str(conf)))
    assert [(old, why) for old, _, why in account.redirects_refused] == [
        ("https://x.org/a%0AAddType application/x-httpd-php .jpg/", "old address cannot be written for apache")
    ]
    assert account.as_dict()["redirects_left_out"][0]["reason"] == "old address cannot be written for apache"
    assert "redirects: 1 left out" in account.summary()
    assert "AddType" not in conf.read_text().replace("/aAddType", "")


# Edges the mutation run found untested (bench/RESULTS-mutants.md).


def test_a_new_address_with_del_is_refused() -> None:
    assert target_path("/a\x7fb/") is None
    assert target_path("/a%7Fb/") is None


def test_the_longest_path_is_kept_and_one_byte_more_refused() -> None:
    assert old_path("https://x.org/" + "a" * 2047) == "/" + "a" * 2047
    assert old_path("https://x.org/" + "a" * 2048) is None


def test_apache_redirects_match_at_slashes_not_inside_names() -> None:
    # Redirect "/a" does not match /ab/ (mod_alias compares whole segments): no loop here.
    rendered = render_checked("apache", {1: ("https://x.org/a", "/b/"), 2: ("https://x.org/b/", "/ab/")})
    assert rendered.refused == ()


def test_an_unknown_style_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown redirect style"):
        render("iis", {})


def test_the_report_lists_the_redirects_left_out() -> None:
    account = wxrtool.Account(redirects_refused=[("/a", "//evil/", "not a local path")])
    assert account.as_dict()["redirects_left_out"] == [{"old": "/a", "new": "//evil/", "reason": "not a local path"}]

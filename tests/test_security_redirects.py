"""--redirects with hostile links and new addresses: every file format parsed back.

The cases are files in tests/hostile/redirects/ (see tests/redirect_cases.py); real nginx
and Apache answer them in test_redirects_servers.py.
"""

from __future__ import annotations

import csv
import itertools
import re
from pathlib import Path
from urllib.parse import quote, unquote

import pytest

import wxrtool
from wxrtool.redirects import STYLES, old_path, render, render_checked, target_path

from .redirect_cases import expected_rules, load, urls

CASES = load()
URLS = urls(CASES)
BY_NAME = {case.name: case for case in CASES}
# What old_path leaves unencoded besides letters and digits ("/" between segments).
_URL_SAFE = "/-._~!'()+,=@&"


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
        assert fields[-1] == "301!" and fields[-2].startswith("/") and not fields[-2].startswith("//"), line
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


# A quoted nginx string: no raw quote, backslash or control character, only the escapes
# nginx's parser reads (\\ \" \t \r \n). Keys are decoded paths, so "$", ";", "{" may appear.
_NGINX_STRING = r'"((?:[^"\\\x00-\x1f\x7f-\x9f]|\\[\\"trn])*)"'
# A new address: percent-encoded, so the only "$" are the variables the file adds.
_NGINX_NEW = r'"(/[^"\\$\s{};#]*)'
_NGINX_QUERY = re.compile(r'    "(\d+)" ' + _NGINX_NEW + '";')  # (the value of ?p=, the only parameter here)
_NGINX_PATH = re.compile("    " + _NGINX_STRING + " " + _NGINX_NEW + r'\$is_args\$args";')
# A new address in a RewriteRule: encoded, every "%" escaped (else "%1" is a back-reference).
_APACHE_NEW = r'"(/(?:[^"\\$\s%{};#]|\\%[0-9A-F]{2})*)'
# An old path: "^/?...$" (the leading slash optional: a virtual host's rules see it, an .htaccess
# file's do not) with every regex metacharacter after a backslash, a quote as \x22, no control
# character, and no other backslash (Apache's parser would read \" as a quote); "/?" at the end
# where the other spelling of the trailing slash redirects too.
_APACHE_PATH = re.compile(
    r'RewriteRule "\^/\?((?:[^"\\^$.|?*+()\[\]{}\x00-\x1f\x7f]|\\[\\^$.|?*+()\[\]{}]|\\x22)*)(/\?)?\$" '
    + _APACHE_NEW
    + r'" \[R=301,L,NE\]'
)
_APACHE = [
    re.compile(r"# .*"),
    re.compile(r"RewriteEngine On"),
    _APACHE_PATH,
    # The parameter anywhere in the query, at the root or its index.php.
    re.compile(r"RewriteCond %\{QUERY_STRING\} \(\?:\^\|&\)p=\d+\(\?:&\|\$\) \[NC\]"),
    re.compile(r'RewriteRule "\^/\?\(\?:index\\\.php\)\?\$" ' + _APACHE_NEW + r'\?" \[R=301,L,NE\]'),
]


def _slash_toggled(path: str) -> str:
    return path[:-1] if path.endswith("/") else path + "/"  # (the rules add the first only)


def test_nginx_lines_are_only_map_entries() -> None:
    # "\n" only: str.splitlines would also cut at U+2028 and U+0085, which a key may hold.
    lines = render("nginx", URLS).removesuffix("\n").split("\n")
    queries = lines.index('map "$arg_p" $wxrtool_redirect_query {')
    paths = lines.index("map $uri $wxrtool_redirect {")
    assert all(line.startswith("# ") for line in lines[:queries]), lines[:queries]
    assert lines[paths - 1] == "}" and lines[-1] == "}"
    assert lines[paths + 1 : paths + 3] == [
        '    "/" $wxrtool_redirect_query;',
        '    "/index.php" $wxrtool_redirect_query;',
    ]
    bad = [line for line in lines[queries + 1 : paths - 1] if not _NGINX_QUERY.fullmatch(line)]
    bad += [line for line in lines[paths + 3 : -1] if not _NGINX_PATH.fullmatch(line)]
    assert bad == []
    found = {(f"/?p={m[1]}", m[2]) for line in lines[queries + 1 : paths - 1] if (m := _NGINX_QUERY.fullmatch(line))}
    entries = [(m[1], m[2]) for line in lines[paths + 3 : -1] if (m := _NGINX_PATH.fullmatch(line))]
    # A key whose other spelling (with or without the trailing slash) follows it with the same
    # new address is that rule's second key: the rules are the keys without them.
    seconds = {
        i + 1
        for i, ((key, new), (after, again)) in enumerate(itertools.pairwise(entries))
        if after == _slash_toggled(key) and again == new and not key.startswith("~")
    }
    keys = [key for i, (key, _) in enumerate(entries) if i not in seconds]
    assert found == {(old, new) for old, new in expected_rules(CASES, "nginx") if old.startswith("/?p=")}
    # One key for each case nginx answers with its own rule: an exact one, none the same to
    # nginx (its strings ignore ASCII case), or, for paths that differ only in case, a
    # case-sensitive regular expression; the others are answered by a twin's rule, or not at all.
    own = [
        case
        for case in CASES
        if case.to["nginx"] is not None and case.to["nginx"] == case.to["csv"] and "?" not in case.request
    ]
    exact = [key for key in keys if not key.startswith("~")]
    cased = [key for key in keys if key.startswith("~^") and key.endswith("$")]
    assert len(exact) == len({key.encode().lower() for key in exact}) and len(exact) + len(cased) == len(own)
    assert {key.encode().lower() for key in exact}.isdisjoint(
        {k[2:-1].removesuffix("/?").replace("\\", "").encode().lower() for k in cased}
    )


def test_apache_lines_are_only_redirects() -> None:
    lines = render("apache", URLS).splitlines()
    assert all(any(shape.fullmatch(line) for shape in _APACHE) for line in lines), [
        line for line in lines if not any(shape.fullmatch(line) for shape in _APACHE)
    ]
    assert "${" not in "\n".join(lines)


def test_apache_patterns_match_exactly_their_own_old_address() -> None:
    # Read each path rule back as Apache does (its PCRE and Python's re agree on these
    # escapes) and ask it for every address the cases request, decoded as Apache compares.
    # With or without the leading slash (a virtual host's rules see it, an .htaccess file's do not).
    rules = [_APACHE_PATH.fullmatch(line) for line in render("apache", URLS).splitlines()]
    patterns = [
        (re.compile("/?" + found[1] + (found[2] or "")), found[2], found[3].replace("\\%", "%"))
        for found in rules
        if found
    ]
    expected = {(old, new) for old, new in expected_rules(CASES, "apache") if not old.startswith("/?p=")}
    olds = {unquote(old) for old, _ in expected}
    asked = {unquote(target) for case in CASES for target in (case.request, *case.also, *case.probes)}
    asked |= {path + suffix for path in asked for suffix in ("/", "x", "/a/")}
    asked |= {path[:-1] for path in asked if path.endswith("/")}
    found_rules = set()
    for pattern, twin, new in patterns:
        matched = {path for path in asked if pattern.fullmatch(path)}
        own = matched & olds
        # One old address, and its other spelling where "/?" says so: nothing under it or beside it.
        assert len(own) == 1, (pattern.pattern, matched)
        (path,) = own
        assert matched == ({path, _slash_toggled(path)} if twin else {path}), (pattern.pattern, matched)
        assert pattern.fullmatch(path.removeprefix("/"))  # (as an .htaccess file's rule sees it)
        found_rules.add((quote(path, safe=_URL_SAFE), new))
    assert found_rules == expected


@pytest.mark.parametrize(
    ("link", "pattern", "path", "not_path"),
    [
        ("https://x.org/a.b/", r"/a\.b/", "/a.b/", "/axb/"),
        ("https://x.org/(a)/", r"/\(a\)/", "/(a)/", "/a/"),
        ("https://x.org/[ab]/", r"/\[ab\]/", "/[ab]/", "/a/"),
        ("https://x.org/a+/", r"/a\+/", "/a+/", "/aa/"),
        ("https://x.org/a%3F/", r"/a\?/", "/a?/", "/"),
        ("https://x.org/a$/", r"/a\$/", "/a$/", "/a"),
        ("https://x.org/a%5C/", r"/a\\/", "/a\\/", "/a/"),
        ("https://x.org/a%5C", r"/a\\", "/a\\", "/a"),
        ("https://x.org/a%22b/", r"/a\x22b/", '/a"b/', "/ab/"),
        ("https://x.org/{1}|^*/", r"/\{1\}\|\^\*/", "/{1}|^*/", "/1/"),
        ("https://x.org/caf%C3%A9/", "/café/", "/café/", "/cafe/"),
        ("https://x.org/ü ber/", "/ü ber/", "/ü ber/", "/ü/"),
    ],
)
def test_apache_old_paths_are_escaped_for_pcre_and_the_config_parser(
    link: str, pattern: str, path: str, not_path: str
) -> None:
    rendered = render_checked("apache", {1: (link, "/n%C3%A9w/")})
    assert rendered.refused == ()
    twin = "/?" if path.endswith("/") else ""  # (the path without its slash redirects too)
    written = "/?" + pattern[1:].removesuffix("/") + twin if twin else "/?" + pattern[1:]
    line = f'RewriteRule "^{written}$" "/n\\%C3\\%A9w/" [R=301,L,NE]'
    assert [
        found for found in rendered.text.splitlines() if found.startswith("RewriteRule") and "index" not in found
    ] == [line]
    assert _APACHE_PATH.fullmatch(line)
    assert re.fullmatch(written, path) and not re.fullmatch(written, not_path)
    assert re.fullmatch(written, path.removeprefix("/"))  # (an .htaccess file's rules see no leading slash)
    assert not re.fullmatch(written, path + "a/") and not re.fullmatch(written, path + "//")


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
    # Every style matches whole addresses: "/pre/" to "/pre/fix/" does not loop.
    assert (BY_NAME["prefix-loop"].link, "redirect loop") not in refused
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
        ("/a%0AAddType%20application/x-httpd-php%20.jpg/", "old address cannot be written for apache")
    ]  # (the old address as wxrtool.oldurls gives it: canonical, percent-encoded)
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


def test_apache_redirects_match_whole_paths_not_beginnings() -> None:
    # "^/a$" matches neither /ab/ nor /a/b/: no loop here.
    rendered = render_checked("apache", {1: ("https://x.org/a", "/b/"), 2: ("https://x.org/b/", "/ab/")})
    assert rendered.refused == ()
    rendered = render_checked("apache", {1: ("https://x.org/a", "/a/b/"), 2: ("https://x.org/a/b", "/a/")})
    assert rendered.refused == ()
    # (/a/ and /a/b/ are new addresses, pages of the new site: neither rule takes its slashed twin)
    assert 'RewriteRule "^/?a$" "/a/b/" [R=301,L,NE]' in rendered.text.splitlines()
    assert 'RewriteRule "^/?a/b$" "/a/" [R=301,L,NE]' in rendered.text.splitlines()
    rendered = render_checked("apache", {1: ("https://x.org/a/", "/b/")})
    assert 'RewriteRule "^/?a/?$" "/b/" [R=301,L,NE]' in rendered.text.splitlines()


def test_apache_loops_are_found_through_exact_addresses() -> None:
    rendered = render_checked("apache", {1: ("https://x.org/a", "/b/"), 2: ("https://x.org/b/", "/a")})
    assert sorted(r.old for r in rendered.refused) == ["https://x.org/a", "https://x.org/b/"]
    # Apache compares decoded paths: /b%C3%A9/ is the request for the old /bé/.
    rendered = render_checked("apache", {1: ("https://x.org/a", "/b%C3%A9/"), 2: ("https://x.org/bé/", "/a")})
    assert [r.reason for r in rendered.refused] == ["redirect loop", "redirect loop"]


def test_an_unknown_style_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown redirect style"):
        render("iis", {})


def test_the_report_lists_the_redirects_left_out() -> None:
    account = wxrtool.Account(redirects_refused=[("/a", "//evil/", "not a local path")])
    assert account.as_dict()["redirects_left_out"] == [{"old": "/a", "new": "//evil/", "reason": "not a local path"}]

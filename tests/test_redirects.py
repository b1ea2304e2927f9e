"""--redirects: every old permalink and /?p=ID lands on the new address."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner

import wxrtool
from wxrtool.cli import main
from wxrtool.redirects import render

from .conftest import SAMPLES


@pytest.mark.parametrize("fmt", ["markdown", "hugo", "jekyll", "pelican", "ghost"])
def test_every_published_item_has_a_redirect(fmt: str, tmp_path: Path) -> None:
    out = tmp_path / ("out.json" if fmt == "ghost" else "site")
    wxrtool.convert(SAMPLES / "klout.xml", fmt, str(out), redirects=("csv", str(tmp_path / "r.csv")))
    rows = list(csv.DictReader((tmp_path / "r.csv").read_text(encoding="utf-8").splitlines()))
    assert {"old": "/?p=2033", "new": rows[0]["new"]} in rows
    new = {r["new"] for r in rows}
    assert len(new) == 1 and new.pop().startswith("/")


def test_styles() -> None:
    urls = {7: ("https://example.org/2020/01/caf%c3%a9/", "/posts/cafe/"), 8: ("https://example.org/?p=8", "/b/")}
    # nginx compares the request as sent, percent-encoded; Apache compares it decoded.
    assert '"/2020/01/caf%C3%A9/" "/posts/cafe/";' in render("nginx", urls)
    apache = render("apache", urls)
    assert 'RewriteRule "^/2020/01/café/$" "/posts/cafe/" [R=301,L,NE]' in apache
    assert "RewriteCond %{QUERY_STRING} ^p=8$" in apache
    assert "/  p=8  /b/  301" in render("netlify", urls)
    assert render("csv", urls).splitlines()[0] == "old,new"


def test_formats_without_new_addresses_refuse(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["convert", str(SAMPLES / "klout.xml"), "--to", "json", "--redirects", "nginx", str(tmp_path / "r")]
    )
    assert result.exit_code == 2 and "--redirects needs a format" in result.stderr

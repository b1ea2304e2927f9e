"""Batch migration: parts of one site merged, many sites at once, on a Dask cluster too."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import wxrtool
from wxrtool.batch import convert_sites
from wxrtool.cli import main
from wxrtool.convert import ConvertOptions
from wxrtool.errors import WXRError
from wxrtool.exportfiles import check_parts, group_inputs
from wxrtool.read import read_parts
from wxrtool.split import parse_size, split

from .conftest import FIXTURES, SAMPLE_FILES, SAMPLES, needs_fixtures


def test_grouping(tmp_path: Path) -> None:
    for name in ("site.wordpress.2024-01-01.001.xml", "site.wordpress.2024-01-01.000.xml", "other.xml", "notes.txt"):
        (tmp_path / name).write_text("x")
    groups = group_inputs([str(tmp_path)])
    assert [[Path(p).name for p in g] for g in groups] == [
        ["other.xml"],
        ["site.wordpress.2024-01-01.000.xml", "site.wordpress.2024-01-01.001.xml"],
    ]
    assert group_inputs([str(tmp_path / "*.000.xml")]) == [[str(tmp_path / "site.wordpress.2024-01-01.000.xml")]]


def test_parts_read_as_one_site(tmp_path: Path) -> None:
    source = SAMPLES / "drafts-and-pages.xml"
    report = split(source, parse_size("9KB"), str(tmp_path / "parts"))
    parts = [str(tmp_path / "parts" / p) for p in report.parts]
    assert len(parts) > 2
    merged = list(read_parts(parts))
    original = list(wxrtool.read(source))
    assert sum(isinstance(r, wxrtool.Site) for r in merged) == 1
    kinds = [type(r).__name__ for r in original]
    assert sorted(type(r).__name__ for r in merged) == sorted(kinds)
    # references across parts resolve: the Markdown of the merged site equals the original's
    wxrtool.convert(parts, "markdown", str(tmp_path / "a"), wxrtool.Selection.everything())
    wxrtool.convert(source, "markdown", str(tmp_path / "b"), wxrtool.Selection.everything())
    files_a = {p.relative_to(tmp_path / "a"): p.read_text() for p in (tmp_path / "a").rglob("*.md")}
    files_b = {p.relative_to(tmp_path / "b"): p.read_text() for p in (tmp_path / "b").rglob("*.md")}
    assert files_a == files_b


@needs_fixtures
def test_many_sites_in_parallel_one_failure_does_not_stop_the_others(tmp_path: Path) -> None:
    inputs = [str(p) for p in SAMPLE_FILES] + [str(FIXTURES / "TryGhost__migrate/sample.xml")]
    result = CliRunner().invoke(main, ["convert", *inputs, "--to", "jsonl", "-o", str(tmp_path / "out"), "--jobs", "2"])
    assert result.exit_code == 1
    assert (
        "failed  sample: " in result.stderr and f"{len(SAMPLE_FILES)} of {len(inputs)} sites converted" in result.stderr
    )
    for sample in SAMPLE_FILES:
        lines = (tmp_path / "out" / f"{sample.stem}.jsonl").read_text().splitlines()
        assert json.loads(lines[0])["record"] == "site"
    assert not (tmp_path / "out" / "sample.jsonl").exists()


def test_jobs_do_not_change_the_output(tmp_path: Path) -> None:
    inputs = [str(p) for p in SAMPLE_FILES]
    for jobs in ("1", "2"):
        result = CliRunner().invoke(
            main, ["convert", *inputs, "--to", "markdown", "-o", str(tmp_path / jobs), "--jobs", jobs]
        )
        assert result.exit_code == 0, result.stderr
    one = {p.relative_to(tmp_path / "1"): p.read_bytes() for p in (tmp_path / "1").rglob("*") if p.is_file()}
    two = {p.relative_to(tmp_path / "2"): p.read_bytes() for p in (tmp_path / "2").rglob("*") if p.is_file()}
    assert one == two and len(one) > 5


def test_batch_needs_a_folder() -> None:
    result = CliRunner().invoke(main, ["convert", *map(str, SAMPLE_FILES), "--to", "json"])
    assert result.exit_code == 2 and "need an output folder" in result.stderr


# (distributed warns when making its scratch folders takes over a second, as on a loaded machine;
# the suite's warnings are errors, and that one is no fault of what is tested here)
@pytest.mark.filterwarnings("ignore:Creating scratch directories:UserWarning")
def test_dask_cluster(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        results = convert_sites(
            [[str(p)] for p in SAMPLE_FILES],
            str(tmp_path / "out"),
            ConvertOptions("json"),
            scheduler=cluster.scheduler_address,
        )
    assert all(r.ok for r in results) and len(results) == len(SAMPLE_FILES)
    for sample in SAMPLE_FILES:
        assert json.loads((tmp_path / "out" / f"{sample.stem}.json").read_text())["site"]


def test_a_file_given_twice_is_one_site_and_a_clash_fails_that_site_only(tmp_path: Path) -> None:
    """'a.xml ./a.xml' made two sites that clashed on one output; a clash stopped the whole batch."""
    export = tmp_path / "a.xml"
    export.write_bytes((SAMPLES / "klout.xml").read_bytes())
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "a.xml").write_bytes(export.read_bytes())
    other = tmp_path / "c.xml"
    other.write_bytes((SAMPLES / "rules.xml").read_bytes())
    assert group_inputs([str(export), str(tmp_path / "." / "a.xml")]) == [[str(export)]]
    sites = [[str(export)], [str(tmp_path / "b" / "a.xml")], [str(other)]]
    results = convert_sites(sites, str(tmp_path / "out"), ConvertOptions(to="json"))
    assert [r.ok for r in results] == [True, False, True]
    assert f"{tmp_path / 'b' / 'a.xml'}: {export} writes {tmp_path / 'out' / 'a.json'} already" in results[1].error
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.json", "c.json"]


@pytest.mark.parametrize(
    ("given", "said"), [((1, 3), "skip 002"), ((1, 4), "skip 002 to 003"), ((2, 3), "start at 002")]
)
def test_the_parts_of_a_split_export_must_all_be_there(given: tuple[int, int], said: str, tmp_path: Path) -> None:
    """Parts 001 and 003 were read as the whole site, exit 0: 002's items were lost, unsaid. The site
    fails, not the batch."""
    split(SAMPLES / "drafts-and-pages.xml", parse_size("6KB"), tmp_path / "parts")  # (4 parts)
    parts = [str(tmp_path / "parts" / f"drafts-and-pages.{n:03d}.xml") for n in given]
    with pytest.raises(WXRError, match=said):
        check_parts(parts)
    check_parts([str(tmp_path / f"blog.{n:03d}.xml") for n in (0, 1, 2)])
    (tmp_path / "k.xml").write_bytes((SAMPLES / "klout.xml").read_bytes())
    results = convert_sites([parts, [str(tmp_path / "k.xml")]], str(tmp_path / "out"), ConvertOptions(to="json"))
    assert [r.ok for r in results] == [False, True] and said in results[0].error


@pytest.mark.parametrize(
    ("command", "given", "said"),
    [
        (
            ["convert", "--to", "json"],
            (1,),
            "pages.002.xml, drafts-and-pages.003.xml, drafts-and-pages.004.xml and 3 more lie",
        ),
        (["convert", "--to", "json"], (1, 2, 3, 4, 5, 6), "drafts-and-pages.007.xml lies beside"),
        (
            ["migrate", "--to", "markdown", "--media", "none"],
            (1, 2),
            "drafts-and-pages.003.xml, drafts-and-pages.004.xml",
        ),
        (["convert", "--to", "json"], (1, 2, 3, 4, 5, 6, 7), None),
    ],
)
def test_parts_left_beside_those_given_are_said(
    command: list[str], given: tuple[int, ...], said: str | None, tmp_path: Path
) -> None:
    """`convert big.001.xml` (or the first parts without the last) read what it was given, exit 0, and
    the other parts' items were left out without a word: said, even with -q, and the run goes on
    (converting a part on its own may be meant)."""
    split(SAMPLES / "drafts-and-pages.xml", parse_size("6KB"), tmp_path / "parts")
    assert len(list((tmp_path / "parts").glob("*.xml"))) == 7  # (and a manifest)
    parts = [str(tmp_path / "parts" / f"drafts-and-pages.{n:03d}.xml") for n in given]
    done = CliRunner().invoke(main, [*command, *parts, "-o", str(tmp_path / "out"), "-q"])
    assert done.exit_code == 0, done.output
    if said is None:
        assert "warning" not in done.stderr
    else:
        assert said in done.stderr and "items are left out" in done.stderr, done.stderr
        assert done.stderr.count("\n") == 1  # (one line)
    assert (tmp_path / "out").exists()
    # Several sites at once: each site's parts left out said.
    (tmp_path / "k.xml").write_bytes((SAMPLES / "klout.xml").read_bytes())
    batch = CliRunner().invoke(
        main, ["convert", "--to", "json", *parts, str(tmp_path / "k.xml"), "-o", str(tmp_path / "b"), "-q"]
    )
    assert batch.exit_code == 0, batch.output
    assert ("not given" in batch.stderr) == (len(given) < 7)
    assert "k.xml" not in batch.stderr


def test_a_folder_of_exports_takes_its_zip_archives(tmp_path: Path) -> None:
    """A folder's .zip (WordPress.com's download) was skipped, named nowhere."""
    folder = tmp_path / "in"
    folder.mkdir()
    import zipfile

    with zipfile.ZipFile(folder / "rules.zip", "w") as z:
        z.write(SAMPLES / "rules.xml", "rules.xml")
    (folder / "klout.xml").write_bytes((SAMPLES / "klout.xml").read_bytes())
    assert group_inputs([str(folder)]) == [[str(folder / "klout.xml")], [str(folder / "rules.zip")]]
    results = convert_sites(group_inputs([str(folder)]), str(tmp_path / "out"), ConvertOptions(to="json"))
    assert [(r.name, r.ok) for r in results] == [("klout", True), ("rules", True)]


def test_parts_are_grouped_by_their_place_and_a_whole_export_is_not_a_part(tmp_path: Path) -> None:
    """'x x.001.xml x.002.xml' was one site (an internal error: 'NoneType' has no 'group'); 'a/x.001.xml
    ./a/x.002.xml' two; a part given twice said another part was missing."""
    split(SAMPLES / "drafts-and-pages.xml", parse_size("6KB"), tmp_path / "a")
    parts = sorted(str(p) for p in (tmp_path / "a").glob("*.xml"))
    (tmp_path / "a" / "drafts-and-pages").write_bytes((SAMPLES / "klout.xml").read_bytes())
    spelled = [parts[0], str(tmp_path / "a" / "." / Path(parts[1]).name), *parts[2:]]
    assert group_inputs([str(tmp_path / "a" / "drafts-and-pages"), *spelled]) == [
        [str(tmp_path / "a" / "drafts-and-pages")],
        spelled,
    ]
    import gzip

    twice = str(tmp_path / "a" / "drafts-and-pages.002.xml.gz")
    Path(twice).write_bytes(gzip.compress(Path(parts[1]).read_bytes()))
    with pytest.raises(WXRError, match="part 002 of a split export is given twice"):
        check_parts(group_inputs([*parts, twice])[0])


def test_a_folder_leaves_out_a_zip_that_holds_no_export(tmp_path: Path) -> None:
    """A zip of photos beside the exports failed the batch ('a zip archive that holds no export')."""
    import zipfile

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "klout.xml").write_bytes((SAMPLES / "klout.xml").read_bytes())
    with zipfile.ZipFile(folder / "uploads.zip", "w") as z:
        z.writestr("pic.jpg", b"\xff\xd8")
    assert group_inputs([str(folder)]) == [[str(folder / "klout.xml")]]


def test_the_parts_beside_many_sites_are_looked_for_in_linear_time(tmp_path: Path) -> None:
    """Each split site of a batch listed and read its whole folder again (8,000 sites: 97 s)."""
    from wxrtool.cli.sites import warn_of_parts_not_given

    from .timing import grows_linearly

    for n in (1000, 4000):
        (tmp_path / str(n)).mkdir()
        for k in range(n):
            for part in ("001", "002"):
                (tmp_path / str(n) / f"site{k}.{part}.xml").touch()

    def run(n: int) -> None:
        folder, folders = tmp_path / str(n), {}  # type: ignore[var-annotated]
        for k in range(n):
            warn_of_parts_not_given([str(folder / f"site{k}.001.xml"), str(folder / f"site{k}.002.xml")], folders)

    grows_linearly(run, 1000)


def test_a_batch_writes_a_redirect_file_a_site(tmp_path: Path) -> None:
    """A batch wrote no redirects at all ('--redirects names one file'): each site's old slugs,
    /?p=ID and archives were lost unless it ran alone. {site} in the path names a file a site."""
    folder = tmp_path / "in"
    folder.mkdir()
    for sample in ("klout.xml", "drafts-and-pages.xml"):
        (folder / sample).write_bytes((SAMPLES / sample).read_bytes())
    out = tmp_path / "sites"
    result = CliRunner().invoke(
        main, ["convert", str(folder), "--to", "hugo", "-o", str(out), "--redirects", "csv", str(out / "{site}.csv")]
    )
    assert result.exit_code == 0, result.output
    klout = (out / "klout.csv").read_text(encoding="utf-8")
    drafts = (out / "drafts-and-pages.csv").read_text(encoding="utf-8")
    assert "/?p=2033,/posts/why-i-deleted-my-klout-profile/" in klout and "/?p=2033," not in drafts
    assert "/?p=101," in drafts and "/?p=101," not in klout
    one = CliRunner().invoke(
        main,
        [
            "convert",
            str(folder),
            "--to",
            "hugo",
            "-o",
            str(tmp_path / "x"),
            "--redirects",
            "csv",
            str(tmp_path / "r.csv"),
        ],
    )
    assert one.exit_code == 2 and "{site}" in one.stderr

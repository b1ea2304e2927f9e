"""Format plug-ins, really installed: the README's "Writing a format" example, built with pip
from the code blocks of that section and run through the command line; a plug-in that names a
built-in format; a plug-in that does not load.

Each package is installed with ``pip install --no-deps --no-build-isolation --no-index
--target <tmp>/site`` (offline: the build uses the setuptools already installed) and seen by
``python -m wxrtool`` through ``PYTHONPATH``, the way an installed distribution is: through its
``.dist-info`` entry points.
"""

from __future__ import annotations

import csv
import dataclasses
import importlib.util
import io
import json
import os
import re
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from wxrtool import Post, read
from wxrtool.writers.protocol import WriteOptions

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
KLOUT = ROOT / "samples" / "klout.xml"
GROUP = "wxrtool.formats"  # the entry point group wxrtool reads plug-ins from

KLOUT_TITLE = "<title><![CDATA[Why I Deleted My Klout Profile]]></title>"
KLOUT_LINK = "<link>http://jeffturner.info/why-i-deleted-my-klout-profile/</link>"


# The README's example.


def readme_section(title: str) -> str:
    text = README.read_text(encoding="utf-8")
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    if match is None:
        pytest.fail(f"README.md has no '## {title}' section")
    return match.group(1)


def readme_block(section: str, language: str) -> str:
    """The one ```language code block of the README's ``section``."""
    blocks = re.findall(rf"^```{language}\n(.*?)^```", readme_section(section), re.S | re.M)
    if len(blocks) != 1:
        pytest.fail(f"the README's '{section}' section has {len(blocks)} ```{language} blocks, not one")
    return blocks[0]


@dataclass(frozen=True)
class Example:
    """The README's example package: its code, its pyproject, and what they declare."""

    code: str
    pyproject: str
    distribution: str
    version: str
    module: str
    entry_point: str  # its name in the group
    format_name: str

    @classmethod
    def from_readme(cls) -> Example:
        code = readme_block("Writing a format", "python")
        pyproject = readme_block("Writing a format", "toml")
        try:
            project = tomllib.loads(pyproject)["project"]
        except (tomllib.TOMLDecodeError, KeyError) as exc:
            pytest.fail(f"the README's pyproject.toml does not read: {exc!r}")
        points = project.get("entry-points", {}).get(GROUP, {})
        if len(points) != 1:
            pytest.fail(f'the README\'s pyproject.toml declares {len(points)} [project.entry-points."{GROUP}"]')
        [(entry_point, value)] = points.items()
        module, _, attribute = value.partition(":")
        if not re.search(rf"^{attribute} = Format\(", code, re.M):
            pytest.fail(f"the README's example module does not define {attribute} = Format(...)")
        if not re.search(r"^def write\(", code, re.M):
            pytest.fail("the README's example module has no write function")
        declared = re.search(rf'^{attribute} = Format\(\s*"([^"]+)"', code, re.M)
        assert declared, "the example's Format has no literal name"
        return cls(code, pyproject, project["name"], project["version"], module, entry_point, declared[1])


def test_the_readme_has_the_example() -> None:
    """The section, its two blocks, and a declaration in the group wxrtool reads."""
    example = Example.from_readme()
    assert example.module == "wxrtool_csv_posts"
    assert example.format_name == "csvposts"
    assert f'[project.entry-points."{GROUP}"]' in example.pyproject


# Installing and running.


def _normalized(name: str) -> str:
    """A distribution's name as packaging compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _can_build() -> None:
    """Skip unless pip and setuptools are there, and setuptools can build a wheel offline."""
    for tool in ("pip", "setuptools"):
        if importlib.util.find_spec(tool) is None:
            pytest.skip(f"{tool} is not installed: the plug-in tests install packages with it")
    # setuptools builds wheels itself from 70.1; before, with the `wheel` package's bdist_wheel.
    probe = "try:\n import setuptools.command.bdist_wheel\nexcept ImportError:\n import wheel.bdist_wheel\n"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(
            "the installed setuptools cannot build a wheel: it needs setuptools>=70.1, or the"
            " `wheel` package (below 0.46) beside an older setuptools"
        )


def install(package: Path, site: Path) -> Path:
    """``pip install`` the project in ``package`` into ``site``, offline; ``site``."""
    _can_build()
    command = [sys.executable, "-m", "pip", "install", "--no-deps", "--no-build-isolation", "--no-index"]
    command += ["--disable-pip-version-check", "--quiet", "--target", str(site), str(package)]
    env = {**os.environ, "PIP_NO_INPUT": "1", "PIP_ROOT_USER_ACTION": "ignore"}
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=package)
    if done.returncode != 0:
        pytest.fail(f"pip could not install {package.name}:\n{done.stdout}\n{done.stderr}")
    assert list(site.glob("*.dist-info/entry_points.txt")), f"pip installed no entry points in {site}"
    return site


def package(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def run(site: Path, *args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``python -m wxrtool ARGS`` with the packages of ``site`` installed."""
    path = os.pathsep.join(p for p in (str(site), os.environ.get("PYTHONPATH", "")) if p)
    env = {**os.environ, "PYTHONPATH": path}
    return subprocess.run(
        [sys.executable, "-m", "wxrtool", *map(str, args)], capture_output=True, text=True, env=env, cwd=cwd
    )


def ok(done: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert done.returncode == 0, f"exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    assert "Traceback" not in done.stderr, done.stderr
    return done


@pytest.fixture(scope="module")
def example() -> Example:
    return Example.from_readme()


@pytest.fixture(scope="module")
def site(example: Example, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The README's example, installed."""
    root = tmp_path_factory.mktemp("readme-plugin")
    source = package(root / "pkg", {f"{example.module}.py": example.code, "pyproject.toml": example.pyproject})
    return install(source, root / "site")


def formats_json(site: Path, cwd: Path) -> dict[str, dict[str, object]]:
    rows = json.loads(ok(run(site, "formats", "--json", cwd=cwd)).stdout)
    return {row["name"]: row for row in rows}


def test_formats_lists_the_plugin_with_its_distribution(example: Example, site: Path, tmp_path: Path) -> None:
    rows = formats_json(site, tmp_path)
    assert example.format_name in rows, f"`wxrtool formats --json` does not list {example.format_name}: {list(rows)}"
    row = rows[example.format_name]
    name, _, version = str(row["origin"]).partition(" ")
    assert (_normalized(name), version) == (_normalized(example.distribution), example.version), row
    assert row["module"] == example.module
    assert (row["target"], row["extension"]) == ("file", ".csv")
    assert rows["json"]["origin"] == "wxrtool"

    lines = ok(run(site, "formats", cwd=tmp_path)).stdout.splitlines()
    [line] = [line for line in lines if line.split()[0] == example.format_name]
    assert line.endswith(f"(from {row['origin']})"), line
    assert not [line for line in lines if line.split()[0] == "json" and "(from" in line]


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def test_convert_writes_the_published_posts(example: Example, site: Path, tmp_path: Path) -> None:
    """klout.xml: its one published post (the attachment is left out), with its 36 comments;
    the same bytes when the posts are rendered by worker processes."""
    done = ok(run(site, "convert", KLOUT, "--to", example.format_name, "-o", "out.csv", "--jobs", "1", cwd=tmp_path))
    assert f"wrote {example.format_name} to out.csv" in done.stderr
    rows = read_csv(tmp_path / "out.csv")
    assert rows == [
        ["id", "date", "title", "permalink", "comments"],
        [
            "2033",
            "2011-11-16T08:41:12-06:00",
            "Why I Deleted My Klout Profile",
            "http://jeffturner.info/why-i-deleted-my-klout-profile/",
            "36",
        ],
    ]
    ok(run(site, "convert", KLOUT, "--to", example.format_name, "-o", "jobs.csv", "--jobs", "2", cwd=tmp_path))
    assert (tmp_path / "jobs.csv").read_bytes() == (tmp_path / "out.csv").read_bytes()


@pytest.mark.parametrize(
    ("title", "link"),
    [
        ('=HYPERLINK("http://x","y")', "=cmd|' /C calc'!A0"),
        ("+1+1", "+x"),
        ("-2+3", "-x"),
        ("@SUM(A1:A2)", "@x"),
    ],
)
def test_formula_cells_are_neutralised(example: Example, site: Path, tmp_path: Path, title: str, link: str) -> None:
    """A title or permalink a spreadsheet would run as a formula starts with an apostrophe."""
    export = KLOUT.read_text(encoding="utf-8")
    assert KLOUT_TITLE in export and KLOUT_LINK in export
    export = export.replace(KLOUT_TITLE, f"<title><![CDATA[{title}]]></title>", 1)
    export = export.replace(KLOUT_LINK, f"<link><![CDATA[{link}]]></link>", 1)
    (tmp_path / "hostile.xml").write_text(export, encoding="utf-8")
    ok(run(site, "convert", "hostile.xml", "--to", example.format_name, "-o", "out.csv", cwd=tmp_path))
    [_, row] = read_csv(tmp_path / "out.csv")
    assert row[0] == "2033"
    assert (row[2], row[3]) == ("'" + title, "'" + link)


def test_a_safe_cell_is_left_alone(example: Example, site: Path, tmp_path: Path) -> None:
    """Only the first character counts: a formula sign inside a title is text."""
    export = KLOUT.read_text(encoding="utf-8").replace(KLOUT_TITLE, "<title>1+1=2 @home</title>", 1)
    (tmp_path / "plain.xml").write_text(export, encoding="utf-8")
    ok(run(site, "convert", "plain.xml", "--to", example.format_name, "-o", "out.csv", cwd=tmp_path))
    assert read_csv(tmp_path / "out.csv")[1][2] == "1+1=2 @home"


# Plug-ins that misbehave.

PYPROJECT = """\
[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = "{name}"
version = "1.0"

[project.entry-points."{group}"]
{points}

[tool.setuptools]
py-modules = ["{module}"]
"""

SHADOW = '''\
"""Declares a format named like a built-in one, and one of its own."""

from wxrtool.writers.protocol import Format, WriteResult

FORMAT = Format("json", "not the built-in JSON", "wxrtool_shadow", extension=".json")
PROBE = Format("shadowprobe", "proves this package's entry points are read", "wxrtool_shadow")


def write(entries, out, options):
    out.write("written by the plug-in\\n")
    return WriteResult()
'''


def test_a_plugin_cannot_replace_a_builtin_format(tmp_path: Path) -> None:
    pyproject = PYPROJECT.format(
        name="wxrtool-shadow",
        group=GROUP,
        module="wxrtool_shadow",
        points='json = "wxrtool_shadow:FORMAT"\nshadowprobe = "wxrtool_shadow:PROBE"',
    )
    source = package(tmp_path / "pkg", {"wxrtool_shadow.py": SHADOW, "pyproject.toml": pyproject})
    site = install(source, tmp_path / "site")

    rows = formats_json(site, tmp_path)
    assert _normalized(str(rows["shadowprobe"]["origin"])).startswith("wxrtool-shadow"), rows["shadowprobe"]
    assert (rows["json"]["origin"], rows["json"]["module"]) == ("wxrtool", "wxrtool.writers.json_")
    assert rows["json"]["summary"] != "not the built-in JSON"

    ok(run(site, "convert", KLOUT, "--to", "json", "-o", "out.json", cwd=tmp_path))
    document = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert [post["id"] for post in document["posts"]] == [2033, 2034]


BROKEN = 'raise RuntimeError("this plug-in is broken")\n'


def test_a_broken_plugin_is_a_one_line_error(tmp_path: Path) -> None:
    """A plug-in that raises on import: `convert --to` its name and `formats` fail with one
    `Error:` line naming it and its distribution, no traceback; a built-in format still works."""
    pyproject = PYPROJECT.format(
        name="wxrtool-broken", group=GROUP, module="wxrtool_broken", points='broken = "wxrtool_broken:FORMAT"'
    )
    source = package(tmp_path / "pkg", {"wxrtool_broken.py": BROKEN, "pyproject.toml": pyproject})
    site = install(source, tmp_path / "site")

    for args in (["convert", KLOUT, "--to", "broken", "-o", "out.csv"], ["formats"]):
        done = run(site, *args, cwd=tmp_path)
        shown = done.stdout + done.stderr
        assert done.returncode != 0, shown
        assert "Traceback" not in shown, shown
        errors = [line for line in done.stderr.splitlines() if line.startswith("Error:")]
        assert len(errors) == 1, shown
        [error] = errors
        assert "'broken'" in error and "wxrtool-broken 1.0" in error, error
        assert "RuntimeError: this plug-in is broken" in error, error
        assert not (tmp_path / "out.csv").exists()

    # A built-in name is found without looking at the plug-ins.
    ok(run(site, "convert", KLOUT, "--to", "jsonl", "-o", "out.jsonl", cwd=tmp_path))
    assert (tmp_path / "out.jsonl").read_text(encoding="utf-8").startswith('{"record":"site"')


def test_the_entry_point_group_matters(example: Example, tmp_path: Path) -> None:
    """The README's package with its entry point in another group is not a format: the checks
    above see the plug-in because of the group, not because its module is on the path."""
    pyproject = example.pyproject.replace(f'"{GROUP}"', '"wxrtool.other_formats"')
    assert pyproject != example.pyproject
    source = package(tmp_path / "pkg", {f"{example.module}.py": example.code, "pyproject.toml": pyproject})
    site = install(source, tmp_path / "site")
    assert example.format_name not in formats_json(site, tmp_path)
    done = run(site, "convert", KLOUT, "--to", example.format_name, "-o", "out.csv", cwd=tmp_path)
    assert done.returncode == 2 and f"unknown format {example.format_name!r}" in done.stderr, done.stderr


def test_every_formula_sign_in_process(example: Example) -> None:
    """The example's module run in this process on posts whose title starts with each sign,
    tab and carriage return included (the reader strips those from a title read from XML)."""
    namespace: dict[str, Any] = {"__name__": example.module}
    exec(compile(example.code, f"{example.module}.py", "exec"), namespace)
    [post] = [r for r in read(KLOUT) if isinstance(r, Post) and r.id == 2033]
    options = WriteOptions()
    titles = ["=1", "+1", "-1", "@A1", "\t=1", "\r=1", "a=1", "1+1"]
    posts = [dataclasses.replace(post, title=title) for title in titles]
    render = namespace.get("render")
    entries = [(p, render(p, options) if render else None) for p in posts]
    out = io.StringIO()
    namespace["write"](entries, out, options)
    written = [row[2] for row in csv.reader(io.StringIO(out.getvalue(), newline=""))][1:]
    assert written == ["'=1", "'+1", "'-1", "'@A1", "'\t=1", "'\r=1", "a=1", "1+1"]

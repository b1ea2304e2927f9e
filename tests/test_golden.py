"""Golden outputs for every sample; `pytest --update-golden` rewrites them.

Adding a sample to samples/ adds its cases here: run once with --update-golden,
read the new files, commit them.
"""

from __future__ import annotations

import json
import shutil
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

import wxrtool
from wxrtool.update import STATE

from .conftest import GOLDEN, SAMPLE_FILES

CASES = [
    ("json", "default", wxrtool.Selection()),
    ("jsonl", "all", wxrtool.Selection.everything()),
]


def schema() -> dict:  # type: ignore[type-arg]
    text = resources.files("wxrtool").joinpath("schema/wxrtool.schema.json").read_text(encoding="utf-8")
    return json.loads(text)  # type: ignore[no-any-return]


@pytest.mark.parametrize("sample", SAMPLE_FILES, ids=lambda p: p.stem)
@pytest.mark.parametrize(("fmt", "label", "selection"), CASES, ids=[c[0] for c in CASES])
def test_golden(
    sample: Path, fmt: str, label: str, selection: wxrtool.Selection, tmp_path: Path, update_golden: bool
) -> None:
    out = tmp_path / f"out.{fmt}"
    account = wxrtool.convert(sample, fmt, str(out), selection)
    assert account.balanced()
    golden = GOLDEN / f"{sample.stem}.{label}.{fmt}"
    produced = out.read_text(encoding="utf-8")
    if update_golden:
        golden.write_text(produced, encoding="utf-8")
    assert golden.exists(), f"no golden file {golden.name}: run pytest --update-golden and review it"
    assert produced == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("sample", SAMPLE_FILES, ids=lambda p: p.stem)
@pytest.mark.parametrize("selection", [wxrtool.Selection(), wxrtool.Selection.everything()], ids=["default", "all"])
def test_json_matches_schema(sample: Path, selection: wxrtool.Selection, tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    wxrtool.convert(sample, "json", str(out), selection)
    jsonschema.validate(json.loads(out.read_text(encoding="utf-8")), schema())


def test_schema_rejects_a_password() -> None:
    document = json.loads((GOLDEN / "klout.default.json").read_text(encoding="utf-8"))
    jsonschema.validate(document, schema())
    document["posts"][0]["password"] = "secret"
    with pytest.raises(jsonschema.ValidationError, match="password"):
        jsonschema.validate(document, schema())


@pytest.mark.parametrize("sample", SAMPLE_FILES, ids=lambda p: p.stem)
def test_jsonl_and_json_agree(sample: Path, tmp_path: Path) -> None:
    wxrtool.convert(sample, "json", str(tmp_path / "a.json"), wxrtool.Selection.everything())
    wxrtool.convert(sample, "jsonl", str(tmp_path / "a.jsonl"), wxrtool.Selection.everything())
    document = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    lines = [json.loads(line) for line in (tmp_path / "a.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [p["id"] for p in document["posts"]] == [r["id"] for r in lines if r["record"] == "post"]

    def flatten(nodes: list[dict], post_id: int, path: list[int]) -> list[tuple]:  # type: ignore[type-arg]
        rows = []
        for n in nodes:
            rows.append((post_id, n["id"], n["parent"], n["depth"], tuple(path)))
            rows += flatten(n["replies"], post_id, [*path, n["id"]])
        return rows

    tree_rows = [row for p in document["posts"] for row in flatten(p["comments"], p["id"], [])]
    line_rows = [
        (r["post_id"], r["id"], r["parent"], r["depth"], tuple(r["path"])) for r in lines if r["record"] == "comment"
    ]
    assert tree_rows == line_rows


ENGINE_FORMATS = ["wxr", "hugo", "jekyll", "pelican", "astro", "eleventy", "ghost", "disqus", "remark42"]


def files_of(path: Path) -> dict[str, bytes]:
    """The output as ``{relative path: bytes}``: one entry for a file, every file of a folder."""
    if path.is_file():
        return {path.name: path.read_bytes()}
    # (not the run's record for --update: it holds a hash of wxrtool's code; tests/test_rerun.py)
    return {
        str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file() and p.name != STATE
    }


@pytest.mark.parametrize("sample", SAMPLE_FILES, ids=lambda p: p.stem)
@pytest.mark.parametrize("fmt", ENGINE_FORMATS)
def test_golden_engine_output(sample: Path, fmt: str, tmp_path: Path, update_golden: bool) -> None:
    """Every engine format over every sample, byte for byte (`golden/<format>/<sample>/`)."""
    out = tmp_path / "out"
    account = wxrtool.convert(sample, fmt, str(out))
    assert account.balanced()
    produced = files_of(out)
    golden = GOLDEN / fmt / sample.stem
    if update_golden:
        shutil.rmtree(golden, ignore_errors=True)
        for relative, data in produced.items():
            (golden / relative).parent.mkdir(parents=True, exist_ok=True)
            (golden / relative).write_bytes(data)
    assert golden.is_dir(), f"no golden output {golden}: run pytest --update-golden and review it"
    assert produced == {str(p.relative_to(golden)): p.read_bytes() for p in sorted(golden.rglob("*")) if p.is_file()}

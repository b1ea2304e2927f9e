"""Fuzzing: generated and mutated exports give records or one clear error, never a traceback,
a hang or unbounded memory."""

from __future__ import annotations

import contextlib
import io
import subprocess
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import wxrtool
from wxrtool.validate import validate

from .conftest import SAMPLES

SEEDS = [p.read_bytes() for p in sorted(SAMPLES.glob("*.xml"))]

text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)


@st.composite
def exports(draw: st.DrawFn) -> bytes:
    """A small export built from parts, sometimes odd but well-formed."""
    items = []
    for n in range(draw(st.integers(0, 4))):
        comments = "".join(
            f"<wp:comment><wp:comment_id>{draw(st.integers(0, 9))}</wp:comment_id>"
            f"<wp:comment_parent>{draw(st.integers(0, 9))}</wp:comment_parent>"
            f"<wp:comment_content><![CDATA[{draw(text).replace(']]>', '')}]]></wp:comment_content>"
            f"<wp:comment_type>{draw(st.sampled_from(['', 'comment', 'pingback', 'trackback', 'x']))}</wp:comment_type></wp:comment>"
            for _ in range(draw(st.integers(0, 3)))
        )
        items.append(
            f"<item><title><![CDATA[{draw(text).replace(']]>', '')}]]></title><wp:post_id>{n}</wp:post_id>"
            f"<wp:post_name>{draw(st.sampled_from(['a', '%2e%2e', '%e6%97%a5', '', '..%2f']))}</wp:post_name>"
            f"<wp:post_date>{draw(st.sampled_from(['2020-01-01 00:00:00', '0000-00-00 00:00:00', 'bad']))}</wp:post_date>"
            f"<wp:status>publish</wp:status>{comments}</item>"
        )
    body = (
        '<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><wp:wxr_version>1.2</wp:wxr_version>'
        + "".join(items)
        + "</channel></rss>"
    )
    return body.encode("utf-8")


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = draw(st.one_of(exports(), st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["truncate", "bytes", "controls", "nest", "big-text", "swap"]))
        at = draw(st.integers(0, max(0, len(data))))
        if kind == "truncate":
            data = data[:at]
        elif kind == "bytes":
            data = data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at:]
        elif kind == "controls":
            data = data[:at] + bytes(draw(st.lists(st.integers(0, 31), min_size=1, max_size=4))) + data[at:]
        elif kind == "nest":
            depth = draw(st.integers(1, 400))
            data = data[:at] + b"<a>" * depth + b"</a>" * depth + data[at:]
        elif kind == "big-text":
            data = data[:at] + b"x" * draw(st.integers(1, 200_000)) + data[at:]
        else:
            other = draw(st.integers(0, max(0, len(data))))
            data = data[:at] + data[other:] + data[:other]
    return data


def consume(data: bytes, recover: bool) -> None:
    try:
        for record in wxrtool.read(io.BytesIO(data), recover=recover):
            if isinstance(record, wxrtool.Post):
                wxrtool.build_threads(record.comments)
    except wxrtool.WXRError as exc:
        assert "\n" not in str(exc)


@given(mutated())
@settings(max_examples=300, deadline=5000, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
def test_no_input_gives_anything_but_records_or_a_clear_error(data: bytes) -> None:
    consume(data, recover=False)
    consume(data, recover=True)


@given(data=mutated())
@settings(
    max_examples=60,
    deadline=10000,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)
def test_validate_and_convert_never_crash(data: bytes, tmp_path_factory) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path_factory.mktemp("fuzz") / "e.xml"
    path.write_bytes(data)
    for problem in validate(path, recover=True):
        assert problem.severity in ("error", "warning", "info")
    with contextlib.suppress(wxrtool.WXRError):
        wxrtool.convert(path, "markdown", str(path.parent / "out"), wxrtool.Selection.everything(), recover=True)


BOUNDED = """
import io, resource, sys, wxrtool
resource.setrlimit(resource.RLIMIT_AS, (400 * 1024 * 1024, 400 * 1024 * 1024))
kind = sys.argv[1]
head = b'<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><wp:wxr_version>1.2</wp:wxr_version><item><title>'
if kind == "huge-text":
    data = head + b"x" * (60 * 1024 * 1024) + b"</title></item></channel></rss>"
elif kind == "wide":
    data = head + b"</title>" + b"<wp:postmeta><wp:meta_key>k</wp:meta_key></wp:postmeta>" * 1_000_000 + b"</item></channel></rss>"
else:
    data = head + b"</title>" + b"<a>" * 1_000_000 + b"</item></channel></rss>"
try:
    for _ in wxrtool.read(io.BytesIO(data), recover=kind == "deep"):
        pass
    print("read")
except wxrtool.WXRError as exc:
    print("error:", exc.message[:60])
"""


def test_hostile_sizes_stay_bounded(tmp_path: Path) -> None:
    for kind in ("huge-text", "deep", "wide"):
        proc = subprocess.run(
            [sys.executable, "-c", BOUNDED, kind], capture_output=True, text=True, timeout=120, check=False
        )
        assert proc.returncode == 0, (kind, proc.stderr[-500:])
        assert proc.stdout.startswith(("read", "error:")), (kind, proc.stdout)

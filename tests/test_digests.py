"""Every format's output over every sample, readable fixture and a generated export, with
``--jobs 1`` and ``--jobs 2``, is the output recorded in ``golden/digests.json``, byte for byte.

The goldens of tests/test_golden.py show what changed in a sample's output; this net is
wider (the fixtures, the parallel paths) and says only whether anything did. After an
intended change of output: ``python bench/digests.py --update``, and review the goldens.
"""

from __future__ import annotations

import json
import sys

from .conftest import GOLDEN, ROOT

sys.path.insert(0, str(ROOT / "bench"))
import digests


def test_output_is_unchanged() -> None:
    recorded = json.loads((GOLDEN / "digests.json").read_text(encoding="utf-8"))
    produced = digests.digests()
    # Without ../shared the fixtures and the generated export are absent: the rest still counts.
    assert set(produced) <= set(recorded), "new cases: run python bench/digests.py --update"
    changed = sorted(case for case in produced if produced[case] != recorded[case])
    assert not changed, f"{len(changed)} outputs changed, first: {changed[:5]}"

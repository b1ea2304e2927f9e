"""Doctests in src/ name the bundled samples as ``samples / "klout.xml"``."""

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _doctest_samples(doctest_namespace: dict[str, object]) -> None:
    doctest_namespace["samples"] = Path(__file__).resolve().parent / "samples"

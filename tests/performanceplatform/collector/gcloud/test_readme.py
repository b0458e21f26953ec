"""The README shows the sample files as they are and documents every key read."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

import performanceplatform.collector.gcloud as package

FOLDER = Path(package.__file__).parent
README = (FOLDER / "README.rst").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["query.json", "credentials.json"])
def test_samples_are_shown_verbatim(name):
    sample = (FOLDER / "sample" / name).read_text(encoding="utf-8")
    assert textwrap.indent(sample, "    ") in README


@pytest.mark.parametrize("key", ["csv_url", "csv_file", "index_url", "chunk-size"])
def test_keys_are_documented(key):
    assert f"``{key}``" in README

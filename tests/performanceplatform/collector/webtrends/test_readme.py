"""The README shows the sample files as they are and documents every key read."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

import performanceplatform.collector.webtrends as package

FOLDER = Path(package.__file__).parent
README = (FOLDER / "README.rst").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["query.json", "keymetrics-query.json", "credentials.json"])
def test_samples_are_shown_verbatim(name):
    sample = (FOLDER / "sample" / name).read_text(encoding="utf-8")
    assert textwrap.indent(sample, "    ") in README


@pytest.mark.parametrize("key", ["report_id", "row_type_name", "mappings", "idMapping",
                                 "additionalFields", "dataType", "plugins", "chunk-size",
                                 "empty-data-set", "user", "password", "api_version",
                                 "keymetrics_url", "reports_url"])
def test_keys_are_documented(key):
    assert f"``{key}``" in README

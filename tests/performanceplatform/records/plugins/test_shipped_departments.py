"""The GOV.UK department table that ships with the package (ga.md §8 ``DEPARTMENT_MAPPING``)."""

from __future__ import annotations

import json
import re
from collections import Counter
from importlib import resources

import pytest

from performanceplatform.utils.plugins.department import SHIPPED_TABLE, shipped_table


def raw_table() -> dict[str, str]:
    text = resources.files("performanceplatform.utils.plugins").joinpath(SHIPPED_TABLE)
    return json.loads(text.read_text(encoding="utf-8"))


def test_the_original_tables_404_codes_by_kind():
    kinds = Counter(re.match(r"<([A-Z]+)\d+>$", code).group(1) for code in shipped_table())
    assert kinds == {"D": 46, "EA": 52, "IM": 9, "OT": 78, "PB": 205, "PC": 14}
    assert "<D14>" not in shipped_table()


@pytest.mark.parametrize(("code", "slug"), [
    ("<D1>", "attorney-generals-office"),
    ("<D2>", "cabinet-office"),
    ("<D3>", "department-for-business-innovation-skills"),
    ("<D9>", "department-for-transport"),
    ("<D10>", "department-for-work-pensions"),
    ("<D241>", "uk-export-finance"),
    ("<EA570>", "driver-and-vehicle-standards-agency"),
])
def test_examples_of_the_spec(code, slug):
    assert shipped_table()[code] == slug


def test_file_format_bare_codes_in_slug_order():
    table = raw_table()
    assert all(re.fullmatch(r"[A-Z]+\d+", code) for code in table)
    slugs = list(table.values())
    assert slugs == sorted(slugs)
    assert len(set(slugs)) == len(slugs)
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug) for slug in slugs)


def test_the_shipped_table_cannot_be_changed_by_a_run():
    with pytest.raises(TypeError):
        shipped_table()["<D1>"] = "x"  # type: ignore[index]

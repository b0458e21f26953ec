"""``tools/mutation_report.py --by-module``: one line per mutated module."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "tools" / "mutation_report.py"


def test_by_module_counts_killed_equivalent_not_killed_and_not_run(tmp_path):
    meta = tmp_path / "performanceplatform" / "utils" / "py2compat.py.meta"
    meta.parent.mkdir(parents=True)
    codes = {"performanceplatform.records.py2compat.x_py2_str__mutmut_1": 1,
             "performanceplatform.records.py2compat.x_py2_str__mutmut_4": 0,  # listed
             "performanceplatform.records.py2compat.x_py2_str__mutmut_5": 0,
             "performanceplatform.records.py2compat.x_py2_str__mutmut_6": None}
    meta.write_text(json.dumps({"exit_code_by_key": codes}), encoding="utf-8")
    done = subprocess.run([sys.executable, str(SCRIPT), "--by-module", str(tmp_path)],
                          capture_output=True, text=True, timeout=60, check=True)
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["performanceplatform.records.py2compat", "1/4", "killed", "1",
                                "equivalent", "1", "not", "killed", "1", "not", "run"]
    assert lines[-1] == "killed 1 of 4 mutants (25.0%)"


def test_an_equivalent_entry_that_was_killed_or_is_gone_is_reported_stale(tmp_path):
    listed = "performanceplatform.records.py2compat.x_py2_sort_key__mutmut_2"
    meta = tmp_path / "performanceplatform" / "records" / "py2compat.py.meta"
    meta.parent.mkdir(parents=True)
    codes = {listed: 1, "performanceplatform.records.py2compat.x_py2_str__mutmut_1": 0}
    meta.write_text(json.dumps({"exit_code_by_key": codes}), encoding="utf-8")
    done = subprocess.run([sys.executable, str(SCRIPT), "--survivors", str(tmp_path)],
                          capture_output=True, text=True, timeout=60, check=True)
    stale = [line for line in done.stdout.splitlines() if line.startswith("stale")]
    # the killed entry, and every other listed py2compat entry (absent from this run)
    assert f"stale equivalent entry: {listed}" in stale
    assert len(stale) > 1 and all(".records.py2compat." in line for line in stale)
    assert "are stale (killed, or no such mutant)" in done.stdout.splitlines()[-2]

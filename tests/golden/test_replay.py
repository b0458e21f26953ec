"""Replay every recorded run of the original pp-collector and compare the Backdrop writes.

The recordings live outside the repo (``<repo>/../shared/golden``, or
``$PP_COLLECTOR_GOLDEN_DIR``); without them every case is skipped. See ``replay.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from . import replay

GOLDEN_DIR = replay.golden_dir()
SKIP_REASON = f"golden recordings not found at {GOLDEN_DIR}; set {replay.GOLDEN_ENV}"


def scenario_params() -> list:
    """One case per scenario folder, or one skipped case when there are none."""
    folders = replay.scenario_dirs(GOLDEN_DIR)
    if not folders:
        return [pytest.param(None, id="no-golden-dir", marks=pytest.mark.skip(reason=SKIP_REASON))]
    return [pytest.param(folder, id=folder.name) for folder in folders]


@pytest.mark.golden
@pytest.mark.parametrize("concurrency", [1, 4])
@pytest.mark.parametrize("folder", scenario_params())
def test_replay(folder: Path, concurrency: int, tmp_path: Path) -> None:
    """Every recorded run, fetching one unit at a time and four at once: the same writes."""
    outcome = replay.replay_scenario(folder, tmp_path / "work", concurrency=concurrency)
    if not outcome.passed:
        pytest.fail(outcome.report(), pytrace=False)

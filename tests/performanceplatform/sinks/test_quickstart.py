"""The README's "Quick start without Backdrop", run as a new user would run it.

The section's literal blocks are taken from README.rst as they are: the first starts the
sandbox, the second collects into ``pp.db`` (run twice: a re-run upserts), the third queries
it. Only the port changes (a free one instead of 8080).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

from tests.helpers import REPO
from tests.postgres import free_port

SECTION = "Quick start without Backdrop"


def literal_blocks(text: str, title: str) -> list[str]:
    """The ``::`` blocks of one section of an reStructuredText file, dedented."""
    lines = text.split("\n")
    start = lines.index(title) + 2
    end = next(i for i in range(start, len(lines) - 1)
               if lines[i + 1].startswith("---") and lines[i].strip())
    blocks: list[str] = []
    current: list[str] | None = None
    for line in lines[start:end]:
        if current is not None and (line.startswith("    ") or not line.strip()):
            current.append(line[4:])
            continue
        if current:
            blocks.append("\n".join(current).strip() + "\n")
        current = [] if line.rstrip().endswith("::") else None
    if current:
        blocks.append("\n".join(current).strip() + "\n")
    return blocks


def wait_for(port: int, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, "the sandbox exited"
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("the sandbox did not start")


def test_the_readme_quick_start_collects_into_sqlite_and_queries_it(tmp_path: Path):
    sandbox_block, collect_block, query_block = literal_blocks(
        (REPO / "README.rst").read_text(encoding="utf-8"), SECTION)
    port = str(free_port())
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
               PYTHONPATH=str(REPO), PP_COLLECTOR_LOG_DIR=str(tmp_path / "log"))
    (tmp_path / "demo").symlink_to(REPO / "demo")
    sandbox = subprocess.Popen(sandbox_block.replace("8080", port).split(), cwd=tmp_path,
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(int(port), sandbox)
        for _ in range(2):  # the second run overwrites by _id
            done = subprocess.run(["bash", "-ec", collect_block.replace("8080", port)],
                                  cwd=tmp_path, env=env, capture_output=True, text=True,
                                  timeout=300)
            assert done.returncode == 0, done.stderr
            assert "piwik: 16 records" in done.stderr
            assert "wrote 16 records to verify/browser-usage-matomo in sqlite:///pp.db in " \
                in done.stderr  # the summary line the README shows
    finally:
        sandbox.terminate()
        sandbox.wait(timeout=30)
    queries = query_block.strip().split("\n")
    python = next(line for line in queries if line.startswith("python3 "))
    counted = subprocess.run(["bash", "-ec", python], cwd=tmp_path, env=env,
                             capture_output=True, text=True, timeout=60)
    assert counted.stdout.strip() == "('verify_browser_usage_matomo', 16)", counted.stderr
    cli = next(line for line in queries if line.startswith("sqlite3 "))
    if shutil.which("sqlite3"):
        rows = subprocess.run(["bash", "-ec", cli], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=60).stdout.splitlines()
        assert len(rows) == 16 and rows[0].startswith("2026-10-05T00:00:00+00:00|")

"""The page in a real browser: headless Chromium loads ``/`` from the sandbox, and it draws.

Chromium (Debian package ``chromium``) is driven by its own flags: ``--dump-dom`` prints the
document as the browser built it, ``--screenshot`` what it painted. Without Chromium these
tests are skipped, saying so; under CI (``CI`` set) they fail instead.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from tests.helpers import post_records
from tests.performanceplatform.sandbox.pages import INJECTED_GROUP, INJECTED_VALUE, Dom, hourly

LINE_BLUE = (0x1D, 0x70, 0xB8)  # the charts' line colour (page.py STYLE)
QUIET = ("--no-proxy-server", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--disable-default-apps", "--no-default-browser-check",
         "--no-first-run", "--disable-gpu", "--hide-scrollbars")


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    message = ("Chromium is missing (Debian: apt-get install chromium): the browser test of "
               "the sandbox page cannot run")
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def load(url: str, workdir: Path) -> tuple[Dom, Image.Image]:
    """The page as headless Chromium built it, and a screenshot of what it painted."""
    shot = workdir / "page.png"
    done = subprocess.run(
        [chromium(), "--headless", "--no-sandbox", f"--user-data-dir={workdir / 'profile'}",
         *QUIET, "--window-size=1000,1200", f"--screenshot={shot}", "--dump-dom", url],
        capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and shot.exists(), done.stderr[-2000:]
    return Dom.parse(done.stdout), Image.open(shot).convert("RGB")


def line_pixels(image: Image.Image) -> int:
    """How many pixels are painted in the charts' line colour (anti-aliasing aside)."""
    return sum(count for count, colour in image.getcolors(maxcolors=1 << 20)
               if all(abs(a - b) <= 8 for a, b in zip(colour, LINE_BLUE, strict=True)))


def test_chromium_lists_the_data_sets_and_draws_their_charts(sandbox, tmp_path):
    post_records(sandbox, "govuk", "visitors", hourly(24))
    post_records(sandbox, "other", "things", hourly(5))
    dom, screenshot = load(f"{sandbox.url}/", tmp_path)
    assert [row[:2] for row in dom.table_rows()] == [["govuk_visitors", "24"],
                                                     ["other_things", "5"]]
    assert dom.polyline_points() == [24, 24, 5, 5]
    assert line_pixels(screenshot) > 1000  # four lines a few hundred pixels long each


def test_chromium_runs_no_markup_from_the_records(sandbox, tmp_path):
    post_records(sandbox, INJECTED_GROUP, "t", hourly(2, page=INJECTED_VALUE))
    dom, _ = load(f"{sandbox.url}/", tmp_path)
    assert dom.all("script") == [] and dom.all("img") == []
    [body] = dom.all("body")
    assert "data-pwned" not in body.attrs
    assert dom.table_rows()[0][:2] == [f"{INJECTED_GROUP}_t", "2"]

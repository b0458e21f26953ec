"""``local_zone("Asia/Kolkata")``: run a block with another local time zone.

A conversion written as ``astimezone()`` (to local time) instead of ``astimezone(UTC)`` gives
the same answer on a machine whose zone is UTC; tests of UTC conversions run under a zone
that is not, so that they tell the two apart.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def local_zone(name: str = "Asia/Kolkata") -> Iterator[None]:
    before = os.environ.get("TZ")
    os.environ["TZ"] = name
    time.tzset()
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = before
        time.tzset()

"""Moved to ``performanceplatform.google.rows``:
this old import path stays for third-party collectors.

The old name is the same module object as the new one (every name, and monkeypatching, hold).
"""

import sys

from performanceplatform.google import rows as _moved
from performanceplatform.google.rows import *  # noqa: F403 (the names, for type checkers)

sys.modules[__name__] = _moved

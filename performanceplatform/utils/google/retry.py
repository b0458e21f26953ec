"""Moved to ``performanceplatform.google.retry``:
this old import path stays for third-party collectors.

The old name is the same module object as the new one (every name, and monkeypatching, hold).
"""

import sys

from performanceplatform.google import retry as _moved
from performanceplatform.google.retry import *  # noqa: F403 (the names, for type checkers)

sys.modules[__name__] = _moved

"""Moved to ``performanceplatform.records.periods``:
this old import path stays for third-party collectors.

The old name is the same module object as the new one (every name, and monkeypatching, hold).
"""

import sys

from performanceplatform.records import periods as _moved
from performanceplatform.records.periods import *  # noqa: F403 (the names, for type checkers)

sys.modules[__name__] = _moved

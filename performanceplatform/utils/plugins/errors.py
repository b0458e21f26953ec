"""Moved to ``performanceplatform.records.plugins.errors``:
this old import path stays for third-party collectors.

The old name is the same module object as the new one (every name, and monkeypatching, hold).
"""

import sys

from performanceplatform.records.plugins import errors as _moved
from performanceplatform.records.plugins.errors import *  # noqa: F403 (the names, for type checkers)

sys.modules[__name__] = _moved

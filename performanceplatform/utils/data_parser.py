"""Moved to ``performanceplatform.records.data_parser``:
this old import path stays for third-party collectors.

The old name is the same module object as the new one (every name, and monkeypatching, hold).
"""

import sys

from performanceplatform.records import data_parser as _moved
from performanceplatform.records.data_parser import *  # noqa: F403 (the names, for type checkers)

sys.modules[__name__] = _moved

"""Moved to ``performanceplatform.sinks.store_data_set``:
this old import path stays for third-party collectors.

The old name is the same module object as the new one (every name, and monkeypatching, hold).
"""

import sys

from performanceplatform.sinks import store_data_set as _moved
from performanceplatform.sinks.store_data_set import *  # noqa: F403 (the names, for type checkers)

sys.modules[__name__] = _moved

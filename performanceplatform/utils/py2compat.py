"""Moved to ``performanceplatform.records.py2compat``:
this old import path stays for third-party collectors.

The old name is the same module object as the new one (every name, and monkeypatching, hold).
"""

import sys

from performanceplatform.records import py2compat as _moved
from performanceplatform.records.py2compat import *  # noqa: F403 (the names, for type checkers)

sys.modules[__name__] = _moved

"""Moved to ``performanceplatform.google.credentials``:
this old import path stays for third-party collectors.

The old name is the same module object as the new one (every name, and monkeypatching, hold).
"""

import sys

from performanceplatform.google import credentials as _moved
from performanceplatform.google.credentials import *  # noqa: F403 (the names, for type checkers)

sys.modules[__name__] = _moved

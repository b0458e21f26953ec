"""Moved to ``performanceplatform.google.consent``:
this old import path stays for third-party collectors.

The old name is the same module object as the new one (every name, and monkeypatching, hold).
"""

import sys

from performanceplatform.google import consent as _moved
from performanceplatform.google.consent import *  # noqa: F403 (the names, for type checkers)

sys.modules[__name__] = _moved

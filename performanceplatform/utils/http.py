"""Moved to ``performanceplatform.transport.http``:
this old import path stays for third-party collectors.

The old name is the same module object as the new one (every name, and monkeypatching, hold).
"""

import sys

from performanceplatform.transport import http as _moved
from performanceplatform.transport.http import *  # noqa: F403 (the names, for type checkers)

sys.modules[__name__] = _moved

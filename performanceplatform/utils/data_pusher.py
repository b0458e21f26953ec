"""Moved to ``performanceplatform.sinks.pusher``:
this old import path stays for third-party collectors.

The old name is the same module object as the new one (every name, and monkeypatching, hold).
"""

import sys

from performanceplatform.sinks import pusher as _moved
from performanceplatform.sinks.pusher import *  # noqa: F403 (the names, for type checkers)

sys.modules[__name__] = _moved

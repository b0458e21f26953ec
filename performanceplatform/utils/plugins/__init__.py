"""Moved to ``performanceplatform.records.plugins``: this old import path stays for
third-party collectors, with the same objects (its modules are the new modules)."""

from performanceplatform.records.plugins import *  # noqa: F403
from performanceplatform.records.plugins import __all__  # noqa: F401

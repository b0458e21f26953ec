"""The original import path of the plugins, kept for code that imports it.

The plugins now live in ``performanceplatform.records.plugins`` (they serve every source, not
only GA); this module re-exports them.
"""

from performanceplatform.records.plugins import *  # noqa: F403
from performanceplatform.records.plugins import __all__  # noqa: F401

"""The original import path of the plugins, kept for code that imports it.

The plugins now live in ``performanceplatform.utils.plugins`` (they serve every source, not
only GA); this module re-exports them.
"""

from performanceplatform.utils.plugins import *  # noqa: F403
from performanceplatform.utils.plugins import __all__  # noqa: F401

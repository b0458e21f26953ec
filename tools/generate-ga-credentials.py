#!/usr/bin/env python3
"""The GA credentials tool, as the original ran it: ``python tools/generate-ga-credentials.py``.

Installed, the same tool is the command ``pp-collector-ga-credentials``
(``performanceplatform.google.consent``); this script runs it from a clone too.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # a clone, not installed

from performanceplatform.google.consent import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())

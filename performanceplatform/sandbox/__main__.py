import sys

from performanceplatform.sandbox.cli import main

sys.exit(main())

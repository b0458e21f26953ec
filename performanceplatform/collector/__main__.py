import sys

from performanceplatform.collector.main import main

sys.exit(main(sys.argv[1:]))

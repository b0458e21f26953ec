"""``python -m performanceplatform.workers worker|beat ...``: the two commands, by name."""

import sys

from performanceplatform.workers.cli import beat, worker

COMMANDS = {"worker": worker, "beat": beat}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        print("usage: python -m performanceplatform.workers {worker,beat} [options]",
              file=sys.stderr)
        sys.exit(2)
    sys.exit(COMMANDS[sys.argv[1]](sys.argv[2:]))

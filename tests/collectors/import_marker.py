"""A module with an import side effect: it creates the file ``$PP_TEST_IMPORT_MARKER``.

The bad-input suite names it as an entrypoint to prove that an unknown entrypoint is refused
before anything imports it.
"""

import os
from pathlib import Path

if os.environ.get("PP_TEST_IMPORT_MARKER"):
    Path(os.environ["PP_TEST_IMPORT_MARKER"]).write_text("imported\n", encoding="utf-8")


def main(credentials, data_set_config, query, options, start_at, end_at):
    raise AssertionError("an unknown entrypoint must never run")

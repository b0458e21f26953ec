"""A registered collector whose own dependency is not installed."""

import pp_collector_tests_no_such_dependency  # noqa: F401


def main(credentials, data_set_config, query, options, start_at, end_at):
    raise AssertionError("never run: its import fails")

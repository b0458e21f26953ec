"""A collector that fails in an unexpected way, for the CLI's error-path tests."""


def main(credentials, data_set_config, query, options, start_at, end_at):
    raise RuntimeError(f"collector blew up with {credentials.get('password')}")

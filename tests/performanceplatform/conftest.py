"""Fixtures of the store tests: a real PostgreSQL server (see ``tests.postgres``)."""

from __future__ import annotations

import importlib.util

import pytest

from tests.postgres import MISSING, PostgresServer, find_bin_dir, missing


@pytest.fixture(scope="session")
def _postgres_server():
    bin_dir = find_bin_dir()
    if importlib.util.find_spec("psycopg") is None:
        missing("psycopg is not installed: pip install -e '.[test]'")
    if bin_dir is None:
        missing(MISSING)
    server = PostgresServer(bin_dir)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def postgresql_url(_postgres_server: PostgresServer) -> str:
    """A URL whose database is empty for this test (a schema of its own)."""
    return _postgres_server.fresh_schema_url()

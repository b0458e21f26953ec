"""A throw-away PostgreSQL server for the store tests: ``initdb`` and ``pg_ctl`` in a temp dir.

The server listens on 127.0.0.1 on a free port, trusts local connections and is stopped (and
its folder removed) at the end of the session. As root it runs as the ``postgres`` user
(``initdb`` refuses root), through ``runuser``. Without the server binaries (Debian package
``postgresql``) the tests that need it skip, saying so; under CI (``CI`` set) they fail.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest

MISSING = ("PostgreSQL server binaries (initdb, pg_ctl) not found on PATH or in "
           "/usr/lib/postgresql/*/bin: apt-get install postgresql")


def find_bin_dir() -> str | None:
    initdb = shutil.which("initdb")
    if initdb and shutil.which("pg_ctl"):
        return str(Path(initdb).parent)
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if os.path.exists(f"{folder}/initdb") and os.path.exists(f"{folder}/pg_ctl"):
            return folder
    return None


def missing(reason: str) -> None:
    """Skip, or fail under CI, where every server the suite needs must be there."""
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PostgresServer:
    def __init__(self, bin_dir: str):
        self.bin_dir = bin_dir
        self.folder = Path(tempfile.mkdtemp(prefix="pp-pg-"))
        self.port = free_port()
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def _run(self, *args: str) -> None:
        done = subprocess.run([*self.as_user, *args], capture_output=True, text=True,
                              timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed: {done.stdout}{done.stderr}")

    def start(self) -> None:
        if self.as_user:
            user = pwd.getpwnam("postgres")
            os.chown(self.folder, user.pw_uid, user.pw_gid)
        data = self.folder / "data"
        self._run(f"{self.bin_dir}/initdb", "-D", str(data), "-U", "pp", "--auth=trust",
                  "--no-sync", "-E", "UTF8")
        self._run(f"{self.bin_dir}/pg_ctl", "-D", str(data), "-l", str(self.folder / "log"),
                  "-w", "-t", "60", "-o",
                  f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
                  "-c fsync=off -c max_connections=50", "start")

    def stop(self) -> None:
        try:
            self._run(f"{self.bin_dir}/pg_ctl", "-D", str(self.folder / "data"), "-m", "fast",
                      "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    @property
    def url(self) -> str:
        return f"postgresql://pp:unused-password@127.0.0.1:{self.port}/postgres"

    def fresh_schema_url(self) -> str:
        """The URL of a new, empty schema (libpq's ``options=-csearch_path=...``)."""
        import psycopg

        schema = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.url, autocommit=True) as db:
            db.execute(f"CREATE SCHEMA {schema}")
        return f"{self.url}?options={quote(f'-csearch_path={schema}', safe='')}"

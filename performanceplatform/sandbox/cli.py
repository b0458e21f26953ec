"""``pp-sandbox``: serve the simulated services, and a page of what is stored, on loopback.

``--store sqlite:///path.db`` serves an existing SQLite store file (one a collector wrote
into, or a sandbox kept with ``--database``); it is ``--database path.db`` for a file that
must already exist. ``sqlite:///data/x.db`` is the relative path ``data/x.db``,
``sqlite:////srv/x.db`` the absolute ``/srv/x.db``.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from performanceplatform.sandbox.config import SandboxConfig
from performanceplatform.sandbox.registry import build_sandbox


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="pp-sandbox",
        description="Serve simulated Backdrop, Stagecraft and source APIs on loopback, and a "
                    "page of what is stored at /.")
    parser.add_argument("--config", help="sandbox config file (JSON); see the README")
    parser.add_argument("--host", default=None, help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=None, help="port (default 8080; 0: any)")
    parser.add_argument("--database", default=None,
                        help="SQLite file for Backdrop's records (default: in memory)")
    parser.add_argument("--store", default=None, metavar="sqlite:///PATH",
                        help="serve an existing SQLite store file (same as --database PATH)")
    parser.add_argument("--auto-data-sets", action="store_true",
                        help="accept writes to any data set, with the --auto-token")
    parser.add_argument("--auto-token", default=None, help="token of automatic data sets")
    parser.add_argument("--ready-file", default=None,
                        help="write the base URL to this file once listening")
    parser.add_argument("-v", "--verbose", action="store_true", help="log every request")
    return parser.parse_args(argv)


def load_config(args: argparse.Namespace) -> SandboxConfig:
    config = SandboxConfig.from_file(args.config) if args.config else SandboxConfig(port=8080)
    if args.store is not None:
        if args.database is not None:
            raise ValueError("give --store or --database, not both")
        args.database = store_path(args.store)
    for name in ("host", "port", "database", "auto_token"):
        if getattr(args, name) is not None:
            setattr(config, name, getattr(args, name))
    if args.auto_data_sets or not config.data_sets:
        config.auto_data_sets = True
    return config


def store_path(url: str) -> str:
    """The file of a ``sqlite:///path`` store URL (read as the collector reads ``--store``);
    it must exist."""
    from performanceplatform.sinks.url import SQLITE, StoreURLError, parse_store_url

    try:
        parsed = parse_store_url(url)
    except StoreURLError as exc:
        raise ValueError(f"--store: {exc}") from None
    if parsed.kind != SQLITE:
        raise ValueError(f"--store {parsed.shown}: expected sqlite:///path/to/store.db (the "
                         "page serves SQLite store files)")
    if not Path(parsed.target).is_file():
        raise ValueError(f"--store {url}: no such file: {parsed.target}")
    return parsed.target


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(message)s")
    try:
        config = load_config(args)
        sandbox = build_sandbox(config)
    except (OSError, ValueError, TypeError) as exc:
        print(f"pp-sandbox: {exc}", file=sys.stderr)
        return 1
    if args.ready_file:
        with open(args.ready_file, "w", encoding="utf-8") as ready:
            ready.write(sandbox.url)
    names = [service.name for service in sandbox.services]
    print(json.dumps({"url": sandbox.url, "page": f"{sandbox.url}/", "services": names}),
          flush=True)
    try:
        sandbox.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""``pp-sandbox``: serve the simulated services on loopback until interrupted."""

from __future__ import annotations

import argparse
import json
import logging
import sys

from performanceplatform.sandbox.config import SandboxConfig
from performanceplatform.sandbox.registry import build_sandbox


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="pp-sandbox",
        description="Serve simulated Backdrop, Stagecraft and source APIs on loopback.")
    parser.add_argument("--config", help="sandbox config file (JSON); see the README")
    parser.add_argument("--host", default=None, help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=None, help="port (default 8080; 0: any)")
    parser.add_argument("--database", default=None,
                        help="SQLite file for Backdrop's records (default: in memory)")
    parser.add_argument("--auto-data-sets", action="store_true",
                        help="accept writes to any data set, with the --auto-token")
    parser.add_argument("--auto-token", default=None, help="token of automatic data sets")
    parser.add_argument("--ready-file", default=None,
                        help="write the base URL to this file once listening")
    parser.add_argument("-v", "--verbose", action="store_true", help="log every request")
    return parser.parse_args(argv)


def load_config(args: argparse.Namespace) -> SandboxConfig:
    config = SandboxConfig.from_file(args.config) if args.config else SandboxConfig(port=8080)
    for name in ("host", "port", "database", "auto_token"):
        if getattr(args, name) is not None:
            setattr(config, name, getattr(args, name))
    if args.auto_data_sets or not config.data_sets:
        config.auto_data_sets = True
    return config


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
    print(json.dumps({"url": sandbox.url, "services": names}), flush=True)
    try:
        sandbox.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())

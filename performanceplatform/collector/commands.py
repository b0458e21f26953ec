"""The subcommands of ``pp-collector``, beside its original flag interface.

``pp-collector collectors [--json]`` lists every built-in and registered collector with its
status; ``pp-collector sample NAME [--query | --credentials]`` prints its sample files.

The original interface has no positional argument: every one of its command lines starts
with a flag (``-q collectors`` is a query file named ``collectors``). So a first word that is
one of ``COMMANDS`` is a subcommand, and anything else goes to the original parser
unchanged, except that ``--validate`` anywhere makes the original's command line a
``validate`` one (``pp-collector -q Q -c C -t T -b B --validate``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable

from performanceplatform.utils.errors import CollectorError, ExitCode, UsageError

VALIDATE_FLAG = "--validate"


def is_command(argv: list[str]) -> bool:
    """Whether ``argv`` runs a subcommand rather than a collector."""
    return bool(argv) and (argv[0] in COMMANDS or VALIDATE_FLAG in argv)


def run(argv: list[str]) -> int:
    """Run the subcommand ``argv[0]`` with the rest of ``argv``; the exit code (a failure is
    one line on stderr)."""
    if argv[0] not in COMMANDS:  # the original's command line with --validate
        argv = ["validate", *(word for word in argv if word != VALIDATE_FLAG)]
    try:
        code = COMMANDS[argv[0]](argv[1:])
        sys.stdout.flush()  # a closed pipe shows here, not at exit
        return code
    except CollectorError as exc:
        print(f"pp-collector: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:  # the reader has gone (``| head``): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return ExitCode.OK


COLLECTORS_HELP = ("List every built-in and registered collector: its name (what a query file "
                   "puts in 'entrypoint'), status and summary.")
SAMPLE_HELP = ("Print a collector's sample query and credentials files (each after a "
               "'==> path <==' line), or one of them as plain JSON.")


def collectors_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="one JSON object per collector")


def sample_arguments(parser: argparse.ArgumentParser) -> None:
    name = parser.add_argument("name",
                               help="a collector, e.g. ga4 or performanceplatform.collector.ga4")
    name.completer = _short_names  # type: ignore[attr-defined]  # read by argcomplete
    only = parser.add_mutually_exclusive_group()
    only.add_argument("--query", action="store_true", help="print only the sample query")
    only.add_argument("--credentials", action="store_true",
                      help="print only the sample credentials")


def _short_names(**_: object) -> list[str]:
    from performanceplatform.collector.catalogue import PREFIX, names

    return [name.removeprefix(PREFIX) for name in names()]


def _parse(name: str, description: str, add: Callable[[argparse.ArgumentParser], None],
           argv: list[str]) -> argparse.Namespace:
    from performanceplatform.collector.arguments import _Parser

    parser = _Parser(prog=f"pp-collector {name}", description=description)
    add(parser)
    return parser.parse_args(argv)


def collectors(argv: list[str]) -> int:
    """``pp-collector collectors``: one line per collector, its status and summary."""
    args = _parse("collectors", COLLECTORS_HELP, collectors_arguments, argv)
    from performanceplatform.collector.catalogue import entries

    listed = entries()
    if args.json:
        for entry in listed:
            print(json.dumps(entry.as_json()))
        return ExitCode.OK
    from performanceplatform.collector.catalogue import PREFIX

    builtin = [entry for entry in listed if entry.origin == "built-in"]
    others = [entry for entry in listed if entry.origin != "built-in"]
    width = max(len(entry.name.removeprefix(PREFIX)) for entry in listed)
    print(f'built-in collectors ("entrypoint": "{PREFIX}NAME"):')
    _print_entries(builtin, width, PREFIX)
    if others:
        print('\nregistered by installed packages ("entrypoint": "NAME"):')
        _print_entries(others, width, "")
    return ExitCode.OK


def _print_entries(listed: list, width: int, prefix: str) -> None:
    for entry in listed:
        origin = f"[{entry.origin}] " if entry.origin != "built-in" else ""
        name = entry.name.removeprefix(prefix)
        print(f"  {name:<{width}}  {entry.status:<7}  {origin}{entry.summary}".rstrip())
        for label, text in (("retired", entry.retired),
                            ("retired credentials", entry.retired_credentials),
                            ("cannot be loaded", entry.error)):
            if text:
                print(f"  {'':<{width}}  {label}: {text}")


def sample(argv: list[str]) -> int:
    """``pp-collector sample NAME``: the collector's sample query and credentials files."""
    args = _parse("sample", SAMPLE_HELP, sample_arguments, argv)
    from performanceplatform.collector.catalogue import full_name, samples

    name = full_name(args.name)
    found = samples(name)
    if args.query or args.credentials:
        chosen = found.queries if args.query else found.credentials
        if not chosen:
            kind = "query" if args.query else "credentials"
            raise UsageError(f"collector '{name}' ships no sample {kind} file")
        sys.stdout.write(chosen[0].read_text(encoding="utf-8"))
        return ExitCode.OK
    if not found.files:
        raise UsageError(f"collector '{name}' ships no sample files")
    for number, path in enumerate(found.files):
        if number:
            print()
        print(f"==> {path} <==")
        sys.stdout.write(path.read_text(encoding="utf-8"))
    return ExitCode.OK


def validate(argv: list[str]) -> int:
    """``pp-collector validate``: check configs and show the plan, without running."""
    from performanceplatform.collector import validate as checker

    return checker.run(_parse("validate", checker.HELP, checker.arguments, argv))


COMMANDS: dict[str, Callable[[list[str]], int]] = {
    "collectors": collectors, "sample": sample, "validate": validate}


def complete() -> None:
    """Answer the shell's completion request (``_ARGCOMPLETE`` set) with argcomplete, when it
    is installed (``pip install 'pp-collector[completion]'``); without it, do nothing."""
    try:
        import argcomplete
    except ImportError:
        return
    from performanceplatform.collector.arguments import build_parser

    parser = build_parser()  # the original flags, and the subcommands as first words
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    collectors_arguments(commands.add_parser("collectors", help=COLLECTORS_HELP))
    sample_arguments(commands.add_parser("sample", help=SAMPLE_HELP))
    from performanceplatform.collector import validate as checker

    checker.arguments(commands.add_parser("validate", help=checker.HELP))
    argcomplete.autocomplete(parser)

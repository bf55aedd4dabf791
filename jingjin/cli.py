"""The ``jingjin`` command line.

Sub-commands are discovered from :mod:`jingjin.commands`: every module there exposes
``register(subparsers)``. Errors in the user's input are reported through
:class:`UsageError` and end with exit status 2, as argparse does for bad options.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence

from jingjin import __version__, numba_cache


class UsageError(Exception):
    """Bad input from the user: printed without a traceback, exit status 2."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jingjin",
        description="Jingjin 竞进 — action-plan platform and evaluation engines.",
    )
    parser.add_argument("--version", action="version", version=f"jingjin {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    import jingjin.commands as package

    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    numba_cache.configure()  # before an engine imports numba: the kernels' cache in the data directory
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    try:
        result = handler(args)
    except UsageError as exc:
        print(f"jingjin {args.command}: error: {exc}", file=sys.stderr)
        return 2
    return int(result or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

"""The ``jingjin`` command line.

Sub-commands are discovered from :mod:`jingjin.commands`: every module there exposes
``register(subparsers)``. Errors in the user's input end with exit status 2 and the message,
without a traceback, as argparse does for bad options: :class:`UsageError` raised by a command,
an engine's :class:`~jingjin.engines.errors.InputError` (the message names columns and data
rows), a file that cannot be read or written (:class:`~jingjin.commands._io.TableError`) and a
refused option (:class:`~jingjin.engine_runs.OptionError`).
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence

from django.core.exceptions import ImproperlyConfigured

from jingjin import __version__, numba_cache


class UsageError(Exception):
    """Bad input from the user: printed without a traceback, exit status 2."""


def input_message(exc: BaseException) -> str | None:
    """The user's message for an input error of the engines, their files or options; else None.

    The classes are imported only when an error is being reported, so that commands that do not
    use the engines start without loading them.
    """
    if not isinstance(exc, ValueError):
        return None
    errors = sys.modules.get("jingjin.engines.errors")
    files = sys.modules.get("jingjin.commands._io")
    runs = sys.modules.get("jingjin.engine_runs")
    kinds: list[type[BaseException]] = []
    if errors is not None:
        kinds.append(errors.InputError)
    if files is not None:
        kinds.append(files.TableError)
    if runs is not None:
        kinds.append(runs.OptionError)
    if not isinstance(exc, tuple(kinds)):
        return None
    from jingjin.commands._io import user_message

    return user_message(exc)


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
    except ValueError as exc:
        message = input_message(exc)
        if message is None:
            raise
        print(f"jingjin {args.command}: error: {message}", file=sys.stderr)
        return 2
    except ImproperlyConfigured as exc:  # the settings refused the environment: say why, no traceback
        print(f"jingjin {args.command}: configuration error: {exc}", file=sys.stderr)
        return 2
    return int(result or 0)


if __name__ == "__main__":  # pragma: no cover
    # ``python -m jingjin.cli``: run the module the commands import, so that their UsageError is ours
    from jingjin.cli import main as _main

    sys.exit(_main())

"""``jingjin demo``: set up the database, load the built-in plan and demo data, and serve.

Running it again keeps the data: migrations and loading are idempotent and existing demo
accounts are left as they are.

``jingjin serve --workers N`` serves without loading anything. With one process (the default, and
what ``jingjin demo`` runs) the server is waitress, multi-threaded, on every system; with N > 1 it
is gunicorn with N worker processes (:mod:`jingjin.commands._gunicorn`), which needs a POSIX
system — where gunicorn cannot be imported (Windows, or not installed) the command says so and
falls back to waitress in one process with as many threads as the N processes would have had.
``--server gunicorn|waitress`` forces one (e.g. gunicorn with a single worker).
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

#: Threads of the one waitress process, and of each gunicorn worker, unless ``--threads`` says.
WAITRESS_THREADS = 8
GUNICORN_THREADS = 4


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("demo", help="load the built-in plan and demo data, then serve the web UI")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--no-serve", action="store_true", help="set up and load, but do not serve")
    parser.set_defaults(handler=demo)

    serve = subparsers.add_parser(
        "serve",
        help="serve the web UI without loading anything (gunicorn with --workers N > 1, else waitress)",
    )
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--workers",
        type=_positive,
        default=1,
        help="web processes (default 1); more than 1 runs gunicorn on Linux, with waitress as the fallback",
    )
    serve.add_argument(
        "--threads",
        type=_positive,
        default=None,
        help=(
            f"threads per process (default {WAITRESS_THREADS} for one process, "
            f"{GUNICORN_THREADS} per gunicorn worker)"
        ),
    )
    serve.add_argument(
        "--server",
        choices=["auto", "gunicorn", "waitress"],
        default="auto",
        help="auto (default): gunicorn when --workers > 1 and it can run here, else waitress",
    )
    serve.set_defaults(handler=serve_only)

    manage = subparsers.add_parser("manage", help="run a Django management command", add_help=False)
    manage.add_argument("arguments", nargs=argparse.REMAINDER)
    manage.set_defaults(handler=run_manage)


def demo(args: argparse.Namespace) -> int:
    from jingjin.commands._django import setup
    from jingjin.data.demo_calendar import demo_as_of_env, demo_settings_env, store_as_of

    demo_as_of_env()  # the demo's month from jingjin/data/demo.yaml, unless JINGJIN_AS_OF is set
    demo_settings_env()  # and the demo's settings of the plan's units (the rural bureau)
    setup()
    from django.conf import settings

    from jingjin.core import clock, schema
    from jingjin.data.demo import DEMO_PASSWORD, demo_load

    print(f"Database: {settings.DATABASES['default']['NAME']}")
    if schema.migrate(verbosity=0):
        print("New database: its tables made from the models, every migration recorded as applied")
    summary = demo_load()
    store_as_of(settings.DATA_DIR, settings.JINGJIN_AS_OF)
    plan = summary["plan"]
    print(
        f"Built-in plan {plan.plan.code}: {plan.created} created, {plan.updated} updated, "
        f"{plan.deleted} deleted"
    )
    statistics = summary["benchmark"]["statistics"]
    print(
        f"Benchmarking statistics (Sichuan's cities, with sources): {statistics.created} new, "
        f"{statistics.revised} revised, {statistics.unchanged} unchanged"
    )
    print(f"Demo units (synthetic): {summary['units_created']} created")
    print(f"Shares of city tasks for counties and parks (synthetic): {summary['shares']} created")
    print(f"Supervision items (synthetic examples): {summary['supervision_items']} created")
    print(f"Monthly reports (synthetic, from {summary['first_month']}): {summary['reports']} created")
    projects = summary["key_projects"]
    print(
        f"Key projects (synthetic): {projects['projects']} with {projects['reports']} monthly reports, "
        f"{projects['campaigns']} campaign(s), {projects['networks']} network(s)"
    )
    print(f"Red/black lists published from the demo reports: {summary['ranking_lists']}")
    print(f"Open early warnings after a refresh: {summary['warnings']}")
    air = summary["air"]  # ecoair
    print(
        f"Hourly air data (synthetic): {air['rows']:,} station-hours of {air['stations']} stations, "
        f"{air['first_day']} – {air['last_day']}, evaluated"
    )
    real = "" if clock.as_of() is not None else "  (the real date; JINGJIN_AS_OF=YYYY-MM fixes it)"
    print(f"演示日期 / as of {summary['as_of'].isoformat()}{real}")
    print(f"\nDemo accounts (password for all: {DEMO_PASSWORD}):")
    for username, role, unit in summary["accounts"]:
        print(f"  {username:<16} {role:<12} {unit}")
    if args.no_serve:
        return 0
    return _serve(args.host, args.port, 8)


def serve_only(args: argparse.Namespace) -> int:
    from jingjin.commands._django import setup

    setup()
    server, note = choose_server(args.workers, args.server)
    if note:
        print(f"jingjin serve: {note}", file=sys.stderr)
    if server == "gunicorn":
        from django.conf import settings

        if not settings.REDIS_URL:  # the embedded job consumer runs in one waitress process only
            print(
                "jingjin serve: background jobs need a worker beside the web processes: run "
                "`jingjin worker` (same data directory), or set REDIS_URL for workers on other machines",
                file=sys.stderr,
            )
        return _serve_gunicorn(args.host, args.port, args.workers, args.threads or GUNICORN_THREADS)
    threads = args.threads or (GUNICORN_THREADS * args.workers if args.workers > 1 else WAITRESS_THREADS)
    return _serve(args.host, args.port, threads)


def gunicorn_unavailable() -> str | None:
    """Why gunicorn cannot serve here, or None when it can."""
    if os.name != "posix":
        return "gunicorn needs a POSIX system (Linux)"
    try:
        import gunicorn.app.base  # noqa: F401
    except ImportError as exc:
        return f"gunicorn cannot be imported ({exc})"
    return None


def choose_server(workers: int, requested: str = "auto") -> tuple[str, str]:
    """The server (``gunicorn`` or ``waitress``) for ``workers`` processes, and a note to print.

    ``auto`` takes waitress for one process and gunicorn for several; where gunicorn cannot run,
    several processes fall back to waitress with a note. ``gunicorn`` asked for explicitly where
    it cannot run is an error (:class:`jingjin.cli.UsageError`); ``waitress`` serves one process.
    """
    from jingjin.cli import UsageError

    if requested == "waitress":
        note = f"waitress serves in one process; --workers {workers} ignored" if workers > 1 else ""
        return "waitress", note
    if requested == "auto" and workers == 1:
        return "waitress", ""
    reason = gunicorn_unavailable()
    if reason is None:
        return "gunicorn", ""
    if requested == "gunicorn":
        raise UsageError(f"--server gunicorn: {reason}")
    return "waitress", f"{reason}; serving with waitress in one process instead of {workers}"


def _serve_gunicorn(host: str, port: int, workers: int, threads: int) -> int:
    """Replace this process by gunicorn's master in a fresh interpreter (same process id)."""
    from jingjin.commands._gunicorn import command

    print(
        f"\nServing Jingjin on http://{host}:{port}/ with gunicorn, {workers} worker(s) × "
        f"{threads} thread(s)  (Ctrl+C stops)",
        flush=True,
    )
    sys.stderr.flush()
    argv = command(host=host, port=port, workers=workers, threads=threads)
    os.execv(argv[0], argv)  # noqa: S606 - our own interpreter and module, no shell
    return 0  # pragma: no cover - execv does not return


def _serve(host: str, port: int, threads: int) -> int:
    from waitress import serve  # type: ignore[import-untyped,unused-ignore]

    from jingjin.jobs.consumer import start_embedded_consumer
    from jingjin.wsgi import application

    start_embedded_consumer()  # background jobs in this process unless REDIS_URL names a queue

    print(f"\nServing Jingjin on http://{host}:{port}/  (Ctrl+C stops)")
    serve(application, host=host, port=port, threads=threads, ident="jingjin")
    return 0


def run_manage(args: argparse.Namespace) -> int:
    from jingjin.commands._django import setup

    setup()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["jingjin manage", *args.arguments])
    return 0

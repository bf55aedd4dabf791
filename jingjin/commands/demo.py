"""``jingjin demo``: set up the database, load the built-in plan and demo data, and serve.

Running it again keeps the data: migrations and loading are idempotent and existing demo
accounts are left as they are.
"""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("demo", help="load the built-in plan and demo data, then serve the web UI")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--no-serve", action="store_true", help="set up and load, but do not serve")
    parser.set_defaults(handler=demo)

    serve = subparsers.add_parser("serve", help="serve the web UI (waitress) without loading anything")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--threads", type=int, default=8)
    serve.set_defaults(handler=serve_only)

    manage = subparsers.add_parser("manage", help="run a Django management command", add_help=False)
    manage.add_argument("arguments", nargs=argparse.REMAINDER)
    manage.set_defaults(handler=run_manage)


def demo(args: argparse.Namespace) -> int:
    from jingjin.commands._django import setup
    from jingjin.data.demo_calendar import demo_as_of_env, store_as_of

    demo_as_of_env()  # the demo's month from jingjin/data/demo.yaml, unless JINGJIN_AS_OF is set
    setup()
    from django.conf import settings
    from django.core.management import call_command

    from jingjin.core import clock
    from jingjin.data.demo import DEMO_PASSWORD, demo_load

    print(f"Database: {settings.DATABASES['default']['NAME']}")
    call_command("migrate", interactive=False, verbosity=0)
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
    print(f"Red/black lists published from the demo reports: {summary['ranking_lists']}")
    print(f"Open early warnings after a refresh: {summary['warnings']}")
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
    return _serve(args.host, args.port, args.threads)


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

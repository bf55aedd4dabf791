"""``jingjin plan export|import``: plans in and out as JSON, YAML or XLSX."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from jingjin.cli import UsageError
from jingjin.plans import planfile


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("plan", help="export or import a plan (JSON, YAML, XLSX)")
    actions = parser.add_subparsers(dest="plan_command", metavar="ACTION", required=True)

    export = actions.add_parser("export", help="write a plan as JSON, YAML or XLSX")
    export.add_argument("--format", choices=["json", "yaml", "xlsx"], default="json")
    export.add_argument("-o", "--output", help="file to write (default: standard output; required for xlsx)")
    export.add_argument("--plan", help="plan code (default: the only plan in the database)")
    export.add_argument(
        "--builtin",
        action="store_true",
        help="the built-in Suining plan from the package, without touching any database",
    )
    export.set_defaults(handler=plan_export)

    load = actions.add_parser("import", help="validate a plan file and load it (nothing is written on error)")
    load.add_argument("file", help="a .json, .yaml/.yml or .xlsx plan file")
    load.add_argument("--dry-run", action="store_true", help="only validate")
    load.set_defaults(handler=plan_import)


def plan_export(args: argparse.Namespace) -> int:
    if args.format == "xlsx" and not args.output:
        raise UsageError("--format xlsx writes a binary workbook: give a file with -o FILE.xlsx")
    try:
        if args.builtin:
            data = planfile.builtin_data(args.plan or "suining-2021")
        else:
            from jingjin.commands._django import setup

            setup()
            from jingjin.plans.services import plan_export as export

            data = export(code=args.plan)
    except planfile.PlanFileError as exc:
        raise UsageError(str(exc)) from exc
    except Exception as exc:
        if type(exc).__name__ == "DoesNotExist":
            raise UsageError(f"no plan {args.plan!r} in the database") from exc
        raise
    body = planfile.dumps(data, args.format)
    if args.output:
        Path(args.output).write_bytes(body)
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.buffer.write(body)
        sys.stdout.flush()
    return 0


def plan_import(args: argparse.Namespace) -> int:
    from jingjin.commands._django import setup

    setup()
    from django.core.management import call_command

    from jingjin.plans.services import plan_import as load

    try:
        # the file is read and checked before the database is touched: a file that cannot be read
        # (too deep, not finite, too many digits …) is refused at once, with nothing migrated
        data = planfile.load(args.file)
    except planfile.PlanFileError as exc:
        raise UsageError(f"{args.file}: nothing was imported.\n{exc}") from exc
    call_command("migrate", interactive=False, verbosity=0)
    try:
        if args.dry_run:
            from jingjin.core.models import Unit

            errors = planfile.validate(data, known_units=set(Unit.objects.values_list("code", flat=True)))
            if errors:
                raise planfile.PlanFileError(
                    [planfile.PlanError(planfile.locate(data, e.place), e.message) for e in errors]
                )
            print(f"{args.file}: valid")
            return 0
        result = load(data=data, actor=None, source="cli")
    except planfile.PlanFileError as exc:
        raise UsageError(f"{args.file}: nothing was imported.\n{exc}") from exc
    print(
        f"{args.file}: plan {result.plan.code} — {result.created} created, {result.updated} updated, "
        f"{result.deleted} deleted"
    )
    return 0

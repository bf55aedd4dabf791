"""``jingjin summaries rebuild|check``: the tasks' report summaries the cockpit's trends read, and
the campaigns' monthly investment the campaign pages read (:mod:`jingjin.projects.investment_summary`).

The summaries (:mod:`jingjin.reporting.summaries`) are kept by every write of reports; ``rebuild``
recomputes all of them from the reports (idempotent: safe to run at any time, e.g. after reports
were changed in the database by hand), ``check`` says whether the stored ones agree with the
reports (exit status 1 if not).
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from jingjin.cli import UsageError


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "summaries",
        help="rebuild or check the tasks' report summaries (the cockpit's trends read them) and the "
        "campaigns' monthly investment (the campaign pages read it)",
    )
    actions = parser.add_subparsers(dest="summaries_command", metavar="ACTION", required=True)
    rebuild = actions.add_parser("rebuild", help="recompute every task's report summary from its reports")
    rebuild.add_argument("--plan", help="only the tasks of this plan (code)")
    rebuild.set_defaults(handler=summaries_rebuild)
    check = actions.add_parser(
        "check", help="compare the stored summaries with the reports (exit 1 if not equal)"
    )
    check.add_argument("--plan", help="only the tasks of this plan (code)")
    check.set_defaults(handler=summaries_check)


def _plan(code: str | None) -> Any:
    from jingjin.plans.models import Plan

    if not code:
        return None
    try:
        return Plan.objects.get(code=code)
    except Plan.DoesNotExist:
        raise UsageError(f"no plan {code!r} in the database") from None


def summaries_rebuild(args: argparse.Namespace) -> int:
    from jingjin.commands._django import setup

    setup()
    from django.core.management import call_command

    from jingjin.reporting.summaries import summaries_rebuild as rebuild

    call_command("migrate", interactive=False, verbosity=0)
    plan = _plan(args.plan)
    start = time.perf_counter()
    count = rebuild(plan=plan)
    print(f"report summaries rebuilt: {count} tasks with reports ({time.perf_counter() - start:.1f} s)")
    if plan is None:
        from jingjin.projects.investment_summary import summaries_rebuild as campaigns_rebuild

        start = time.perf_counter()
        count = campaigns_rebuild()
        print(f"campaign months rebuilt: {count} campaigns ({time.perf_counter() - start:.1f} s)")
    return 0


def summaries_check(args: argparse.Namespace) -> int:
    from jingjin.commands._django import setup

    setup()
    from jingjin.reporting.summaries import summaries_check as check

    plan = _plan(args.plan)
    status = 0
    if plan is None:
        from jingjin.projects.investment_summary import summaries_check as campaigns_check

        campaigns = campaigns_check()
        if campaigns:
            shown = ", ".join(str(pk) for pk in campaigns[:20])
            more = f" and {len(campaigns) - 20} more" if len(campaigns) > 20 else ""
            print(
                f"campaign months differ from the reports for {len(campaigns)} campaigns (ids {shown}{more});"
            )
            print("run `jingjin summaries rebuild`")
            status = 1
        else:
            print("campaign months agree with the reports")
    wrong = check(plan=plan)
    if wrong:
        shown = ", ".join(str(pk) for pk in wrong[:20])
        more = f" and {len(wrong) - 20} more" if len(wrong) > 20 else ""
        print(f"report summaries differ from the reports for {len(wrong)} tasks (ids {shown}{more});")
        print("run `jingjin summaries rebuild`")
        return 1
    print("report summaries agree with the reports")
    return status

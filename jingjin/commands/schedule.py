"""``jingjin schedule``: list the periodic jobs of the schedule and their next run.

The entries come from ``settings.JINGJIN_SCHEDULE`` (crontab lines in ``TIME_ZONE``, set by the
``JINGJIN_SCHEDULE_*`` environment variables); the next run is computed from the line and the
system's clock (``jingjin.core.clock.now()``, the as-of date when one is set). The consumer of the
job queue (``jingjin worker``, or the one embedded in ``jingjin demo``/``serve``) runs them.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from jingjin.cli import UsageError


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "schedule", help="list the periodic jobs (reminders, bulletin …) and their next run"
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.set_defaults(handler=schedule)


def schedule(args: argparse.Namespace) -> int:
    from jingjin.commands._django import setup

    setup()
    from jingjin.core import clock
    from jingjin.notifications.schedule import ScheduleError, entries

    now = clock.now()
    rows: list[dict[str, str]] = []
    for entry in entries():
        try:
            upcoming = entry.next_run(now)
        except ScheduleError as exc:
            raise UsageError(f"JINGJIN_SCHEDULE {entry.kind}: {exc}") from exc
        rows.append(
            {
                "job": entry.kind,
                "crontab": entry.line,
                "next_run": upcoming.isoformat(timespec="minutes") if upcoming is not None else "",
                "what": entry.description,
            }
        )
    if args.json:
        print(
            json.dumps(
                {"now": now.isoformat(timespec="minutes"), "schedule": rows}, ensure_ascii=False, indent=2
            )
        )
        return 0
    print(f"now {now:%Y-%m-%d %H:%M %Z}")
    width = max((len(r["job"]) for r in rows), default=3)
    for r in rows:
        when = r["next_run"].replace("T", " ")[:16] if r["next_run"] else "never"
        print(f"{r['job']:<{width}}  {r['crontab']:<14}  next {when}  {r['what']}")
    return 0

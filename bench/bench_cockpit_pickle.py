"""How long the cockpit's cached figures take to pickle and to load, as the figure cache does it
and as plain pickling of the same objects did it before (issue 19).

The cockpit computes its figures again on the first request after every write and stores them in
Django's cache (``jingjin.dashboard.figure_cache``), which pickles them; every later request loads
them. On the plan of ``bench_cockpit.py`` (5,000 tasks × 60 months, a data directory kept by
``bench_cockpit.py --keep``) the figures of the last month are computed once as the plan office
sees them, then pickled (``pickle.dumps``, the protocol Django's local-memory cache uses) and
loaded again in ``--repeat`` rounds, two sides a round, the order reversed every other round:

- **now**: the figures' own ``__reduce__`` (``_PlanFigures``: the task rows column by column,
  each once; ``ReportRow``: its values);
- **plain**: the same objects with those two ``__reduce__`` taken away (pickle's default for a
  dataclass and for a class with slots; each task row keeps its own ``__reduce__``), which is
  how they were pickled before.

Both sides' loaded figures are checked equal to the computed ones first.

Run: ``.venv/bin/python bench/bench_cockpit.py --keep`` once, then
``.venv/bin/python bench/bench_cockpit_pickle.py DIR`` (``--repeat``, default 61).
"""

from __future__ import annotations

import argparse
import os
import pickle
import statistics
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from bench_scoring import machine  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("data_dir", help="a data directory kept by bench_cockpit.py --keep")
    parser.add_argument("--repeat", type=int, default=61, help="timed rounds (after one of each side)")
    args = parser.parse_args()
    os.environ["JINGJIN_DATA_DIR"] = args.data_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "jingjin.settings"
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.cache import cache
    from django.utils import translation

    from jingjin.dashboard import selectors
    from jingjin.plans.models import Plan
    from jingjin.reporting import lists
    from jingjin.reporting.models import ReportingPeriod

    translation.activate("zh-hans")
    period = ReportingPeriod.objects.filter(reports__isnull=False).distinct().order_by("-year", "-month")[0]
    cache.clear()  # computed, as on the first request after a write
    figures = selectors._plan_figures(
        user=User.objects.get(username="bench-office"),
        plan=Plan.objects.get(code="bench-plan"),
        period=period,
        today=period.last_day,
    )
    reducers = {
        "now": (selectors._PlanFigures.__reduce__, lists.ReportRow.__reduce__),
        "plain": (object.__reduce__, object.__reduce__),
    }

    def use(side: str) -> None:
        selectors._PlanFigures.__reduce__, lists.ReportRow.__reduce__ = reducers[side]  # type: ignore[method-assign]

    def row(r: Any) -> tuple[Any, ...]:
        return (r.task_id, r.state, r.late, r.expected_pct, r.light, r._task_values, r._report_values)

    sizes = {}
    for side in reducers:
        use(side)
        data = pickle.dumps(figures, pickle.HIGHEST_PROTOCOL)
        sizes[side] = len(data)
        loaded = pickle.loads(data)  # noqa: S301 (the bytes pickled on the line above)
        if replace(loaded, report_rows=[]) != replace(figures, report_rows=[]) or [
            row(r) for r in loaded.report_rows
        ] != [row(r) for r in figures.report_rows]:
            raise SystemExit(f"the figures pickled by the {side} side do not load as they were")
    times: dict[tuple[str, str], list[float]] = {(s, k): [] for s in reducers for k in ("dumps", "loads")}
    order = list(reducers)
    for k in range(args.repeat):
        for side in order if k % 2 == 0 else order[::-1]:
            use(side)
            start = time.perf_counter()
            data = pickle.dumps(figures, pickle.HIGHEST_PROTOCOL)
            times[(side, "dumps")].append(time.perf_counter() - start)
            start = time.perf_counter()
            pickle.loads(data)  # noqa: S301 (the bytes pickled just before)
            times[(side, "loads")].append(time.perf_counter() - start)
    use("now")
    print(f"# bench_cockpit_pickle — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC — {machine()}")
    print(
        f"load average: {os.getloadavg()[0]:.2f}; the figures of {period.code} "
        f"({len(figures.tasks):,} tasks, {len(figures.report_rows):,} report rows); {args.repeat} rounds, "
        "sides in turn, order reversed every other round; median / best ms\n"
    )
    print("| side | pickled | `pickle.dumps` | `pickle.loads` |")
    print("|---|---:|---:|---:|")
    for side in reducers:
        dumps, loads = times[(side, "dumps")], times[(side, "loads")]
        print(
            f"| {side} | {sizes[side] / 1e6:.2f} MB | {statistics.median(dumps) * 1e3:.1f} / "
            f"{min(dumps) * 1e3:.1f} | {statistics.median(loads) * 1e3:.1f} / {min(loads) * 1e3:.1f} |"
        )


if __name__ == "__main__":
    main()

"""Early warnings of the demo data: the weekly recomputations of the last weeks before ``today``,
so that the open warnings are fresh (raised in the last weeks) and some have already been resolved."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from jingjin.alerts.services import warnings_refresh
from jingjin.core import clock

#: the demo replays a refresh every ``STEP_DAYS`` over the ``WEEKS`` weeks before ``today``
WEEKS = 4
STEP_DAYS = 7


def demo_warnings(*, today: date, weeks: int = WEEKS) -> int:
    """Recompute the warnings once a week for the last ``weeks`` weeks and then for ``today`` (no
    e-mail for the synthetic data), each refresh dated on its day; return how many are open."""
    from jingjin.alerts.models import EarlyWarning

    days = [today - timedelta(days=STEP_DAYS * n) for n in range(weeks, 0, -1)]
    for day in days:
        warnings_refresh(
            as_of=day, actor=None, notify=False, at=timezone.make_aware(datetime.combine(day, time(8, 0)))
        )
    last = clock.now() if today == clock.today() else timezone.make_aware(datetime.combine(today, time(8, 0)))
    warnings_refresh(as_of=today, actor=None, notify=False, at=last)
    return EarlyWarning.objects.filter(resolved_at__isnull=True).count()

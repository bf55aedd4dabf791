"""demo_lists: lists computed and published for the last months with demo reports, idempotent."""

from __future__ import annotations

from datetime import date

from jingjin.assessment.demo import demo_lists
from jingjin.assessment.models import RankingList


def test_demo_lists_publish_and_are_idempotent(loaded_plan):
    from jingjin.reporting.demo import demo_reports

    today = date(2022, 6, 20)
    demo_reports(today=today)
    made = demo_lists(today=today, months=3)
    lists = RankingList.objects.all()
    # 2022-03, 2022-04 and 2022-05 (the deadline of 2022-05 is 2022-06-05), the departments' list
    # only: the test plan has no county shares, so no county leads a task
    assert made == 3 and lists.count() == 3
    assert {(x.period.code, x.status, x.is_synthetic) for x in lists} >= {("2022-05", "published", True)}
    assert demo_lists(today=today, months=3) == 0
    assert RankingList.objects.count() == 3

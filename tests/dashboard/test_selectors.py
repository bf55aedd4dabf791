"""The cockpit's figures: roll-up, statuses, late and missing reports, trends, counties, lists."""

from __future__ import annotations

import sys
import types
from decimal import Decimal

import pytest

from jingjin.dashboard import ranking, selectors
from jingjin.engines.status import Status

pytestmark = pytest.mark.django_db


def _cockpit(users, scenario, period="march"):
    return selectors.cockpit(user=users["leader"], period=scenario[period])


def test_progress_is_the_weighted_rollup_of_the_latest_reported_completion(users, scenario):
    data = _cockpit(users, scenario)
    by_code = {t.code: t for t in data.tasks}
    # the draft of A2.M1.T1 in March does not count: its latest reported % is February's 40
    assert [by_code[c].reported_pct for c in ("A1.M1.T1", "A1.M1.T2", "A2.M1.T1")] == [55, 20, 40]
    actions = {a.code: a for a in data.actions}
    assert actions["A1"].progress == pytest.approx((1 * 55 + 2.5 * 20) / 3.5)  # 30.0
    assert actions["A2"].progress == pytest.approx(40)
    assert data.progress == pytest.approx((1 * 30 + 3 * 40) / 4)  # 37.5
    assert data.coverage == pytest.approx(1.0)


def test_february_uses_the_reports_up_to_february(users, scenario):
    data = _cockpit(users, scenario, "february")
    assert {a.code: a.progress for a in data.actions}["A1"] == pytest.approx((50 + 2.5 * 20) / 3.5)


def test_status_counts(users, scenario):
    data = _cockpit(users, scenario)
    by_code = {t.code: t for t in data.tasks}
    # T1 at 2024-03-31: 934 of 1574 days = 59.3 % expected, 55 reported → 4.3 points short: on track
    assert by_code["A1.M1.T1"].expected_pct == pytest.approx(934 / 1574 * 100)
    assert by_code["A1.M1.T1"].status == Status.ON_TRACK
    assert by_code["A1.M1.T2"].status == Status.UNKNOWN  # no task window, nothing expected
    assert by_code["A2.M1.T1"].status == Status.OVERDUE  # ended 2023-12-31 at 40 %
    counts = {c.key: c.count for c in data.counts}
    assert counts == {"on_track": 1, "behind": 0, "far_behind": 0, "done": 0, "overdue": 1, "unknown": 1}
    assert {a.code: {c.key: c.count for c in a.counts if c.count} for a in data.actions} == {
        "A1": {"on_track": 1, "unknown": 1},
        "A2": {"overdue": 1},
    }
    assert {a.code: a.worst_status for a in data.actions} == {"A1": Status.ON_TRACK, "A2": Status.OVERDUE}


def test_late_and_missing_reports_of_the_period(users, scenario):
    data = _cockpit(users, scenario)
    assert [r.task.code for r in data.report_rows] == ["A1.M1.T1", "A1.M1.T2", "A2.M1.T1"]
    assert [r.task.code for r in data.missing_rows] == ["A1.M1.T2"]
    assert [r.task.code for r in data.late_rows] == ["A1.M1.T2", "A2.M1.T1"]  # missing, and a draft
    assert [(r.task.code, r.state) for r in data.attention_rows] == [
        ("A1.M1.T2", "missing"),
        ("A2.M1.T1", "draft"),
    ]
    february = _cockpit(users, scenario, "february")
    assert [r.task.code for r in february.late_rows] == ["A1.M1.T2"]  # first submitted 03-10
    assert february.missing_rows == []


def test_open_supervision_items_overdue_and_due_soon(users, scenario):
    data = _cockpit(users, scenario)
    assert [i.code for i in data.overdue_items] == ["DB-2024-001"]  # the closed one is left out
    assert [i.code for i in data.due_soon_items] == ["DB-2024-002"]
    assert (data.overdue_count, data.due_soon_count) == (1, 1)


def test_trends_start_at_the_first_reporting_month(users, scenario):
    data = _cockpit(users, scenario)  # the scenario's first period is 2024-02
    assert [p.month for p in data.trends] == ["2024-02", "2024-03"]


def test_trends_per_month_since_2021_09(users, scenario):
    from jingjin.reporting.services import period_get_or_create

    period_get_or_create(year=2021, month=9)  # the first reporting month (no month is a constant)
    data = _cockpit(users, scenario)
    assert data.trends[0].month == "2021-09" and data.trends[-1].month == "2024-03"
    assert len(data.trends) == 31
    points = {p.month: p for p in data.trends}
    assert points["2024-01"].progress is None  # nothing reported yet
    assert points["2024-02"].progress == pytest.approx(((50 + 2.5 * 20) / 3.5 + 3 * 40) / 4)
    assert points["2024-03"].progress == pytest.approx(37.5)
    # February: 3 reports, 2 on time; due as tasks_due: T1, T2 and A2.M1.T1 (ended, not done) → 2 / 3
    assert (points["2024-02"].reports, points["2024-02"].on_time, points["2024-02"].due) == (3, 2, 3)
    assert points["2024-02"].on_time_rate == pytest.approx(2 / 3)
    # March: T1 on time, the draft not submitted; due T1, T2 and A2.M1.T1 → 1 / 3
    assert points["2024-03"].on_time_rate == pytest.approx(1 / 3)
    assert data.on_time_rate == pytest.approx(1 / 3)


def test_per_county_view(users, scenario):
    data = _cockpit(users, scenario)
    county = data.county("t.c")
    assert county is not None and county.name == "County C"
    assert [(t.code, t.status) for t in county.tasks] == [
        ("A1.M1.T1", Status.ON_TRACK),
        ("A2.M1.T1", Status.OVERDUE),
    ]
    assert {c.key: c.count for c in county.counts if c.count} == {"on_track": 1, "overdue": 1}


def test_no_red_black_lists_while_the_assessment_app_has_none(users, scenario):
    assert ranking.ranking_lists(user=users["leader"]) == []
    assert _cockpit(users, scenario).ranking_lists == []


def pretend_ranking_model(monkeypatch):
    """apps.get_model finds an assessment.RankingList; every other model as usual."""
    real = ranking.apps.get_model

    def get_model(app_label, model_name=None, require_ready=True):
        if (app_label, model_name) == ("assessment", "RankingList"):
            return object
        return real(app_label, model_name, require_ready=require_ready)

    monkeypatch.setattr(ranking.apps, "get_model", get_model)


def fake_assessment(monkeypatch):
    """Pretend the assessment app has a RankingList model and publishes one list. The fake module
    keeps the real one's names: a module imported while it stands in (the URL patterns, on a
    test process's first request) finds them."""
    import jingjin.assessment.selectors as real

    module = types.ModuleType(real.__name__)
    module.__dict__.update({name: value for name, value in vars(real).items() if not name.startswith("__")})

    def cockpit_ranking_lists(*, user, period):
        return [
            {
                "title": "县区红黑榜",
                "period": "2024-03",
                "red": [{"unit": "丙县", "score": 92.5, "reason": "按时报送，进度超前"}],
                "black": [{"unit": "丁县", "score": Decimal("55.5"), "reason": "连续两月滞后"}],
            }
        ]

    module.cockpit_ranking_lists = cockpit_ranking_lists
    monkeypatch.setitem(sys.modules, "jingjin.assessment.selectors", module)
    pretend_ranking_model(monkeypatch)


def test_red_black_lists_come_from_the_assessment_app_when_it_has_them(users, scenario, monkeypatch):
    fake_assessment(monkeypatch)
    (ranking,) = _cockpit(users, scenario).ranking_lists
    assert ranking["red"] == [{"unit": "丙县", "score": 92.5, "reason": "按时报送，进度超前"}]
    assert ranking["black"] == [{"unit": "丁县", "score": 55.5, "reason": "连续两月滞后"}]


def test_a_failing_assessment_app_does_not_break_the_cockpit(users, scenario, monkeypatch):
    module = types.ModuleType("jingjin.assessment.selectors")
    module.cockpit_ranking_lists = lambda **kwargs: 1 / 0
    monkeypatch.setitem(sys.modules, "jingjin.assessment.selectors", module)
    pretend_ranking_model(monkeypatch)
    assert ranking.ranking_lists(user=users["leader"]) == []


def test_a_user_without_a_role_sees_an_empty_cockpit(scenario, django_user_model):
    nobody = django_user_model.objects.create_user("nobody", password="x")
    data = selectors.cockpit(user=nobody, period=scenario["march"])
    assert data.plan is None and data.tasks == []


def test_task_rows_hold_the_stored_weights_days_and_latest_percent(users, scenario):
    """The cockpit's task rows carry each task's weight, start, end and latest reported % as the
    models hold them — on SQLite read as the database's text and made in one pass, elsewhere
    by the driver: awkward weights (six decimals, large, zero), missing days and tasks without a
    report included."""
    from datetime import date

    from jingjin.dashboard.rollup import _task_rows
    from jingjin.plans.models import Task
    from jingjin.reporting.services import period_get_or_create

    tasks = list(Task.objects.order_by("pk"))
    awkward = [
        (Decimal("0.333333"), None, date(2025, 12, 31)),
        (Decimal("12345678.123456"), date(2021, 1, 1), None),
        (Decimal("0"), date(2024, 2, 29), date(2025, 1, 1)),
    ]
    for task, (weight, start, end) in zip(tasks, awkward, strict=True):  # one case a task
        Task.objects.filter(pk=task.pk).update(weight=weight, start=start, end=end)
    rows = {
        r.pk: r
        for r in _task_rows(user=users["leader"], plan=tasks[0].measure.action.plan, period=scenario["march"])
    }
    assert len(rows) == len(tasks)
    for task in Task.objects.all():
        row = rows[task.pk]
        assert (row.weight, row.start, row.end) == (float(task.weight), task.start, task.end)
        assert type(row.weight) is float
        assert row.start is None or type(row.start) is date
    assert {rows[t.pk].reported_pct for t in tasks if t.code in ("A1.M1.T1", "A1.M1.T2", "A2.M1.T1")} == {
        55.0,
        20.0,
        40.0,
    }
    plan = tasks[0].measure.action.plan
    before = _task_rows(user=users["leader"], plan=plan, period=period_get_or_create(year=2024, month=1))
    assert [r.reported_pct for r in before] == [None] * len(tasks)  # no report up to January

"""The three criteria and the score on the hand-built period 2024-03 (see conftest ``march``)."""

from __future__ import annotations

import pytest

from jingjin.assessment import selectors
from tests.assessment.conftest import AFTER


def _by_unit(rows):
    return {c.unit.code: c for c in rows}


def test_department_criteria_worked_by_hand(march, schemes):
    rows = _by_unit(selectors.unit_criteria(scheme=schemes["departments"], period=march, as_of=AFTER))
    assert set(rows) == {"t.a", "t.b"}  # the city and the county are not departments
    a = rows["t.a"]
    # t.a owes T1 and T3; T1 on time (04-03), T3 late (04-08): 1 / 2 = 50 %
    assert (a.tasks_due, a.on_time) == (2, 1)
    assert a.on_time_pct == pytest.approx(50.0)
    # T1: expected at 2024-03-31 over 2021-09-10 → 2025-12-31 = 934 / 1574 = 59.339 %;
    #     55 / 59.339 = 0.926874.
    # T3: expected over 2024-01-01 → 2024-12-31 = 91 / 366 = 24.863 %; 20 / 24.863 = 0.804396.
    # progress = (0.926874 + 0.804396) / 2 = 86.5635 %
    assert a.progress_pct == pytest.approx(86.5635, abs=1e-3)
    # I1 = 57996 against the value expected at 2024-03 (its 2021 target 57996): on track → 1 / 1
    assert (a.attainment_basis, a.indicators_judged, a.indicators_on_track) == ("indicators", 1, 1)
    assert a.attainment_pct == pytest.approx(100.0)
    b = rows["t.b"]
    # T2 submitted on the deadline day counts as on time; no window → progress counts 1 when reported
    assert (b.on_time_pct, b.progress_pct) == (100.0, 100.0)
    # T2 has only a milestone indicator: proxy = due tasks with light done / on track; no window →
    # light "unknown" → 0 / 1
    assert (b.attainment_basis, b.attainment_pct) == ("task_status", 0.0)


def test_county_scored_on_the_tasks_it_leads_not_on_those_that_name_it(march, schemes):
    from datetime import date

    from jingjin.core.models import Unit
    from jingjin.plans.models import Measure, Task
    from tests.assessment.conftest import report

    # T1 names t.c among its counties: that is Bureau A's task, not the county's
    rows = _by_unit(selectors.unit_criteria(scheme=schemes["counties-parks"], period=march, as_of=AFTER))
    assert set(rows) == set()
    Task.objects.create(
        measure=Measure.objects.get(code="A1.M1"),
        code="A1.M1.T4",
        name_zh="丙县任务",
        name_en="Task of County C",
        lead_unit=Unit.objects.get(code="t.c"),
        start=date(2024, 1, 1),
        end=date(2024, 12, 31),
        position=4,
    )
    report("A1.M1.T4", march, pct=20, submitted=date(2024, 4, 1))
    rows = _by_unit(selectors.unit_criteria(scheme=schemes["counties-parks"], period=march, as_of=AFTER))
    c = rows["t.c"]
    assert (c.tasks_due, c.on_time_pct) == (1, 100.0)
    # 20 / 24.863 (expected over 2024) = 0.804396
    assert c.progress_pct == pytest.approx(80.4396, abs=1e-3)


def test_score_through_the_engine_with_items(march, schemes):
    rule = schemes["departments"].rule()
    criteria = selectors.unit_criteria(scheme=schemes["departments"], period=march, as_of=AFTER)
    results = {
        r.criteria.unit.code: r for r in selectors.ranking_compute(rule=rule, criteria=criteria, exempt={})
    }
    a = results["t.a"]
    # 0.3 × 50 + 0.4 × 86.5635 + 0.3 × 100 = 15 + 34.6254 + 30 = 79.6254 → 79.63 (rounded to 0.01)
    assert a.score == pytest.approx(79.63)
    assert [i["criterion"] for i in a.items] == ["on_time", "progress", "attainment"]
    assert [i["contribution"] for i in a.items] == pytest.approx([15.0, 34.6254, 30.0], abs=1e-4)
    assert sum(i["contribution"] for i in a.items) == pytest.approx(a.score, abs=0.01)
    assert a.items[0]["numerator"] == 1 and a.items[0]["denominator"] == 2
    # t.b: 0.3 × 100 + 0.4 × 100 + 0.3 × 0 = 70
    assert results["t.b"].score == pytest.approx(70.0)
    # t.a ranks first but missed the target (79.63 < 80): not red; both missed, but with two units
    # the black list has one place and t.a is in the top half: only t.b is black
    assert (a.rank, a.target_met, a.verdict) == (1, False, "none")
    assert (results["t.b"].rank, results["t.b"].verdict) == (2, "black")


def test_a_draft_without_submission_counts_nothing(loaded_plan, schemes):
    from datetime import date

    from tests.assessment.conftest import period_of, report

    period = period_of(2024, 5)
    report("A1.M1.T1", period, pct=80, submitted=None)  # a draft, never submitted
    rows = _by_unit(
        selectors.unit_criteria(scheme=schemes["departments"], period=period, as_of=date(2024, 7, 1))
    )
    assert (rows["t.a"].on_time_pct, rows["t.a"].progress_pct) == (0.0, 0.0)

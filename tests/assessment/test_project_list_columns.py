"""The key-project list computed as columns (issue 12) stores exactly what the per-entry
computation (``selectors.ranking_compute`` + ``services._store``) stores: every column, the
items' JSON text byte for byte, exemptions, the on-time boundary at the deadline's local midnight
and the escalation of a project black twice in a row."""

from __future__ import annotations

import json
import math
from datetime import date, datetime, time
from typing import Any

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from jingjin.assessment import project_lists, selectors, services
from jingjin.assessment.models import RankingList
from jingjin.core.models import AuditEntry, Unit
from jingjin.projects.models import KeyProject, ProjectReport, ProjectYearPlan
from tests.assessment.conftest import period_of
from tests.assessment.test_project_lists import JULY_20
from tests.assessment.test_project_lists import june as june

COLUMNS = (
    "unit_id, project_id, on_time_pct, progress_pct, attainment_pct, investment_pct, gap_pct, "
    "milestones_pct, score, rank, bottom_rank, target_met, verdict, reason, items, tasks_due, escalated"
)


def _rows(ranking_list: RankingList) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {COLUMNS} FROM assessment_rankingentry WHERE ranking_list_id = %s ORDER BY project_id",  # noqa: S608
            [ranking_list.pk],
        )
        return [
            tuple(json.loads(v) if i == 14 and not isinstance(v, str | bytes) else v for i, v in enumerate(r))
            for r in cursor.fetchall()
        ]


def _per_entry(ranking_list: RankingList) -> list[tuple[Any, ...]]:
    """The entries the per-entry computation stores for the same list (rolled back)."""
    exempt = {x.project_id: x.reason for x in ranking_list.exemptions.all()}
    with transaction.atomic():
        criteria = selectors.subject_criteria(
            scheme=ranking_list.scheme, period=ranking_list.period, as_of=ranking_list.as_of
        )
        results = selectors.ranking_compute(rule=ranking_list.rule, criteria=criteria, exempt=exempt)
        services._store(ranking_list, results)
        rows = _rows(ranking_list)
        transaction.set_rollback(True)
    return rows


def test_columns_store_what_the_entries_stored(users, june, schemes):
    scheme = schemes["key-projects"]
    # P7's report first submitted at the last minute of the deadline's local day: on time
    deadline_end = datetime.combine(june.deadline, time(23, 59), tzinfo=timezone.get_current_timezone())
    ProjectReport.objects.filter(project__code="P7", period=june).update(first_submitted_at=deadline_end)
    office = users["office"]
    listed = services.ranking_list_compute(actor=office, scheme=scheme, period=june, today=JULY_20)
    rows = _rows(listed)
    assert rows == _per_entry(listed)
    p7 = KeyProject.objects.get(code="P7")
    assert {r[1]: r[2] for r in rows}[p7.pk] == 100.0
    services.ranking_exempt(
        actor=office,
        ranking_list=listed,
        project=KeyProject.objects.get(code="P1"),
        reason="洪灾",
        today=JULY_20,
    )
    listed.refresh_from_db()
    assert _rows(listed) == _per_entry(listed)
    services.ranking_list_publish(actor=office, ranking_list=listed)
    july = services.ranking_list_compute(
        actor=office, scheme=scheme, period=period_of(2024, 7), today=date(2024, 8, 20)
    )
    rows = _rows(july)
    assert rows == _per_entry(july)
    assert any(r[16] for r in rows)  # escalated


def test_a_second_after_the_deadline_is_late(users, june, schemes):
    local = timezone.get_current_timezone()
    after = datetime.combine(date.fromordinal(june.deadline.toordinal() + 1), time(0, 0), tzinfo=local)
    ProjectReport.objects.filter(project__code="P1", period=june).update(first_submitted_at=after)
    listed = services.ranking_list_compute(
        actor=users["office"], scheme=schemes["key-projects"], period=june, today=JULY_20
    )
    p1 = listed.entries.get(project__code="P1")
    assert p1.on_time_pct == 0.0
    assert _rows(listed) == _per_entry(listed)


def test_the_audit_holds_the_entries_as_stored(users, june, schemes):
    """The audit row's "after" is built from the computed columns, not read back: it must be what
    reading the stored list gives, on a first compute and after a
    recompute that adds, moves and drops projects."""
    scheme = schemes["key-projects"]
    office = users["office"]
    for change in (False, True):
        if change:
            ProjectYearPlan.objects.create(
                project=KeyProject.objects.get(code="P6"), year=2024, planned_investment=300
            )
            ProjectYearPlan.objects.filter(project__code="P7").delete()
            KeyProject.objects.filter(code="P1").update(owner_unit=Unit.objects.get(code="t.b"))
        listed = services.ranking_list_compute(actor=office, scheme=scheme, period=june, today=JULY_20)
        entry = AuditEntry.objects.filter(object_id=listed.pk, content_type__model="rankinglist").latest("pk")
        stored = RankingList.objects.get(pk=listed.pk).snapshot()["entries"]
        assert entry.after["entries"] == stored
        assert ("P6" in stored, "P7" in stored) == ((True, False) if change else (False, True))


def test_rounded_is_round():
    rng = np.random.default_rng(12)
    halves = np.array(
        [k / 1e4 + 0.00005 for k in range(-3000, 3000)] + [k / 100 + 0.005 for k in range(-300, 300)]
    )
    values = np.concatenate(
        [rng.uniform(-200, 200, 20_000), halves, [0.0, -0.0, -0.00001, 1.03125, 2.675, 1e16, 123456789.12345]]
    )
    for digits in (2, 4):
        got = project_lists.rounded(values, digits).tolist()
        want = [round(float(x), digits) for x in values]
        assert [math.copysign(1, x) for x in got] == [math.copysign(1, x) for x in want]
        assert got == want


def test_texts_are_what_json_writes():
    values = np.array([0.0, -0.0, 1.5, 100.0, 66.6667, math.nan, 1e-05, 12345678.9])
    assert project_lists.texts(values) == [json.dumps(float(v)) for v in values]
    assert project_lists.texts(values, null=True)[5] == "null"
    assert project_lists.texts(np.array([3, 0, 3])) == ["3", "0", "3"]


def test_a_recompute_rewrites_kept_rows_and_adds_and_drops_the_others(users, june, schemes):
    scheme = schemes["key-projects"]
    office = users["office"]
    listed = services.ranking_list_compute(actor=office, scheme=scheme, period=june, today=JULY_20)
    before = dict(listed.entries.values_list("project__code", "pk"))
    p6 = KeyProject.objects.get(code="P6")
    ProjectYearPlan.objects.create(project=p6, year=2024, planned_investment=300)
    ProjectYearPlan.objects.filter(project__code="P7").delete()
    KeyProject.objects.filter(code="P1").update(owner_unit=Unit.objects.get(code="t.b"))
    listed = services.ranking_list_compute(actor=office, scheme=scheme, period=june, today=JULY_20)
    after = dict(listed.entries.values_list("project__code", "pk"))
    assert set(after) == {"P1", "P2", "P3", "P4", "P5", "P6"}
    assert after["P2"] == before["P2"]  # rewritten in place
    assert after["P1"] != before["P1"]  # another owner: a new row
    assert _rows(listed) == _per_entry(listed)


def test_a_list_left_without_projects_is_emptied(users, june, schemes):
    scheme = schemes["key-projects"]
    office = users["office"]
    listed = services.ranking_list_compute(actor=office, scheme=scheme, period=june, today=JULY_20)
    assert listed.entries.count() == 6
    scheme.project_county = Unit.objects.get(code="t.c")  # no project lies in it
    scheme.save()
    listed = services.ranking_list_compute(actor=office, scheme=scheme, period=june, today=JULY_20)
    assert listed.entries.count() == 0

"""Computing, exempting and publishing lists: permissions, freezing, escalation, audit rows."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError

from jingjin.assessment import services
from jingjin.assessment.models import RankingExemption, RankingList
from jingjin.core.models import AuditEntry, Unit
from jingjin.core.permissions import PermissionDenied
from tests.assessment.conftest import AFTER, period_of, report


def _audit(obj):
    return list(
        AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk
        ).order_by("id")
    )


def test_loader_is_idempotent(schemes):
    assert set(schemes) == {"departments", "counties-parks", "key-projects", "project-owners"}
    assert services.schemes_load_builtin() == 0
    assert (schemes["departments"].red_top_n, schemes["departments"].black_bottom_m) == (4, 3)
    assert (schemes["counties-parks"].red_top_n, schemes["counties-parks"].black_bottom_m) == (5, 4)


def test_office_computes_a_draft_with_an_audit_row(users, march, schemes):
    listed = services.ranking_list_compute(
        actor=users["office"], scheme=schemes["departments"], period=march, today=AFTER
    )
    assert listed.status == "draft"
    # both missed the target; with two units the black list has one place, and t.a (rank 1) is in
    # the top half: only t.b is black
    assert {e.unit.code: e.verdict for e in listed.entries.all()} == {"t.a": "none", "t.b": "black"}
    rows = _audit(listed)
    assert [r.action for r in rows] == ["create"]
    assert rows[0].user_name == "office"
    assert rows[0].after["entries"]["t.b"]["verdict"] == "black"
    # recomputing a draft replaces its entries and writes an update row only if something changed
    services.ranking_list_compute(
        actor=users["office"], scheme=schemes["departments"], period=march, today=AFTER
    )
    assert RankingList.objects.count() == 1 and listed.entries.count() == 2


@pytest.mark.parametrize("who", ["reporter_a", "county_c", "leader"])
def test_only_the_office_computes_exempts_and_publishes(users, march, schemes, who):
    with pytest.raises(PermissionDenied):
        services.ranking_list_compute(
            actor=users[who], scheme=schemes["departments"], period=march, today=AFTER
        )
    listed = services.ranking_list_compute(
        actor=users["office"], scheme=schemes["departments"], period=march, today=AFTER
    )
    with pytest.raises(PermissionDenied):
        services.ranking_exempt(
            actor=users[who], ranking_list=listed, unit=Unit.objects.get(code="t.a"), reason="x", today=AFTER
        )
    with pytest.raises(PermissionDenied):
        services.ranking_list_publish(actor=users[who], ranking_list=listed)


def test_not_before_the_deadline(users, march, schemes):
    with pytest.raises(ValidationError, match="has not passed"):
        services.ranking_list_compute(
            actor=users["office"], scheme=schemes["departments"], period=march, today=date(2024, 4, 5)
        )


def test_exemption_keeps_the_unit_off_the_lists_with_its_reason(users, march, schemes):
    listed = services.ranking_list_compute(
        actor=users["office"], scheme=schemes["departments"], period=march, today=AFTER
    )
    unit_a = Unit.objects.get(code="t.a")
    with pytest.raises(ValidationError):
        services.ranking_exempt(
            actor=users["office"], ranking_list=listed, unit=unit_a, reason="  ", today=AFTER
        )
    with pytest.raises(ValidationError):  # the county is not in the departments' group
        services.ranking_exempt(
            actor=users["office"],
            ranking_list=listed,
            unit=Unit.objects.get(code="t.c"),
            reason="洪灾",
            today=AFTER,
        )
    exemption = services.ranking_exempt(
        actor=users["office"], ranking_list=listed, unit=unit_a, reason="7月特大洪灾停工", today=AFTER
    )
    entry = listed.entries.get(unit=unit_a)
    assert (entry.verdict, entry.rank, entry.reason) == ("exempt", None, "7月特大洪灾停工")
    assert entry.score == pytest.approx(79.63)  # keeps its score
    # t.b is now alone: rank 1, still missed the target → black
    assert listed.entries.get(unit__code="t.b").rank == 1
    assert [r.action for r in _audit(exemption)] == ["create"]
    # withdrawing it puts the unit back
    assert listed.entries.get(unit__code="t.b").verdict == "black"
    services.ranking_exempt_remove(actor=users["office"], exemption=exemption, today=AFTER)
    assert listed.entries.get(unit=unit_a).verdict == "none"  # rank 1 of 2 again: top half
    assert not RankingExemption.objects.exists()


def test_publishing_freezes_the_list(users, march, schemes):
    from jingjin.plans.models import Measure, Task

    # a task County C leads itself, reported on time (counties are scored on the tasks they lead)
    county_task = Task.objects.create(
        measure=Measure.objects.get(code="A1.M1"),
        code="A1.M1.T4",
        name_zh="丙县任务",
        name_en="Task of County C",
        lead_unit=Unit.objects.get(code="t.c"),
        position=4,
    )
    county_task.start, county_task.end = date(2024, 1, 1), date(2024, 12, 31)
    county_task.save()
    report(county_task.code, march, pct=100, submitted=date(2024, 4, 2))
    listed = services.ranking_list_compute(
        actor=users["office"], scheme=schemes["counties-parks"], period=march, today=AFTER
    )
    before = list(listed.entries.values_list("unit__code", "score", "rank", "verdict", "items"))
    services.ranking_list_publish(actor=users["office"], ranking_list=listed)
    listed.refresh_from_db()
    assert listed.status == "published" and listed.published_by == users["office"]
    assert [r.action for r in _audit(listed)] == ["create", "update"]
    assert _audit(listed)[-1].after["status"] == "published"
    # the reports change afterwards: the published list does not
    from jingjin.reporting.models import Report

    Report.objects.filter(period=march).update(completion_pct=1, first_submitted_at=None)
    with pytest.raises(services.ListFrozen):
        services.ranking_list_compute(
            actor=users["office"], scheme=schemes["counties-parks"], period=march, today=AFTER
        )
    with pytest.raises(services.ListFrozen):
        services.ranking_list_publish(actor=users["office"], ranking_list=listed)
    with pytest.raises(services.ListFrozen):
        services.ranking_exempt(
            actor=users["office"], ranking_list=listed, unit=Unit.objects.get(code="t.c"), reason="x"
        )
    assert list(listed.entries.values_list("unit__code", "score", "rank", "verdict", "items")) == before
    assert before[0][3] == "red"


def test_two_consecutive_black_listings_escalate(users, loaded_plan, schemes):
    office = users["office"]
    # nothing is reported in 2024-05 and 2024-06: both departments miss the target; they tie at
    # rank 1 and bottom rank 1 — a tie across the middle of two units, on neither list… so a third
    # department with a task that reports fully keeps them in the bottom half
    from jingjin.plans.models import Measure, Task

    Unit.objects.create(code="t.e", name_zh="戊局", name_en="Bureau E", kind="department", position=9)
    Task.objects.create(
        measure=Measure.objects.get(code="A1.M1"),
        code="A1.M1.T5",
        name_zh="戊局任务",
        name_en="Task of E",
        lead_unit=Unit.objects.get(code="t.e"),
        start=date(2024, 1, 1),
        end=date(2025, 12, 31),
        position=5,
    )
    may, june, july = period_of(2024, 5), period_of(2024, 6), period_of(2024, 7)
    for period, day in ((may, date(2024, 6, 1)), (june, date(2024, 7, 1)), (july, date(2024, 8, 1))):
        report("A1.M1.T5", period, pct=60, submitted=day)  # ahead of schedule: red
    first = services.ranking_list_compute(
        actor=office, scheme=schemes["departments"], period=may, today=date(2024, 9, 1)
    )
    got = set(first.entries.values_list("unit__code", "verdict", "escalated"))
    assert got == {("t.a", "black", False), ("t.b", "black", False), ("t.e", "red", False)}
    # a draft of the previous month does not count: only published lists do
    second = services.ranking_list_compute(
        actor=office, scheme=schemes["departments"], period=june, today=date(2024, 9, 1)
    )
    assert not second.entries.filter(escalated=True).exists()
    services.ranking_list_publish(actor=office, ranking_list=first)
    second = services.ranking_list_compute(
        actor=office, scheme=schemes["departments"], period=june, today=date(2024, 9, 1)
    )
    assert set(second.entries.values_list("unit__code", "escalated")) == {
        ("t.a", True),
        ("t.b", True),
        ("t.e", False),
    }
    services.ranking_list_publish(actor=office, ranking_list=second)
    # in July t.b reports on time and fully: it leaves the black list, t.a stays (escalated again)
    report("A1.M1.T2", july, pct=100, submitted=date(2024, 8, 2))
    third = services.ranking_list_compute(
        actor=office, scheme=schemes["departments"], period=july, today=date(2024, 9, 1)
    )
    got = dict(third.entries.values_list("unit__code", "escalated"))
    assert got == {"t.a": True, "t.b": False, "t.e": False}


def test_unit_history_shows_published_entries(users, march, schemes):
    from jingjin.assessment.selectors import unit_history

    listed = services.ranking_list_compute(
        actor=users["office"], scheme=schemes["departments"], period=march, today=AFTER
    )
    unit_a = Unit.objects.get(code="t.a")
    assert unit_history(user=users["reporter_a"], unit=unit_a).count() == 0  # a draft is the office's
    assert unit_history(user=users["office"], unit=unit_a).count() == 1
    services.ranking_list_publish(actor=users["office"], ranking_list=listed)
    assert [e.verdict for e in unit_history(user=users["reporter_a"], unit=unit_a)] == ["none"]


def test_cockpit_contract(users, march, schemes):
    from jingjin.assessment.selectors import cockpit_ranking_lists

    assert cockpit_ranking_lists(user=users["leader"]) == []
    listed = services.ranking_list_compute(
        actor=users["office"], scheme=schemes["departments"], period=march, today=AFTER
    )
    services.ranking_list_publish(actor=users["office"], ranking_list=listed)
    got = cockpit_ranking_lists(user=users["leader"], period=march)
    assert [(x["title"], x["period"], x["red"]) for x in got] == [
        ("Red/black list of city departments", "2024-03", [])
    ]
    assert got[0]["black"] == [
        {
            "unit": "Bureau B",
            "score": 70.0,
            "reason": "Target missed; 1 from the bottom",
            "code": "t.b",  # the unit's code and the list's id: the cockpit links them (drill-down)
        }
    ]
    assert got[0]["id"] == listed.pk
    assert cockpit_ranking_lists(user=users["leader"], period=period_of(2024, 2)) == []

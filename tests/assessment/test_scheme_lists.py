"""Red/black lists computed by the configurable schemes (conftest ``march``: t.a has two tasks,
one report late; t.b one task, on time): the carried-over ``rb-…`` schemes give the lists of the
fixed weights, a deduction with its cap changes the list that is then published and frozen, the
minimum of scored tasks is a gate, and an office-built scheme gets lists of its own."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from jingjin.assessment import scheme_services as scheme_services
from jingjin.assessment import selectors, services
from jingjin.assessment.choices import Verdict
from jingjin.assessment.models import RankingList, RankingScheme
from jingjin.assessment.scheme_models import AssessmentScheme
from jingjin.core.models import AuditEntry, Unit
from tests.assessment.conftest import AFTER
from tests.assessment.test_project_lists import JULY_20, june  # noqa: F401 (a fixture)

DEDUCT = [{"kind": "deduction", "source": "missed_reports", "points": 4, "cap": 3, "label": "late"}]


@pytest.fixture
def linked(users: Any, march: Any, schemes: dict[str, Any]) -> dict[str, Any]:
    assert services.ranking_schemes_convert(actor=users["office"]) == 3  # not key-projects
    return {s.code: s for s in RankingScheme.objects.all()}


def _entries(ranking_list: RankingList) -> dict[str, Any]:
    return {e.unit.code: e for e in ranking_list.entries.select_related("unit")}


def _revise(office: Any, code: str, march: Any, **changes: Any) -> AssessmentScheme:
    published = AssessmentScheme.objects.get(code=code, status="published")
    draft = scheme_services.scheme_revise(actor=office, scheme=published)
    adjustments = changes.pop("adjustments", None)
    draft = scheme_services.scheme_update(
        actor=office, scheme=draft, changes=changes, adjustments=adjustments
    )
    scheme_services.scheme_preview(actor=office, scheme=draft, period=march, today=AFTER)
    scheme_services.scheme_publish(actor=office, scheme=draft, period=march, today=AFTER)
    return AssessmentScheme.objects.get(pk=draft.pk)


def test_carried_over_schemes_compute_the_same_lists(users, march, linked):
    for code in ("departments", "counties-parks"):
        scheme = linked[code]
        assert scheme.assessment_code == f"rb-{code}"
        expected = {
            r.criteria.unit.code: (r.score, r.rank, r.bottom_rank, r.target_met, r.verdict)
            for r in selectors.ranking_compute(
                rule=scheme.rule(),
                criteria=selectors.subject_criteria(scheme=scheme, period=march, as_of=AFTER),
                exempt={},
            )
        }
        made = services.ranking_list_compute(actor=users["office"], scheme=scheme, period=march, today=AFTER)
        assert made.assessment_scheme == AssessmentScheme.objects.get(code=f"rb-{code}")
        got = {
            u: (e.score, e.rank, e.bottom_rank, e.target_met, e.verdict) for u, e in _entries(made).items()
        }
        assert got == expected
        for entry in made.entries.all():
            assert sum(i["contribution"] for i in entry.items) == pytest.approx(entry.score, abs=0.01)


def test_deduction_with_cap_changes_the_published_list(client, users, march, linked):
    office = users["office"]
    scheme = linked["departments"]
    before = _entries(services.ranking_list_compute(actor=office, scheme=scheme, period=march, today=AFTER))
    v2 = _revise(office, "rb-departments", march, adjustments=DEDUCT)
    ranking_list = services.ranking_list_compute(actor=office, scheme=scheme, period=march, today=AFTER)
    after = _entries(ranking_list)
    # t.a missed one report: 4 points, capped at 3; t.b missed none
    assert after["t.a"].score == pytest.approx(before["t.a"].score - 3)
    assert after["t.b"].score == before["t.b"].score
    assert {"criterion": "deduction", "contribution": -3.0}.items() <= after["t.a"].items[-1].items()
    assert "late: −3.00" in after["t.a"].reason
    services.ranking_list_publish(actor=office, ranking_list=ranking_list)
    ranking_list.refresh_from_db()
    assert ranking_list.assessment_scheme == v2 and ranking_list.rule["version"] == 2
    assert ranking_list.rule["adjustments"][0]["cap"] == 3
    # a later version does not change the published list, which is frozen
    _revise(office, "rb-departments", march, adjustments=[{**DEDUCT[0], "cap": 10}])
    with pytest.raises(services.ListFrozen):
        services.ranking_list_compute(actor=office, scheme=scheme, period=march, today=AFTER)
    assert _entries(RankingList.objects.get(pk=ranking_list.pk))["t.a"].score == after["t.a"].score
    client.force_login(office)
    page = client.get(reverse("assessment:list", args=[ranking_list.pk]))
    assert page.status_code == 200 and "late" in page.content.decode()
    assert 'data-testid="scheme-rule"' in page.content.decode()


def test_minimum_of_scored_tasks_is_a_gate(users, march, linked):
    office = users["office"]
    assert AssessmentScheme.objects.get(code="rb-departments").min_tasks == 1  # the old min_items
    _revise(office, "rb-departments", march, min_tasks=2)
    entries = _entries(
        services.ranking_list_compute(actor=office, scheme=linked["departments"], period=march, today=AFTER)
    )
    assert entries["t.a"].rank == 1 and entries["t.a"].tasks_due == 2
    assert entries["t.b"].verdict == Verdict.NOT_RANKED and entries["t.b"].rank is None
    assert entries["t.b"].reason == "only 1 scored task (fewer than 2)"


def test_exemption_and_escalation_on_a_linked_list(users, march, linked):
    office = users["office"]
    scheme = linked["departments"]
    ranking_list = services.ranking_list_compute(actor=office, scheme=scheme, period=march, today=AFTER)
    services.ranking_exempt(
        actor=office,
        ranking_list=ranking_list,
        unit=Unit.objects.get(code="t.a"),
        reason="flood",
        today=AFTER,
    )
    entries = _entries(RankingList.objects.get(pk=ranking_list.pk))
    assert (entries["t.a"].verdict, entries["t.a"].reason, entries["t.a"].rank) == (
        Verdict.EXEMPT,
        "flood",
        None,
    )
    with pytest.raises(ValidationError):  # not in the configurable scheme's peer set
        services.ranking_exempt(
            actor=office,
            ranking_list=ranking_list,
            unit=Unit.objects.get(code="t.c"),
            reason="x",
            today=AFTER,
        )


def test_a_linked_scheme_is_changed_in_its_configurable_scheme(users, linked):
    scheme = linked["departments"]
    with pytest.raises(ValidationError, match="rb-departments"):
        services.scheme_change(actor=users["office"], scheme=scheme, changes={"red_top_n": 1})
    services.scheme_change(actor=users["office"], scheme=scheme, changes={"name_en": "Departments"})
    assert AuditEntry.objects.filter(object_id=scheme.pk, after__name_en="Departments").exists()


def test_office_built_scheme_gets_red_black_lists(client, users, march, schemes):
    office = users["office"]
    peers = scheme_services.peer_set_save(
        actor=office,
        code="depts",
        name_zh="部门",
        name_en="Depts",
        units=list(Unit.objects.filter(code__in=["t.a", "t.b"])),
    )
    draft = scheme_services.scheme_create(
        actor=office,
        code="econ",
        name_zh="工业经济考核",
        name_en="Industrial economy",
        peer_set=peers,
        criteria=[
            {"source": "on_time", "weight": 1},
            {"source": "progress", "weight": 1, "normalisation": "minmax"},
        ],
        adjustments=DEDUCT,
        settings={"red_top_n": 1, "black_bottom_m": 1, "target_score": 60},
    )
    with pytest.raises(ValidationError):  # a draft computes no list
        services.ranking_scheme_for(actor=office, assessment=draft)
    scheme_services.scheme_preview(actor=office, scheme=draft, period=march, today=AFTER)
    run = scheme_services.scheme_publish(actor=office, scheme=draft, period=march, today=AFTER)
    client.force_login(office)
    assert client.post(reverse("schemes:lists", args=[draft.pk])).status_code == 302
    scheme = RankingScheme.objects.get(assessment_code="econ")
    assert (scheme.code, scheme.red_top_n, scheme.black_bottom_m) == ("econ", 1, 1)
    assert services.ranking_scheme_for(actor=office, assessment=draft) == scheme
    entries = _entries(services.ranking_list_compute(actor=office, scheme=scheme, period=march, today=AFTER))
    published = {r["unit"]: r for r in run.rows}
    assert {u: (e.score, e.verdict) for u, e in entries.items()} == {
        u: (r["total"], r["verdict"]) for u, r in published.items()
    }
    assert (entries["t.a"].score, entries["t.a"].verdict) == (22.0, Verdict.BLACK)
    cockpit = selectors.cockpit_ranking_lists(user=office)
    assert not any(c["title"] == scheme.name for c in cockpit)  # a draft list is not shown


def test_key_project_owners_list_from_its_carried_over_scheme(users, june, schemes):  # noqa: F811
    """The owners' list (units by their key projects, built-in weights, gate: investment on
    schedule) computed by ``rb-project-owners`` equals the fixed-weight list."""
    old = schemes["project-owners"]
    expected = {
        r.criteria.unit.code: (r.score, r.rank, r.target_met, r.verdict)
        for r in selectors.ranking_compute(
            rule=old.rule(),
            criteria=selectors.subject_criteria(scheme=old, period=june, as_of=JULY_20),
            exempt={},
        )
    }
    services.ranking_schemes_convert(actor=users["office"])
    scheme = RankingScheme.objects.get(code="project-owners")
    assert scheme.assessment_code == "rb-project-owners"
    assert not AssessmentScheme.objects.filter(code="rb-key-projects").exists()
    made = services.ranking_list_compute(actor=users["office"], scheme=scheme, period=june, today=JULY_20)
    got = {u: (e.score, e.rank, e.target_met, e.verdict) for u, e in _entries(made).items()}
    assert got == pytest.approx(expected)


def test_the_owners_scheme_gates_by_key_projects(english, users, june, schemes):  # noqa: F811
    """The owners' scheme carried over keeps its old minimum of ranked projects as the gate,
    counting each unit's key projects with a plan for the year (audited): t.b, left with one such
    project, is listed "not ranked" with the count in the reason; the others are ranked."""
    from jingjin.projects.models import ProjectYearPlan

    old = schemes["project-owners"]
    old.min_items = 2
    old.save()
    ProjectYearPlan.objects.filter(project__code="P7").delete()  # t.b keeps P3 only
    services.ranking_schemes_convert(actor=users["office"])
    version = AssessmentScheme.objects.get(code="rb-project-owners")
    assert (version.min_tasks, version.gate_counts) == (2, "projects")
    audit = AuditEntry.objects.filter(object_id=version.pk, content_type__model="assessmentscheme").latest(
        "pk"
    )
    assert (audit.before["min_tasks"], audit.after["min_tasks"], audit.after["gate_counts"]) == (
        0,
        2,
        "projects",
    )
    scheme = RankingScheme.objects.get(code="project-owners")
    entries = _entries(
        services.ranking_list_compute(actor=users["office"], scheme=scheme, period=june, today=JULY_20)
    )
    assert entries["t.b"].verdict == Verdict.NOT_RANKED and entries["t.b"].rank is None
    assert "only 1 key project with a plan for the year (fewer than 2)" in entries["t.b"].reason
    assert entries["t.a"].rank is not None and entries["t.c"].rank is not None

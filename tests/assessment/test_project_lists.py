"""The key-project red/black lists (重点项目红黑榜) and the unit lists' key-project investment
criterion, worked by hand.

Period 2024-06 (deadline 2024-07-05, computed 2024-07-20); a whole-year project has 6/12 = 50 % of
the year elapsed. The built-in scheme weights: on-time 0.1, investment 0.5, gap 0.2, milestones 0.2.

======  =====  ======  =====  =======  ========  =========  ========  ==============================
project owner  plan    ytd    compl.   elapsed   gap score  on time   milestones (delay → score)
======  =====  ======  =====  =======  ========  =========  ========  ==============================
P1      t.a    1000    700    70       50        100        yes 100   0 → 100
P2      t.a    1000    400    40       50        90         late 0    started due 05-01, not
                                                                      reached: 60 d → 66.6667
P3      t.b    500     240    48       50        98         yes 100   0 → 100
P4      t.c    2000    200    10       50        60         none 0    signed 30 d late → 83.3333
P5      t.c    900     600    66.667   33.333    100        yes 100   0 → 100 (starts in April)
P6      t.b    —       —      no plan for 2024: left off the list
P7      t.b    100     0      0        50        50         none 0    0 → 100
======  =====  ======  =====  =======  ========  =========  ========  ==============================

Scores = 0.1 on-time + 0.5 min(completion, 100) + 0.2 gap score + 0.2 milestone score:
P1 10 + 35 + 20 + 20 = 85; P5 10 + 33.3333 + 20 + 20 = 83.33; P3 10 + 24 + 19.6 + 20 = 73.6;
P2 0 + 20 + 18 + 13.3333 = 51.33; P4 0 + 5 + 12 + 16.6667 = 33.67; P7 0 + 0 + 10 + 20 = 30.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from jingjin.assessment import selectors, services
from jingjin.assessment.models import RankingEntry, RankingList
from jingjin.core.models import AuditEntry, Unit
from jingjin.core.permissions import PermissionDenied, may_manage_ranking_lists
from jingjin.projects.models import KeyProject, ProjectMilestone, ProjectReport, ProjectYearPlan
from tests.assessment.conftest import period_of

JULY_20 = date(2024, 7, 20)


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, 10))


def _project(code: str, owner: str, plan: int | None, ytd: int | None, period: Any, **kw: Any) -> KeyProject:
    submitted = kw.pop("submitted", None)
    project = KeyProject.objects.create(
        code=code,
        name_zh=f"示例项目{code}",
        name_en=f"Demo project {code}",
        level=kw.pop("level", "city"),
        category="industry",
        owner_unit=Unit.objects.get(code=owner),
        total_investment=10000,
        is_synthetic=True,
        **kw,
    )
    if plan is not None:
        ProjectYearPlan.objects.create(project=project, year=2024, planned_investment=Decimal(plan))
    if ytd is not None:
        ProjectReport.objects.create(
            project=project,
            period=period,
            investment_ytd=ytd,
            status="submitted",
            submitted_at=_at(submitted) if submitted else None,
            first_submitted_at=_at(submitted) if submitted else None,
        )
    return project


@pytest.fixture
def june(loaded_plan: Any, schemes: Any) -> Any:
    period = period_of(2024, 6)
    on_time, late = date(2024, 7, 3), date(2024, 7, 10)
    _project("P1", "t.a", 1000, 700, period, submitted=on_time)
    p2 = _project("P2", "t.a", 1000, 400, period, submitted=late)
    ProjectMilestone.objects.create(project=p2, kind="started", planned=date(2024, 5, 1))
    _project("P3", "t.b", 500, 240, period, submitted=on_time)
    p4 = _project("P4", "t.c", 2000, 200, period, level="county")
    ProjectMilestone.objects.create(
        project=p4, kind="signed", planned=date(2024, 3, 1), actual=date(2024, 3, 31)
    )
    _project("P5", "t.c", 900, 600, period, submitted=on_time, start=date(2024, 4, 1))
    _project("P6", "t.b", None, None, period)
    _project("P7", "t.b", 100, 0, period)
    return period


def _results(scheme: Any, period: Any, exempt: dict[int, str] | None = None) -> dict[str, Any]:
    criteria = selectors.subject_criteria(scheme=scheme, period=period, as_of=JULY_20)
    results = selectors.ranking_compute(rule=scheme.rule(), criteria=criteria, exempt=exempt or {})
    return {(r.criteria.project.code if r.criteria.project else r.criteria.unit.code): r for r in results}


def test_project_scores_worked_by_hand(june, schemes):
    results = _results(schemes["key-projects"], june)
    assert "P6" not in results  # no plan for 2024
    scores = {code: r.score for code, r in results.items()}
    assert scores == pytest.approx(
        {"P1": 85.0, "P5": 83.33, "P3": 73.6, "P2": 51.33, "P4": 33.67, "P7": 30.0}, abs=0.001
    )
    p2 = {i["criterion"]: i for i in results["P2"].items}
    assert p2["milestones"]["delay_days"] == 60
    assert p2["milestones"]["value"] == pytest.approx(66.6667, abs=1e-4)
    assert p2["gap"]["gap"] == pytest.approx(-10.0)
    assert p2["investment"]["contribution"] == pytest.approx(20.0)
    assert sum(i["contribution"] for i in results["P5"].items) == pytest.approx(83.33, abs=0.01)
    assert {i["criterion"]: i["value"] for i in results["P5"].items}["investment"] == pytest.approx(
        66.6667, abs=1e-4
    )


def test_project_gates(june, schemes):
    results = _results(schemes["key-projects"], june)
    verdicts = {code: (r.rank, r.target_met, r.verdict) for code, r in results.items()}
    # 6 ranked, N 5 / M 4 → 3 red and 2 black places; P3 (rank 3) is behind the elapsed share
    # (48 % < 50 %): in the top 3 but missed the target, so not red
    assert verdicts == {
        "P1": (1, True, "red"),
        "P5": (2, True, "red"),
        "P3": (3, False, "none"),
        "P2": (4, False, "none"),
        "P4": (5, False, "black"),
        "P7": (6, False, "black"),
    }


def test_exempted_project_is_on_neither_list_and_the_rest_move_up(users, june, schemes):
    scheme = schemes["key-projects"]
    listed = services.ranking_list_compute(actor=users["office"], scheme=scheme, period=june, today=JULY_20)
    p7 = KeyProject.objects.get(code="P7")
    exemption = services.ranking_exempt(
        actor=users["office"], ranking_list=listed, project=p7, reason="暴雨停工", today=JULY_20
    )
    assert (exemption.unit.code, exemption.project.code) == ("t.b", "P7")
    entries = {e.project.code: (e.rank, e.verdict) for e in RankingEntry.objects.filter(ranking_list=listed)}
    # 5 ranked → 2 red and 2 black places: P2 (4th) is now black
    assert entries == {
        "P1": (1, "red"),
        "P5": (2, "red"),
        "P3": (3, "none"),
        "P2": (4, "black"),
        "P4": (5, "black"),
        "P7": (None, "exempt"),
    }
    assert RankingEntry.objects.get(ranking_list=listed, project=p7).reason == "暴雨停工"
    # a project outside the list cannot be exempted
    outside = KeyProject.objects.create(
        code="PX", name_zh="PX", name_en="PX", level="city", category="industry",
        owner_unit=Unit.objects.get(code="t.a"), total_investment=1, is_synthetic=True,
    )  # fmt: skip
    scheme.project_levels = ["provincial"]
    scheme.save()
    with pytest.raises(Exception, match="not ranked on this list"):
        services.ranking_exempt(actor=users["office"], ranking_list=listed, project=outside, reason="x")


def test_project_filters_pick_the_projects(june, schemes):
    scheme = schemes["key-projects"]
    scheme.project_levels = ["county"]
    scheme.save()
    assert set(_results(scheme, june)) == {"P4"}
    scheme.project_levels = []
    scheme.project_county = Unit.objects.get(code="t.c")
    scheme.save()
    KeyProject.objects.filter(code="P5").update(county=scheme.project_county)
    assert set(_results(scheme, june)) == {"P5"}


def test_owning_units_ranked_by_their_projects(june, schemes):
    results = _results(schemes["project-owners"], june)
    # t.a: (700 + 400) / 2000 = 55 %, elapsed 50 → gap score 100, on time 1/2, milestones
    # (100 + 66.6667) / 2: 5 + 27.5 + 20 + 16.6667 = 69.17
    # t.b: P3 + P7: 240 / 600 = 40 %, gap −10 → 90, on time 1/2, milestones 100: 5 + 20 + 18 + 20 = 63
    # t.c: 800 / 2900 = 27.586 %, elapsed (2000 × 50 + 900 × 33.333) / 2900 = 44.828 → gap score
    # 82.759, on time 1/2, milestones 91.667: 5 + 13.793 + 16.552 + 18.333 = 53.68
    assert {u: r.score for u, r in results.items()} == pytest.approx(
        {"t.a": 69.17, "t.b": 63.0, "t.c": 53.68}, abs=0.001
    )
    # 3 ranked → one red and one black place; t.a is ahead of the elapsed share
    assert {u: r.verdict for u, r in results.items()} == {"t.a": "red", "t.b": "none", "t.c": "black"}
    assert results["t.a"].criteria.tasks_due == 2


def test_unit_lists_gain_the_investment_criterion(march, schemes):
    scheme = schemes["departments"]
    # t.a owns one project: 250 of 1,000 planned for 2024 reported in March → 25 %
    _project("PA", "t.a", 1000, 250, march, submitted=date(2024, 4, 1))
    before = _results(scheme, march)
    # weight 0 (the default): the list is as before (test_criteria: 79.63 and 70)
    assert {u: r.score for u, r in before.items()} == pytest.approx({"t.a": 79.63, "t.b": 70.0})
    assert [i["criterion"] for i in before["t.a"].items] == ["on_time", "progress", "attainment"]
    scheme.weight_progress = Decimal("0.3")
    scheme.weight_attainment = Decimal("0.2")
    scheme.weight_investment = Decimal("0.2")
    scheme.full_clean()
    scheme.save()
    after = _results(scheme, march)
    # t.a: 0.3 × 50 + 0.3 × 86.5635 + 0.2 × 100 + 0.2 × 25 = 15 + 25.969 + 20 + 5 = 65.97
    assert after["t.a"].score == pytest.approx(65.97)
    investment = after["t.a"].items[-1]
    assert (investment["criterion"], investment["value"], investment["numerator"]) == (
        "investment",
        25.0,
        250.0,
    )
    # t.b owns no project: scored on the other three, weights renormalised to 0.375 / 0.375 / 0.25:
    # 37.5 + 37.5 + 0 = 75
    assert after["t.b"].score == pytest.approx(75.0)
    assert [i["weight"] for i in after["t.b"].items] == [0.375, 0.375, 0.25, 0.0]
    assert after["t.b"].items[-1]["value"] is None


def test_weights_of_the_subject_must_add_up(schemes):
    from django.core.exceptions import ValidationError

    scheme = schemes["key-projects"]
    scheme.weight_progress = Decimal("0.1")
    with pytest.raises(ValidationError):
        scheme.full_clean()
    scheme = schemes["departments"]
    scheme.target_rule = "schedule"
    with pytest.raises(ValidationError):
        scheme.full_clean()


def test_publish_and_audit_and_permissions(users, june, schemes):
    scheme = schemes["key-projects"]
    assert may_manage_ranking_lists(users["office"]) and not may_manage_ranking_lists(users["reporter_a"])
    with pytest.raises(PermissionDenied):
        services.ranking_list_compute(actor=users["reporter_a"], scheme=scheme, period=june, today=JULY_20)
    listed = services.ranking_list_compute(actor=users["office"], scheme=scheme, period=june, today=JULY_20)
    with pytest.raises(PermissionDenied):
        services.ranking_exempt(
            actor=users["county_c"],
            ranking_list=listed,
            project=KeyProject.objects.get(code="P4"),
            reason="x",
        )
    with pytest.raises(PermissionDenied):
        services.ranking_list_publish(actor=users["leader"], ranking_list=listed)
    services.ranking_list_publish(actor=users["office"], ranking_list=listed)
    rows = list(
        AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(RankingList), object_id=listed.pk
        ).order_by("id")
    )
    assert [r.action for r in rows] == ["create", "update"]
    assert rows[0].after["entries"]["P1"] == {"verdict": "red", "score": 85.0, "rank": 1}
    assert rows[1].after["status"] == "published"
    with pytest.raises(services.ListFrozen):
        services.ranking_list_compute(actor=users["office"], scheme=scheme, period=june, today=JULY_20)


def test_black_twice_in_a_row_escalates_a_project(users, june, schemes):
    scheme = schemes["key-projects"]
    first = services.ranking_list_compute(actor=users["office"], scheme=scheme, period=june, today=JULY_20)
    services.ranking_list_publish(actor=users["office"], ranking_list=first)
    july = period_of(2024, 7)
    second = services.ranking_list_compute(
        actor=users["office"], scheme=scheme, period=july, today=date(2024, 8, 20)
    )
    # nothing reported for July: the year-to-date stays; P4 and P7 stay at the bottom, black again
    black = {e.project.code: e.escalated for e in second.entries.filter(verdict="black")}
    assert black == {"P4": True, "P7": True}


def test_pages_and_api_show_a_project_list(client, users, june, schemes):
    from unittest import mock

    from tests.conftest import PASSWORD

    client.login(username="office", password=PASSWORD)
    with mock.patch("jingjin.assessment.services.today_local", return_value=JULY_20):
        done = client.post("/lists/compute/", {"scheme": "key-projects", "period": "2024-06"})
        listed = RankingList.objects.get(scheme__code="key-projects")
        assert done.status_code == 302 and done.url == f"/lists/{listed.pk}/"
        html = client.get(done.url).content.decode()
        assert 'data-project="P1"' in html and "Demo project P1" in html and "Bureau A" in html
        assert "Key-project investment completion" in html and "60 days late" in html
        # the exempted project is typed by its code (a list may hold 10,000 projects: no select)
        assert 'name="project"' in html and 'data-testid="exempt-project-code"' in html
        exempted = client.post(
            f"/lists/{listed.pk}/exempt/", {"project": "P7", "reason": "暴雨"}, follow=True
        )
        assert "暴雨" in exempted.content.decode()
        body = client.get(f"/api/ranking-lists/{listed.pk}").json()
        p7 = next(e for e in body["entries"] if e["project"] == "P7")
        assert (p7["unit"], p7["project_name"], p7["verdict"], p7["gap_pct"]) == (
            "t.b",
            "示例项目P7",
            "exempt",
            50.0,
        )
        client.post(f"/lists/{listed.pk}/publish/")
    client.logout()
    client.login(username="reporter_b", password=PASSWORD)
    page = client.get("/lists/").content.decode()
    assert 'data-testid="latest-key-projects"' in page and "Demo project P1" in page
    # a unit's history shows its own entries, not its projects'
    assert "Demo project" not in client.get("/lists/units/t.b/").content.decode()


def test_the_office_edits_a_scheme(client, users, schemes):
    from tests.conftest import PASSWORD

    scheme = schemes["key-projects"]
    client.login(username="reporter_a", password=PASSWORD)
    assert client.get(f"/lists/schemes/{scheme.pk}/").status_code == 403
    client.login(username="office", password=PASSWORD)
    page = client.get(f"/lists/schemes/{scheme.pk}/").content.decode()
    assert 'name="project_levels"' in page and 'name="weight_investment"' in page and 'name="subject"' in page
    data = {
        "name_zh": "省市重点项目红黑榜",
        "name_en": "Provincial and city key projects",
        "subject": "projects",
        "peer_group": "all",
        "project_levels": ["provincial", "city"],
        "project_county": "t.c",
        "weight_on_time": "0.2",
        "weight_progress": "0",
        "weight_attainment": "0",
        "weight_investment": "0.4",
        "weight_gap": "0.2",
        "weight_milestones": "0.2",
        "red_top_n": "3",
        "black_bottom_m": "2",
        "min_items": "1",
        "target_rule": "schedule",
        "target_score": "80",
        "min_on_time": "90",
        "min_progress": "80",
        "min_attainment": "60",
        "min_investment": "80",
        "is_active": "on",
    }
    # weights adding up to 1.1: refused, nothing saved
    wrong = client.post(f"/lists/schemes/{scheme.pk}/", {**data, "weight_on_time": "0.3"})
    assert wrong.status_code == 200 and "The weights must add up to 1." in wrong.content.decode()
    before = AuditEntry.objects.count()
    done = client.post(f"/lists/schemes/{scheme.pk}/", data)
    assert done.status_code == 302
    scheme.refresh_from_db()
    assert scheme.project_levels == ["provincial", "city"] and scheme.project_county.code == "t.c"
    assert scheme.rule()["weights"] == {"on_time": 0.2, "investment": 0.4, "gap": 0.2, "milestones": 0.2}
    assert AuditEntry.objects.count() == before + 1
    # the unit scheme gains the investment weight through the same form
    departments = schemes["departments"]
    unit_data = {
        **data,
        "subject": "units",
        "peer_group": "departments",
        "project_levels": [],
        "project_county": "",
        "weight_on_time": "0.3",
        "weight_progress": "0.3",
        "weight_attainment": "0.2",
        "weight_investment": "0.2",
        "weight_gap": "0",
        "weight_milestones": "0",
        "target_rule": "score",
    }
    assert client.post(f"/lists/schemes/{departments.pk}/", unit_data).status_code == 302
    departments.refresh_from_db()
    assert departments.rule()["weights"]["investment"] == 0.2

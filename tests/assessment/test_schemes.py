"""Configurable schemes end to end on the hand-built period 2024-03 (conftest ``march``): the
preview equals the published result, versioning, deductions with caps, the carried-over
red/black schemes score as their lists, races, village-cadre pay and the API."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from jingjin.assessment import scheme_services as services
from jingjin.assessment.scheme_models import AssessmentScheme, RunKind, SchemeStatus
from jingjin.core.models import AuditEntry, Unit
from jingjin.core.permissions import PermissionDenied
from tests.assessment.conftest import AFTER, period_of

CRITERIA = [
    {"source": "on_time", "weight": 1, "normalisation": "none"},
    {"source": "progress", "weight": 1, "normalisation": "minmax"},
]
DEDUCT = [{"kind": "deduction", "source": "missed_reports", "points": 4, "cap": 3, "label": "late"}]


@pytest.fixture
def peers(users: Any) -> Any:
    units = list(Unit.objects.filter(code__in=["t.a", "t.b"]))
    return services.peer_set_save(
        actor=users["office"], code="depts", name_zh="部门", name_en="Depts", units=units
    )


@pytest.fixture
def draft(users: Any, peers: Any, march: Any) -> AssessmentScheme:
    return services.scheme_create(
        actor=users["office"],
        code="econ",
        name_zh="工业经济考核",
        name_en="Industrial economy",
        peer_set=peers,
        criteria=CRITERIA,
        adjustments=DEDUCT,
        settings={"red_top_n": 1, "black_bottom_m": 1, "target_score": 60},
    )


def _rows(run: Any) -> dict[str, dict[str, Any]]:
    return {r["unit"]: r for r in run.rows}


def test_preview_worked_by_hand_and_published_equals_preview(users, draft, march):
    preview = services.scheme_preview(actor=users["office"], scheme=draft, period=march, today=AFTER)
    rows = _rows(preview)
    # t.a: on time 50 %, progress 86.56 → minmax 0; t.b: 100 and 100 → 100 (conftest ``march``)
    assert rows["t.a"]["base"] == pytest.approx(25.0)
    assert rows["t.b"]["base"] == pytest.approx(100.0)
    # t.a missed one report: 4 points, capped at 3
    assert (rows["t.a"]["deduction"], rows["t.a"]["total"]) == (3.0, 22.0)
    assert (rows["t.a"]["verdict"], rows["t.b"]["verdict"]) == ("black", "red")
    assert any("late: −3.00" in r for r in rows["t.a"]["reasons"])
    published = services.scheme_publish(actor=users["office"], scheme=draft, period=march, today=AFTER)
    assert published.kind == RunKind.PUBLISHED
    assert published.rows == preview.rows
    draft.refresh_from_db()
    assert draft.status == SchemeStatus.PUBLISHED
    assert AuditEntry.objects.filter(object_repr__contains="econ").exists() or AuditEntry.objects.exists()


def test_publish_needs_a_preview_and_refuses_changed_data(users, draft, march):
    with pytest.raises(ValidationError):
        services.scheme_publish(actor=users["office"], scheme=draft, period=march)
    services.scheme_preview(actor=users["office"], scheme=draft, period=march, today=AFTER)
    from jingjin.reporting.models import Report

    Report.objects.filter(task__code="A1.M1.T3").update(completion_pct=90)  # the data move
    with pytest.raises(ValidationError, match="preview the scheme again"):
        services.scheme_publish(actor=users["office"], scheme=draft, period=march)
    assert AssessmentScheme.objects.get(pk=draft.pk).status == SchemeStatus.DRAFT


def test_editing_a_published_scheme_makes_a_new_version(users, draft, march):
    office = users["office"]
    services.scheme_preview(actor=office, scheme=draft, period=march, today=AFTER)
    services.scheme_publish(actor=office, scheme=draft, period=march, today=AFTER)
    with pytest.raises(ValidationError):
        services.scheme_update(actor=office, scheme=draft, changes={"target_score": 10})
    v2 = services.scheme_revise(actor=office, scheme=draft)
    assert (v2.code, v2.version, v2.status) == ("econ", 2, SchemeStatus.DRAFT)
    assert [c.source for c in v2.criteria.all()] == ["on_time", "progress"]
    assert services.scheme_revise(actor=office, scheme=draft).pk == v2.pk  # one open draft
    services.scheme_update(actor=office, scheme=v2, adjustments=[])
    services.scheme_preview(actor=office, scheme=v2, period=march, today=AFTER)
    run = services.scheme_publish(actor=office, scheme=v2, period=march, today=AFTER)
    assert _rows(run)["t.a"]["total"] == 25.0  # no deduction any more
    draft.refresh_from_db()
    assert draft.status == SchemeStatus.SUPERSEDED
    # the first version keeps its published result
    assert _rows(draft.runs.get(kind=RunKind.PUBLISHED))["t.a"]["total"] == 22.0


def test_only_the_plan_office_defines_schemes(users, peers, march):
    with pytest.raises(PermissionDenied):
        services.scheme_create(
            actor=users["reporter_a"], code="x", name_zh="x", name_en="x", peer_set=peers, criteria=CRITERIA
        )


@pytest.mark.parametrize(
    "rows, message",
    [
        ([{"source": "nope", "weight": 1}], "Pick a figure"),
        ([{"source": "on_time", "weight": 0}], "weight above 0"),
        ([{"source": "on_time", "weight": 1, "normalisation": "target"}], "target above 0"),
        ([{"source": "recorded", "weight": 1}], "needs its key"),
        ([{"source": "on_time", "weight": "inf"}], "Enter a number"),
    ],
)
def test_bad_criteria_are_refused(users, peers, march, rows, message):
    with pytest.raises(ValidationError, match=message):
        services.scheme_create(
            actor=users["office"], code="bad", name_zh="x", name_en="x", peer_set=peers, criteria=rows
        )


def test_recorded_figures_rank_townships(users, march):
    office = users["office"]
    county = Unit.objects.get(code="t.c")
    towns = [
        Unit.objects.create(
            code=f"t.c.t{i}", kind="township", parent=county, name_zh=f"镇{i}", name_en=f"T{i}"
        )
        for i in (1, 2)
    ]
    group = services.peer_set_save(actor=office, code="towns", name_zh="镇", name_en="Towns", units=towns)
    for town, score, petitions in ((towns[0], 88, 1), (towns[1], 75, 6)):
        services.figure_record(actor=office, key="party", unit=town, period=march, value=score)
        services.figure_record(actor=office, key="petitions", unit=town, period=march, value=petitions)
    scheme = services.scheme_create(
        actor=office,
        code="secretaries",
        name_zh="乡镇党委书记擂台赛",
        name_en="Township secretaries",
        peer_set=group,
        criteria=[{"source": "recorded", "source_key": "party", "weight": 1}],
        adjustments=[
            {"kind": "deduction", "source": "recorded", "source_key": "petitions", "points": 1, "cap": 4}
        ],
    )
    rows = _rows(services.scheme_preview(actor=office, scheme=scheme, period=march, today=AFTER))
    assert (rows["t.c.t1"]["total"], rows["t.c.t2"]["total"]) == (87.0, 71.0)
    assert (rows["t.c.t1"]["rank"], rows["t.c.t2"]["rank"]) == (1, 2)


def test_carried_over_red_black_scheme_scores_as_its_list(users, march, schemes):
    from jingjin.assessment import scheme_compute, selectors
    from jingjin.assessment.models import PeerSet, RankingScheme, SchemeCriterion
    from jingjin.assessment.scheme_migration import convert_ranking_schemes

    created = convert_ranking_schemes(
        ranking_scheme=RankingScheme,
        peer_set=PeerSet,
        assessment_scheme=AssessmentScheme,
        criterion=SchemeCriterion,
        unit=Unit,
    )
    assert created == 2  # departments, counties-parks; the key-project schemes stay as they are
    old = schemes["departments"]
    new = AssessmentScheme.objects.get(code="rb-departments")
    assert [(c.source, c.weight) for c in new.criteria.all()] == [
        ("on_time", 0.3),
        ("progress", 0.4),
        ("attainment", 0.3),
    ]
    expected = {
        r.criteria.unit.code: r.score
        for r in selectors.ranking_compute(
            rule=old.rule(),
            criteria=selectors.subject_criteria(scheme=old, period=march, as_of=AFTER),
            exempt={},
        )
    }
    got = {
        r["unit"]: r["total"]
        for r in scheme_compute.scheme_rows(scheme=new, period=march, as_of=AFTER)
        if r["rank"]
    }
    assert got == expected


def test_race_rounds_and_rank_history(users, draft, march):
    from jingjin.assessment.scheme_selectors import race_chart

    office = users["office"]
    services.scheme_preview(actor=office, scheme=draft, period=march, today=AFTER)
    services.scheme_publish(actor=office, scheme=draft, period=march, today=AFTER)
    race = services.race_create(
        actor=office,
        code="r1",
        name_zh="赛马",
        name_en="Race",
        scheme=draft,
        cadence="monthly",
        start=period_of(2024, 2),
        end=period_of(2024, 4),
    )
    # as of 2024-04-20 the rounds of February and March are due, April's deadline is to come
    assert services.race_run(actor=office, race=race, today=AFTER) == 2
    assert services.race_run(actor=office, race=race, today=AFTER) == 0
    chart = race_chart(race=race)
    assert chart["rounds"] == ["2024-02", "2024-03"]
    ranks = {s["code"]: s["ranks"] for s in chart["series"]}
    assert ranks["t.b"][1] == 1 and ranks["t.a"][1] == 2
    quarterly = services.race_create(
        actor=office,
        code="r2",
        name_zh="季赛",
        name_en="Quarterly",
        scheme=draft,
        cadence="quarterly",
        start=period_of(2024, 1),
        end=period_of(2024, 12),
    )
    assert list(services.race_periods(quarterly)) == [(2024, 3), (2024, 6), (2024, 9), (2024, 12)]


def _published(users, draft, march):
    services.scheme_preview(actor=users["office"], scheme=draft, period=march, today=AFTER)
    services.scheme_publish(actor=users["office"], scheme=draft, period=march, today=AFTER)


BANDS = [
    {"lower": None, "upper": 60, "coefficient": "0.8"},
    {"lower": 60, "upper": 100, "upper_inclusive": True, "coefficient": "1.2"},
]


def test_cadre_pay_table_with_reasons_and_export(users, draft, march, client):
    _published(users, draft, march)
    pay = services.pay_scheme_save(
        actor=users["office"],
        code="pay",
        name_zh="村干部报酬",
        name_en="Pay",
        scheme_code="econ",
        period=march,
        base_pay=Decimal("30000"),
        bands=BANDS,
    )
    table = services.pay_table_compute(actor=users["office"], pay=pay)
    rows = {r["unit"]: r for r in table.rows}
    # t.a 22 → (−∞, 60) 0.8 → 24000; t.b 100 → [60, 100] 1.2 → 36000
    assert (rows["t.a"]["coefficient"], rows["t.a"]["pay"]) == ("0.800", "24000.00")
    assert (rows["t.b"]["coefficient"], rows["t.b"]["pay"]) == ("1.200", "36000.00")
    assert "band (−∞, 60), coefficient 0.800" in rows["t.a"]["reasons"]
    client.force_login(users["leader"])
    response = client.get(f"/schemes/pay/{pay.pk}/export/")
    assert response.status_code == 200 and response.content[:2] == b"PK"
    with pytest.raises(ValidationError):
        services.pay_scheme_save(
            actor=users["office"],
            code="pay2",
            name_zh="x",
            name_en="x",
            scheme_code="econ",
            period=march,
            base_pay=Decimal("1"),
            bands=[
                {"lower": 0, "upper": 60, "upper_inclusive": True, "coefficient": 1},
                {"lower": 60, "coefficient": 1},
            ],
        )


def test_api_create_preview_publish_and_read(users, peers, march, client):
    client.force_login(users["office"])
    body = {
        "code": "api",
        "name_zh": "接口",
        "name_en": "API",
        "peer_set": "depts",
        "criteria": CRITERIA,
        "adjustments": DEDUCT,
    }
    created = client.post("/api/assessment-schemes", body, content_type="application/json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    # the deadline of 2024-03 has passed at the real date of the test run
    preview = client.post(
        f"/api/assessment-schemes/{pk}/preview", {"period": "2024-03"}, content_type="application/json"
    )
    assert preview.status_code == 200, preview.content
    published = client.post(
        f"/api/assessment-schemes/{pk}/publish", {"period": "2024-03"}, content_type="application/json"
    )
    assert published.json()["rows"] == preview.json()["rows"]
    changed = client.patch(
        f"/api/assessment-schemes/{pk}", {"target_score": 50}, content_type="application/json"
    )
    assert changed.json()["version"] == 2 and changed.json()["status"] == "draft"
    client.force_login(users["reporter_a"])
    codes = [(s["code"], s["version"]) for s in client.get("/api/assessment-schemes").json()["results"]]
    assert codes == [("api", 1)]  # the draft v2 is the office's
    refused = client.post("/api/assessment-schemes", body, content_type="application/json")
    assert refused.status_code == 403
    assert client.get("/api/races").status_code == 200
    assert client.get("/api/cadre-pay").status_code == 200


def test_pages_for_office_and_reader(users, draft, march, client):
    client.force_login(users["office"])
    assert client.get("/schemes/").status_code == 200
    page = client.post(f"/schemes/{draft.pk}/preview/", {"period": "2024-03"}, follow=True)
    assert b'data-testid="run-rows"' in page.content
    client.force_login(users["reporter_a"])
    assert client.get(f"/schemes/{draft.pk}/").status_code == 403  # a draft
    assert client.post(f"/schemes/{draft.pk}/publish/").status_code == 403


def test_demo_loader_fills_schemes_and_pay_and_is_idempotent(users):
    from datetime import date

    from jingjin.assessment.models import CadrePayTable
    from jingjin.assessment.scheme_demo import demo_schemes

    county = Unit.objects.get(code="t.c")
    town = Unit.objects.create(
        code="t.c.d1", kind="township", parent=county, name_zh="示例镇", is_synthetic=True
    )
    for i in (1, 2):
        Unit.objects.create(
            code=f"t.c.d1.v{i}", kind="village", parent=town, name_zh=f"示例村{i}", is_synthetic=True
        )
    summary = demo_schemes(today=date(2024, 4, 20))
    assert summary["pay_rows"] == 2
    assert AssessmentScheme.objects.get(code="township-secretaries").status == SchemeStatus.PUBLISHED
    assert AssessmentScheme.objects.get(code="village-annual").is_synthetic
    again = demo_schemes(today=date(2024, 4, 20))
    assert again["carried_over"] == 0 and AssessmentScheme.objects.filter(code="village-annual").count() == 1
    rows = CadrePayTable.objects.get().rows
    assert all(r["coefficient"] in {"0.800", "1.000", "1.100", "1.200"} for r in rows)

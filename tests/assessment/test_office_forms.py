"""The plan office's forms of the schemes: a recorded figure (finite, in range, a count of events
whole) and a village-cadre pay scheme whose bands are checked for gaps and overlaps, each error
naming its band row."""

from __future__ import annotations

from typing import Any

import pytest

from jingjin.assessment import scheme_services as services
from jingjin.assessment.office_forms import band_problems
from jingjin.assessment.scheme_models import CadrePayScheme, RecordedFigure
from jingjin.core.models import AuditEntry, Unit


def _band(lower: float | None, upper: float | None, li: bool = True, ui: bool = False) -> dict[str, Any]:
    return {"lower": lower, "upper": upper, "lower_inclusive": li, "upper_inclusive": ui, "coefficient": 1}


@pytest.mark.parametrize(
    "bands, problems",
    [
        ([_band(None, 60), _band(60, 90), _band(90, None)], []),  # touching edges, one side included
        ([_band(60, None), _band(None, 60)], []),  # the order of the rows does not matter
        ([_band(0, 60, ui=True), _band(60, 100)], ["Band rows 1 and 2 overlap."]),
        ([_band(0, 70), _band(60, 100)], ["Band rows 1 and 2 overlap."]),
        (
            [_band(0, 60), _band(80, 100, ui=True), _band(60, 70)],
            ["Between band rows 3 and 2 the scores from 70 to 80 have no band."],
        ),
        (
            [_band(0, 60), _band(60, 100, li=False)],
            ["Between band rows 1 and 2 the scores from 60 to 60 have no band."],
        ),
        ([_band(50, 40)], ["Band row 1 holds no score."]),
        ([_band(None, None), _band(0, 10)], ["Band rows 1 and 2 overlap."]),
    ],
)
def test_band_problems_name_the_rows(bands: list[dict[str, Any]], problems: list[str]) -> None:
    assert band_problems(list(enumerate(bands, start=1))) == problems


@pytest.fixture
def scheme(users: Any) -> Any:
    units = list(Unit.objects.filter(code__in=["t.a", "t.b"]))
    peers = services.peer_set_save(actor=users["office"], code="p", name_zh="组", name_en="P", units=units)
    return services.scheme_create(
        actor=users["office"],
        code="villages",
        name_zh="村考核",
        name_en="Villages",
        peer_set=peers,
        criteria=[{"source": "recorded", "source_key": "review", "weight": 1}],
        adjustments=[{"kind": "deduction", "source": "recorded", "source_key": "petitions", "points": 1}],
    )


def _bands(*rows: tuple[str, str, str]) -> dict[str, str]:
    data = {"b-TOTAL_FORMS": str(len(rows)), "b-INITIAL_FORMS": "0"}
    for i, (lower, upper, coefficient) in enumerate(rows):
        data |= {f"b-{i}-lower": lower, f"b-{i}-upper": upper, f"b-{i}-coefficient": coefficient}
        data[f"b-{i}-lower_inclusive"] = "on"
    return data


@pytest.mark.django_db
def test_the_office_makes_and_changes_a_pay_scheme(users: Any, scheme: Any, client: Any) -> None:
    client.force_login(users["office"])
    assert 'data-testid="pay-new"' in client.get("/schemes/").content.decode()
    terms = {"code": "pay", "name_zh": "村干部报酬", "name_en": "Pay", "scheme_code": "villages"}
    terms |= {"period": "2024-12", "base_pay": "36000"}
    response = client.post("/schemes/pay/new/", {**terms, **_bands(("", "60", "0.8"), ("60", "", "1.2"))})
    pay = CadrePayScheme.objects.get(code="pay")
    assert response.status_code == 302 and response["Location"] == f"/schemes/pay/{pay.pk}/"
    assert [(b.lower, b.upper, str(b.coefficient)) for b in pay.bands.all()] == [
        (None, 60.0, "0.800"),
        (60.0, None, "1.200"),
    ]
    assert AuditEntry.objects.filter(content_type__model="cadrepayscheme", object_id=pay.pk).count() == 1
    page = client.get(f"/schemes/pay/{pay.pk}/").content.decode()
    assert f'href="/schemes/pay/{pay.pk}/edit/"' in page
    edit = client.get(f"/schemes/pay/{pay.pk}/edit/")
    assert edit.status_code == 200 and edit.context["bands"].initial[1]["coefficient"] == "1.200"
    gap = client.post(f"/schemes/pay/{pay.pk}/edit/", {**terms, **_bands(("", "50", "0.8"), ("60", "", "1"))})
    assert gap.status_code == 200
    assert "Between band rows 1 and 2 the scores from 50 to 60 have no band." in gap.content.decode()
    overlap = client.post(
        f"/schemes/pay/{pay.pk}/edit/", {**terms, **_bands(("", "70", "0.8"), ("60", "", "1"), ("", "", ""))}
    )
    assert "Band rows 1 and 2 overlap." in overlap.content.decode()
    no_coefficient = client.post(f"/schemes/pay/{pay.pk}/edit/", {**terms, **_bands(("", "60", ""))})
    assert no_coefficient.status_code == 200 and CadrePayScheme.objects.get(pk=pay.pk).bands.count() == 2
    again = client.post("/schemes/pay/new/", {**terms, **_bands(("", "", "1"))})
    assert again.status_code == 200 and "code" in again.context["form"].errors  # no silent overwrite
    changed = client.post(
        f"/schemes/pay/{pay.pk}/edit/",
        {**terms, "code": "other", "base_pay": "40000", **_bands(("", "", "1"))},
    )
    assert changed.status_code == 302
    pay.refresh_from_db()
    assert (pay.code, str(pay.base_pay), pay.bands.count()) == ("pay", "40000.00", 1)


@pytest.mark.django_db
def test_the_office_records_figures_checked_for_range_and_counts(
    users: Any, scheme: Any, client: Any
) -> None:
    unit = Unit.objects.get(code="t.a")
    client.force_login(users["office"])
    page = client.get("/schemes/figures/")
    assert page.status_code == 200 and '<option value="petitions">villages</option>' in page.content.decode()
    row = {"key": "review", "unit": unit.pk, "period": "2024-03", "value": "88.5"}
    assert client.post("/schemes/figures/", row).status_code == 302
    assert client.post("/schemes/figures/", {**row, "value": "90"}).status_code == 302  # corrected
    figure = RecordedFigure.objects.get(key="review", unit=unit)
    assert figure.value == 90 and figure.period.code == "2024-03"
    entries = AuditEntry.objects.filter(content_type__model="recordedfigure", object_id=figure.pk)
    assert [e.action for e in entries.order_by("pk")] == ["create", "update"]
    for value in ("inf", "nan", "1e12", "abc"):
        assert "value" in client.post("/schemes/figures/", {**row, "value": value}).context["form"].errors, (
            value
        )
    count = client.post("/schemes/figures/", {**row, "key": "petitions", "value": "2.5"})
    assert "whole number" in str(count.context["form"].errors["value"])
    assert client.post("/schemes/figures/", {**row, "key": "petitions", "value": "3"}).status_code == 302
    assert "key" in client.post("/schemes/figures/", {**row, "key": "Bad Key"}).context["form"].errors
    assert "period" in client.post("/schemes/figures/", {**row, "period": "2024-13"}).context["form"].errors
    listed = client.get("/schemes/figures/?period=2024-03&key=petitions").context["figures"]
    assert [(f.key, f.value) for f in listed] == [("petitions", 3.0)]
    client.force_login(users["reporter_a"])
    for path in ("/schemes/figures/", "/schemes/pay/new/"):
        assert client.get(path).status_code == 403
    assert client.post("/schemes/figures/", row).status_code == 403


@pytest.mark.django_db
def test_the_figures_page_makes_as_many_queries_for_more_figures(
    users: Any, scheme: Any, client: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.assessment.conftest import period_of

    units = list(Unit.objects.order_by("code"))
    client.force_login(users["office"])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/schemes/figures/").status_code == 200
        return len(queries)

    services.figure_record(actor=None, key="review", unit=units[0], period=period_of(2024, 3), value=1)
    few = count()
    for month in (1, 2, 4, 5):
        for unit in units:
            services.figure_record(
                actor=None, key="review", unit=unit, period=period_of(2024, month), value=2
            )
    assert count() == few

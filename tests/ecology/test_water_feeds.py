"""The class matrix, the API, the pages, and a plan indicator fed by a computed figure: its actual
follows the samples with no typing, and its warning is raised when the figure falls behind."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jingjin.alerts.models import EarlyWarning
from jingjin.core import clock
from jingjin.core.models import AuditEntry
from jingjin.core.permissions import PermissionDenied
from jingjin.ecology import feeds, water_selectors
from jingjin.ecology.models import FedActual, SectionTarget
from jingjin.ecology.water_services import samples_import
from jingjin.plans.models import Indicator

pytestmark = pytest.mark.django_db

YEAR = 2024
#: W1 II in January and IV in February (year III), W2 III (lake), W3 劣V
LONG = b"""section,year,month,ph,do,codmn,nh3_n,tp
W1,2024,1,7.2,8.0,3,0.15,0.02
W1,2024,2,7.0,5.0,5,0.9,0.25
W2,2024,1,7,7.6,,,0.03
W3,2024,1,7,8,2,2.5,0.02
"""


def test_the_matrix_figures(users: Any, sections: Any) -> None:
    samples_import(actor=users["office"], raw=LONG, name="a.csv", warn=False)
    m = water_selectors.matrix(year=YEAR)
    assert [(r.code, r.months[:3], r.year_class, r.target, r.met) for r in m.rows] == [
        ("W1", [2, 4, None], 3, 3, True),
        ("W2", [3, None, None], 3, 3, True),
        ("W3", [6, None, None], 6, 3, False),
    ]
    assert (m.assessed, m.good, m.good_pct, m.met, m.with_target) == (3, 2, Decimal("66.7"), 2, 3)
    assert not m.target_reached
    county = water_selectors.matrix(year=YEAR, county="t.c")
    assert [r.code for r in county.rows] == ["W1", "W2"] and county.good_pct == Decimal("100.0")
    assert county.target_reached
    assert water_selectors.matrix(year=YEAR, level="provincial").rows == []


def test_water_good_share_figure(users: Any, sections: Any) -> None:
    assert feeds.water_good_share(YEAR) is None
    samples_import(actor=users["office"], raw=LONG, name="a.csv", warn=False)
    assert feeds.water_good_share(YEAR) == (Decimal("66.67"), 2)  # 2 of 3, latest month February


def _fed_indicator(year: int) -> Indicator:
    indicator = Indicator.objects.get(code="A1.M1.T1.I1")
    Indicator.objects.filter(pk=indicator.pk).update(
        unit="%", baseline_value=50, baseline_year=year - 1, target_value=100, target_year=year + 1
    )
    indicator.refresh_from_db()
    return indicator


def test_a_fed_indicator_raises_its_warning_when_the_figure_falls_behind(users: Any, sections: Any) -> None:
    year = clock.today().year
    for s in sections.values():
        SectionTarget.objects.create(section=s, year=year, target_class=3)
    indicator = _fed_indicator(year)
    feeds.feed_link(actor=users["office"], indicator=indicator, figure="water_good_share")
    good = f"section,year,month,tp\nW1,{year},1,0.1\nW2,{year},1,0.04\nW3,{year},1,0.15\n".encode()
    samples_import(actor=users["office"], raw=good, name="good.csv")
    fed = FedActual.objects.get(indicator=indicator, year=year)
    assert (fed.value, fed.month, fed.figure) == (Decimal("100"), 1, "water_good_share")
    # 50 → 100 in one year: on course for the target 100 next year, no warning
    assert not EarlyWarning.objects.filter(rule="indicator_projected_to_miss", resolved_at=None).exists()
    # February: W3 is worse than V and pulls its yearly mean (0.15, 0.65 → 0.4) to V; 2 of 3 good
    bad = f"section,year,month,tp\nW1,{year},2,0.1\nW2,{year},2,0.04\nW3,{year},2,0.65\n".encode()
    samples_import(actor=users["office"], raw=bad, name="bad.csv")
    fed.refresh_from_db()
    assert (fed.value, fed.month) == (Decimal("66.67"), 2)
    warning = EarlyWarning.objects.get(rule="indicator_projected_to_miss", resolved_at=None)
    assert warning.indicator == indicator and warning.level == "red"  # 50 → 66.67 → ~83 by next year
    assert AuditEntry.objects.filter(content_type__model="fedactual", action="update").count() == 1
    # the indicator page names the source
    client_page = _client(users["office"]).get(f"/plan/test-plan/tasks/{indicator.task.code}/")
    assert "Automatic actuals: share of sections at class I–III" in client_page.content.decode()


def _client(user: Any) -> Any:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def test_the_figures_registry() -> None:
    assert "water_good_share" in feeds.FIGURES
    assert feeds.label_of("unknown") == "unknown"


def test_only_the_plan_office_links_feeds(users: Any, sections: Any) -> None:
    indicator = Indicator.objects.get(code="A1.M1.T1.I1")
    with pytest.raises(PermissionDenied):
        feeds.feed_link(actor=users["reporter_a"], indicator=indicator, figure="water_good_share")
    office = _client(users["office"])
    response = office.post(
        "/ecology/water/feeds/", {"indicator": indicator.code, "figure": "water_good_share"}
    )
    assert response.status_code == 302
    assert indicator.__class__.objects.get(pk=indicator.pk).feed.figure == "water_good_share"
    assert office.post("/ecology/water/feeds/", {"indicator": "nope", "figure": ""}).status_code == 400
    office.post("/ecology/water/feeds/", {"indicator": indicator.code, "figure": ""})
    assert not Indicator.objects.filter(pk=indicator.pk, feed__isnull=False).exists()
    assert _client(users["county_c"]).get("/ecology/water/feeds/").status_code == 403


def test_api_lists_and_imports(users: Any, sections: Any) -> None:
    client = _client(users["office"])
    response = client.post(
        "/api/section-samples/import", {"file": SimpleUploadedFile("a.csv", LONG, content_type="text/csv")}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["added"], body["gap_count"]) == (4, 2)
    listed = client.get("/api/section-samples", {"section": "W1", "year": YEAR}).json()
    assert listed["count"] == 2 and [r["month"] for r in listed["results"]] == [1, 2]
    assert listed["results"][1]["tp"] == "0.250000"
    assert client.get("/api/section-samples", {"month": "13"}).status_code == 400
    bad = client.post(
        "/api/section-samples/import",
        {"file": SimpleUploadedFile("b.csv", b"section,year,month,tp\nW1,2024,1,x\n")},
    )
    assert bad.status_code == 400
    assert bad.json()["file"] == ["Row 2, column D (tp): must be a number, not 'x'"]
    leader = _client(users["leader"])
    assert leader.get("/api/section-samples").status_code == 200
    assert (
        leader.post("/api/section-samples/import", {"file": SimpleUploadedFile("a.csv", LONG)}).status_code
        == 403
    )


def test_import_page_then_the_matrix(users: Any, sections: Any) -> None:
    client = _client(users["office"])
    response = client.post("/ecology/water/import/", {"file": SimpleUploadedFile("a.csv", LONG)})
    html = response.content.decode()
    assert response.status_code == 200 and "4 new samples" in html and "W2 2024-02" in html
    page = client.get("/ecology/water/", {"year": YEAR}).content.decode()
    assert "66.7 %" in page and "2 of 3 assessed; target 100 %" in page
    assert page.count('data-section="W') == 3
    refused = client.post(
        "/ecology/water/import/",
        {"file": SimpleUploadedFile("b.csv", b"section,year,month,tp\nW9,2024,1,1\n")},
    )
    assert refused.status_code == 400 and "unknown section W9" in refused.content.decode()
    assert _client(users["leader"]).get("/ecology/water/import/").status_code == 403


def test_demo_water_is_synthetic_and_idempotent(loaded_plan: Any) -> None:
    from datetime import date

    from jingjin.ecology.models import Section, SectionSample
    from jingjin.ecology.water_demo import demo_water

    first = demo_water(today=date(2023, 10, 15))
    assert first == {"sections": 8, "samples": 8 * 21}  # 2022: 12 months, 2023: January to September
    assert set(Section.objects.values_list("is_synthetic", flat=True)) == {True}
    assert not SectionSample.objects.filter(is_synthetic=False).exists()
    m = water_selectors.matrix(year=2023)
    assert (m.assessed, m.good) == (8, 7)  # the last section is class IV in the year
    assert m.rows[-1].year_class == 4 and m.rows[-1].months[6] in (4, 5)
    audits = AuditEntry.objects.count()
    assert demo_water(today=date(2023, 10, 15)) == first
    assert AuditEntry.objects.count() == audits + 1  # only the second batch

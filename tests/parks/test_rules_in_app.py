"""The rules engine in the app: caps (一园一主业) on the parks list and park page, the overlap
page (同质化) with its flagged pairs and the leading industries shared by counties.

The world (sets worked by hand): park P (t.c.p, provincial, county C) has the sub-industries
{LI.BAT, S1, S2} and 3 leading industries (LI, EI, EC: over its cap of 2); park Q (t.q,
national, no county) {S1, S2, S3} and 3 leading (at its cap of 3); park R (t.d.r, city,
county D) {S4} and leading LI; park S (t.d.s, city, county D) nothing (no leading industry).
J(P, Q) = |{S1, S2}| / |{LI.BAT, S1, S2, S3}| = 2 / 4 = 0.5; every other pair 0. LI is led
in counties C and D: shared; EI and EC only in C.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

from jingjin.core.models import Unit
from jingjin.parks import overlap, selectors
from jingjin.parks.models import Industry, Park

pytestmark = pytest.mark.django_db


@pytest.fixture
def rules_world(park_world: Any) -> dict[str, Any]:
    city = Unit.objects.get(code="t")
    county_d = Unit.objects.create(code="t.d", name_zh="丁县", name_en="County D", kind="county", parent=city)
    li = Industry.objects.get(code="LI")
    subs = {
        code: Industry.objects.create(code=code, name_zh=f"示例{code}", name_en=f"Sub {code}", parent=li)
        for code in ("S1", "S2", "S3", "S4")
    }
    p, q = Park.objects.get(unit__code="t.c.p"), Park.objects.get(unit__code="t.q")
    p.industries.add(subs["S1"], subs["S2"])
    q.industries.add(subs["S1"], subs["S2"], subs["S3"])
    for code, name in (("t.d.r", "示例园区R"), ("t.d.s", "示例园区S")):
        Unit.objects.create(code=code, name_zh=name, name_en=name, kind="park", parent=county_d)
    r = Park.objects.create(unit=Unit.objects.get(code="t.d.r"), level="city", county=county_d)
    r.industries.add(subs["S4"])
    r.leading_industries.add(li)
    Park.objects.create(unit=Unit.objects.get(code="t.d.s"), level="city", county=county_d)
    return {"subs": subs}


def test_the_caps_come_from_the_engine_for_every_park(users, rules_world) -> None:
    parks = {p.unit.code: p for p in selectors.park_list(user=users["leader"])}
    got = {code: (p.leading_count, p.cap, p.over_cap, p.no_leading) for code, p in parks.items()}
    assert got == {
        "t.c.p": (3, 2, True, False),
        "t.q": (3, 3, False, False),
        "t.d.r": (1, 2, False, False),
        "t.d.s": (0, 2, False, True),
    }
    with override_settings(JINGJIN_PARK_LEADING_CAPS={"provincial": 3, "national": 2}):
        parks = {p.unit.code: p for p in selectors.park_list(user=users["leader"])}
        assert (parks["t.c.p"].over_cap, parks["t.q"].over_cap, parks["t.d.r"].cap) == (False, True, 2)
    assert selectors.leading_cap_exceeded(level="provincial", leading_count=3)
    assert not selectors.leading_cap_exceeded(level="nowhere", leading_count=9)


def test_the_parks_list_and_page_show_the_badges_and_warnings(client, users, rules_world) -> None:
    client.force_login(users["reporter_a"])
    client.cookies["django_language"] = "en"  # the English messages compared below
    page = client.get("/parks/").content.decode()
    warnings = page[page.index('data-testid="cap-warnings"') : page.index('data-testid="parks"')]
    assert 'data-code="t.c.p"' in warnings and "3 leading industries, over the cap of 2" in warnings
    assert 'data-code="t.d.s"' in warnings and "no leading industry" in warnings
    assert 'data-code="t.q"' not in warnings and 'data-code="t.d.r"' not in warnings
    assert page.count('data-testid="over-cap"') == 1 and page.count('data-testid="no-leading"') == 1
    assert 'data-testid="no-leading"' in client.get("/parks/t.d.s/").content.decode()
    detail = client.get("/parks/t.c.p/").content.decode()
    assert 'data-testid="over-cap"' in detail and 'data-testid="no-leading"' not in detail


def test_the_overlap_report_is_worked_by_hand(users, rules_world) -> None:
    report = overlap.overlap_report(user=users["leader"])
    assert report.threshold == 0.5 and report.flagged == 1
    (pair,) = report.pairs
    assert (pair.first.unit.code, pair.second.unit.code, pair.index) == ("t.c.p", "t.q", 0.5)
    assert [i.code for i in pair.shared] == ["S1", "S2"]
    assert [(row.industry.code, [c.code for c in row.counties]) for row in report.shared] == [
        ("LI", ["t.c", "t.d"])
    ]
    # parks by unit code: t.c.p, t.d.r, t.d.s, t.q; cells [column, row, index], both halves
    assert report.heatmap["codes"] == ["t.c.p", "t.d.r", "t.d.s", "t.q"]
    assert sorted(report.heatmap["cells"]) == [[0, 3, 0.5], [3, 0, 0.5]]
    assert overlap.overlap_report(user=users["leader"], threshold=0.51).flagged == 0
    with override_settings(JINGJIN_PARK_OVERLAP_THRESHOLD=0.6):
        assert overlap.overlap_report(user=users["leader"]).pairs == []


@pytest.mark.parametrize(
    ("text", "expected"), [("0.5", 0.5), ("1", 1.0), ("0", None), ("1.5", None), ("nan", None), ("x", None)]
)
def test_a_threshold_is_a_number_in_0_1(text: str, expected: float | None) -> None:
    assert overlap.parse_threshold(text) == expected


def test_the_overlap_page(client, users, rules_world) -> None:
    client.force_login(users["county_c"])
    client.cookies["django_language"] = "en"  # the English messages compared below
    page = client.get("/parks/overlap/").content.decode()
    assert 'data-pair="t.c.p t.q"' in page and "0.50" in page and 'id="overlap-data"' in page
    assert 'data-industry="LI"' in page
    assert 'data-pair="t.c.p t.q"' not in client.get("/parks/overlap/?threshold=0.8").content.decode()
    bad = client.get("/parks/overlap/?threshold=2")
    assert bad.status_code == 400 and "at most 1" in bad.content.decode()


def test_the_overlap_page_queries_stay_flat(client, users, rules_world) -> None:
    client.force_login(users["leader"])
    with CaptureQueriesContext(connection) as few:
        assert client.get("/parks/overlap/").status_code == 200
    county = Unit.objects.get(code="t.d")
    subs = rules_world["subs"]
    for n in range(6):
        unit = Unit.objects.create(
            code=f"t.d.x{n}", name_zh=f"示例{n}", name_en=f"X{n}", kind="park", parent=county
        )
        park = Park.objects.create(unit=unit, level="city", county=county)
        park.industries.add(subs["S1"], subs["S3"])
        park.leading_industries.add(Industry.objects.get(code="EI"))
    with CaptureQueriesContext(connection) as many:
        assert client.get("/parks/overlap/").status_code == 200
    assert len(many) == len(few)


def test_the_cockpit_panel_counts_caps_overlaps_and_clusters(client, users, rules_world) -> None:
    from jingjin.dashboard.parks_panel import parks_panel
    from jingjin.parks.models import Cluster, ClusterYear
    from jingjin.reporting.services import period_get_or_create

    cluster = Cluster.objects.create(code="CL", name_zh="示例集群", name_en="Demo cluster")
    ClusterYear.objects.create(cluster=cluster, year=2024, target_output=800, actual_output=700)
    ClusterYear.objects.create(cluster=cluster, year=2025, target_output=1000, actual_output=850)
    ClusterYear.objects.create(cluster=cluster, year=2026, target_output=1200)
    period = period_get_or_create(year=2025, month=6)
    panel = parks_panel(user=users["leader"], period=period)
    assert (panel.parks, panel.over_cap_count, panel.no_leading_count, panel.flagged) == (4, 1, 1, 1)
    assert [(p.code, p.leading, p.cap) for p in panel.over_cap] == [("t.c.p", 3, 2)]
    assert [(p.index) for p in panel.pairs] == [0.5]
    (row,) = panel.clusters
    assert (row.year, row.target, row.actual, row.pct) == (2025, 1000.0, 850.0, 85.0)
    client.force_login(users["leader"])
    page = client.get("/cockpit/?period=2025-06").content.decode()
    assert 'data-testid="parks-panel"' in page and 'data-park="t.c.p"' in page and "85%" in page

"""The running good-day ratio and the good days still needed (worked by hand), the air pages (query
counts flat), the import page, the target, the API and who may do what."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from jingjin.core.models import AuditEntry, Unit
from jingjin.ecology import air_services
from jingjin.ecology.air_selectors import good_day_progress
from jingjin.ecology.models import AirYearTarget, Station, StationDay, StationHour
from tests.conftest import PASSWORD


@pytest.fixture(autouse=True)
def _english(settings: Any) -> Any:
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def _days(first: date, count: int, aqi: int, complete: bool = True) -> list[tuple[date, int | None, bool]]:
    return [(first + timedelta(days=i), aqi, complete) for i in range(count)]


def test_progress_counts_valid_days_and_the_good_days_needed() -> None:
    # 2025 has 365 days; target 85 % → ⌈310.25⌉ = 311 good days in the year
    days = _days(date(2025, 1, 1), 8, 60)
    days += [(date(2025, 1, 9), 120, False)]  # incomplete but > 100: a valid, not good day
    days += [(date(2025, 1, 10), 40, False)]  # incomplete and ≤ 100: not valid
    progress = good_day_progress(2025, days, Decimal("85"))
    assert (progress.valid_days, progress.good_days) == (9, 8)
    assert progress.ratio == pytest.approx(800 / 9)
    assert (progress.last_day, progress.days_left, progress.needed) == (date(2025, 1, 10), 355, 303)
    assert not progress.impossible


def test_more_good_days_needed_than_days_left_is_impossible() -> None:
    # 2024 is a leap year: target 90 % → ⌈329.4⌉ = 330; 100 good then 83 bad days up to 1 July
    days = _days(date(2024, 1, 1), 100, 50) + _days(date(2024, 4, 10), 83, 160)
    progress = good_day_progress(2024, days, Decimal("90"))
    assert (progress.days_in_year, progress.last_day, progress.days_left) == (366, date(2024, 7, 1), 183)
    assert (progress.needed, progress.impossible) == (230, True)


def test_the_edge_of_impossible() -> None:
    # target 50 % of 365 → ⌈182.5⌉ = 183 needed with no good day so far
    bad_to_1_july = _days(date(2025, 1, 1), 182, 150)  # last day 1 July: 183 days left
    assert good_day_progress(2025, bad_to_1_july, Decimal("50")).impossible is False
    bad_to_2_july = _days(date(2025, 1, 1), 183, 150)  # last day 2 July: 182 days left
    progress = good_day_progress(2025, bad_to_2_july, Decimal("50"))
    assert (progress.needed, progress.days_left, progress.impossible) == (183, 182, True)
    assert good_day_progress(2025, [], None).needed is None


# --------------------------------------------------------------------------------------------
# Pages and API


@pytest.fixture
def air(users: dict[str, Any]) -> dict[str, Station]:
    county = Unit.objects.get(code="t.c")
    stations = {
        "C1": Station.objects.create(
            code="C1", name_zh="示例丙站", name_en="Demo C", level="national", county=county
        ),
        "X1": Station.objects.create(code="X1", name_zh="示例站", name_en="Demo X", level="city"),
    }
    return stations


def client_of(user: Any) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def csv_of(station: str, days: int, pm25: float, first: date = date(2025, 3, 1)) -> bytes:
    lines = ["station,time,so2,no2,pm10,co,pm25,o3"]
    for d in range(days):
        day = first + timedelta(days=d)
        lines += [f"{station},{day} {h:02d}:00,5,10,10,0.5,{pm25},30" for h in range(24)]
    return ("\n".join(lines) + "\n").encode()


def _import(station: str, days: int, pm25: float) -> None:
    import io

    import polars as pl

    frame = pl.read_csv(io.BytesIO(csv_of(station, days, pm25)))
    air_services.station_data_import(actor=None, frame=frame, file_name="t.csv", source="test")


def test_the_year_page_has_flat_query_counts(air: dict[str, Station], users: dict[str, Any]) -> None:
    client = client_of(users["leader"])
    _import("C1", 2, 20.0)

    def count(path: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200
        return len(queries)

    small = (count("/ecology/air/?year=2025"), count("/ecology/air/?year=2025&station=C1"))
    _import("C1", 40, 90.0)
    _import("X1", 40, 20.0)
    big = (count("/ecology/air/?year=2025"), count("/ecology/air/?year=2025&station=C1"))
    assert small == big
    page = client.get("/ecology/air/?year=2025").content.decode()
    # PM2.5 24-h 90 → HJ 633-2012: 100 + 50·(90 − 75)/(115 − 75) = 118.75 → 119 for C1; the city
    # is the mean of C1 and X1: (90 + 20)/2 = 55 → 50 + 50·20/40 = 75
    assert StationDay.objects.get(station=air["C1"], date=date(2025, 3, 2)).aqi == 119
    assert StationDay.objects.get(station__isnull=True, date=date(2025, 3, 2)).aqi == 75
    assert 'data-testid="air-calendar"' in page and "air-data" in page


def test_the_import_page_imports_a_small_file_and_reports(
    air: dict[str, Station], users: dict[str, Any]
) -> None:
    client = client_of(users["county_c"])
    upload = SimpleUploadedFile(
        "c.csv", csv_of("C1", 1, 30.0)[:-1] + b"\nC1,2025-03-01 05:00,5,10,10,0.5,31,30\n"
    )
    response = client.post("/ecology/air/import/", {"file": upload})
    assert response.status_code == 302
    batch_audit = AuditEntry.objects.filter(object_repr__contains="c.csv")
    assert batch_audit.count() == 1
    assert StationHour.objects.get(hour=5).pm25 == 31.0
    # the county's user may not import another station's data: the row is named, nothing written
    upload = SimpleUploadedFile("x.csv", csv_of("X1", 1, 30.0))
    response = client.post("/ecology/air/import/", {"file": upload})
    assert response.status_code == 400
    assert "Row 2, column station: X1 is not a station of the register" in response.content.decode()
    assert not StationHour.objects.filter(station=air["X1"]).exists()
    assert client_of(users["leader"]).get("/ecology/air/import/").status_code == 403


def test_the_plan_office_sets_the_target(air: dict[str, Station], users: dict[str, Any]) -> None:
    response = client_of(users["office"]).post(
        "/ecology/air/target/", {"year": 2025, "good_day_ratio": "88.5"}
    )
    assert response.status_code == 302
    assert AirYearTarget.objects.get(year=2025).good_day_ratio == Decimal("88.50")
    _import("C1", 3, 20.0)
    page = client_of(users["office"]).get("/ecology/air/?year=2025").content.decode()
    # ⌈0.885 × 365⌉ = ⌈323.025⌉ = 324, minus 3 good days
    assert 'data-testid="good-days-needed">321<' in page
    denied = client_of(users["reporter_a"]).post(
        "/ecology/air/target/", {"year": 2025, "good_day_ratio": "10"}
    )
    assert denied.status_code == 403
    assert AirYearTarget.objects.get(year=2025).good_day_ratio == Decimal("88.50")


def test_the_api_lists_daily_results_with_filters(air: dict[str, Station], users: dict[str, Any]) -> None:
    _import("C1", 3, 20.0)
    client = client_of(users["leader"])
    body = client.get("/api/station-data?city=1&date_from=2025-03-02").json()
    assert body["count"] == 2
    first = body["results"][0]
    assert (first["station"], first["city"], first["date"], first["pm25_24h"]) == (
        None,
        True,
        "2025-03-02",
        20.0,
    )
    assert first["standard"] == "HJ633-2012" and first["aqi"] == 29  # 50·20/35 = 28.6 → 29
    body = client.get("/api/station-data?station=C1&limit=1").json()
    assert body["count"] == 3 and len(body["results"]) == 1 and body["results"][0]["station"] == "C1"
    assert client.get("/api/station-data?date_from=2025-13-01").status_code == 400
    assert Client().get("/api/station-data").status_code in {401, 403}


def test_the_api_imports_as_a_job(
    air: dict[str, Station], users: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    client = client_of(users["office"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/station-data/import", {"file": SimpleUploadedFile("a.csv", csv_of("X1", 1, 30.0))}
        )
    assert response.status_code == 202
    response = client.get(f"/api/jobs/{response.json()['job']}")
    body = response.json()
    assert body["state"] == "done", body
    assert (body["summary"]["new"], body["summary"]["gaps"], body["summary"]["days_evaluated"]) == (24, 0, 1)
    with django_capture_on_commit_callbacks(execute=True):
        bad = client.post(
            "/api/station-data/import", {"file": SimpleUploadedFile("b.csv", b"station,time,pm25\nX1,x,1\n")}
        )
    bad = client.get(f"/api/jobs/{bad.json()['job']}")
    assert bad.json()["state"] == "failed"
    assert "Row 2, column time" in bad.json()["error"]
    denied = client_of(users["leader"]).post(
        "/api/station-data/import", {"file": SimpleUploadedFile("a.csv", b"x")}
    )
    assert denied.status_code == 403


def test_the_demo_loads_a_synthetic_year_up_to_the_day_before(db: Any) -> None:
    from jingjin.ecology.air_demo import DEMO_CODES, demo_air
    from jingjin.ecology.models import AirImportBatch

    summary = demo_air(today=date(2023, 10, 15))
    assert (summary["first_day"], summary["last_day"]) == (date(2022, 11, 1), date(2023, 10, 14))
    assert list(Station.objects.values_list("code", flat=True)) == list(DEMO_CODES)
    assert Station.objects.filter(is_synthetic=False).count() == 0
    days = (date(2023, 10, 14) - date(2022, 11, 1)).days + 1
    assert StationHour.objects.count() == 4 * 24 * days == summary["rows"]
    city = StationDay.objects.filter(station__isnull=True)
    assert city.count() == days and max(city.values_list("date", flat=True)) == date(2023, 10, 14)
    assert AirImportBatch.objects.get().is_synthetic and AirYearTarget.objects.get(year=2023).is_synthetic
    demo_air(today=date(2023, 10, 15))  # again: nothing added
    assert AirImportBatch.objects.count() == 1

"""The import of hourly station data and the daily evaluation it triggers: duplicates and gaps,
revisions kept, all or nothing on bad cells, the standard switch inside a year (worked by hand)."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
import pytest

from jingjin.ecology import air_imports, air_services
from jingjin.ecology.models import AirImportBatch, Station, StationDay, StationHour, StationHourRevision

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings: Any) -> Any:
    """The messages are asserted in English (their Chinese is in jingjin/locale/pending/ecoair.po)."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def stations(db: Any) -> dict[str, Station]:
    return {
        code: Station.objects.create(
            code=code, name_zh=f"示例站{code}", name_en=f"Demo {code}", level="national"
        )
        for code in ("A1", "B1")
    }


def long_rows(station: str, day: str, hours: range, **values: float | None) -> list[dict[str, Any]]:
    return [{"station": station, "time": f"{day} {h:02d}:00", **values} for h in hours]


def frame(rows: list[dict[str, Any]]) -> pl.DataFrame:
    return pl.DataFrame(rows, infer_schema_length=None)


def test_duplicates_and_gaps_are_counted(stations: dict[str, Station]) -> None:
    # A1: hours 0–23 without 05, hour 03 twice (the last wins); B1: hours 0–9 only
    rows = long_rows("A1", "2025-06-01", range(24), pm25=30.0)
    rows = [r for r in rows if not r["time"].endswith("05:00")]
    rows.append({"station": "A1", "time": "2025-06-01 03:00", "pm25": 99.0})
    rows += long_rows("B1", "2025-06-01", range(10), pm25=10.0)
    result = air_services.station_data_import(actor=None, frame=frame(rows), file_name="a.csv", source="test")
    batch = result.batch
    assert (batch.rows, batch.new, batch.duplicates) == (34, 33, 1)
    assert batch.gaps == 48 - 33  # two stations × 24 hours, 23 + 10 present
    assert batch.details["duplicate_examples"] == ["A1 2025-06-01 03:00 in rows 5, 25"]
    assert batch.details["gap_examples"] == ["B1: 14 hours missing", "A1: 1 hours missing"]
    assert StationHour.objects.get(station=stations["A1"], day=date(2025, 6, 1), hour=3).pm25 == 99.0


def test_a_changed_hour_keeps_its_old_values(stations: dict[str, Station]) -> None:
    rows = long_rows("A1", "2025-06-01", range(24), pm25=30.0, o3=50.0)
    first = air_services.station_data_import(actor=None, frame=frame(rows), file_name="a.csv").batch
    rows[7]["pm25"] = 31.5
    second = air_services.station_data_import(actor=None, frame=frame(rows), file_name="b.csv").batch
    assert (second.new, second.revised, second.unchanged) == (0, 1, 23)
    revision = StationHourRevision.objects.get()
    assert (revision.hour, revision.pm25, revision.o3) == (7, 30.0, 50.0)
    assert (revision.old_batch_id, revision.batch_id) == (first.pk, second.pk)
    hour = StationHour.objects.get(station=stations["A1"], hour=7)
    assert (hour.pm25, hour.batch_id) == (31.5, second.pk)
    # the day was evaluated again: (23 × 30 + 31.5) / 24 = 30.0625
    assert StationDay.objects.get(station=stations["A1"]).pm25_24h == pytest.approx(30.0625)


def test_a_bad_cell_imports_nothing(stations: dict[str, Station]) -> None:
    rows = long_rows("A1", "2025-06-01", range(3), pm25=30.0)
    rows[1]["pm25"] = "abc"
    rows[2]["station"] = "ZZ9"
    with pytest.raises(air_imports.AirFileError) as caught:
        air_services.station_data_import(
            actor=None, frame=frame([{**r, "pm25": str(r["pm25"])} for r in rows]), file_name="a.csv"
        )
    assert caught.value.errors == [
        "Row 3, column pm25: 'abc' is not a number.",
        "Row 4, column station: ZZ9 is not a station of the register (or not one you may import).",
    ]
    assert not StationHour.objects.exists() and not AirImportBatch.objects.exists()


def test_a_negative_value_and_a_half_hour_are_refused(stations: dict[str, Station]) -> None:
    rows = [
        {"station": "A1", "time": "2025-06-01 00:00", "co": -1.0},
        {"station": "A1", "time": "2025-06-01 00:30", "co": 1.0},
    ]
    with pytest.raises(air_imports.AirFileError) as caught:
        air_services.station_data_import(actor=None, frame=frame(rows), file_name="a.csv")
    assert caught.value.errors == [
        "Row 2, column co: -1.0 is outside 0 – 1,000.",
        "Row 3, column time: '2025-06-01 00:30' is not a whole hour such as 2026-03-01 13:00.",
    ]


def test_the_standard_switches_on_2026_03_01(stations: dict[str, Station]) -> None:
    # The platform's layout labels hours by their end: 2026-03-01 00:00 is the last hour of 28 Feb.
    rows = [{"stationcode": "A1", "timepoint": f"2026-02-28 {h:02d}:00", "pm25_1h": 70} for h in range(1, 24)]
    rows.append({"stationcode": "A1", "timepoint": "2026-03-01 00:00", "pm25_1h": 70})
    rows += [
        {"stationcode": "A1", "timepoint": f"2026-03-01 {h:02d}:00", "pm25_1h": 70} for h in range(1, 24)
    ]
    rows.append({"stationcode": "A1", "timepoint": "2026-03-02 00:00", "pm25_1h": 70})
    batch = air_services.station_data_import(actor=None, frame=frame(rows), file_name="p.csv").batch
    assert (batch.first_day, batch.last_day, batch.gaps) == (date(2026, 2, 28), date(2026, 3, 1), 0)
    days = {(d.station_id, d.date): d for d in StationDay.objects.all()}
    feb, mar = days[(stations["A1"].pk, date(2026, 2, 28))], days[(stations["A1"].pk, date(2026, 3, 1))]
    # HJ 633-2012: 50 + 50·(70 − 35)/(75 − 35) = 93.75 → 94 (良); HJ 633-2026: 100 + 50·(70 − 60)/(115 − 60)
    # = 109.09 → 110 (轻度污染)
    assert (feb.standard, feb.aqi, feb.level, feb.category) == ("HJ633-2012", 94, 2, "良")
    assert (mar.standard, mar.aqi, mar.level, mar.category) == ("HJ633-2026", 110, 3, "轻度污染")
    assert mar.primary_pollutants == "pm25_24h" and not mar.complete
    city = days[(None, date(2026, 3, 1))]
    assert (city.aqi, city.hours, city.pm25_24h) == (110, 1, 70.0)


def test_the_city_is_the_mean_of_its_stations_valid_days(stations: dict[str, Station]) -> None:
    stations["B1"].counts_for_city = False
    stations["B1"].save()
    rows = long_rows("A1", "2025-06-01", range(24), pm25=40.0)
    rows += long_rows("B1", "2025-06-01", range(24), pm25=400.0)
    air_services.station_data_import(actor=None, frame=frame(rows), file_name="a.csv")
    assert StationDay.objects.get(station__isnull=True).pm25_24h == 40.0
    # 19 hours are not a valid daily mean (GB 3095: ≥ 20)
    rows = long_rows("A1", "2025-06-02", range(19), pm25=40.0)
    air_services.station_data_import(actor=None, frame=frame(rows), file_name="b.csv")
    day = StationDay.objects.get(station=stations["A1"], date=date(2025, 6, 2))
    assert (day.hours, day.pm25_24h, day.aqi) == (19, None, None)


def test_the_platform_file_reads(stations: dict[str, Station]) -> None:
    data = pl.read_csv("/work/shared/data/cnemc/hourly_2017_2018.csv")
    table = air_imports.parse(data)
    assert (table.rows, table.layout, table.duplicates) == (data.height, "cnemc", 0)
    first = table.frame.row(0, named=True)
    assert (first["station"], first["day"], first["hour"], first["o3"]) == (
        "1001A",
        date(2017, 7, 7),
        15,
        164.0,
    )


def test_a_partly_stored_file_is_merged(stations: dict[str, Station]) -> None:
    # On PostgreSQL through the staging table (air_bulk.merge_postgresql), elsewhere in memory.
    rows = long_rows("A1", "2025-06-01", range(24), pm25=30.0)
    rows += long_rows("B1", "2025-06-01", range(12), pm25=10.0)
    first = air_services.station_data_import(actor=None, frame=frame(rows), file_name="a.csv").batch
    # A1: hours 0–11 again (02 changed, 03 now empty), 12–23 left out; B1: 6–11 again, 12–17 new
    rows = long_rows("A1", "2025-06-01", range(12), pm25=30.0)
    rows[2]["pm25"], rows[3]["pm25"] = 36.0, None
    rows += long_rows("B1", "2025-06-01", range(6, 18), pm25=10.0)
    second = air_services.station_data_import(actor=None, frame=frame(rows), file_name="b.csv").batch
    assert (second.new, second.revised, second.unchanged, second.gaps) == (6, 2, 16, 48 - 24 - 18)
    assert sorted(StationHourRevision.objects.values_list("hour", "pm25", "old_batch_id", "batch_id")) == [
        (2, 30.0, first.pk, second.pk),
        (3, 30.0, first.pk, second.pk),
    ]
    assert StationHour.objects.filter(station=stations["A1"]).count() == 24
    assert StationHour.objects.get(station=stations["A1"], hour=3).pm25 is None
    assert StationHour.objects.filter(batch=second).count() == 2 + 6
    # A1's day from the stored hours the file left out too: (22 × 30 + 36) / 23; B1: 18 hours
    assert StationDay.objects.get(station=stations["A1"]).pm25_24h == pytest.approx(696 / 23)
    assert StationDay.objects.get(station=stations["B1"]).hours == 18
    # the same file once more changes nothing
    third = air_services.station_data_import(actor=None, frame=frame(rows), file_name="c.csv").batch
    assert (third.new, third.revised, third.unchanged) == (0, 0, 24)


def test_deleting_a_station_deletes_its_hours(stations: dict[str, Station]) -> None:
    # the hours' station is no database foreign key (bulk writes): Django's cascade deletes them
    rows = long_rows("A1", "2025-06-01", range(24), pm25=30.0) + long_rows("B1", "2025-06-01", range(24))
    air_services.station_data_import(actor=None, frame=frame(rows), file_name="a.csv")
    stations["A1"].delete()
    assert list(StationHour.objects.values_list("station__code", flat=True).distinct()) == ["B1"]


def test_the_city_day_counts_the_stations_of_earlier_files(stations: dict[str, Station]) -> None:
    # the second file's evaluation reads the other stations' stored hours from the database
    for code, value in (("A1", 40.0), ("B1", 20.0)):
        rows = long_rows(code, "2025-06-01", range(24), pm25=value)
        air_services.station_data_import(actor=None, frame=frame(rows), file_name=f"{code}.csv")
    city = StationDay.objects.get(station__isnull=True)
    assert (city.hours, city.pm25_24h) == (2, 30.0)

"""Monthly section samples: import (both layouts), duplicates and gaps, all-or-nothing on bad cells,
revisions, permissions, and the classes by month and year worked by hand (GB 3838-2002)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jingjin.core.models import AuditEntry
from jingjin.core.permissions import PermissionDenied
from jingjin.ecology.models import SectionClass, SectionSample, SectionSampleRevision
from jingjin.ecology.water_services import ImportRefused, samples_import

pytestmark = pytest.mark.django_db

LONG = b"""section,year,month,ph,do,codmn,nh3_n,tp
W1,2024,1,7.2,8.0,3,0.15,0.02
W1,2024,2,7.0,5.0,5,0.9,0.25
W2,2024,1,7,7.6,,,0.03
W3,2024,1,7,8,2,2.5,0.02
W3,2024,1,7,8,2,2.5,0.02
"""


def _refused(actor: Any, raw: bytes) -> ImportRefused:
    """The refusal of an upload of ``raw`` by ``actor``, which must be refused."""
    with pytest.raises(ImportRefused) as refused:
        samples_import(actor=actor, raw=raw, name="upload.csv")
    return refused.value


def _classes() -> dict[tuple[str, int | None], tuple[int, str, str, bool | None]]:
    return {
        (c.section.code, c.month): (c.water_class, c.limiting, c.exceedances, c.target_met)
        for c in SectionClass.objects.select_related("section")
    }


def test_long_layout_classes_by_month_and_year(users: Any, sections: Any) -> None:
    batch = samples_import(actor=users["office"], raw=LONG, name="samples.csv")
    assert (batch.layout, batch.rows, batch.added, batch.changed) == ("long", 5, 4, 0)
    # rows as the spreadsheet numbers them (the header is row 1)
    assert batch.report["duplicates"] == [{"row": 6, "first_row": 5, "same": True}]
    assert batch.report["gaps"] == [
        {"section": "W2", "year": 2024, "month": 2},
        {"section": "W3", "year": 2024, "month": 2},
    ]
    assert SectionSample.objects.get(section__code="W1", month=2).tp == Decimal("0.25")
    assert _classes() == {
        # codmn 3 is II (2 < 3 ≤ 4); the rest I
        ("W1", 1): (2, "codmn", "", True),
        # tp 0.25 is IV (0.2 < 0.25 ≤ 0.3): (0.25 − 0.2)/0.2 = 0.25 over class III
        ("W1", 2): (4, "tp", "tp:0.25", False),
        # yearly means: do 6.5 II, codmn 4 II, nh3_n 0.525 III, tp 0.135 III → III
        ("W1", None): (3, "nh3_n;tp", "", True),
        # lake: tp 0.03 is III in the lake column (0.025 < 0.03 ≤ 0.05), II as a river
        ("W2", 1): (3, "tp", "", True),
        ("W2", None): (3, "tp", "", True),
        # nh3_n 2.5 worse than V (> 2.0): (2.5 − 1.0)/1.0 = 1.50
        ("W3", 1): (6, "nh3_n", "nh3_n:1.50", False),
        ("W3", None): (6, "nh3_n", "nh3_n:1.50", False),
    }
    assert AuditEntry.objects.filter(content_type__model="sectionsample").count() == 4


def test_platform_layout_averages_the_readings_of_a_month(users: Any, sections: Any) -> None:
    raw = (
        "断面名称,监测时间,pH,溶解氧(mg/L),高锰酸盐指数,氨氮,总磷,总氮,浊度\n"
        "示例断面W1,2024-03-01 08:00,7.0,7.0,2.0,0.1,0.05,--,12\n"
        "示例断面W1,2024-03-15 12:00,8.0,8.0,--,0.3,0.15,1.2,30\n"
    ).encode()
    batch = samples_import(actor=users["office"], raw=raw, name="platform.csv")
    assert (batch.layout, batch.added) == ("platform", 1)
    sample = SectionSample.objects.get(section__code="W1", year=2024, month=3)
    assert (sample.ph, sample.do, sample.codmn, sample.nh3_n, sample.tp, sample.tn) == (
        Decimal("7.5"),
        Decimal("7.5"),
        Decimal("2"),
        Decimal("0.2"),
        Decimal("0.1"),
        Decimal("1.2"),
    )
    # do 7.5 I, codmn 2 I, nh3_n 0.2 II, tp 0.1 II (river) → II
    assert _classes()[("W1", 3)][0] == 2


def test_bad_cells_store_nothing_and_name_row_and_column(users: Any, sections: Any) -> None:
    """Every problem named as the other imports name theirs: the row as the spreadsheet numbers
    it (the header is row 1), the column's letter and its header."""
    raw = (
        b"section,year,month,ph,tp\nW1,2024,1,15,0.1\nW1,2024,2,7,abc\nW9,2024,13,7,0.1\n"
        b"W1,24x,1,7,0.1\nW1,1850,1,7,0.1\n,2024,1,7,0.1\n"
    )
    refused = _refused(users["office"], raw)
    assert refused.lines() == [
        "Row 2, column D (ph): pH must be 0 to 14, not 15",
        "Row 3, column E (tp): must be a number, not 'abc'",
        "Row 4, column C (month): the month must be 1 to 12",
        "Row 5, column B (year): year and month must be whole numbers",
        "Row 6, column B (year): " + refused.problems[4].message,
        "Row 7, column A (section): the section is empty",
    ]
    assert "1850" in refused.problems[4].message
    assert SectionSample.objects.count() == 0 and SectionClass.objects.count() == 0


def test_a_workbook_with_numbers_for_year_month_and_section_imports(users: Any, sections: Any) -> None:
    """A workbook's numbers are read as floats (2024 as 2024.0): a whole year, month or section
    code is taken as the whole number it is; a fraction is refused in its own column."""
    import io

    from openpyxl import Workbook

    from tests.ecology.conftest import section_made

    section_made("101")

    def workbook(*rows: tuple[Any, ...]) -> bytes:
        book = Workbook()
        for row in (("section", "year", "month", "tp"), *rows):
            book.active.append(row)
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()

    raw = workbook(("W1", 2024, 1, 0.1), (101, 2024, 2, 0.2))
    batch = samples_import(actor=users["office"], raw=raw, name="samples.xlsx")
    assert (batch.layout, batch.added) == ("long", 2)
    assert SectionSample.objects.get(section__code="101", year=2024, month=2).tp == Decimal("0.2")
    with pytest.raises(ImportRefused) as refused:
        samples_import(actor=users["office"], raw=workbook(("W1", 2024, 1.5, 0.1)), name="bad.xlsx")
    assert refused.value.lines() == ["Row 2, column C (month): year and month must be whole numbers"]


def test_a_file_without_the_columns_it_needs_is_refused_once(users: Any, sections: Any) -> None:
    """A header without a month (or a time) is one problem of row 1, not one per data row."""
    raw = b"section,year,tp\nW1,2024,0.1\nW1,2024,0.2\n"
    assert _refused(users["office"], raw).lines() == ["Row 1: the file has no year and month columns"]
    assert _refused(users["office"], b"\n").lines() == ["the file is empty"]


def test_many_bad_cells_are_listed_up_to_the_import_limit(users: Any, sections: Any, settings: Any) -> None:
    settings.JINGJIN_IMPORT_MAX_ERRORS = 3
    raw = b"section,year,month,tp\n" + b"W1,2024,1,x\n" * 10
    assert _refused(users["office"], raw).lines() == [
        "Row 2, column D (tp): must be a number, not 'x'",
        "Row 3, column D (tp): must be a number, not 'x'",
        "Row 4, column D (tp): must be a number, not 'x'",
        "… and 7 more errors",
    ]


def test_a_conflicting_duplicate_is_refused(users: Any, sections: Any) -> None:
    raw = b"section,year,month,tp\nW1,2024,1,0.1\nW1,2024,1,0.2\n"
    assert _refused(users["office"], raw).lines() == [
        "Row 3, column A (section): section W1, 2024-01 is also in row 2 with other values"
    ]


def test_a_changed_sample_keeps_a_revision(users: Any, sections: Any) -> None:
    samples_import(actor=users["office"], raw=LONG, name="a.csv")
    raw = (
        b"section,year,month,ph,do,codmn,nh3_n,tp\n"
        b"W1,2024,1,7.2,8.0,3,0.15,0.3\n"
        b"W1,2024,2,7.0,5.0,5,0.9,0.25\n"
    )
    batch = samples_import(actor=users["office"], raw=raw, name="b.csv")
    assert (batch.added, batch.changed, batch.unchanged) == (0, 1, 1)
    revision = SectionSampleRevision.objects.get()
    assert (revision.before["tp"], revision.after["tp"]) == ("0.02", "0.3")
    assert _classes()[("W1", 1)][:2] == (4, "tp")  # tp 0.3 is IV now


def test_a_county_user_imports_only_its_sections(users: Any, sections: Any) -> None:
    assert _refused(users["county_c"], LONG).lines() == [
        "Row 5, column A (section): you may not import data of section W3"
    ]
    own = b"section,year,month,tp\nW1,2024,1,0.1\n"
    assert samples_import(actor=users["county_c"], raw=own, name="own.csv").added == 1
    with pytest.raises(PermissionDenied):
        samples_import(actor=users["leader"], raw=own, name="own.csv")


def test_a_large_file_is_imported_by_a_job(
    users: Any, sections: Any, settings: Any, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from jingjin.jobs.choices import JobState
    from jingjin.jobs.models import Job

    settings.JINGJIN_IMPORT_JOB_BYTES = 100
    assert len(LONG) > 100
    client.force_login(users["office"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/ecology/water/import/", {"file": SimpleUploadedFile("big.csv", LONG)})
    assert response.status_code == 302
    job = Job.objects.get()
    assert (job.kind, job.state) == ("water-samples-import", JobState.DONE), job.error
    assert (job.summary["added"], job.summary["gaps"], job.summary["duplicates"]) == (4, 2, 1)
    assert SectionSample.objects.count() == 4
    bad = b"section,year,month,tp\n" + b"W1,2024,1,x\n" * 12
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/ecology/water/import/", {"file": SimpleUploadedFile("bad.csv", bad)})
    failed = Job.objects.order_by("-pk").first()
    assert failed is not None and failed.state == JobState.FAILED
    assert "Row 2, column D (tp): must be a number" in failed.error


def test_the_platforms_published_table_reads_without_problems() -> None:
    """The national platform's snapshot of 2026-02-04 (tests/engines/air_water/data): 1,156 rows,
    1,148 section-months (sections listed twice in the snapshot are averaged), nothing refused."""
    from pathlib import Path

    from jingjin.ecology.water_read import read, table_rows

    path = Path(__file__).parents[1] / "engines/air_water/data/cnemc_20260204_parsed.csv"
    reading = read(table_rows(path.read_bytes(), path.name))
    assert (reading.layout, reading.rows, len(reading.samples), reading.problems) == (
        "platform",
        1156,
        1148,
        [],
    )
    first = reading.means(("富锦路桥", 2026, 2))
    assert (first["ph"], first["nh3_n"], first["tp"], first["tn"]) == (
        Decimal("8.14"),
        Decimal("0.257"),
        Decimal("0.113"),
        Decimal("3.54"),
    )

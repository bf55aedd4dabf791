"""Recorded figures from Excel (记录指标导入): the template of a key and month round trip, every
kind of bad cell named by row and column with nothing written, the plan office only, formula
prefixes of unit names neutralised, and ``POST /api/recorded-figures/import``."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

import pytest

from jingjin.assessment import scheme_services as services
from jingjin.assessment.scheme_models import RecordedFigure
from jingjin.core.models import AuditEntry, Unit
from tests.assessment.conftest import period_of

HEADERS = ["key", "unit code", "period", "value"]


@pytest.fixture
def scheme(users: Any) -> Any:
    """A scheme of t.a and t.b that reads ``review`` and deducts per ``petitions`` (a count)."""
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


def _book(rows: list[list[Any]]) -> io.BytesIO:
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "figures.xlsx"
    return buffer


def _rows(content: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook

    return [list(r) for r in load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True)]


def _figures() -> dict[tuple[str, str, str], float]:
    return {
        (f.key, f.unit.code, f.period.code): f.value
        for f in RecordedFigure.objects.select_related("unit", "period")
    }


@pytest.mark.django_db
def test_template_round_trip_records_and_counts(users: Any, scheme: Any, client: Any) -> None:
    office = users["office"]
    t_a = Unit.objects.get(code="t.a")
    services.figure_record(actor=office, key="review", unit=t_a, period=period_of(2024, 3), value=70)
    client.force_login(office)
    page = client.get("/schemes/figures/").content.decode()
    assert 'data-testid="figure-template-form"' in page and 'data-testid="figure-upload-form"' in page
    response = client.get("/schemes/figures/template/?key=review&period=2024-03")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="figures-review-2024-03.xlsx"'
    rows = _rows(response.content)
    # the peer set's units only, the recorded value filled in
    assert rows[0] == ["指标键", "单位代码", "单位名称", "月份", "数值"]
    assert [(r[0], r[1], r[3], r[4]) for r in rows[1:]] == [
        ("review", "t.a", "2024-03", 70),
        ("review", "t.b", "2024-03", None),
    ]
    rows[2][4] = 81.5
    done = client.post("/schemes/figures/import/", {"file": _book(rows)}, follow=True)
    assert "Figures imported: 1 new, 0 changed, 1 unchanged." in done.content.decode()
    assert _figures() == {("review", "t.a", "2024-03"): 70, ("review", "t.b", "2024-03"): 81.5}
    rows[1][4] = 75
    client.post("/schemes/figures/import/", {"file": _book(rows)})
    assert _figures()[("review", "t.a", "2024-03")] == 75
    audit = AuditEntry.objects.filter(content_type__model="recordedfigure", source="web").order_by("pk")
    # the one recorded on the form (source web too), the import's create, then its update
    assert [(e.action, e.before and e.before["value"], e.after["value"]) for e in audit] == [
        ("create", None, 70.0),
        ("create", None, 81.5),
        ("update", 70.0, 75.0),
    ]
    assert all(e.user == office for e in audit)
    # a key no scheme reads (recorded before): a row per unit
    services.figure_record(actor=office, key="awards", unit=t_a, period=period_of(2024, 2), value=1)
    every = _rows(client.get("/schemes/figures/template/?key=awards&period=2024-02").content)
    assert [r[1] for r in every[1:]] == list(
        Unit.objects.order_by("position", "code").values_list("code", flat=True)
    )
    bad = client.get("/schemes/figures/template/?key=nothing&period=2024-13")
    assert bad.status_code == 400
    assert set(bad.context["template_form"].errors) == {"key", "period"}


@pytest.mark.django_db
def test_every_bad_cell_is_named_and_nothing_is_written(users: Any, scheme: Any, client: Any) -> None:
    services.figure_record(
        actor=users["office"],
        key="review",
        unit=Unit.objects.get(code="t.b"),
        period=period_of(2024, 1),
        value=5,
    )
    before = (_figures(), AuditEntry.objects.count())
    rows = [
        HEADERS,
        ["review", "t.a", datetime(2024, 3, 1), 88],  # 2: fine (a month typed into Excel is a date)
        ["review", "x.y", "2024-03", 1],  # 3: unknown unit
        ["revue", "t.a", "2024-03", 1],  # 4: unknown key
        ["review", "t.b", "2024-13", 1],  # 5: bad month
        ["review", "t.b", "2024-04", None],  # 6: empty value
        ["review", "t.b", "2024-05", "inf"],  # 7: not finite
        ["review", "t.b", "2024-06", 1e12],  # 8: out of range
        ["review", "T.A", "2024-03", 90],  # 9: the same as row 2 (codes match in any case)
        ["review", "t\x7fb", "2024-07", 1],  # 10: a control character
        ["petitions", "t.a", "2024-03", 2.5],  # 11: a count is whole
        ["review", "t.b", "2024-03", "abc"],  # 12: no number
    ]
    client.force_login(users["office"])
    page = client.post("/schemes/figures/import/", {"file": _book(rows)})
    assert page.status_code == 200
    problems = [str(p) for p in page.context["problems"]]
    assert problems == [
        "Row 3, column B (unit code): No unit has the code x.y.",
        "Row 4, column A (key): Unknown key revue: no scheme reads it and it was never recorded.",
        "Row 5, column C (period): A period is a month between 2000-01 and 2100-12.",
        "Row 6, column D (value): This cell is required.",
        "Row 7, column D (value): Enter a finite number.",
        "Row 8, column D (value): Enter a number from -1,000,000,000 to 1,000,000,000.",
        "Row 9, column B (unit code): The same key, unit and month as row 2.",
        "Row 10, column B (unit code): Unit code contains a control character (U+007F at position 2); "
        "only line breaks and tabs are allowed.",
        "Row 11, column D (value): This key counts events (a bonus or deduction rule): "
        "enter a whole number ≥ 0.",
        "Row 12, column D (value): Enter a number.",
    ]
    assert 'data-testid="import-problems"' in page.content.decode()
    assert (_figures(), AuditEntry.objects.count()) == before
    missing = client.post("/schemes/figures/import/", {"file": _book([["key", "value"], ["review", 1]])})
    assert [str(p) for p in missing.context["problems"]] == ["Row 1: Missing columns: 单位代码, 月份"]


@pytest.mark.django_db
def test_only_the_office_imports_and_the_template_neutralises_formulas(
    users: Any, scheme: Any, client: Any
) -> None:
    from openpyxl import load_workbook

    Unit.objects.filter(code="t.b").update(name_zh='=HYPERLINK("http://x")', name_en='=HYPERLINK("http://x")')
    client.force_login(users["office"])
    content = client.get("/schemes/figures/template/?key=review&period=2024-03").content
    cell = load_workbook(io.BytesIO(content)).active["C3"]
    assert cell.value == '=HYPERLINK("http://x")' and cell.data_type == "s" and cell.quotePrefix
    good = [HEADERS, ["review", "t.a", "2024-03", 1]]
    for user in ("reporter_a", "leader"):
        client.force_login(users[user])
        assert client.get("/schemes/figures/template/?key=review&period=2024-03").status_code == 403
        assert client.post("/schemes/figures/import/", {"file": _book(good)}).status_code == 403
        assert client.post("/api/recorded-figures/import", {"file": _book(good)}).status_code == 403
    assert not RecordedFigure.objects.exists()


@pytest.mark.django_db
def test_api_imports_or_answers_the_problems(users: Any, scheme: Any, client: Any) -> None:
    client.force_login(users["office"])
    bad = client.post(
        "/api/recorded-figures/import", {"file": _book([HEADERS, ["review", "t.a", "2024-03", "nan"]])}
    )
    assert bad.status_code == 400
    assert bad.json() == {
        "errors": [{"row": 2, "column": "D", "header": "value", "message": "Enter a finite number."}]
    }
    junk = io.BytesIO(b"not a workbook")
    junk.name = "x.xlsx"
    refused = client.post("/api/recorded-figures/import", {"file": junk})
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["message"] == "The file is not an Excel workbook (.xlsx)."
    assert client.post("/api/recorded-figures/import", {}).status_code == 400
    from openpyxl import load_workbook

    book = load_workbook(_book([HEADERS, ["review", "t.a", "2024-03", 1]]))  # one cell far out:
    book.active.cell(row=200_000, column=5_000, value="x")
    far = io.BytesIO()
    book.save(far)
    far.seek(0)
    far.name = "far.xlsx"
    limited = client.post("/api/recorded-figures/import", {"file": far})
    assert limited.status_code == 400 and "cells" in limited.json()["errors"][0]["message"]
    rows = [
        ["数值", "月份", "单位代码", "指标键"],
        [3, "2024-03", "t.a", "petitions"],
        [2, "2024-03", "t.b", "petitions"],
    ]
    done = client.post("/api/recorded-figures/import", {"file": _book(rows)})
    assert done.status_code == 200, done.content
    assert done.json() == {"created": 2, "changed": 0, "unchanged": 0}
    assert _figures() == {("petitions", "t.a", "2024-03"): 3, ("petitions", "t.b", "2024-03"): 2}
    assert AuditEntry.objects.filter(content_type__model="recordedfigure", source="api").count() == 2


@pytest.mark.django_db
def test_a_large_workbook_is_recorded_by_a_job(
    users: Any, scheme: Any, client: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from jingjin.jobs.models import Job

    settings.JINGJIN_IMPORT_JOB_BYTES = 300  # every workbook is "large" here
    client.force_login(users["office"])
    good = [HEADERS, ["review", "t.a", "2024-03", 81], ["review", "t.b", "2024-03", 64]]
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post("/schemes/figures/import/", {"file": _book(good)})
    assert page.status_code == 302 and page["Location"].startswith("/jobs/")
    job = Job.objects.get(kind="recorded-figures-import")
    assert job.state == "done", job.error
    assert job.summary == {"created": 2, "changed": 0, "unchanged": 0}
    assert _figures() == {("review", "t.a", "2024-03"): 81, ("review", "t.b", "2024-03"): 64}
    assert AuditEntry.objects.filter(content_type__model="recordedfigure", user=users["office"]).count() == 2

    # through the API: 202 with the job; a bad cell fails the job with its row and column, nothing recorded
    bad = [HEADERS, ["review", "t.a", "2024-04", 70], ["review", "t.b", "2024-04", "lots"]]
    with django_capture_on_commit_callbacks(execute=True):
        queued = client.post("/api/recorded-figures/import", {"file": _book(bad)})
    assert queued.status_code == 202, queued.content
    failed = Job.objects.get(pk=queued.json()["id"])
    assert failed.kind == "recorded-figures-import" and failed.state == "failed"
    assert failed.error == "Row 3, column D (value): Enter a number."
    assert not [k for k in _figures() if k[2] == "2024-04"]

    # the same rule as the small file: only the plan office
    client.force_login(users["reporter_a"])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/api/recorded-figures/import", {"file": _book(good)}).status_code == 403
        assert client.post("/schemes/figures/import/", {"file": _book(good)}).status_code == 403
    assert Job.objects.filter(kind="recorded-figures-import").count() == 2

"""Evaluations through the API: every kind gives the table and summary the command line gives on
the same file; bad input fails the job with the engine's message; options are checked before
anything is queued; who sees which evaluation; the result in CSV, XLSX and Parquet."""

from __future__ import annotations

import io
import json
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from jingjin.jobs.models import Job
from tests.evaluations.conftest import CASES, FIRMS, Case, client_of, run_cli


@pytest.mark.parametrize("case", CASES, ids=[c.kind for c in CASES])
def test_each_kind_equals_the_command_line(
    case: Case, users: dict[str, Any], submit: Any, tmp_path: Any, capsys: Any
) -> None:
    client = client_of(users["reporter_a"])
    response = submit(client, case.kind, case.name, case.content, case.options)
    assert response.status_code == 202, response.content
    body = response.json()
    assert {"id", "state", "progress"} <= set(body)
    data = client.get(f"/api/evaluations/{body['id']}").json()
    assert data["kind"] == case.kind
    assert data["state"] == "done", data["error"]
    assert data["progress"] == 100 and data["error"] == ""
    assert set(data["results"]) == {"csv", "xlsx", "parquet"}
    download = client.get(f"/api/evaluations/{body['id']}/result?format=parquet")
    assert download.status_code == 200
    web = pl.read_parquet(io.BytesIO(b"".join(download.streaming_content)))
    code, target, out, err = run_cli(case, tmp_path, case.content, capsys)
    assert code == 0, err
    assert_frame_equal(web, pl.read_parquet(target))
    if case.prints_summary:  # the same summary, but for the solver's time, which is the clock's
        timeless = {"solve_seconds"}
        printed = json.loads(out)
        assert {k: v for k, v in data["summary"].items() if k not in timeless} == {
            k: v for k, v in printed.items() if k not in timeless
        }
    assert web.height > 0


@pytest.mark.parametrize("case", CASES, ids=[c.kind for c in CASES])
def test_bad_input_fails_with_the_engines_message(
    case: Case, users: dict[str, Any], submit: Any, tmp_path: Any, capsys: Any
) -> None:
    client = client_of(users["reporter_a"])
    name = case.name if not case.name.endswith((".parquet", ".xlsx")) else "bad.csv"
    response = submit(client, case.kind, name, case.bad, case.options)
    assert response.status_code == 202
    data = client.get(f"/api/evaluations/{response.json()['id']}").json()
    assert data["state"] == "failed" and data["results"] is None
    assert case.bad_text in data["error"]
    assert "Traceback" not in data["error"] and "/media/" not in data["error"]
    bad_case = Case(**{**case.__dict__, "name": name})
    code, target, _out, err = run_cli(bad_case, tmp_path, case.bad, capsys)
    assert code == 2 and not target.exists()
    cli_message = err.strip().split(": error: ", 1)[1].replace(str(tmp_path / name), name)
    assert data["error"] == cli_message
    assert client.get(f"/api/evaluations/{data['id']}/result?format=csv").status_code == 404


def test_an_unreadable_file_names_the_upload_not_the_server_path(users: dict[str, Any], submit: Any) -> None:
    client = client_of(users["reporter_a"])
    response = submit(client, "land", "firms.xlsx", b"not a workbook", {"scheme": "huangyan-2022"})
    data = client.get(f"/api/evaluations/{response.json()['id']}").json()
    assert data["state"] == "failed"
    assert data["error"].startswith("firms.xlsx: cannot be read as xlsx")


@pytest.mark.parametrize(
    ("kind", "options", "raw", "field", "text"),
    [
        ("plough", {}, None, "kind", "must be one of"),
        ("land", None, "{scheme: 1", "options", "not valid JSON"),
        ("land", None, '["huangyan-2022"]', "options", "must be a JSON object"),
        ("land", {}, None, "options", "scheme: is required"),
        ("land", {"scheme": "zhejiang"}, None, "options", "scheme: must be one of huangyan-2021"),
        (
            "land",
            {"scheme": "huangyan-2022", "colour": "red"},
            None,
            "options",
            "colour: unknown option for land",
        ),
        (
            "land",
            {"scheme": "huangyan-2022", "no_items": "yes"},
            None,
            "options",
            "no_items: must be true or false",
        ),
        ("land", {"scheme": {"segments": 3}}, None, "options", "scheme: "),
        ("allocate", {"land": "500", "energy": 1, "env": 1}, None, "options", "land: must be a number"),
        (
            "allocate",
            {"land": 5, "energy": 1, "env": 1, "gap": 2},
            None,
            "options",
            "gap must be between 0 and 1",
        ),
        ("allocate", {"land": 5, "energy": True, "env": 1}, None, "options", "energy: must be a number"),
        ("air-aqi", {"standard": "auto", "report": "daily"}, None, "options", "needs time_column"),
        (
            "air-aqi",
            {"standard": "HJ633-2012", "report": "weekly"},
            None,
            "options",
            "report: must be one of",
        ),
        ("water", {}, None, "options", "give the water body type"),
        ("score", {"spec": {"criteria": "x"}}, None, "options", "spec: "),
        ("score", {"spec": "spec.yaml"}, None, "options", "spec: must be a JSON object"),
        ("admit", {"thresholds": {"thresholds": []}}, None, "options", "non-empty list of rows"),
        ("air-daily", {"station_column": "s\x00", "time_column": "t"}, None, "options", "control character"),
    ],
)
def test_bad_kind_or_options_are_refused_before_anything_is_queued(
    users: dict[str, Any], submit: Any, kind: str, options: Any, raw: str | None, field: str, text: str
) -> None:
    client = client_of(users["reporter_a"])
    response = submit(client, kind, "firms.csv", FIRMS.encode(), options, raw=raw)
    assert response.status_code == 400, response.content
    errors = response.json()
    assert field in errors, errors
    assert text in " ".join(errors[field] if isinstance(errors[field], list) else [errors[field]])
    assert Job.objects.count() == 0


def test_a_file_of_another_type_or_no_file_is_refused(
    users: dict[str, Any], submit: Any, client: Any
) -> None:
    office = client_of(users["office"])
    response = submit(office, "land", "firms.txt", FIRMS.encode(), {"scheme": "huangyan-2022"})
    assert response.status_code == 400 and "unsupported file type" in response.json()["file"][0]
    response = office.post("/api/evaluations", {"kind": "land", "options": "{}"})
    assert response.status_code == 400 and "file" in response.json()
    assert Job.objects.count() == 0


def test_who_sees_which_evaluation(users: dict[str, Any], submit: Any) -> None:
    mine = submit(
        client_of(users["reporter_a"]), "land", "firms.csv", FIRMS.encode(), {"scheme": "huangyan-2022"}
    )
    job_id = mine.json()["id"]
    assert Job.objects.get(pk=job_id).unit.code == "t.a"
    for name, status in [
        ("reporter_a", 200),
        ("office", 200),
        ("leader", 200),
        ("reporter_b", 404),
        ("county_c", 404),
    ]:
        client = client_of(users[name])
        assert client.get(f"/api/evaluations/{job_id}").status_code == status, name
        assert client.get(f"/api/evaluations/{job_id}/result?format=csv").status_code == status, name
        listed = {row["id"] for row in client.get("/api/evaluations").json()["results"]}
        assert (job_id in listed) == (status == 200), name
    from django.test import Client

    anonymous = Client()
    assert anonymous.get(f"/api/evaluations/{job_id}").status_code in (401, 403)
    assert anonymous.post("/api/evaluations", {"kind": "land"}).status_code in (401, 403)


def test_downloads_in_three_formats_neutralise_formulas(users: dict[str, Any], submit: Any) -> None:
    client = client_of(users["reporter_a"])
    firms = FIRMS.replace("F1,", "=HYPERLINK(1),").replace("F3,", "@SUM,")
    job_id = submit(client, "land", "firms.csv", firms.encode(), {"scheme": "huangyan-2022"}).json()["id"]
    parquet = client.get(f"/api/evaluations/{job_id}/result?format=parquet")
    table = pl.read_parquet(io.BytesIO(b"".join(parquet.streaming_content)))
    assert table["enterprise_id"].to_list() == ["=HYPERLINK(1)", "F2", "@SUM"]
    assert 'filename="land-result.parquet"' in parquet["Content-Disposition"]
    csv = client.get(f"/api/evaluations/{job_id}/result?format=csv")
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
    assert 'filename="land-result.csv"' in csv["Content-Disposition"]
    rows = pl.read_csv(io.BytesIO(csv.content))
    assert rows["enterprise_id"].to_list() == ["'=HYPERLINK(1)", "F2", "'@SUM"]
    assert rows.columns == table.columns and rows["score"].to_list() == pytest.approx(
        table["score"].to_list()
    )
    xlsx = client.get(f"/api/evaluations/{job_id}/result?format=xlsx")
    assert xlsx.status_code == 200 and 'filename="land-result.xlsx"' in xlsx["Content-Disposition"]
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    header = [c.value for c in sheet[1]]
    assert header == table.columns
    first = sheet.cell(row=2, column=1)
    assert first.value == "=HYPERLINK(1)" and first.data_type == "s" and first.quotePrefix
    score_col = header.index("score") + 1
    assert [sheet.cell(row=r, column=score_col).value for r in (2, 3, 4)] == pytest.approx(
        table["score"].to_list()
    )
    assert client.get(f"/api/evaluations/{job_id}/result?format=pdf").status_code == 400


def test_the_openapi_documents_the_evaluations(users: dict[str, Any]) -> None:
    schema = client_of(users["office"]).get("/api/openapi.json").json()
    assert "/api/evaluations" in schema["paths"]
    post = schema["paths"]["/api/evaluations"]["post"]
    assert "multipart/form-data" in post["requestBody"]["content"]
    assert "202" in post["responses"]
    assert "/api/evaluations/{id}/result" in schema["paths"]

"""Uploads read as the command line reads files: a GBK/GB18030 CSV (what Chinese office software
writes) is evaluated and previewed like its UTF-8 twin; a table without data rows or with a
repeated column name fails with the command line's message."""

from __future__ import annotations

import io
from typing import Any

import polars as pl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from polars.testing import assert_frame_equal

from jingjin.jobs.models import Job
from tests.evaluations.conftest import CASES, FIRMS, Case, client_of, run_cli

#: the CSV cases with Chinese text, whose GBK bytes differ from their UTF-8 bytes
CSV_CASES = [c for c in CASES if c.name.endswith(".csv") and not c.content.isascii()]


def _result(client: Any, job_id: int) -> pl.DataFrame:
    download = client.get(f"/api/evaluations/{job_id}/result?format=parquet")
    assert download.status_code == 200
    return pl.read_parquet(io.BytesIO(b"".join(download.streaming_content)))


@pytest.mark.parametrize("case", CSV_CASES, ids=[c.kind for c in CSV_CASES])
def test_a_gbk_csv_upload_gives_the_table_of_its_utf8_twin(
    case: Case, users: dict[str, Any], submit: Any
) -> None:
    assert case.content.decode("utf-8").encode("gbk") != case.content
    client = client_of(users["reporter_a"])
    utf8 = submit(client, case.kind, case.name, case.content, case.options).json()
    gbk = submit(
        client, case.kind, case.name, case.content.decode("utf-8").encode("gbk"), case.options
    ).json()
    data = client.get(f"/api/evaluations/{gbk['id']}").json()
    assert data["state"] == "done", data["error"]
    assert_frame_equal(_result(client, gbk["id"]), _result(client, utf8["id"]))


def test_the_run_page_previews_a_gb18030_upload_in_chinese(
    users: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    client = client_of(users["reporter_a"])
    content = FIRMS.replace("F1,", "甲公司,").encode("gb18030")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/evaluations/land/",
            {"file": SimpleUploadedFile("firms.csv", content), "scheme": "huangyan-2022"},
        )
    assert Job.objects.get().state == "done"
    html = client.get(response["Location"]).content.decode()
    assert 'data-testid="input-preview"' in html and "<td>甲公司</td>" in html
    assert 'data-state="done"' in html


@pytest.mark.parametrize(
    ("content", "text"),
    [
        (FIRMS.split("\n", 1)[0] + "\n", "the input has no rows under the header"),
        (
            FIRMS.replace("rd_10k\n", "rd_10k,land_mu\n")
            .replace("453\n", "453,1\n")
            .replace("50\n", "50,1\n")
            .replace("60.4\n", "60.4,1\n"),
            "a column is given twice: land_mu is given by columns 2, 10 of the header",
        ),
    ],
    ids=["no rows", "repeated column"],
)
def test_an_upload_without_rows_or_with_a_repeated_column_fails_as_the_command_line_does(
    content: str, text: str, users: dict[str, Any], submit: Any, tmp_path: Any, capsys: Any
) -> None:
    case = next(c for c in CASES if c.kind == "land")
    client = client_of(users["reporter_a"])
    response = submit(client, case.kind, case.name, content.encode(), case.options)
    data = client.get(f"/api/evaluations/{response.json()['id']}").json()
    assert data["state"] == "failed" and text in data["error"]
    code, target, _out, err = run_cli(case, tmp_path, content.encode(), capsys)
    assert code == 2 and not target.exists()
    assert err.strip().split(": error: ", 1)[1].replace(str(tmp_path / case.name), case.name) == data["error"]

"""The evaluation pages: the kinds, a kind's form (options as choices, errors named), the run page
with the upload's first rows, the progress and the result table, and the downloads."""

from __future__ import annotations

import io
from typing import Any

import polars as pl
from django.core.files.uploadedfile import SimpleUploadedFile

from jingjin.evaluations.options import EVALUATIONS
from jingjin.jobs.models import Job
from tests.evaluations.conftest import FIRMS, client_of


def test_the_index_lists_every_kind_and_the_menu_links_it(users: dict[str, Any]) -> None:
    page = client_of(users["reporter_a"]).get("/evaluations/")
    assert page.status_code == 200
    html = page.content.decode()
    for code in EVALUATIONS:
        assert f'href="/evaluations/{code}/"' in html
    assert 'href="/evaluations/"' in client_of(users["office"]).get("/jobs/").content.decode()


def test_the_form_has_the_command_lines_choices(users: dict[str, Any]) -> None:
    html = client_of(users["reporter_a"]).get("/evaluations/air-aqi/").content.decode()
    for choice in ("HJ633-2012", "HJ633-2026", "auto", "realtime", "skip"):
        assert f'value="{choice}"' in html
    assert 'name="time_column"' in html and 'type="file"' in html
    assert client_of(users["reporter_a"]).get("/evaluations/plough/").status_code == 404


def test_a_run_shows_the_upload_the_progress_and_the_result(
    users: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    client = client_of(users["reporter_a"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/evaluations/land/",
            {"file": SimpleUploadedFile("firms.csv", FIRMS.encode()), "scheme": "huangyan-2022"},
        )
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/evaluations/land/{job.pk}/"
    assert job.params == {
        "options": {"scheme": "huangyan-2022", "no_items": False, "normalize_weights": False}
    }
    html = client.get(response["Location"]).content.decode()
    assert 'data-testid="input-preview"' in html and "<td>4819.4</td>" in html
    assert 'data-testid="result-table"' in html and "Result (3 rows)" in html
    assert 'data-state="done"' in html and 'value="100"' in html
    assert 'data-polling="false"' in html
    status = client.get(f"/evaluations/land/{job.pk}/status/").content.decode()
    assert 'data-testid="result-table"' in status and '<th scope="col">score</th>' in status
    csv = client.get(f"/evaluations/land/{job.pk}/result?format=csv")
    assert pl.read_csv(io.BytesIO(csv.content))["enterprise_id"].to_list() == ["F1", "F2", "F3"]
    assert client.get(f"/evaluations/air-aqi/{job.pk}/").status_code == 404  # not of that kind
    other = client_of(users["reporter_b"])
    assert other.get(f"/evaluations/land/{job.pk}/").status_code == 404
    assert other.get(f"/evaluations/land/{job.pk}/result?format=csv").status_code == 404


def test_bad_options_or_files_are_named_on_the_form_and_nothing_is_queued(users: dict[str, Any]) -> None:
    client = client_of(users["reporter_a"])
    response = client.post(
        "/evaluations/air-aqi/",
        {"file": SimpleUploadedFile("a.csv", b"pm25_24h\n1\n"), "standard": "auto", "report": "daily"},
    )
    assert response.status_code == 400
    assert "standard auto picks the standard by date and needs time_column" in response.content.decode()
    response = client.post(
        "/evaluations/score/", {"file": SimpleUploadedFile("a.csv", b"x\n1\n"), "spec": "criteria: [\n"}
    )
    assert response.status_code == 400 and "Not valid YAML or JSON" in response.content.decode()
    response = client.post(
        "/evaluations/land/", {"file": SimpleUploadedFile("a.txt", b"x"), "scheme": "huangyan-2022"}
    )
    assert response.status_code == 400 and "unsupported file type" in response.content.decode()
    assert Job.objects.count() == 0


def test_a_failed_run_says_why(users: dict[str, Any], django_capture_on_commit_callbacks: Any) -> None:
    client = client_of(users["reporter_a"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/evaluations/land/",
            {
                "file": SimpleUploadedFile("firms.csv", FIRMS.replace("F2,20,", "F2,-20,").encode()),
                "scheme": "huangyan-2022",
            },
        )
    html = client.get(response["Location"]).content.decode()
    assert "column &#x27;land_mu&#x27;: negative land area in data row 2" in html
    assert 'data-testid="job-retry"' in html and 'data-testid="result-table"' not in html

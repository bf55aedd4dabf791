"""The API's OpenAPI document, its docs page, and a bounded schemathesis run finding no server error."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rest_framework.authtoken.models import Token

pytestmark = pytest.mark.django_db(transaction=True)


def test_openapi_document_lists_the_registry(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["openapi"].startswith("3.")
    paths = set(document["paths"])
    for name in ("units", "plans", "actions", "measures", "tasks", "indicators", "audit"):
        assert f"/api/{name}" in paths and f"/api/{name}/{{id}}" in paths
    assert {"tokenAuth", "cookieAuth"} <= set(document["components"]["securitySchemes"])


def test_docs_page_is_served_without_a_cdn(client):
    page = client.get("/api/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert "swagger-ui" in html
    assert "cdn" not in html.lower() and "https://" not in html.replace("https://github.com", "")


def _st() -> str:
    found = shutil.which("st", path=str(Path(sys.executable).parent))
    assert found, "schemathesis (st) is part of the dev dependencies"
    return found


def test_schemathesis_finds_no_server_error(live_server, users, tmp_path):
    """Every operation, examples and fuzzing bounded in number, as the plan office (full write access)."""
    token = Token.objects.create(user=users["office"]).key
    env = {**os.environ, "NO_COLOR": "1", "SCHEMATHESIS_HOOKS": ""}
    result = subprocess.run(
        [
            _st(),
            "run",
            f"{live_server.url}/api/openapi.json",
            "--checks",
            "not_a_server_error",
            "--max-examples",
            "5",
            "--seed",
            "2021",
            "--workers",
            "1",
            "--phases",
            "examples,fuzzing",
            "--exclude-path",
            "/api/auth/token",
            "--generation-deterministic",
            "--request-timeout",
            "20",
            "-H",
            f"Authorization: Token {token}",
            "--report",
            "junit",
            "--report-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    output = result.stdout + result.stderr
    (tmp_path / "st-output.txt").write_text(output)
    assert result.returncode == 0, output[-6000:]
    assert "passed" in output.lower() or "No issues found" in output, output[-3000:]

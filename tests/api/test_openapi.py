"""The API's OpenAPI document, its docs page, paging, and a bounded schemathesis run per role finding no
server error and no answer that differs from the document."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rest_framework.authtoken.models import Token

# the schemathesis runs read over HTTP from the live server (committed data); the other tests go
# through the test client inside the test's transaction (on PostgreSQL a transactional test's
# flush of every table took 3–5 s)
pytestmark = pytest.mark.django_db


def test_openapi_document_lists_the_registry(client, users):
    client.force_login(users["leader"])
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["openapi"].startswith("3.")
    paths = set(document["paths"])
    for name in ("units", "plans", "actions", "measures", "tasks", "indicators", "audit"):
        assert f"/api/{name}" in paths and f"/api/{name}/{{id}}" in paths
    assert {"tokenAuth", "cookieAuth"} <= set(document["components"]["securitySchemes"])


def test_docs_page_is_served_without_a_cdn(client, users):
    client.force_login(users["reporter_a"])
    page = client.get("/api/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert "swagger-ui" in html
    assert "cdn" not in html.lower() and "https://" not in html.replace("https://github.com", "")


def test_document_and_docs_need_signing_in(client, users):
    """Finding 11: /api/docs was readable without signing in."""
    assert client.get("/api/openapi.json").status_code == 401
    page = client.get("/api/docs")
    assert page.status_code == 302 and page["Location"].startswith("/accounts/login/")
    token = Token.objects.create(user=users["county_c"]).key
    assert client.get("/api/openapi.json", HTTP_AUTHORIZATION=f"Token {token}").status_code == 200


def _document(client, user) -> dict:
    client.force_login(user)
    return json.loads(client.get("/api/openapi.json").content)


def test_nullable_fields_are_declared_nullable(client, users):
    """Finding 10: fields declared non-null came back null (AuditEntry.unit, Report.reviewed_by,
    EarlyWarning.indicator); every read-only reference to a column that may be empty is nullable."""
    schemas = _document(client, users["office"])["components"]["schemas"]
    assert schemas["AuditEntry"]["properties"]["unit"].get("nullable") is True
    assert schemas["Report"]["properties"]["reviewed_by"].get("nullable") is True
    assert schemas["Report"]["properties"]["submitted_by"].get("nullable") is True
    assert schemas["EarlyWarning"]["properties"]["indicator"].get("nullable") is True
    assert schemas["EarlyWarning"]["properties"]["task"].get("nullable") is True
    assert schemas["SupervisionItem"]["properties"]["issued_by"].get("nullable") is True


def test_every_nullable_column_is_nullable_in_the_document(client, users):
    """The class of finding 10: walk every API serializer's model fields."""
    from drf_spectacular.generators import SchemaGenerator
    from rest_framework import serializers

    from jingjin.urls import router

    document = SchemaGenerator().get_schema(request=None, public=True)
    schemas = document["components"]["schemas"]
    missing = []
    for _prefix, viewset, _basename in router.registry:
        serializer_class = getattr(viewset, "serializer_class", None)
        if serializer_class is None or not issubclass(serializer_class, serializers.ModelSerializer):
            continue
        model = serializer_class.Meta.model
        component = schemas.get(serializer_class.__name__.removesuffix("Serializer"), {})
        for name, field in serializer_class().fields.items():
            names = {f.name for f in model._meta.get_fields()}
            if field.source.split(".")[0] not in names:  # not a model field
                continue
            model_field = model._meta.get_field(field.source.split(".")[0])
            if not (model_field.concrete and getattr(model_field, "null", False)):
                continue
            declared = component.get("properties", {}).get(name, {})
            if declared and not declared.get("nullable"):
                missing.append(f"{serializer_class.__name__}.{name}")
    assert not missing, missing


def test_cockpit_is_declared_an_object(client, users):
    """Finding 10: /api/cockpit was declared an array but returns an object."""
    document = _document(client, users["office"])
    schema = document["paths"]["/api/cockpit"]["get"]["responses"]["200"]["content"]["application/json"][
        "schema"
    ]
    assert schema == {"$ref": "#/components/schemas/Cockpit"}
    assert isinstance(client.get("/api/cockpit").json(), dict)


def test_error_responses_are_documented(client, users):
    """Finding 10: error responses were undocumented."""
    document = _document(client, users["office"])
    assert "Error" in document["components"]["schemas"]
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for code in ("400", "401", "403", "404", "409", "429"):
                assert code in operation["responses"], (method, path, code)
    assert client.get("/api/tasks/999999").status_code == 404


@pytest.mark.parametrize("name", ["page_size", "limit"])
def test_pagination_honours_page_size_with_a_maximum(client, users, name):
    """Finding 10: pagination ignored page_size."""
    client.force_login(users["office"])
    page = client.get(f"/api/units?{name}=2").json()
    assert page["count"] == 4 and len(page["results"]) == 2 and page["next"]
    assert len(client.get(f"/api/units?{name}=2&offset=2").json()["results"]) == 2
    for bad in ("0", "-1", "1001", "x", "1e3", ""):
        response = client.get(f"/api/units?{name}={bad}")
        assert response.status_code == 400, bad
        assert name in response.json()
    assert len(client.get(f"/api/units?{name}=1000").json()["results"]) == 4
    assert client.get("/api/units?offset=-1").status_code == 400


def _st() -> str:
    found = shutil.which("st", path=str(Path(sys.executable).parent))
    assert found, "schemathesis (st) is part of the dev dependencies"
    return found


CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
        "response_headers_conformance",
    ]
)
#: the roles the fuzzing runs as: the plan office (who may write everything), a unit user (whose
#: writes are scoped) and no one. What every other role may call on every endpoint is checked by
#: tests/core/test_permission_matrix.py; fuzzing each of them too cost CI two minutes a database.
ROLES = {
    "plan_office": ("office", "plan_office", "t"),
    "reporter": ("reporter_x", "reporter", "t.a"),
    "anonymous": None,
}
# generated requests per operation: the plan office may write everything, so it gets the most; an
# anonymous client gets 401 whatever it sends (the fuzz budget of CI: about a minute a database, with
# the operations of the key projects, parks and ecology apps)
EXAMPLES = {"plan_office": 4, "anonymous": 1}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", list(ROLES))
def test_schemathesis_finds_no_server_error_nor_schema_violation(
    live_server, loaded_plan, make_user, tmp_path, role
):
    """Every operation for every role, examples and fuzzing bounded in number (about half a minute a
    role): no 5xx, every status code, content type, header and body as the document says. The data
    have reports in several states (not yet reviewed: ``reviewed_by`` empty), supervision items
    without an issuer and early warnings, so that the answers hold the empty references too."""
    from datetime import date

    from jingjin.alerts.services import warnings_refresh
    from tests.dashboard.conftest import build_scenario

    build_scenario(loaded_plan)
    assert warnings_refresh(as_of=date(2024, 4, 11), notify=False).raised > 0
    reader = make_user("schema_reader", "leader", "t")
    document = tmp_path / "openapi.json"
    token_of_reader = Token.objects.create(user=reader).key
    import urllib.request

    request = urllib.request.Request(
        f"{live_server.url}/api/openapi.json", headers={"Authorization": f"Token {token_of_reader}"}
    )
    with urllib.request.urlopen(request) as answer:
        document.write_bytes(answer.read())
    headers = []
    if ROLES[role] is not None:
        user = make_user(*ROLES[role])
        headers = ["-H", f"Authorization: Token {Token.objects.get_or_create(user=user)[0].key}"]
    env = {**os.environ, "NO_COLOR": "1", "SCHEMATHESIS_HOOKS": ""}
    result = subprocess.run(
        [
            _st(),
            "run",
            str(document),
            "--url",
            live_server.url,
            "--checks",
            CHECKS,
            "--max-examples",
            str(EXAMPLES.get(role, 2)),
            "--seed",
            "2021",
            "--workers",
            "1",
            "--phases",
            "examples,fuzzing",
            "--exclude-path-regex",
            "^/api/auth/",
            "--generation-deterministic",
            "--request-timeout",
            "20",
            *headers,
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
    assert result.returncode == 0, output[-8000:]
    assert "passed" in output.lower() or "No issues found" in output, output[-3000:]


def test_an_unknown_api_address_answers_json(client, users):
    """An id the router does not match (``/api/plans/a.b``) got the HTML 404 page, not the JSON the
    document promises; pages keep the HTML page."""
    client.force_login(users["office"])
    for path in ("/api/plans/a.b", "/api/nothing-here", "/api/tasks/1/x/y"):
        client.cookies["django_language"] = "en"
        response = client.get(path)
        assert response.status_code == 404 and response["Content-Type"] == "application/json", path
        assert response.json() == {"detail": "Not found."}
    page = client.get("/no-such-page/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/measures/{measure}", "lead_unit"),
        ("/api/measures/{measure}", "co_units"),
        ("/api/tasks/{task}", "mechanisms"),
        ("/api/units/{unit}", "parent"),
    ],
)
def test_a_code_with_nul_is_a_400_not_a_500(client, users, path, field):
    """Found by schemathesis on PostgreSQL: a unit code with a NUL character in a PATCH gave 500
    (PostgreSQL refuses NUL in a query parameter); it is a 400 naming the field, nothing written."""
    from jingjin.core.models import AuditEntry, Unit
    from jingjin.plans.models import Measure, Task

    client.force_login(users["office"])
    url = path.format(
        measure=Measure.objects.get(code="A1.M1").pk,
        task=Task.objects.get(code="A1.M1.T1").pk,
        unit=Unit.objects.get(code="t.c").pk,
    )
    value = "t.a\x00" if field not in {"co_units", "mechanisms"} else ["t.b\x00x"]
    before = AuditEntry.objects.count()
    response = client.patch(url, {field: value}, content_type="application/json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert AuditEntry.objects.count() == before

"""A scheme's local indicators through their form: add, change, a bad value named by its field,
remove; only the plan office; the engine checks the scheme and grades with the new indicator."""

from __future__ import annotations

from typing import Any

import pytest

from jingjin.core.models import AuditEntry
from jingjin.land.models import EvaluationScheme

pytestmark = pytest.mark.django_db

URL = "/land/schemes/city/indicators/"
FORM = {
    "name": "tax_per_employee",
    "label": "人均税收",
    "unit": "万元/人",
    "numerator": "tax_10k",
    "denominator": "employees",
    "segment": "above_scale",
    "benchmark": "2",
    "weight": "10",
    "cap": "1.5",
}


def test_add_change_remove_a_local_indicator(world: dict[str, Any], client: Any, english: Any) -> None:
    client.force_login(world["users"]["county_c"])
    assert client.get(URL).status_code == 200
    assert client.post(URL, FORM).status_code == 403
    client.force_login(world["office"])
    assert client.post(URL, FORM).status_code == 302
    body = EvaluationScheme.objects.get(code="city").body
    assert body["indicators"]["tax_per_employee"]["denominator"] == "employees"
    criteria = body["segments"]["above_scale"]["criteria"]
    assert body["segments"]["above_scale"]["total"] == 110  # 60 + 40 + the local 10
    assert criteria[-1] == {
        "column": "tax_per_employee", "label": "人均税收", "normalize": "ratio", "benchmark": 2.0,
        "weight": 10.0, "cap": 1.5,
    }  # fmt: skip
    page = client.get(URL + "?name=tax_per_employee")
    assert b'data-indicator="tax_per_employee"' in page.content
    assert page.context["form"].initial["benchmark"] == 2.0
    assert client.post(URL, {**FORM, "benchmark": "3"}).status_code == 302  # changed, not added twice
    criteria = EvaluationScheme.objects.get(code="city").body["segments"]["above_scale"]["criteria"]
    assert [c["benchmark"] for c in criteria if c["column"] == "tax_per_employee"] == [3.0]
    bad = client.post(URL, {**FORM, "denominator": "tax_10k"})
    assert bad.status_code == 400 and bad.context["form"].errors["denominator"]
    builtin = client.post(URL, {**FORM, "name": "tax_per_mu"})
    assert builtin.status_code == 400 and builtin.context["form"].errors["name"]
    negative = client.post(URL, {**FORM, "weight": "-1"})
    assert negative.status_code == 400 and negative.context["form"].errors["weight"]
    assert client.post(URL, {"delete": "tax_per_employee"}).status_code == 302
    body = EvaluationScheme.objects.get(code="city").body
    assert "tax_per_employee" not in body["indicators"]
    assert all(c["column"] != "tax_per_employee" for c in body["segments"]["above_scale"]["criteria"])
    assert body["segments"]["above_scale"]["total"] == 100
    assert AuditEntry.objects.filter(content_type__model="evaluationscheme", action="update").count() == 3

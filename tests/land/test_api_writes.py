"""The campaign's writes through ``/api/land-campaigns`` (the pages' services): create, run,
review, file and decide an appeal, publish; who may; a bad request names its field."""

from __future__ import annotations

from typing import Any

import pytest

from jingjin.core.models import AuditEntry
from jingjin.jobs.models import Job
from jingjin.land import services
from jingjin.land.models import Appeal, EvaluationCampaign
from tests.land.conftest import CODES, imported

pytestmark = pytest.mark.django_db

API = "/api/land-campaigns"


def test_create_a_campaign(world: dict[str, Any], client: Any) -> None:
    client.force_login(world["users"]["county_c"])
    body = {"year": 2023, "title": "2023年度", "scheme": "city"}
    assert client.post(API, body, content_type="application/json").status_code == 403
    client.force_login(world["office"])
    response = client.post(API, body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["state"] == "draft" and response.json()["scheme"] == "city"
    bad = client.post(API, {**body, "year": 2024, "scheme": "nope"}, content_type="application/json")
    assert bad.status_code == 400 and "scheme" in bad.json()
    twice = client.post(API, body, content_type="application/json")  # one campaign per year
    assert twice.status_code == 400 and "year" in twice.json()
    assert EvaluationCampaign.objects.filter(year=2023).count() == 1


def test_run_review_appeal_decide_publish(world: dict[str, Any], client: Any) -> None:
    campaign = world["campaign"]
    url = f"{API}/{campaign.pk}"
    client.force_login(world["office"])
    draft = client.post(f"{url}/run")
    assert draft.status_code == 400 and "state" in draft.json()  # no data yet
    imported(world)
    response = client.post(f"{url}/run")
    assert response.status_code == 202 and Job.objects.filter(pk=response.json()["job"]).exists()
    services.campaign_evaluate(actor=world["office"], campaign=campaign)  # the job's work
    county = world["users"]["county_c"]
    client.force_login(county)
    assert client.post(f"{url}/review").status_code == 403
    client.force_login(world["office"])
    assert client.post(f"{url}/review").json()["state"] == "under_review"
    # a county user appeals for a firm of its county, not for another's
    client.force_login(county)
    other = client.post(f"{url}/appeals", {"credit_code": CODES[3], "reason": "x"})
    assert other.status_code == 400 and "credit_code" in other.json()
    assert client.post(f"{url}/appeals", {"credit_code": CODES[2]}).json().keys() == {"reason"}
    filed = client.post(f"{url}/appeals", {"credit_code": CODES[2], "reason": "营业收入少计"})
    assert filed.status_code == 201 and filed.json()["class_before"] == "C"
    pk = filed.json()["id"]
    assert [a["id"] for a in client.get(f"{url}/appeals").json()] == [pk]
    assert client.post(f"{url}/appeals/{pk}/decide", {"accept": True, "decision": "x"}).status_code == 403
    client.force_login(world["users"]["leader"])
    assert client.post(f"{url}/appeals", {"credit_code": CODES[2], "reason": "x"}).status_code == 403
    client.force_login(world["office"])
    assert client.post(f"{url}/publish").status_code == 400  # an appeal is pending
    body = {"accept": True, "decision": "核实后更正", "corrections": {"tax_10k": "x"}}
    bad = client.post(f"{url}/appeals/{pk}/decide", body, content_type="application/json")
    assert bad.status_code == 400 and "corrections" in bad.json()
    body["corrections"] = {}
    empty = client.post(f"{url}/appeals/{pk}/decide", body, content_type="application/json")
    assert empty.status_code == 400 and "corrections" in empty.json()
    body["corrections"] = {"tax_10k": 100}
    jobs = Job.objects.count()
    decided = client.post(f"{url}/appeals/{pk}/decide", body, content_type="application/json")
    assert decided.status_code == 200 and decided.json()["state"] == "accepted"
    assert Job.objects.count() == jobs + 1  # the run again
    services.campaign_evaluate(actor=world["office"], campaign=campaign)
    appeal = Appeal.objects.get(pk=pk)
    assert (appeal.class_before, appeal.class_after) == ("C", "A")
    assert AuditEntry.objects.filter(content_type__model="appeal", source="api").count() == 2
    published = client.post(f"{url}/publish", {"deadline": "2023-12-31"}, content_type="application/json")
    assert published.status_code == 200 and published.json()["state"] == "published"
    again = client.post(f"{url}/publish")
    assert again.status_code == 400 and "state" in again.json()

"""The campaign page's figures are cached until the next write to the campaign: a repeat view
reads them from the cache (fewer queries), a write (an appeal, a run) shows at once."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jingjin.land import services
from tests.land.conftest import CODES, imported

pytestmark = pytest.mark.django_db


def _view(client: Any) -> tuple[Any, int]:
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/land/2022/")
    assert page.status_code == 200
    return page, len(queries)


def test_a_write_invalidates_the_cached_page(world: dict[str, Any], client: Any) -> None:
    campaign = imported(world)
    office = world["office"]
    services.campaign_evaluate(actor=office, campaign=campaign)
    client.force_login(office)
    first, cold = _view(client)
    again, warm = _view(client)
    assert warm <= cold - 4 and again.context["counts"] == first.context["counts"]
    campaign.refresh_from_db()
    services.campaign_start_review(actor=office, campaign=campaign)
    services.appeal_file(actor=office, campaign=campaign, credit_code=CODES[2], reason="营业收入少计")
    page, _n = _view(client)
    assert [a.credit_code for a in page.context["appeals"]] == [CODES[2]]
    appeal = page.context["appeals"][0]
    services.appeal_decide(
        actor=office, appeal=appeal, accept=True, decision="更正", corrections={"tax_10k": 100}
    )
    services.campaign_evaluate(actor=office, campaign=campaign)
    page, _n = _view(client)
    assert page.context["appeals"][0].class_after == "A"
    assert page.context["counts"]["A"] == first.context["counts"]["A"] + 1


def test_the_cache_is_per_scope(world: dict[str, Any], client: Any) -> None:
    campaign = imported(world)
    services.campaign_evaluate(actor=world["office"], campaign=campaign)
    client.force_login(world["office"])
    everyone = sum(_view(client)[0].context["counts"].values())
    client.force_login(world["users"]["county_c"])
    county = sum(_view(client)[0].context["counts"].values())
    assert (everyone, county) == (4, 3)  # the fifth firm, with no energy, is not graded

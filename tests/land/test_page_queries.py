"""The campaign, results, firm and API pages make as many SQL queries with more firms as with few."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jingjin.land import services
from jingjin.land.models import FirmResult
from tests.land.conftest import CODES, code, imported

pytestmark = pytest.mark.django_db


def _counts(client: Any, campaign: Any) -> dict[str, int]:
    counts = {}
    for path in (
        "/land/",
        "/land/2022/",
        "/land/2022/results/",
        f"/land/firms/{CODES[0]}/",
        "/land/rectifications/",
        f"/api/land-campaigns/{campaign.pk}/results",
    ):
        cache.clear()  # the campaign page's figures are cached: count the queries of a first view
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200, path
        counts[path] = len(queries)
    return counts


def test_queries_do_not_grow_with_the_firms(world: dict[str, Any], client: Any) -> None:
    campaign = imported(world)
    services.campaign_evaluate(actor=world["office"], campaign=campaign)
    client.force_login(world["office"])
    few = _counts(client, campaign)
    template = FirmResult.objects.get(credit_code=CODES[1])
    for i in range(30):
        template.pk = None
        template.credit_code = code(500 + i)
        template.park_name = f"园区{i % 4}"
        template.industry_name = f"产业{i % 3}"
        template.flags = ["outlier:tax_per_mu"]
        template.save()
    assert _counts(client, campaign) == few

"""An accepted appeal on a red/black list computed by a configurable scheme (issue 17's lists):
the list is scored again by the version it was published with, so its deductions and their caps
still count for every entry, and the corrected figure moves the appellant's score."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from django.utils import timezone

from jingjin.appeals import services
from jingjin.assessment import services as assessment
from jingjin.assessment.corrections import correctable_criteria
from jingjin.assessment.models import RankingScheme
from tests.appeals.conftest import entry_of
from tests.assessment.conftest import AFTER
from tests.assessment.test_scheme_lists import DEDUCT, _revise


@pytest.fixture
def published(users: Any, march: Any, schemes: Any) -> Any:
    office = users["office"]
    assert assessment.ranking_schemes_convert(actor=office) == 3
    _revise(office, "rb-departments", march, adjustments=DEDUCT)  # t.a: −4 capped at −3
    listed = assessment.ranking_list_compute(
        actor=office, scheme=RankingScheme.objects.get(code="departments"), period=march, today=AFTER
    )
    listed = assessment.ranking_list_publish(actor=office, ranking_list=listed)
    listed.published_at = timezone.make_aware(datetime(2024, 4, 20, 10))
    listed.save(update_fields=["published_at"])
    return listed


def test_the_correction_keeps_the_schemes_deductions(users: Any, published: Any) -> None:
    assert published.assessment_scheme is not None
    a, b = entry_of(published, "t.a"), entry_of(published, "t.b")
    assert any(i["criterion"] == "deduction" for i in a.items)
    criterion = next(i for i in b.items if i.get("weight") and i["value"] is not None and i["value"] < 100)
    assert criterion["criterion"] in correctable_criteria(published)
    appeal = services.appeal_file(
        actor=users["reporter_b"], entry=b, reason="数据有误", today=published.published_at.date()
    )
    services.appeal_accept(
        actor=users["office"], appeal=appeal, decision="更正", corrections={criterion["criterion"]: 100}
    )
    a2, b2 = entry_of(published, "t.a"), entry_of(published, "t.b")
    gain = (100 - criterion["value"]) * criterion["weight"]
    assert b2.score == pytest.approx(b.score + gain, abs=0.01)
    assert a2.score == pytest.approx(a.score)  # still with its capped deduction of 3
    assert any(i["criterion"] == "deduction" and i["contribution"] == -3.0 for i in a2.items)
    corrected = next(i for i in b2.items if i["criterion"] == criterion["criterion"])
    assert corrected["value"] == 100 and corrected["corrected_from"] == criterion["value"]
    for entry in (a2, b2):
        assert sum(i["contribution"] for i in entry.items) == pytest.approx(entry.score, abs=0.01)

"""The pages: latest lists, one list with the explanation, a unit's history, the office's actions."""

from __future__ import annotations

from datetime import date
from unittest import mock

import pytest

from jingjin.assessment import services
from jingjin.assessment.models import RankingList
from jingjin.core.models import Unit
from tests.assessment.conftest import AFTER
from tests.conftest import PASSWORD


def _login(client, user):
    client.login(username=user.get_username(), password=PASSWORD)
    return client


def test_office_computes_exempts_and_publishes_through_the_pages(client, users, march, schemes):
    _login(client, users["office"])
    page = client.get("/lists/")
    assert page.status_code == 200 and b'data-testid="compute-form"' in page.content
    with mock.patch("jingjin.assessment.services.today_local", return_value=AFTER):
        done = client.post("/lists/compute/", {"scheme": "departments", "period": "2024-03"})
        listed = RankingList.objects.get()
        assert done.status_code == 302 and done.url == f"/lists/{listed.pk}/"
        html = client.get(done.url).content.decode()
        assert (
            "How the score is made" in html
            and "On-time reporting" in html
            and 'data-testid="publish"' in html
        )
        assert "Bureau A" in html and "79.63" in html
        exempted = client.post(
            f"/lists/{listed.pk}/exempt/", {"unit": "t.b", "reason": "山体滑坡"}, follow=True
        )
        assert "山体滑坡" in exempted.content.decode()
    published = client.post(f"/lists/{listed.pk}/publish/", follow=True)
    assert "The list is published." in published.content.decode()
    listed.refresh_from_db()
    assert listed.status == "published"
    latest = client.get("/lists/").content.decode()
    assert 'data-testid="latest-departments"' in latest and "Bureau A" in latest


def test_compute_refuses_an_open_period_with_a_message(client, users, schemes):
    _login(client, users["office"])
    with mock.patch("jingjin.assessment.services.today_local", return_value=date(2024, 4, 20)):
        page = client.post("/lists/compute/", {"scheme": "departments", "period": "2024-04"}, follow=True)
    assert "has not passed yet" in page.content.decode()
    assert not RankingList.objects.exists()


@pytest.mark.parametrize("who", ["reporter_a", "leader"])
def test_others_read_published_lists_only_and_get_403_on_actions(client, users, march, schemes, who):
    listed = services.ranking_list_compute(
        actor=users["office"], scheme=schemes["departments"], period=march, today=AFTER
    )
    _login(client, users[who])
    assert client.get(f"/lists/{listed.pk}/").status_code == 404  # a draft
    assert client.post("/lists/compute/", {"scheme": "departments", "period": "2024-03"}).status_code == 403
    assert client.post(f"/lists/{listed.pk}/publish/").status_code == 403
    assert client.post(f"/lists/{listed.pk}/exempt/", {"unit": "t.a", "reason": "x"}).status_code == 403
    services.ranking_list_publish(actor=users["office"], ranking_list=listed)
    page = client.get(f"/lists/{listed.pk}/").content.decode()
    assert 'data-testid="publish"' not in page and "Black list" in page
    history = client.get(f"/lists/units/{Unit.objects.get(code='t.a').code}/")
    assert history.status_code == 200 and "2024-03" in history.content.decode()


def test_pages_need_sign_in(client):
    assert client.get("/lists/").status_code == 302

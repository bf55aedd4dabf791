"""The supervision pages: the list per user, issuing, the item page with its buttons and history."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from jingjin.supervision.choices import ItemState
from jingjin.supervision.models import SupervisionItem

pytestmark = pytest.mark.django_db


def signed_in(client, user):
    client.force_login(user)
    return client


def test_pages_need_a_signed_in_user(client, item):
    for url in ("/supervision/", "/supervision/new/", f"/supervision/{item.code}/"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_list_shows_the_units_own_items_with_their_signals(client, users, make_item):
    today = timezone.localdate()
    soon = make_item(unit="t.a", deadline=today + timedelta(days=1), title="甲局快到期")
    late = make_item(unit="t.a", deadline=today, title="甲局已逾期")
    SupervisionItem.objects.filter(pk=late.pk).update(deadline=today - timedelta(days=2))
    other = make_item(unit="t.b", title="乙局的事")

    html = signed_in(client, users["reporter_a"]).get("/supervision/").content.decode()
    assert soon.title in html and late.title in html and other.title not in html
    assert 'data-signal="overdue"' in html and 'data-signal="due_soon"' in html
    assert 'data-testid="issue-item"' not in html
    assert html.index(late.title) < html.index(soon.title)  # overdue first

    html = signed_in(client, users["office"]).get("/supervision/").content.decode()
    assert other.title in html and 'data-testid="issue-item"' in html and 'data-testid="summary"' in html
    html = client.get("/supervision/?signal=overdue").content.decode()
    assert late.title in html and soon.title not in html and other.title not in html
    html = client.get("/supervision/?state=assigned&unit=t.b").content.decode()
    assert other.title in html and late.title not in html
    assert client.get("/supervision/?state=bogus&signal=x&page=99").status_code == 200


def test_the_plan_office_issues_an_item(client, users):
    office = signed_in(client, users["office"])
    assert office.get("/supervision/new/").status_code == 200
    deadline = timezone.localdate() + timedelta(days=7)
    response = office.post(
        "/supervision/new/",
        {"title": "核查进度", "body": "请核查", "assignee_unit": "t.c", "task": "", "deadline": deadline},
    )
    item = SupervisionItem.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/supervision/{item.code}/"
    assert (item.assignee_unit.code, item.deadline, item.task) == ("t.c", deadline, None)

    response = office.post(
        "/supervision/new/",
        {"title": "太早", "assignee_unit": "t.a", "deadline": timezone.localdate() - timedelta(days=1)},
    )
    assert response.status_code == 400 and SupervisionItem.objects.count() == 1


@pytest.mark.parametrize("who", ["reporter_a", "county_c", "leader"])
def test_only_the_plan_office_may_open_the_issue_form(client, users, who):
    assert signed_in(client, users[who]).get("/supervision/new/").status_code == 403
    assert client.post("/supervision/new/", {"title": "x"}).status_code == 403


def test_the_item_page_offers_each_user_their_next_step(client, users, item):
    url = f"/supervision/{item.code}/"
    html = signed_in(client, users["reporter_a"]).get(url).content.decode()
    assert 'data-testid="do-acknowledge"' in html and 'data-testid="history"' in html
    assert 'data-testid="steps"' in html
    for who in ("reporter_b", "leader", "office"):
        html = signed_in(client, users[who]).get(url).content.decode()
        assert 'data-testid="do-' not in html, who
    assert client.get("/supervision/DB-1999-0001/").status_code == 404


def test_steps_from_the_item_page(client, users, item):
    url = f"/supervision/{item.code}/"
    reporter = signed_in(client, users["reporter_a"])
    assert reporter.get(f"{url}acknowledge/").status_code == 405
    assert reporter.post(f"{url}acknowledge/", {"text": "收到"}).status_code == 302
    assert reporter.post(f"{url}start/", {"text": ""}).status_code == 302
    response = reporter.post(f"{url}answer/", {"text": "  "}, follow=True)
    item.refresh_from_db()
    assert item.state == ItemState.IN_PROGRESS
    assert 'class="alert alert-danger"' in response.content.decode()
    response = reporter.post(f"{url}acknowledge/", {"text": ""}, follow=True)  # not possible now
    assert 'class="alert alert-danger"' in response.content.decode()
    reporter.post(f"{url}answer/", {"text": "办理完毕"})
    item.refresh_from_db()
    assert item.state == ItemState.ANSWERED

    assert signed_in(client, users["reporter_b"]).post(f"{url}close/", {"text": ""}).status_code == 403
    assert signed_in(client, users["leader"]).post(f"{url}close/", {"text": ""}).status_code == 403
    assert signed_in(client, users["office"]).post(f"{url}delete/", {"text": ""}).status_code == 404
    assert client.post(f"{url}close/", {"text": "办结"}).status_code == 302
    item.refresh_from_db()
    assert item.state == ItemState.CLOSED
    html = client.get(url).content.decode()
    assert "办理完毕" in html and 'data-state="closed"' in html and html.count('data-step="') == 5


def test_the_list_page_needs_no_more_queries_for_more_items(client, users, make_item):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    office = signed_in(client, users["office"])

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert office.get("/supervision/").status_code == 200
        return len(context.captured_queries)

    make_item(unit="t.a", title="一")
    few = queries()
    for n, unit in enumerate(["t.a", "t.b", "t.c", "t.b", "t.c", "t.a"]):
        make_item(unit=unit, title=f"多{n}", state=ItemState.ANSWERED if n % 2 else ItemState.ASSIGNED)
    assert queries() == few

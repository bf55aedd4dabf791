"""The pages: the "file an appeal" button on the unit's entry (only its own, only within the window),
the filing form, the office's queue and detail with the decision, the marks on the list."""

from __future__ import annotations

from typing import Any

import pytest

from jingjin.appeals import services
from tests.appeals.conftest import PUBLISHED, entry_of
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _as(client: Any, user: Any) -> Any:
    client.logout()
    client.login(username=user.get_username(), password=PASSWORD)
    return client


def _buttons(html: str) -> int:
    return html.count('data-testid="file-appeal"')


def test_the_button_the_form_the_queue_and_the_mark(
    client: Any, users: Any, published: Any, settings: Any
) -> None:
    settings.JINGJIN_AS_OF = "2024-04-25"  # the window's last day
    b = entry_of(published, "t.b")
    page = _as(client, users["reporter_b"]).get(f"/lists/{published.pk}/").content.decode()
    assert _buttons(page) == 1 and f"/appeals/file/{b.pk}/" in page  # its own entry only
    assert _buttons(_as(client, users["leader"]).get(f"/lists/{published.pk}/").content.decode()) == 0
    reporter = _as(client, users["reporter_b"])
    form = reporter.get(f"/appeals/file/{b.pk}/")
    assert form.status_code == 200 and "2024-04-25" in form.content.decode()
    assert reporter.get(f"/appeals/file/{entry_of(published, 't.a').pk}/").status_code == 403
    assert reporter.post(f"/appeals/file/{b.pk}/", {"reason": ""}).status_code == 400
    done = reporter.post(f"/appeals/file/{b.pk}/", {"reason": "指标已达成。"})
    assert done.status_code == 302
    page = reporter.get(f"/lists/{published.pk}/").content.decode()
    assert 'data-appeal="filed"' in page and _buttons(page) == 0  # waiting: no second button

    office = _as(client, users["office"])
    queue = office.get("/appeals/").content.decode()
    assert "指标已达成。" in queue
    appeal = published.appeals.get()
    detail = office.get(f"/appeals/{appeal.pk}/").content.decode()
    assert 'data-testid="decide-form"' in detail and 'name="value_attainment"' in detail
    refused = office.post(f"/appeals/{appeal.pk}/decide/", {"outcome": "accept", "decision": "核实"})
    assert refused.status_code == 400  # no correction
    ok = office.post(
        f"/appeals/{appeal.pk}/decide/", {"outcome": "accept", "decision": "核实", "value_attainment": "100"}
    )
    assert ok.status_code == 302
    page = office.get(f"/lists/{published.pk}/").content.decode()
    assert 'data-appeal="accepted"' in page and "Appeal: accepted" in page
    lists = office.get("/lists/").content.decode()
    assert "Appeal: accepted" in lists
    detail = _as(client, users["reporter_b"]).get(f"/appeals/{appeal.pk}/").content.decode()
    assert 'data-testid="decide-form"' not in detail and "100.00" in detail
    assert _as(client, users["reporter_a"]).get(f"/appeals/{appeal.pk}/").status_code == 404


def test_no_button_after_the_window(client: Any, users: Any, published: Any, settings: Any) -> None:
    settings.JINGJIN_AS_OF = "2024-04-26"
    reporter = _as(client, users["reporter_b"])
    assert _buttons(reporter.get(f"/lists/{published.pk}/").content.decode()) == 0
    form = reporter.get(f"/appeals/file/{entry_of(published, 't.b').pk}/").content.decode()
    assert 'data-testid="window-closed"' in form and 'data-testid="file-form"' not in form


def test_a_rejected_appeal_is_marked(client: Any, users: Any, published: Any) -> None:
    appeal = services.appeal_file(
        actor=users["reporter_b"], entry=entry_of(published, "t.b"), reason="异议", today=PUBLISHED
    )
    services.appeal_reject(actor=users["office"], appeal=appeal, decision="证据不足")
    page = _as(client, users["leader"]).get(f"/lists/{published.pk}/").content.decode()
    assert 'data-appeal="rejected"' in page and "Appeal: rejected" in page

"""Pages and API: 一键催报 on the reporting overview and ``POST /api/periods/{code}/urge``, the
reminder history, the notification settings page, and the bulletin job."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from jingjin.alerts.choices import NotificationKind
from jingjin.alerts.models import Notification
from jingjin.core.models import AuditEntry
from jingjin.notifications.choices import ReminderKind
from jingjin.notifications.models import Preference, Reminder, UserChannels
from tests.notifications.conftest import submit

pytestmark = pytest.mark.django_db


def client_of(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def _today(settings: Any) -> None:
    settings.JINGJIN_AS_OF = "2024-04-08"


def test_urge_all_from_the_overview(people: dict[str, Any], period: Any, task_a: Any) -> None:
    submit(people["reporter_a"], task_a, period)  # t.a has its report in; t.b not
    office = client_of(people["office"])
    page = office.get("/reports/overview/?period=2024-03")
    assert page.status_code == 200 and b'data-testid="urge-all"' in page.content
    answer = office.post("/notifications/urge/", {"period": "2024-03"}, follow=True)
    assert answer.redirect_chain[-1][0] == "/reports/overview/?period=2024-03"
    assert "1 unit with missing reports of 2024-03 was urged." in answer.content.decode()
    reminder = Reminder.objects.get()
    assert (reminder.kind, reminder.unit.code, reminder.sent_by, reminder.tasks) == (
        ReminderKind.URGE,
        "t.b",
        people["office"],
        ["A1.M1.T2"],
    )
    assert AuditEntry.objects.filter(content_type__model="reminder", user=people["office"]).count() == 1
    [note] = Notification.objects.filter(kind=NotificationKind.REMINDER)
    assert note.user == people["reporter_b"]
    assert note.text == (
        "The plan office urges Bureau B: 1 report(s) for 2024-03 are not submitted (deadline 2024-04-05)."
    )
    again = office.post("/notifications/urge/", {"period": "2024-03"}, follow=True)
    assert "1 unit was already urged today." in again.content.decode()
    assert Reminder.objects.count() == 1


def test_only_the_plan_office_urges(people: dict[str, Any], period: Any) -> None:
    assert client_of(people["leader"]).post("/notifications/urge/", {"period": "2024-03"}).status_code == 403
    assert (
        client_of(people["reporter_a"]).post("/notifications/urge/", {"period": "2024-03"}).status_code == 403
    )
    page = client_of(people["leader"]).get("/reports/overview/?period=2024-03")
    assert page.status_code == 200 and b'data-testid="urge-all"' not in page.content
    assert not Reminder.objects.exists()


def test_urge_an_unknown_period(people: dict[str, Any]) -> None:
    answer = client_of(people["office"]).post("/notifications/urge/", {"period": "2024-13"}, follow=True)
    assert "period: there is no reporting period 2024-13." in answer.content.decode()
    assert not Reminder.objects.exists()


def test_urge_through_the_api(people: dict[str, Any], period: Any) -> None:
    api = APIClient()
    api.force_authenticate(people["office"])
    answer = api.post("/api/periods/2024-03/urge")
    assert answer.status_code == 200
    assert answer.json() == {"period": "2024-03", "urged": 2, "already_today": 0, "units": ["t.a", "t.b"]}
    assert api.post("/api/periods/2024-03/urge").json()["already_today"] == 2
    assert api.post("/api/periods/2031-01/urge").status_code == 404
    history = api.get("/api/reminders?period=2024-03&kind=urge")
    assert history.status_code == 200
    assert sorted((r["unit"], r["kind"], r["sent_by"]) for r in history.json()["results"]) == [
        ("t.a", "urge", "office"),
        ("t.b", "urge", "office"),
    ]
    assert api.get("/api/reminders?kind=nonsense").status_code == 400
    reporter = APIClient()
    reporter.force_authenticate(people["reporter_a"])
    assert reporter.post("/api/periods/2024-03/urge").status_code == 403
    assert reporter.get("/api/reminders").status_code == 403
    assert APIClient().post("/api/periods/2024-03/urge").status_code in (401, 403)
    assert Reminder.objects.count() == 2


def test_reminder_history_page(people: dict[str, Any], period: Any) -> None:
    from datetime import date

    from jingjin.notifications.services import reminders_send

    reminders_send(as_of=date(2024, 4, 8))
    page = client_of(people["office"]).get("/notifications/reminders/?period=2024-03")
    text = page.content.decode()
    assert page.status_code == 200
    assert text.count('data-kind="escalation"') == 2 and text.count('data-kind="overdue"') == 2
    assert client_of(people["leader"]).get("/notifications/reminders/").status_code == 200
    assert client_of(people["reporter_a"]).get("/notifications/reminders/").status_code == 403


def test_settings_page(people: dict[str, Any], settings: Any) -> None:
    settings.JINGJIN_WEBHOOK_HOSTS = ["qyapi.example"]
    user = people["reporter_a"]
    client = client_of(user)
    page = client.get("/notifications/settings/")
    assert page.status_code == 200
    assert page.content.decode().count('type="checkbox"') == 8 * 3
    assert b'name="unit_webhook_url"' not in page.content  # a reporter does not set the unit's robot
    form = {f"{kind}:in_app": "on" for kind in NotificationKind.values if kind != "report_submitted"}
    form |= {"reminder:webhook": "on", "webhook_url": "https://qyapi.example/cgi-bin/webhook/send?key=1"}
    answer = client.post("/notifications/settings/", form, follow=True)
    assert answer.status_code == 200
    reminder = Preference.objects.get(user=user, kind="reminder")
    assert (reminder.in_app, reminder.email, reminder.webhook) == (True, False, True)
    submitted = Preference.objects.get(user=user, kind="report_submitted")
    assert (submitted.in_app, submitted.email, submitted.webhook) == (False, False, False)
    assert (
        UserChannels.objects.get(user=user).webhook_url == "https://qyapi.example/cgi-bin/webhook/send?key=1"
    )
    entry = AuditEntry.objects.filter(content_type__model="userchannels").latest("id")
    assert entry.after is not None and entry.after["preferences"]["reminder"] == ["in_app", "webhook"]


def test_settings_page_refuses_a_bad_address(people: dict[str, Any]) -> None:
    client = client_of(people["approver_a"])
    assert b'name="unit_webhook_url"' in client.get("/notifications/settings/").content
    answer = client.post(
        "/notifications/settings/", {"webhook_url": "javascript:alert(1)", "unit_webhook_url": ""}
    )
    assert answer.status_code == 400
    assert "Give a web address starting with http:// or https://." in answer.content.decode()
    assert not UserChannels.objects.exists() and not Preference.objects.exists()


def test_bulletin_job_by_the_plan_office(
    people: dict[str, Any], period: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from jingjin.jobs.services import job_submit

    with django_capture_on_commit_callbacks(execute=True):
        job = job_submit(
            actor=people["office"], kind="bulletin", params={"period": "2024-03", "format": "docx"}
        )
    job.refresh_from_db()
    assert job.state == "done", job.error
    assert job.result_name == "bulletin-2024-03.docx"
    assert job.summary["period"] == "2024-03"
    download = client_of(people["office"]).get(f"/jobs/{job.pk}/result")
    assert download.status_code == 200
    assert b"".join(download.streaming_content)[:2] == b"PK"  # a Word file is a zip


def test_scheduled_bulletin_of_the_last_month_as_pdf(
    people: dict[str, Any], period: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """On the 6th the schedule prints the last month's bulletin as the system; the plan office is
    told and downloads it from My jobs."""
    from jingjin.notifications.services import schedule_submit

    with django_capture_on_commit_callbacks(execute=True):
        job = schedule_submit("bulletin")
    job.refresh_from_db()
    assert job.state == "done", job.error
    assert job.owner is None and job.result_name == "bulletin-2024-03.pdf"
    assert job.result_file.open("rb").read(5) == b"%PDF-"
    [note] = Notification.objects.filter(kind=NotificationKind.JOB_FINISHED)
    assert note.user == people["office"]
    assert client_of(people["office"]).get(f"/jobs/{job.pk}/result").status_code == 200


def test_only_the_plan_office_starts_a_bulletin(people: dict[str, Any]) -> None:
    from jingjin.core.permissions import PermissionDenied
    from jingjin.jobs.services import job_submit

    with pytest.raises(PermissionDenied):
        job_submit(actor=people["reporter_a"], kind="bulletin")


def test_the_reporting_menu_of_the_reminders_page_offers_what_the_user_may_do(people: dict[str, Any]) -> None:
    """The menu's entries come from the named predicates (no role is compared in a template), on
    every page that shows it — the reminders page too."""
    office = client_of(people["office"]).get("/notifications/reminders/?period=2024-03").content.decode()
    assert 'data-testid="nav-review"' in office and 'data-testid="nav-reminders"' in office
    leader = client_of(people["leader"]).get("/notifications/reminders/").content.decode()
    assert 'data-testid="nav-review"' not in leader and 'data-testid="nav-reminders"' in leader

"""Notifications per channel: in the app, by e-mail through a local SMTP server, by webhook to a
local receiver; preferences honoured; failures logged and retried a bounded number of times; the
events that notify (approved reports, finished jobs, new warnings)."""

from __future__ import annotations

import email
from email.header import decode_header, make_header
from typing import Any

import pytest

from jingjin.alerts.choices import NotificationKind
from jingjin.alerts.models import Notification
from jingjin.notifications.choices import Channel, DeliveryState
from jingjin.notifications.models import Delivery
from jingjin.notifications.services import delivery_send, notify, preferences_save, unit_webhook_set
from tests.notifications.conftest import SmtpServer, WebhookReceiver, submit

pytestmark = pytest.mark.django_db

PARAMS = {
    "task": "A1.M1.T1",
    "task_zh": "甲局任务",
    "task_en": "Task of A",
    "period": "2024-03",
    "reviewer": "approver_a",
    "comment": "请补充佐证材料",
}


def subject_of(message: bytes) -> str:
    parsed = email.message_from_bytes(message)
    return str(make_header(decode_header(parsed["Subject"])))


def body_of(message: bytes) -> str:
    parsed = email.message_from_bytes(message)
    payload = parsed.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode(parsed.get_content_charset() or "utf-8")


def test_email_through_a_local_smtp_server(
    people: dict[str, Any], smtp_server: SmtpServer, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        count = notify(
            users=[people["reporter_a"]],
            kind=NotificationKind.REPORT_RETURNED,
            params=PARAMS,
            link="/reports/2024-03/tasks/1/",
        )
    assert count == 1
    [message] = smtp_server.messages
    assert message["rcpt"] == ["reporter_a@example.org"]
    assert subject_of(message["data"]) == "[Jingjin] Report returned"
    body = body_of(message["data"])
    assert "Your report of A1.M1.T1 Task of A for 2024-03 was returned by approver_a: 请补充佐证材料" in body
    assert "https://jingjin.example/reports/2024-03/tasks/1/" in body
    delivery = Delivery.objects.get()
    assert (delivery.channel, delivery.state, delivery.attempts) == (Channel.EMAIL, DeliveryState.SENT, 1)
    assert delivery.sent_at is not None


def test_user_without_an_address_gets_no_email(
    people: dict[str, Any], smtp_server: SmtpServer, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[people["approver_a"]], kind=NotificationKind.REPORT_RETURNED, params=PARAMS)
    assert smtp_server.messages == [] and not Delivery.objects.exists()
    assert Notification.objects.filter(user=people["approver_a"]).count() == 1


def test_webhook_of_a_user_in_the_robot_format(
    people: dict[str, Any], webhook: WebhookReceiver, django_capture_on_commit_callbacks: Any
) -> None:
    preferences_save(actor=people["approver_a"], choices={}, webhook_url=f"{webhook.url}/robot?key=abc")
    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[people["approver_a"]], kind=NotificationKind.REPORT_RETURNED, params=PARAMS, link="/x/")
    [post] = webhook.received
    assert post["path"] == "/robot?key=abc"
    assert post["type"].startswith("application/json")
    assert post["json"] == {
        "msgtype": "text",
        "text": {
            "content": "[Jingjin] Report returned\n"
            "Your report of A1.M1.T1 Task of A for 2024-03 was returned by approver_a: 请补充佐证材料\n"
            "https://jingjin.example/x/"
        },
    }
    assert Delivery.objects.get().state == DeliveryState.SENT


def test_a_units_robot_gets_its_reminders_once(
    people: dict[str, Any], period: Any, webhook: WebhookReceiver, django_capture_on_commit_callbacks: Any
) -> None:
    from datetime import date

    from jingjin.core.models import Unit
    from jingjin.notifications.services import reminders_send

    unit_webhook_set(actor=people["approver_a"], unit=Unit.objects.get(code="t.a"), url=f"{webhook.url}/t.a")
    with django_capture_on_commit_callbacks(execute=True):
        reminders_send(as_of=date(2024, 4, 2))
    assert [p["path"] for p in webhook.received] == ["/t.a"]
    assert (
        "Bureau A has 1 report(s) for 2024-03 not submitted yet"
        in webhook.received[0]["json"]["text"]["content"]
    )


def test_only_the_plan_office_or_the_units_approver_sets_its_robot(
    people: dict[str, Any], settings: Any
) -> None:
    from jingjin.core.models import Unit

    settings.JINGJIN_WEBHOOK_HOSTS = ["x.example"]
    from jingjin.core.permissions import PermissionDenied

    with pytest.raises(PermissionDenied):
        unit_webhook_set(
            actor=people["approver_a"], unit=Unit.objects.get(code="t.b"), url="https://x.example/"
        )
    with pytest.raises(PermissionDenied):
        unit_webhook_set(
            actor=people["reporter_a"], unit=Unit.objects.get(code="t.a"), url="https://x.example/"
        )
    assert unit_webhook_set(
        actor=people["office"], unit=Unit.objects.get(code="t.b"), url="https://x.example/"
    )


def test_preferences_are_honoured(
    people: dict[str, Any],
    smtp_server: SmtpServer,
    webhook: WebhookReceiver,
    django_capture_on_commit_callbacks: Any,
) -> None:
    user = people["reporter_a"]
    preferences_save(
        actor=user,
        choices={NotificationKind.REPORT_RETURNED: {"in_app": False, "email": False, "webhook": True}},
        webhook_url=webhook.url,
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert notify(users=[user], kind=NotificationKind.REPORT_RETURNED, params=PARAMS) == 0
        assert notify(users=[user], kind=NotificationKind.REPORT_APPROVED, params=PARAMS) == 1
    assert list(Notification.objects.filter(user=user).values_list("kind", flat=True)) == ["report_approved"]
    assert [subject_of(m["data"]) for m in smtp_server.messages] == ["[Jingjin] Report approved"]
    assert [p["json"]["text"]["content"].split("\n")[0] for p in webhook.received] == [
        "[Jingjin] Report returned",
        "[Jingjin] Report approved",
    ]


def test_a_failed_webhook_is_retried_a_bounded_number_of_times(
    people: dict[str, Any], webhook: WebhookReceiver, django_capture_on_commit_callbacks: Any, caplog: Any
) -> None:
    webhook.answers = [(500, "down"), (200, '{"errcode": 93000, "errmsg": "invalid webhook url"}'), (503, "")]
    preferences_save(actor=people["approver_a"], choices={}, webhook_url=webhook.url)
    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[people["approver_a"]], kind=NotificationKind.REPORT_RETURNED, params=PARAMS)
    delivery = Delivery.objects.get()
    # the first attempt ran in the worker (immediate mode here); the retry waits on the queue's schedule
    assert (delivery.state, delivery.attempts) == (DeliveryState.QUEUED, 1)
    assert "500" in delivery.error
    assert "attempt 1 failed" in caplog.text
    delivery = delivery_send(delivery.pk)
    assert (
        delivery is not None and delivery.state == DeliveryState.QUEUED and "errcode 93000" in delivery.error
    )
    delivery = delivery_send(delivery.pk)
    assert delivery is not None and (delivery.state, delivery.attempts) == (DeliveryState.FAILED, 3)
    assert delivery_send(delivery.pk) is None  # no fourth attempt
    assert len(webhook.received) == 3


def test_a_retry_that_succeeds(
    people: dict[str, Any], webhook: WebhookReceiver, django_capture_on_commit_callbacks: Any
) -> None:
    webhook.answers = [(502, "bad gateway")]
    preferences_save(actor=people["approver_a"], choices={}, webhook_url=webhook.url)
    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[people["approver_a"]], kind=NotificationKind.REPORT_RETURNED, params=PARAMS)
    delivery = delivery_send(Delivery.objects.get().pk)
    assert delivery is not None and (delivery.state, delivery.attempts, delivery.error) == (
        DeliveryState.SENT,
        2,
        "",
    )


def test_an_smtp_server_that_does_not_answer(
    people: dict[str, Any], settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    import socket

    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    settings.JINGJIN_NOTIFY_ATTEMPTS = 1
    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[people["reporter_a"]], kind=NotificationKind.REPORT_RETURNED, params=PARAMS)
    delivery = Delivery.objects.get()
    assert delivery.state == DeliveryState.FAILED and "Connection" in delivery.error
    assert Notification.objects.filter(user=people["reporter_a"]).count() == 1  # the app still has it


def test_bad_webhook_addresses_are_refused(people: dict[str, Any]) -> None:
    from django.core.exceptions import ValidationError

    for bad in ("ftp://x.example/", "file:///etc/passwd", "not a url", "https://x.example/" + "a" * 500):
        with pytest.raises(ValidationError) as caught:
            preferences_save(actor=people["reporter_a"], choices={}, webhook_url=bad)
        assert "webhook_url" in caught.value.message_dict
    assert not Delivery.objects.exists()


def test_an_approved_report_notifies_its_reporters(
    people: dict[str, Any],
    period: Any,
    task_a: Any,
    smtp_server: SmtpServer,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from jingjin.reporting.services import report_approve

    report = submit(people["reporter_a"], task_a, period)
    with django_capture_on_commit_callbacks(execute=True):
        report_approve(actor=people["approver_a"], report=report, comment="很好")
    note = Notification.objects.get(kind=NotificationKind.REPORT_APPROVED)
    assert note.user == people["reporter_a"]
    assert note.text == "Your report of A1.M1.T1 Task of A for 2024-03 was approved by approver_a."
    mails = [(m["rcpt"], subject_of(m["data"])) for m in smtp_server.messages]
    assert (["reporter_a@example.org"], "[Jingjin] Report approved") in mails


def test_a_finished_job_notifies_its_owner(
    people: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    from jingjin.jobs.services import job_submit

    with django_capture_on_commit_callbacks(execute=True):
        job = job_submit(actor=people["office"], kind="warnings-refresh")
    [note] = Notification.objects.filter(kind=NotificationKind.JOB_FINISHED)
    assert note.user == people["office"] and note.link == f"/jobs/{job.pk}/"
    assert note.text == f"Your job {job.pk} (Warnings refresh) is done."


def test_a_failed_system_job_notifies_the_plan_office(
    people: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    from jingjin.jobs.services import job_submit

    with django_capture_on_commit_callbacks(execute=True):
        job = job_submit(actor=None, kind="bulletin", params={"period": "1999-01"})
    job.refresh_from_db()
    assert job.state == "failed"
    [note] = Notification.objects.filter(kind=NotificationKind.JOB_FINISHED)
    assert note.user == people["office"]
    assert (
        note.text
        == f"Your job {job.pk} (Monthly bulletin) failed: period: there is no reporting period 1999-01."
    )


def test_warning_emails_follow_the_preferences(
    people: dict[str, Any], period: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from datetime import date

    from django.core import mail

    from jingjin.alerts.services import warnings_refresh

    preferences_save(
        actor=people["reporter_b"], choices={NotificationKind.WARNING: {"email": False}}, webhook_url=""
    )
    with django_capture_on_commit_callbacks(execute=True):
        summary = warnings_refresh(as_of=date(2024, 4, 20))
    assert summary.raised >= 2
    assert [m.to for m in mail.outbox] == [["reporter_a@example.org"]]
    assert Notification.objects.filter(user=people["reporter_b"], kind=NotificationKind.WARNING).exists()


def test_a_webhook_goes_only_to_an_allowed_host(
    people: dict[str, Any], webhook: WebhookReceiver, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django.core.exceptions import ValidationError

    from jingjin.notifications.services import webhook_host_allowed

    # a host that is not in JINGJIN_WEBHOOK_HOSTS is refused when the address is saved
    for url in (
        "http://127.0.0.1:6379/",
        "http://169.254.169.254/latest/meta-data",
        "http://intranet.local/x",
    ):
        with pytest.raises(ValidationError) as caught:
            preferences_save(actor=people["approver_a"], choices={}, webhook_url=url)
        assert "webhook_url" in caught.value.message_dict
    settings.JINGJIN_WEBHOOK_HOSTS = ["qyapi.weixin.qq.com"]
    assert webhook_host_allowed("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=1")
    assert not webhook_host_allowed("https://qyapi.weixin.qq.com.evil.example/x")
    assert not webhook_host_allowed("http://127.0.0.1/")
    settings.JINGJIN_WEBHOOK_HOSTS = ["*"]
    assert webhook_host_allowed("http://anything.example/")
    # a host taken out of the setting after the address was saved is not posted to either
    settings.JINGJIN_WEBHOOK_HOSTS = [f"127.0.0.1:{webhook.server.server_address[1]}"]
    preferences_save(actor=people["approver_a"], choices={}, webhook_url=webhook.url)
    settings.JINGJIN_WEBHOOK_HOSTS = ["qyapi.weixin.qq.com"]
    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[people["approver_a"]], kind=NotificationKind.REPORT_RETURNED, params=PARAMS)
    assert webhook.received == []
    delivery = Delivery.objects.get(channel=Channel.WEBHOOK)
    assert delivery.state != DeliveryState.SENT and "JINGJIN_WEBHOOK_HOSTS" in delivery.error

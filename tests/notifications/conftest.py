"""Fixtures of the notification tests: the small plan with reporters, approvers and leaders of two
units, a period with its deadline, a local SMTP server and a local webhook receiver."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _english(settings: Any) -> Any:
    """These tests read the English messages (e-mails and webhooks too: the site's language is
    English here); the Chinese ones are checked by the translation test."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.JINGJIN_REMINDER_DAYS_BEFORE = [3, 1]
    settings.JINGJIN_REMINDER_OVERDUE_DAYS = 30
    settings.JINGJIN_REMINDER_ESCALATE_DAYS = 3
    settings.JINGJIN_NOTIFY_ATTEMPTS = 3
    settings.JINGJIN_SITE_URL = "https://jingjin.example"


@pytest.fixture
def people(users: dict[str, Any], make_user: Any) -> dict[str, Any]:
    """The shared users, e-mail addresses for the two reporters, and the leaders of t.a and t.b:
    an approver of t.a, an approver and a leader of t.b."""
    for name in ("reporter_a", "reporter_b"):
        users[name].email = f"{name}@example.org"
        users[name].save()
    return {
        **users,
        "approver_a": make_user("approver_a", "approver", "t.a"),
        "approver_b": make_user("approver_b", "approver", "t.b"),
        "leader_b": make_user("leader_b", "leader", "t.b"),
    }


@pytest.fixture
def period(db: Any) -> Any:
    """2024-03, deadline 2024-04-05."""
    from jingjin.reporting.services import period_get_or_create

    period = period_get_or_create(year=2024, month=3)
    assert period.deadline == date(2024, 4, 5)
    return period


@pytest.fixture
def task_a(loaded_plan: Any) -> Any:
    from jingjin.plans.models import Task

    return Task.objects.get(code="A1.M1.T1")


@pytest.fixture
def task_b(loaded_plan: Any) -> Any:
    from jingjin.plans.models import Task

    return Task.objects.get(code="A1.M1.T2")


def submit(user: Any, task: Any, period: Any, pct: int = 50) -> Any:
    from jingjin.reporting.services import report_save_draft, report_submit

    report = report_save_draft(
        actor=user,
        task=task,
        period=period,
        data={"progress": "推进中", "completion_pct": pct, "next_plan": "继续"},
    )
    return report_submit(actor=user, report=report)


class SmtpServer:
    """A tiny SMTP server on 127.0.0.1 in a thread: keeps every message's envelope and data."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.port = self.sock.getsockname()[1]
        self.messages: list[dict[str, Any]] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _addr = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._session, args=(conn,), daemon=True).start()

    def _session(self, conn: socket.socket) -> None:
        reader = conn.makefile("rb")

        def say(line: str) -> None:
            conn.sendall(f"{line}\r\n".encode())

        say("220 localhost test SMTP")
        envelope: dict[str, Any] = {"rcpt": []}
        try:
            while True:
                raw = reader.readline()
                if not raw:
                    return
                command = raw.decode("utf-8", "replace").strip()
                verb = command.split(" ", 1)[0].upper()
                if verb == "EHLO":
                    conn.sendall(b"250-localhost\r\n250 8BITMIME\r\n")
                elif verb == "HELO":
                    say("250 localhost")
                elif verb == "MAIL":
                    envelope = {"from": command[10:].strip("<> "), "rcpt": []}
                    say("250 OK")
                elif verb == "RCPT":
                    envelope["rcpt"].append(command[8:].strip("<> "))
                    say("250 OK")
                elif verb == "DATA":
                    say("354 End data with <CR><LF>.<CR><LF>")
                    lines = []
                    while True:
                        line = reader.readline()
                        if line in (b".\r\n", b".\n", b""):
                            break
                        lines.append(line)
                    envelope["data"] = b"".join(lines)
                    self.messages.append(envelope)
                    say("250 OK queued")
                elif verb == "QUIT":
                    say("221 Bye")
                    return
                else:
                    say("250 OK")
        finally:
            conn.close()

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[SmtpServer]:
    server = SmtpServer()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    yield server
    server.close()


class WebhookReceiver:
    """An HTTP server on 127.0.0.1 in a thread that keeps the JSON body of every POST and answers
    with the next of ``answers`` (status, body), then 200 ``{"errcode": 0}``."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.answers: list[tuple[int, str]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                receiver.received.append(
                    {"path": self.path, "type": self.headers.get("Content-Type"), "json": json.loads(body)}
                )
                status, text = (
                    receiver.answers.pop(0) if receiver.answers else (200, '{"errcode": 0, "errmsg": "ok"}')
                )
                data = text.encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        # checks for shutdown every 20 ms (the default 0.5 s was half a second of each test's teardown)
        serving = {"poll_interval": 0.02}
        threading.Thread(target=self.server.serve_forever, kwargs=serving, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def webhook(settings: Any) -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver()
    # the local receiver is the one host messages may go to (JINGJIN_WEBHOOK_HOSTS)
    settings.JINGJIN_WEBHOOK_HOSTS = [f"127.0.0.1:{receiver.server.server_address[1]}"]
    yield receiver
    receiver.close()

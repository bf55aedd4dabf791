"""On-site meetings (现场会议): recording, decisions into items in one step, the minutes."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from jingjin.core import clock
from jingjin.core.models import Unit
from jingjin.core.permissions import PermissionDenied
from jingjin.plans.models import Task
from jingjin.supervision import meetings
from jingjin.supervision.meetings import DecisionInput, MeetingError

pytestmark = pytest.mark.django_db


def _record(actor, **kw):
    today = clock.today()
    args = {
        "title": "现场推进会",
        "date": today,
        "place": "某工地",
        "chair": "李某（演示）",
        "units": [Unit.objects.get(code="t.a"), Unit.objects.get(code="t.b")],
        "tasks": [Task.objects.get(code="A1.M1.T1")],
        "decisions": [
            DecisionInput(
                text='=HYPERLINK("x") 月底前完成征地',
                unit=Unit.objects.get(code="t.a"),
                deadline=today + timedelta(days=9),
            ),
            DecisionInput(
                text="协调资金", unit=Unit.objects.get(code="t.b"), deadline=today + timedelta(days=20)
            ),
        ],
    }
    args.update(kw)
    return meetings.meeting_record(actor=actor, **args)


def test_decisions_become_items_in_one_step_once(users):
    meeting = _record(users["office"])
    items = meetings.meeting_issue_decisions(actor=users["office"], meeting=meeting)
    assert [(i.assignee_unit.code, i.task.code) for i in items] == [("t.a", "A1.M1.T1"), ("t.b", "A1.M1.T1")]
    assert items[0].decision.meeting == meeting
    assert meetings.meeting_issue_decisions(actor=users["office"], meeting=meeting) == []
    with pytest.raises(MeetingError):
        meetings.decision_issue(actor=users["office"], decision=meeting.decisions.first())


def test_only_the_office_records_meetings_and_bad_values_are_refused(users):
    for who in ("leader", "reporter_a"):
        with pytest.raises(PermissionDenied):
            _record(users[who])
    meeting = _record(users["office"])
    with pytest.raises(PermissionDenied):
        meetings.meeting_issue_decisions(actor=users["reporter_a"], meeting=meeting)
    with pytest.raises(ValidationError):
        _record(users["office"], place=" ")
    late = [
        DecisionInput(text="x", unit=Unit.objects.get(code="t.a"), deadline=clock.today() - timedelta(days=1))
    ]
    with pytest.raises(ValidationError):
        _record(users["office"], decisions=late)


def test_the_minutes_are_a_word_file_with_the_decisions(users):
    from docx import Document

    meeting = _record(users["office"])
    meetings.meeting_issue_decisions(actor=users["office"], meeting=meeting)
    document = Document(io.BytesIO(meetings.minutes_docx(meetings.meeting_detail(code=meeting.code))))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "现场推进会" in text and "某工地" in text and "李某（演示）" in text
    rows = document.tables[0].rows
    assert len(rows) == 3 and rows[2].cells[1].text == "协调资金"
    assert "DB-" in rows[1].cells[4].text

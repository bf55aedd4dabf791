"""On-site meetings (现场会议调度): writes, reads and the minutes (.docx).

The plan office records a meeting — date, place, chair, attending units, the tasks discussed and
its decisions (what, which unit, by when) — in one step, and turns each decision into a
supervision item (``decision_issue``; all at once with ``meeting_issue_decisions``). A decision
becomes one item only: issuing it twice raises :class:`MeetingError`. The minutes (会议纪要) are
a Word file written through :mod:`jingjin.core.exports` (formula prefixes and control characters
neutralised).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jingjin.core import clock
from jingjin.core.bounds import DateInYears
from jingjin.core.exports import docx_text
from jingjin.core.models import Unit
from jingjin.core.permissions import PermissionDenied, may_manage_meetings
from jingjin.core.services import audit_change
from jingjin.plans.models import Task
from jingjin.supervision.models import Meeting, MeetingDecision, SupervisionItem
from jingjin.supervision.practice_common import next_code, required_text
from jingjin.supervision.services import item_issue

MAX_DECISIONS = 50


class MeetingError(ValueError):
    """A decision already made into a supervision item (the API answers 409)."""


@dataclass(frozen=True)
class DecisionInput:
    """One decision as entered: what, by which unit, by when."""

    text: str
    unit: Unit
    deadline: date


def _check_date(value: date, field: str) -> None:
    try:
        DateInYears()(value)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from exc


@transaction.atomic
def meeting_record(
    *,
    actor: Any,
    title: str,
    date: date,
    place: str,
    chair: str,
    units: list[Unit],
    tasks: list[Task],
    decisions: list[DecisionInput],
    notes: str = "",
    is_synthetic: bool = False,
    source: str = "web",
) -> Meeting:
    """Record an on-site meeting with its decisions; the plan office only."""
    if actor is not None and not may_manage_meetings(actor):
        raise PermissionDenied("only the plan office may record an on-site meeting")
    _check_date(date, "date")
    if len(decisions) > MAX_DECISIONS:
        raise ValidationError({"decisions": f"at most {MAX_DECISIONS} decisions"})
    meeting = Meeting.objects.create(
        code=next_code(Meeting, prefix="HY", year=date.year),
        title=required_text(title, field="title", label="title", max_length=200),
        date=date,
        place=required_text(place, field="place", label="place", max_length=200),
        chair=required_text(chair, field="chair", label="chair", max_length=100),
        notes=(notes or "").strip(),
        is_synthetic=is_synthetic,
    )
    meeting.units.set(units)
    meeting.tasks.set(tasks)
    for position, decision in enumerate(decisions, start=1):
        if decision.deadline < date:
            raise ValidationError({"decisions": f"decision {position}: the deadline is before the meeting"})
        _check_date(decision.deadline, "decisions")
        MeetingDecision.objects.create(
            meeting=meeting,
            position=position,
            text=required_text(decision.text, field="decisions", label=f"decision {position}"),
            unit=decision.unit,
            deadline=decision.deadline,
        )
    audit_change(actor=actor, obj=meeting, before=None, source=source)
    return meeting


@transaction.atomic
def decision_issue(
    *, actor: Any, decision: MeetingDecision, issued_on: date | None = None, source: str = "web"
) -> SupervisionItem:
    """Make ``decision`` a supervision item of its unit (one step); the plan office only."""
    if actor is not None and not may_manage_meetings(actor):
        raise PermissionDenied("only the plan office may issue a meeting's decisions")
    decision = MeetingDecision.objects.select_for_update().select_related("meeting").get(pk=decision.pk)
    if decision.items.exists():
        raise MeetingError(f"decision {decision} is already a supervision item")
    meeting = decision.meeting
    text = decision.text
    first = text.splitlines()[0].strip()
    day = issued_on or clock.today()
    return item_issue(
        actor=actor,
        title=(first if len(first) <= 80 else first[:79] + "…"),
        body=f"{meeting.code} {meeting.title} ({meeting.date}): {text}",
        assignee_unit=decision.unit,
        deadline=max(decision.deadline, day),
        task=meeting.tasks.order_by("code").first() if meeting.tasks.count() == 1 else None,
        issued_on=day,
        is_synthetic=meeting.is_synthetic,
        source=source,
        decision=decision,
    )


def meeting_issue_decisions(*, actor: Any, meeting: Meeting, source: str = "web") -> list[SupervisionItem]:
    """Every decision of ``meeting`` not yet an item becomes one (the "one step" button)."""
    return [
        decision_issue(actor=actor, decision=d, source=source)
        for d in meeting.decisions.filter(items__isnull=True).order_by("position")
    ]


# --------------------------------------------------------------------------------------------
# Reads and the minutes


def meeting_detail(*, code: str) -> Meeting:
    return (
        Meeting.objects.prefetch_related("units", "tasks", "decisions__unit", "decisions__items")
        .filter(code=code)
        .get()
    )


def minutes_docx(meeting: Meeting) -> bytes:
    """The minutes (会议纪要) of ``meeting`` as a Word document."""
    from docx import Document

    document = Document()
    document.add_heading(docx_text(f"{meeting.title}"), level=0)
    if meeting.is_synthetic:
        document.add_paragraph(_("Synthetic demo data."))
    for label, value in (
        (_("Meeting"), meeting.code),
        (_("Date"), meeting.date.isoformat()),
        (_("Place"), meeting.place),
        (_("Chair"), meeting.chair),
        (_("Attending units"), "、".join(u.name_zh for u in meeting.units.all())),
        (_("Tasks discussed"), "；".join(f"{t.code} {t.name_zh}" for t in meeting.tasks.all())),
    ):
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{label}: ").bold = True
        paragraph.add_run(docx_text(value))
    if meeting.notes:
        document.add_heading(_("Notes"), level=1)
        document.add_paragraph(docx_text(meeting.notes))
    document.add_heading(_("Decisions"), level=1)
    grid = document.add_table(rows=1, cols=5)
    grid.style = "Table Grid"
    for cell, text in zip(
        grid.rows[0].cells,
        ("#", _("Decision"), _("Responsible unit"), _("Deadline"), _("Supervision item")),
        strict=True,
    ):
        cell.text = text
    for decision in meeting.decisions.all():
        items = list(decision.items.all())
        cells = grid.add_row().cells
        for cell, value in zip(
            cells,
            (
                str(decision.position),
                decision.text,
                decision.unit.name_zh,
                decision.deadline.isoformat(),
                "、".join(f"{i.code} ({i.get_state_display()})" for i in items),
            ),
            strict=True,
        ):
            cell.text = docx_text(value)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()

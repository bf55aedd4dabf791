"""Pages of on-site meetings (现场会议调度) and stationings (蹲点)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from jingjin.core.permissions import (
    PermissionDenied,
    has_role,
    may_log_stationing,
    may_manage_meetings,
    may_manage_stationings,
)
from jingjin.supervision import meetings, stationings
from jingjin.supervision.forms import MeetingForm, StationingForm, TextForm
from jingjin.supervision.models import Meeting, Stationing
from jingjin.supervision.practice_views import _errors_to_form, _forbidden


@login_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(Meeting.objects.prefetch_related("units"), 50).get_page(request.GET.get("page"))
    return render(
        request, "supervision/meetings.html", {"page": page, "can_manage": may_manage_meetings(request.user)}
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request: HttpRequest) -> HttpResponse:
    if not may_manage_meetings(request.user):
        return _forbidden(request, _("Only the plan office may record an on-site meeting."))
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = meetings.meeting_record(
                actor=request.user,
                title=data["title"],
                date=data["date"],
                place=data["place"],
                chair=data["chair"],
                units=list(data["units"]),
                tasks=list(data["tasks"]),
                notes=data["notes"],
                decisions=[
                    meetings.DecisionInput(text=t, unit=u, deadline=d) for u, d, t in data["decisions"]
                ],
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("Recorded %(code)s.") % {"code": meeting.code})
            return redirect("supervision:meeting", code=meeting.code)
    return render(
        request, "supervision/meeting_form.html", {"form": form}, status=400 if form.errors else 200
    )


def _meeting(code: str) -> Meeting:
    try:
        return meetings.meeting_detail(code=code)
    except Meeting.DoesNotExist as exc:
        raise Http404(code) from exc


@login_required
def meeting_detail(request: HttpRequest, code: str) -> HttpResponse:
    if not has_role(request.user):
        return _forbidden(request, _("You have no role."))
    meeting = _meeting(code)
    return render(
        request,
        "supervision/meeting_detail.html",
        {"meeting": meeting, "can_manage": may_manage_meetings(request.user)},
    )


@login_required
@require_POST
def meeting_issue(request: HttpRequest, code: str) -> HttpResponse:
    if not may_manage_meetings(request.user):
        return _forbidden(request, _("Only the plan office may issue a meeting's decisions."))
    meeting = _meeting(code)
    items = meetings.meeting_issue_decisions(actor=request.user, meeting=meeting)
    messages.success(request, _("Issued %(count)d supervision item(s).") % {"count": len(items)})
    return redirect("supervision:meeting", code=meeting.code)


@login_required
def meeting_minutes(request: HttpRequest, code: str) -> HttpResponse:
    if not has_role(request.user):
        return _forbidden(request, _("You have no role."))
    meeting = _meeting(code)
    response = HttpResponse(
        meetings.minutes_docx(meeting),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f'attachment; filename="{meeting.code}.docx"'
    return response


# --------------------------------------------------------------------------------------------
# Stationings (蹲点)


@login_required
def stationing_list(request: HttpRequest) -> HttpResponse:
    open_only = request.GET.get("open") == "1"
    page = Paginator(stationings.stationing_list(open_only=open_only), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "supervision/stationings.html",
        {"page": page, "open_only": open_only, "can_manage": may_manage_stationings(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def stationing_new(request: HttpRequest) -> HttpResponse:
    if not may_manage_stationings(request.user):
        return _forbidden(request, _("Only the plan office may station a cadre."))
    form = StationingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        target = form.target()
        if target:
            data = form.cleaned_data
            try:
                stationing = stationings.stationing_create(
                    actor=request.user,
                    cadre_name=data["cadre_name"],
                    cadre_unit=data["cadre_unit"],
                    purpose=data["purpose"],
                    start=data["start"],
                    end=data["end"],
                    **target,
                )
            except ValidationError as exc:
                _errors_to_form(form, exc)
            else:
                messages.success(request, _("Recorded %(code)s.") % {"code": stationing.code})
                return redirect("supervision:stationing", code=stationing.code)
    status = 400 if form.errors else 200
    return render(request, "supervision/stationing_form.html", {"form": form}, status=status)


def _stationing(code: str) -> Stationing:
    found: Stationing | None = (
        Stationing.objects.select_related("cadre_unit", "task", "project", "village")
        .filter(code=code)
        .first()
    )
    if found is None:
        raise Http404(code)
    return found


@login_required
def stationing_detail(request: HttpRequest, code: str) -> HttpResponse:
    if not has_role(request.user):
        return _forbidden(request, _("You have no role."))
    stationing = _stationing(code)
    return render(
        request,
        "supervision/stationing_detail.html",
        {
            "s": stationing,
            "logs": stationing.logs.select_related("author"),
            "can_log": may_log_stationing(request.user, stationing),
            "can_close": may_manage_stationings(request.user) and stationing.closed_at is None,
        },
    )


@login_required
@require_POST
def stationing_write(request: HttpRequest, code: str, what: str) -> HttpResponse:
    stationing = _stationing(code)
    if what not in {"log", "close"}:
        raise Http404(what)
    allowed = (
        may_log_stationing(request.user, stationing)
        if what == "log"
        else may_manage_stationings(request.user)
    )
    if not allowed and stationing.closed_at is None:
        return _forbidden(request, _("You may not write in this stationing."))
    form = TextForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the text."))
        return redirect("supervision:stationing", code=code)
    try:
        if what == "log":
            stationings.stationing_log(
                actor=request.user, stationing=stationing, text=form.cleaned_data["text"]
            )
        else:
            stationings.stationing_close(
                actor=request.user, stationing=stationing, summary=form.cleaned_data["text"]
            )
    except PermissionDenied as exc:
        return _forbidden(request, str(exc))
    except stationings.StationingClosed:
        messages.error(request, _("The stationing is closed."))
    except ValidationError:
        messages.error(request, _("Write the text."))
    else:
        messages.success(request, _("Saved."))
    return redirect("supervision:stationing", code=code)

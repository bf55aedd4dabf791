"""Pages of the cockpit (领导驾驶舱) and the downloads of the monthly bulletin (月度通报).

The views only read the request, ask :mod:`jingjin.dashboard.selectors` and render.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from jingjin.core import clock
from jingjin.core.reversing import reverser
from jingjin.dashboard import as_json, bulletin, figures, links, periods, selectors, services
from jingjin.dashboard.parks_panel import parks_panel
from jingjin.dashboard.projects_panel import LAG_COLOURS, ProjectsPanel, projects_panel
from jingjin.dashboard.results import Cockpit
from jingjin.plans.models import Plan
from jingjin.reporting.models import ReportingPeriod

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def _cockpit(request: HttpRequest, period: ReportingPeriod) -> Cockpit:
    try:
        return selectors.cockpit(user=request.user, period=period, plan_code=request.GET.get("plan", ""))
    except Plan.DoesNotExist as exc:
        raise Http404(_("There is no such plan.")) from exc


def _period(code: str) -> ReportingPeriod:
    try:
        return services.period_resolve(code=code)
    except ValidationError as exc:
        raise Http404(" ".join(exc.messages)) from exc


@login_required
def cockpit(request: HttpRequest) -> HttpResponse:
    """The leader cockpit: progress, statuses, attention list, trends, counties, red/black lists."""
    period = _period(request.GET.get("period", ""))
    data = _cockpit(request, period)
    county_code = request.GET.get("county", "")
    with_tasks = [c for c in data.counties if c.tasks]
    county = data.county(county_code) or (with_tasks[0] if with_tasks else None)
    panel = projects_panel(user=request.user, period=period)
    return render(
        request,
        "dashboard/cockpit.html",
        {
            "data": data,
            "period": period,
            "periods": periods.month_choices(clock.today()),
            "county": county,
            "county_tasks": links.with_task_urls(data, county.tasks if county is not None else []),
            "chart_data": {**as_json.chart_data(data), "links": links.chart_links(data)},
            "links": links.cockpit_links(data, user=request.user),
            "ranking_lists": [links.ranking_links(r) for r in data.ranking_lists],
            "open_warnings": data.open_warnings,
            "panel": panel,
            "projects_links": _projects_links(panel),
            "parks_panel": parks_panel(user=request.user, period=period),
        },
    )


def _projects_links(panel: ProjectsPanel) -> dict[str, Any]:
    """The key projects' panel: its lag classes with labels and colours, the bar's value and the
    project list's URL (none while the library has no list page)."""
    from django.urls import NoReverseMatch

    try:
        list_url: str | None = reverse("projects:list")
    except NoReverseMatch:
        list_url = None
    labels = {
        "ahead": _("ahead"),
        "on_track": _("on track"),
        "behind": _("behind"),
        "far_behind": _("far behind"),
    }
    return {
        "list": list_url,
        "lags": [(k, labels[k], LAG_COLOURS[k], n) for k, n in panel.lag_counts.items()],
        "bar": round(min(panel.completion_pct or 0.0, 100.0)),
    }


@login_required
def task_list(request: HttpRequest) -> HttpResponse:
    """The tasks behind a number of the cockpit (drill-down): the plan's tasks at the period,
    narrowed by ``action``, ``county`` and ``status`` (a status key: ``on_track``, ``behind``…)."""
    period = _period(request.GET.get("period", ""))
    status_key = request.GET.get("status", "")
    if status_key and status_key not in links.STATUS_CODES:
        raise Http404(_("There is no such status."))
    try:
        data = figures.cockpit_tasks(
            user=request.user,
            period=period,
            plan_code=request.GET.get("plan", ""),
            status=links.STATUS_CODES.get(status_key),
            action=request.GET.get("action", "").strip()[:64],
            county=request.GET.get("county", "").strip()[:64],
        )
    except Plan.DoesNotExist as exc:
        raise Http404(_("There is no such plan.")) from exc
    action = data.action.code if data.action is not None else ""
    county = data.county.code if data.county is not None else ""
    report_url = reverser("reporting:report", period.code)
    return render(
        request,
        "dashboard/tasks.html",
        {
            "data": data,
            "period": period,
            "status_links": [
                (c, links.tasks_url(data, status=c.code, action=action, county=county)) for c in data.counts
            ],
            "all_url": links.tasks_url(data, action=action, county=county),
            "total": sum(c.count for c in data.counts),
            "cockpit_url": links.cockpit_url(data, period.code),
            "rows": [
                (t, task_url, report_url(t.pk)) for t, task_url in links.with_task_urls(data, data.tasks)
            ],
        },
    )


@login_required
def bulletin_download(request: HttpRequest, period: str, fmt: str) -> HttpResponse:
    """The monthly bulletin of ``period`` as .docx, .xlsx or .pdf (printed from HTML by WeasyPrint)."""
    the_period = _period(period)
    data = _cockpit(request, the_period)
    if fmt == "docx":
        content = bulletin.docx_bytes(data)
    elif fmt == "xlsx":
        content = bulletin.xlsx_bytes(data)
    else:
        content = bulletin.pdf_bytes(data)
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="bulletin-{the_period.code}.{fmt}"'
    return response

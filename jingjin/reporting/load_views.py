"""The page of the reporting load (填报负担, ``/reports/load/``): per unit and month the forms it
filled in and the fields they asked, with the trend; sorted by unit code or by load. For the plan
office and leaders; no clicks or logins are counted (:mod:`jingjin.reporting.load`)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from jingjin.core.permissions import may_see_reporting_load
from jingjin.reporting import load
from jingjin.reporting.load_api import load_params


@login_required
def load_page(request: HttpRequest) -> HttpResponse:
    if not may_see_reporting_load(request.user):
        return render(
            request,
            "403.html",
            {"reason": _("Only the plan office and leaders see the reporting load.")},
            status=403,
        )
    try:
        months, until, sort = load_params(request.GET.get)
    except ValueError:
        months, until, sort = 12, None, "code"
    table = load.reporting_load(months=months, until=until, sort=sort)
    return render(
        request,
        "reporting/load.html",
        {
            "table": table,
            "rows": [(u, list(zip(table.months, u.cells, strict=True))) for u in table.units],
            "totals": list(zip(table.months, table.totals, strict=True)),
            "sort": sort,
            "months": months,
            "month_choices": (3, 6, 12, 24),
            "may_see_overview": True,
        },
    )

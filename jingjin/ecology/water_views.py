"""Pages of the water data: the section × month class matrix, the samples import, and the plan
office's links of indicators to computed figures (自动取数)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from jingjin.core import clock
from jingjin.core.bounds import year_problem
from jingjin.core.limits import LimitError, in_background
from jingjin.core.models import Unit
from jingjin.core.permissions import (
    PermissionDenied,
    has_role,
    may_import_water_samples,
    may_link_indicator_feeds,
)
from jingjin.ecology import feeds, water_selectors
from jingjin.ecology.choices import MonitoringLevel, WaterClass
from jingjin.ecology.models import Section
from jingjin.ecology.water_jobs import KIND as SAMPLES_IMPORT
from jingjin.ecology.water_services import ImportRefused, samples_import
from jingjin.jobs.services import job_submit
from jingjin.plans.models import Indicator

#: Bootstrap badge of each class (GB 3838 colours: I–II blue, III green, IV yellow, V orange-red, 劣V dark)
CLASS_BADGES = {
    1: "text-bg-info",
    2: "text-bg-primary",
    3: "text-bg-success",
    4: "text-bg-warning",
    5: "text-bg-danger",
    6: "text-bg-dark",
}
MONTHS = list(range(1, 13))


def _forbidden(request: HttpRequest, reason: str) -> HttpResponse:
    return render(request, "403.html", {"reason": reason}, status=403)


def _year(request: HttpRequest) -> int:
    text = request.GET.get("year", "")
    if text.isdigit() and year_problem(int(text)) is None:
        return int(text)
    years = water_selectors.years_with_data()
    return years[0] if years else clock.today().year


def _cell(water_class: int | None) -> tuple[str, str]:
    """The label and badge of a class (empty for none)."""
    if not water_class:
        return "", ""
    return str(WaterClass(water_class).label), CLASS_BADGES[water_class]


@login_required
def matrix(request: HttpRequest) -> HttpResponse:
    if not has_role(request.user):
        return _forbidden(request, _("You have no role in Jingjin."))
    year = _year(request)
    county = request.GET.get("county", "").replace("\x00", "")[:64]
    level = request.GET.get("level", "")
    level = level if level in MonitoringLevel.values else ""
    result = water_selectors.matrix(year=year, county=county, level=level)
    county_ids = Section.objects.exclude(county=None).values_list("county_id", flat=True).distinct()
    context = {
        "m": result,
        "rows": [
            (r, [_cell(c) for c in r.months], _cell(r.year_class), _cell(r.target)[0]) for r in result.rows
        ],
        "year": year,
        "years": sorted({year, *water_selectors.years_with_data()}, reverse=True),
        "county": county,
        "level": level,
        "counties": Unit.objects.filter(pk__in=county_ids).order_by("code"),
        "levels": MonitoringLevel.choices,
        "months": MONTHS,
        "badges": [(c.value, c.label, CLASS_BADGES[c.value]) for c in WaterClass],
        "may_import": may_import_water_samples(request.user),
        "may_link": may_link_indicator_feeds(request.user),
    }
    return render(request, "ecology/water_matrix.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def samples_import_page(request: HttpRequest) -> HttpResponse:
    if not may_import_water_samples(request.user):
        return _forbidden(request, _("Only the plan office and the sections' units may import samples."))
    errors: list[str] = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            errors = [_("Choose a file to import.")]
        elif in_background(upload.size):
            try:
                job = job_submit(
                    actor=request.user, kind=SAMPLES_IMPORT, params={"source": "web"}, input_file=upload
                )
            except ValidationError as exc:
                errors = list(exc.messages)
            else:
                messages.info(request, _("The file is large: it is imported in the background."))
                return redirect("jobs:detail", pk=job.pk)
        else:
            try:
                batch = samples_import(
                    actor=request.user, raw=upload.read(), name=upload.name or "", source="web"
                )
            except ImportRefused as exc:
                errors = exc.lines()
            except (LimitError, PermissionDenied) as exc:
                errors = [str(exc)]
            else:
                return render(request, "ecology/water_import.html", {"batch": batch, "report": batch.report})
    context = {"errors": errors, "batches": water_selectors.recent_batches(user=request.user)}
    return render(request, "ecology/water_import.html", context, status=400 if errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def feeds_page(request: HttpRequest) -> HttpResponse:
    if not may_link_indicator_feeds(request.user):
        return _forbidden(request, _("Only the plan office may link indicators to computed figures."))
    error = ""
    if request.method == "POST":
        code = request.POST.get("indicator", "").replace("\x00", "")[:80]
        figure = request.POST.get("figure", "")
        indicator = Indicator.objects.filter(code=code).first()
        if indicator is None:
            error = _("Unknown indicator %s.") % code
        elif figure and figure not in feeds.FIGURES:
            error = _("Unknown figure %s.") % figure[:40]
        else:
            feeds.feed_link(actor=request.user, indicator=indicator, figure=figure, source="web")
            messages.success(request, _("Saved: %s.") % indicator.code)
            return redirect("ecology:water_feeds")
    linked = Indicator.objects.filter(feed__isnull=False).select_related("feed").order_by("code")
    context = {
        "error": error,
        "figures": feeds.figure_choices(),
        "linked": [
            (i, feeds.label_of(i.feed.figure), list(i.fed_actuals.order_by("-year")[:3])) for i in linked
        ],
        "indicators": Indicator.objects.order_by("code").only("code", "name_zh", "name_en", "unit"),
    }
    return render(request, "ecology/water_feeds.html", context, status=400 if error else 200)

"""Pages of the air data: the year of a station or the city (AQI calendar, running good-day ratio
against the target, monthly trends, the annual HJ 663 figures), the import of hourly data and the
yearly target."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from jingjin.core import clock
from jingjin.core.bounds import year_validators
from jingjin.core.limits import LimitError, check_size, check_workbook, limit
from jingjin.core.permissions import (
    PermissionDenied,
    has_role,
    may_import_air_data,
    may_set_air_targets,
)
from jingjin.ecology import air_imports, air_selectors, air_services
from jingjin.ecology.air_jobs import KIND as AIR_IMPORT
from jingjin.ecology.models import Station
from jingjin.jobs.services import job_submit

SUFFIXES = (".csv", ".xlsx")


class AirTargetForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Year"), validators=year_validators())
    good_day_ratio = forms.DecimalField(
        label=gettext_lazy("Good-day ratio target (%)"),
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
    )


def _forbidden(request: HttpRequest, reason: str) -> HttpResponse:
    return render(request, "403.html", {"reason": reason}, status=403)


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("year", "").strip()
    today = clock.today().year
    if raw.isdigit() and 2000 <= int(raw) <= today + 1:
        return int(raw)
    years = air_selectors.years_with_data()
    return today if not years or today in years else years[0]


@login_required
def air_year(request: HttpRequest) -> HttpResponse:
    if not has_role(request.user):
        return _forbidden(request, _("Sign in with a role to see the air data."))
    stations = list(Station.objects.order_by("code").only("code", "name_zh", "name_en"))
    code = request.GET.get("station", "").strip()
    station = next((s for s in stations if s.code == code), None)
    year = _year(request)
    days = air_selectors.year_days(station, year)
    target = air_selectors.target_of(year)
    progress = air_selectors.good_day_progress(
        year, [(d["date"], d["aqi"], d["complete"]) for d in days], target
    )
    chart = {
        "year": year,
        "calendar": air_selectors.calendar_data(days),
        "colours": list(air_selectors.LEVEL_COLOURS),
        "levels": [
            _("Excellent"),
            _("Good"),
            _("Lightly polluted"),
            _("Moderately polluted"),
            _("Heavily polluted"),
            _("Severely polluted"),
        ],
        "trends": air_selectors.monthly_trends(days, year),
        "names": {"pm25": _("PM2.5 monthly mean"), "o3": _("O3-8h 90th percentile"), "unit": "µg/m³"},
    }
    return render(
        request,
        "ecology/air_year.html",
        {
            "stations": stations,
            "station": station,
            "year": year,
            "years": sorted({*air_selectors.years_with_data(), year}, reverse=True),
            "progress": progress,
            "annual": air_selectors.annual_figures(days),
            "chart": chart,
            "can_import": may_import_air_data(request.user),
            "can_set_target": may_set_air_targets(request.user),
            "target_form": AirTargetForm(initial={"year": year, "good_day_ratio": target}),
            "batches": air_selectors.recent_batches(5) if station is None else [],
        },
    )


def _import_small(request: HttpRequest, upload: Any, name: str) -> list[str] | HttpResponse:
    suffix = Path(name).suffix.lower()
    with tempfile.NamedTemporaryFile(suffix=suffix) as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
        handle.flush()
        try:
            result = air_services.import_file(actor=request.user, path=handle.name, file_name=name)
        except air_imports.AirFileError as exc:
            return exc.errors
        except PermissionDenied:
            return [_("You may import the data of no station.")]
    batch = result.batch
    messages.success(
        request,
        _(
            "Imported %(name)s: %(rows)d rows, %(new)d new and %(revised)d revised station-hours, "
            "%(dup)d duplicates in the file, %(gaps)d station-hours missing; %(days)d days evaluated."
        )
        % {
            "name": name,
            "rows": batch.rows,
            "new": batch.new,
            "revised": batch.revised,
            "dup": batch.duplicates,
            "gaps": batch.gaps,
            "days": result.days_evaluated,
        },
    )
    year = batch.last_day.year if batch.last_day else clock.today().year
    return redirect(f"{reverse('ecology:air')}?year={year}")


def _check_upload(upload: Any, name: str) -> list[str]:
    if Path(name).suffix.lower() not in SUFFIXES:
        return [_("Upload a CSV file or an Excel workbook (.xlsx).")]
    try:
        check_size(int(upload.size or 0), max_bytes=limit("JINGJIN_EVALUATION_MAX_BYTES"))
        if name.lower().endswith(".xlsx"):
            check_workbook(upload, max_unzipped=limit("JINGJIN_EVALUATION_MAX_UNZIPPED"))
            upload.seek(0)
    except LimitError as exc:
        return [str(exc)]
    return []


@login_required
@require_http_methods(["GET", "POST"])
def air_import(request: HttpRequest) -> HttpResponse:
    if not may_import_air_data(request.user):
        return _forbidden(request, _("Only the plan office and the stations' counties import air data."))
    errors: list[str] = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        name = (upload.name or "") if upload is not None else ""
        errors = [_("Choose a file to import.")] if upload is None else _check_upload(upload, name)
        if upload is None or errors:
            pass
        elif int(upload.size or 0) > limit("JINGJIN_IMPORT_JOB_BYTES"):
            try:
                job = job_submit(
                    actor=request.user,
                    kind=AIR_IMPORT,
                    params={"source": "web"},
                    input_file=upload,
                    source="web",
                )
            except ValidationError as exc:
                errors = list(exc.messages)
            else:
                messages.info(request, _("The file is large: it is imported in the background."))
                return redirect("jobs:detail", pk=job.pk)
        else:
            outcome = _import_small(request, upload, name)
            if isinstance(outcome, HttpResponse):
                return outcome
            errors = outcome
    return render(request, "ecology/air_import.html", {"errors": errors}, status=400 if errors else 200)


@login_required
@require_POST
def air_target(request: HttpRequest) -> HttpResponse:
    if not may_set_air_targets(request.user):
        return _forbidden(request, _("Only the plan office sets the air targets."))
    form = AirTargetForm(request.POST)
    if not form.is_valid():
        for field, problems in form.errors.items():
            for problem in problems:
                messages.error(
                    request, f"{form.fields[field].label if field in form.fields else ''}: {problem}"
                )
        return redirect("ecology:air")
    year = form.cleaned_data["year"]
    air_services.air_target_set(
        actor=request.user, year=year, good_day_ratio=form.cleaned_data["good_day_ratio"]
    )
    messages.success(request, _("The good-day target of %(year)d is saved.") % {"year": year})
    return redirect(f"{reverse('ecology:air')}?year={year}")

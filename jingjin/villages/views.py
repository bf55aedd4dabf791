"""Pages of the villages: the city overview (ECharts: toilets by county, score ranking, income
tiers), a village's page with its data entry, the demonstration villages and the toilet roll-ups.

Views read the request, ask :mod:`jingjin.villages.selectors`, call the services and render.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from jingjin.core import clock
from jingjin.core.models import Unit
from jingjin.core.permissions import PermissionDenied as RefusedWrite
from jingjin.core.permissions import has_role, may_enter_village_data, may_manage_villages
from jingjin.villages import exports, selectors, services
from jingjin.villages.forms import AcceptanceForm, DesignateForm, ReportForm, TargetForm, ToiletForm
from jingjin.villages.models import DemoVillage, ScoreScheme, ToiletPlan


def require_role(request: HttpRequest) -> None:
    if not has_role(request.user):
        raise PermissionDenied


def year_of(request: HttpRequest, years: list[int]) -> int:
    """``?year=`` when it is a year, else the latest year with data, else this year."""
    text = request.GET.get("year", "").strip()[:4]
    if text.isdigit() and 2000 <= int(text) <= 2100:
        return int(text)
    return years[0] if years else clock.today().year


def form_errors(form: Any, exc: ValidationError) -> None:
    """Put the service's ``exc`` on the form: a field's error under the field, others on top."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.message_dict.items():
        form.add_error(name if name in form.fields else None, errors)


def _overview_chart(
    rollup: selectors.ToiletRollup, ranking: list[Any], tiers: dict[str, int]
) -> dict[str, Any]:
    from jingjin.villages.choices import IncomeTier

    top = ranking[:15]
    return {
        "toilets": {
            "names": [r.name for r in rollup.counties],
            "planned": [r.planned for r in rollup.counties],
            "built": [r.built for r in rollup.counties],
            "accepted": [r.accepted for r in rollup.counties],
            "labels": [_("Households planned"), _("Households built"), _("Households accepted")],
        },
        "scores": {
            "names": [r.card.village.name for r in top],
            "totals": [float(r.card.total) for r in top],
            "marks": [r.mark for r in top],
        },
        "tiers": {"names": [str(IncomeTier(t).label) for t in tiers], "counts": list(tiers.values())},
    }


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The city overview of a year: toilets against the target, scores, incomes."""
    require_role(request)
    years = selectors.toilet_years()
    year = year_of(request, years)
    rollup = selectors.toilet_rollup(year)
    scheme = ScoreScheme.objects.filter(year__lte=year).order_by("-year").first()
    ranking = selectors.score_ranking(scheme) if scheme is not None else []
    economy = selectors.economy_summary(year)
    return render(
        request,
        "villages/home.html",
        {
            "year": year,
            "years": sorted(set(years) | {clock.today().year}, reverse=True),
            "rollup": rollup,
            "scheme": scheme,
            "ranking": ranking,
            "economy": economy,
            "demo_count": DemoVillage.objects.count(),
            "villages": selectors.villages().order_by("code"),
            "chart_data": _overview_chart(rollup, ranking, economy.tiers),
        },
    )


@login_required
def toilets(request: HttpRequest) -> HttpResponse:
    """The toilet programme of a year by township, county and city."""
    require_role(request)
    years = selectors.toilet_years()
    year = year_of(request, years)
    rollup = selectors.toilet_rollup(year)
    return render(
        request,
        "villages/toilets.html",
        {
            "year": year,
            "years": years,
            "rollup": rollup,
            "chart_data": _overview_chart(rollup, [], {}),
            "target_form": TargetForm(
                initial={
                    "year": year,
                    "villages": rollup.target.villages if rollup.target else None,
                    "households": rollup.target.households if rollup.target else None,
                }
            )
            if may_manage_villages(request.user)
            else None,
        },
    )


@login_required
def toilets_export(request: HttpRequest) -> HttpResponse:
    require_role(request)
    year = year_of(request, selectors.toilet_years())
    response = HttpResponse(exports.toilets_xlsx(selectors.toilet_rollup(year)), content_type=exports.XLSX)
    response["Content-Disposition"] = f'attachment; filename="toilets-{year}.xlsx"'
    return response


@login_required
def demo_list(request: HttpRequest) -> HttpResponse:
    """The demonstration villages with their level, year, team and latest report."""
    require_role(request)
    return render(request, "villages/demo_list.html", {"demos": selectors.demo_villages()})


def _village(code: str) -> Unit:
    return get_object_or_404(selectors.villages(), code=code)


@login_required
def village_detail(request: HttpRequest, code: str) -> HttpResponse:
    """A village's page: designation, team and reports, toilets, scores, incomes, stationed cadres."""
    require_role(request)
    village = _village(code)
    context = selectors.village_page(village)
    may_enter = may_enter_village_data(request.user, village)
    year = clock.today().year
    context.update(
        village=village,
        may_enter=may_enter,
        may_manage=may_manage_villages(request.user),
        toilet_form=ToiletForm(initial={"year": year}, auto_id="toilet_%s") if may_enter else None,
        acceptance_form=AcceptanceForm(initial={"year": year, "date": clock.today()}, auto_id="accept_%s")
        if may_enter
        else None,
        designate_form=_designate_form(context["demo"]) if may_manage_villages(request.user) else None,
        report_form=ReportForm(initial={"month": clock.today().strftime("%Y-%m")}, auto_id="report_%s")
        if may_enter and context["demo"] is not None
        else None,
    )
    return render(request, "villages/village.html", context)


def _designate_form(demo: DemoVillage | None) -> DesignateForm:
    initial: dict[str, Any] = {"year": clock.today().year}
    if demo is not None:
        team = "\n".join(f"{m.name}, {m.duty}" for m in demo.members.all())
        initial = {"year": demo.year, "level": demo.level, "theme": demo.theme, "team": team}
    return DesignateForm(initial=initial, auto_id="designate_%s")


def _refused(request: HttpRequest) -> HttpResponse:
    reason = _("You may not enter this village's data.")
    return render(request, "403.html", {"reason": reason}, status=403)


def _done(request: HttpRequest, village: Unit, form: Any, exc: Exception | None) -> HttpResponse:
    if exc is None and not form.errors:
        messages.success(request, _("Saved."))
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))
    return redirect("villages:village", code=village.code)


@login_required
@require_POST
def toilet_record(request: HttpRequest, code: str) -> HttpResponse:
    """Record the households planned and built of a year."""
    village = _village(code)
    if not may_enter_village_data(request.user, village):
        return _refused(request)
    form = ToiletForm(request.POST)
    error = None
    if form.is_valid():
        try:
            services.toilet_plan_record(
                actor=request.user,
                village=village,
                year=form.cleaned_data["year"],
                planned=form.cleaned_data["planned"],
                built=form.cleaned_data["built"],
            )
        except ValidationError as exc:
            error = exc
            form_errors(form, exc)
        except RefusedWrite:
            return _refused(request)
    return _done(request, village, form, error)


@login_required
@require_POST
def toilet_accept(request: HttpRequest, code: str) -> HttpResponse:
    """Record an acceptance inspection of the year's toilets."""
    village = _village(code)
    if not may_enter_village_data(request.user, village):
        return _refused(request)
    form = AcceptanceForm(request.POST)
    error = None
    if form.is_valid():
        plan = ToiletPlan.objects.filter(village=village, year=form.cleaned_data["year"]).first()
        try:
            if plan is None:
                raise ValidationError({"year": _("The village has no toilet programme in this year.")})
            services.toilet_acceptance_add(
                actor=request.user,
                plan=plan,
                on=form.cleaned_data["date"],
                inspector=form.cleaned_data["inspector"],
                households=form.cleaned_data["households"],
                problems=form.cleaned_data["problems"],
            )
        except ValidationError as exc:
            error = exc
            form_errors(form, exc)
        except RefusedWrite:
            return _refused(request)
    return _done(request, village, form, error)


@login_required
@require_http_methods(["POST"])
def report_submit(request: HttpRequest, code: str) -> HttpResponse:
    """Submit a demonstration village's monthly report."""
    village = _village(code)
    if not may_enter_village_data(request.user, village):
        return _refused(request)
    demo = get_object_or_404(DemoVillage, village=village)
    form = ReportForm(request.POST)
    error = None
    if form.is_valid():
        year, month = form.cleaned_data["month"]
        try:
            services.demo_village_report_submit(
                actor=request.user,
                demo=demo,
                year=year,
                month=month,
                done=form.cleaned_data["done"],
                problems=form.cleaned_data["problems"],
                investment=form.cleaned_data["investment"],
                projects_completed=form.cleaned_data["projects_completed"],
            )
        except ValidationError as exc:
            error = exc
            form_errors(form, exc)
        except RefusedWrite:
            return _refused(request)
    return _done(request, village, form, error)


@login_required
def photo(request: HttpRequest, pk: int) -> HttpResponseBase:
    """A scorecard's photo, for signed-in users with a role."""
    from django.http import FileResponse

    from jingjin.villages.models import ScorePhoto

    require_role(request)
    item = get_object_or_404(ScorePhoto, pk=pk)
    content_type = "image/png" if item.kind == "png" else "image/jpeg"
    return FileResponse(item.file.open("rb"), content_type=content_type, filename=item.original_name)

"""Pages of the collective economy (村集体经济) and the settlement-environment scores (人居环境):
incomes by tier with the weak villages and the 消薄倍增 progress, the import and the exports; the
ranking with its red and black lists by village and township, and a village's scoring form."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from jingjin.core.limits import ImportFileError
from jingjin.core.permissions import PermissionDenied as RefusedWrite
from jingjin.core.permissions import may_import_collective_incomes, may_manage_villages
from jingjin.villages import economy_imports, exports, score_services, selectors
from jingjin.villages.forms import ImportForm, ScoreForm, ThresholdsForm
from jingjin.villages.models import Scorecard, ScoreScheme
from jingjin.villages.views import _village, form_errors, require_role, year_of


@login_required
def economy(request: HttpRequest) -> HttpResponse:
    """The collective incomes of a year by tier, the weak villages, the doubling target."""
    require_role(request)
    year = year_of(request, selectors.economy_years())
    summary = selectors.economy_summary(year)
    from jingjin.villages.choices import IncomeTier

    chart = {
        "names": [str(IncomeTier(t).label) for t in summary.tiers],
        "counts": list(summary.tiers.values()),
    }
    return render(
        request,
        "villages/economy.html",
        {
            "year": year,
            "years": selectors.economy_years(),
            "summary": summary,
            "chart_data": {"tiers": chart},
            "may_import": may_import_collective_incomes(request.user),
            "thresholds_form": _thresholds_form(summary) if may_manage_villages(request.user) else None,
        },
    )


def _thresholds_form(summary: selectors.EconomySummary) -> ThresholdsForm:
    t = summary.thresholds
    fields = ("shell_below", "weak_below", "strong_from", "base_year", "target_weak_max")
    return ThresholdsForm(initial={"year": summary.year, **{f: getattr(t, f) for f in fields}})


@login_required
def economy_export(request: HttpRequest) -> HttpResponse:
    require_role(request)
    year = year_of(request, selectors.economy_years())
    body = exports.economy_xlsx(selectors.economy_summary(year))
    response = HttpResponse(body, content_type=exports.XLSX)
    response["Content-Disposition"] = f'attachment; filename="collective-incomes-{year}.xlsx"'
    return response


@login_required
def economy_template(request: HttpRequest) -> HttpResponse:
    require_role(request)
    response = HttpResponse(exports.template_xlsx(), content_type=exports.XLSX)
    response["Content-Disposition"] = 'attachment; filename="collective-incomes-template.xlsx"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def economy_import(request: HttpRequest) -> HttpResponse:
    """Upload a workbook of collective incomes: all rows or none, every problem with its place."""
    if not may_import_collective_incomes(request.user):
        return render(
            request, "403.html", {"reason": _("You may not import collective incomes.")}, status=403
        )
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            count = economy_imports.incomes_import(actor=request.user, raw=form.cleaned_data["file"].read())
        except ImportFileError as exc:
            problems = [str(p) for p in exc.problems]
        except RefusedWrite:
            return render(request, "403.html", {"reason": _("You may not import these rows.")}, status=403)
        else:
            messages.success(request, _("%(count)d rows imported.") % {"count": count})
            return redirect("villages:economy")
    return render(request, "villages/economy_import.html", {"form": form, "problems": problems})


@login_required
def scores(request: HttpRequest) -> HttpResponse:
    """The ranking of a year's scheme with its red and black lists, the townships, the history."""
    require_role(request)
    years = list(ScoreScheme.objects.values_list("year", flat=True))
    year = year_of(request, years)
    scheme = ScoreScheme.objects.filter(year=year).prefetch_related("items").first()
    ranking = selectors.score_ranking(scheme) if scheme is not None else []
    history = selectors.score_history([r.card.village_id for r in ranking])
    for row in ranking:
        row.history = history.get(row.card.village_id, [])
    chart = {
        "names": [r.card.village.name for r in ranking],
        "totals": [float(r.card.total) for r in ranking],
        "marks": [r.mark for r in ranking],
    }
    return render(
        request,
        "villages/scores.html",
        {
            "year": year,
            "years": years,
            "scheme": scheme,
            "ranking": ranking,
            "townships": selectors.township_scores(ranking),
            "chart_data": {"scores": chart},
            "may_manage": may_manage_villages(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def score_village(request: HttpRequest, code: str) -> HttpResponse:
    """Score a village on the latest scheme (``?year=`` another), with photos (the managers)."""
    if not may_manage_villages(request.user):
        return render(request, "403.html", {"reason": _("Only the managers score villages.")}, status=403)
    village = _village(code)
    years = list(ScoreScheme.objects.values_list("year", flat=True))
    scheme = get_object_or_404(ScoreScheme, year=year_of(request, years))
    items = list(scheme.items.all())
    card = Scorecard.objects.filter(scheme=scheme, village=village).prefetch_related("lines").first()
    initial = {f"item_{line.item_id}": line.points for line in card.lines.all()} if card else {}
    form = ScoreForm(request.POST or None, items=items, initial=initial)
    if request.method == "POST" and form.is_valid():
        photos: list[tuple[Any, str]] = [(f, f.name or "") for f in request.FILES.getlist("photos")[:10]]
        try:
            score_services.scorecard_save(
                actor=request.user,
                scheme=scheme,
                village=village,
                on=form.cleaned_data["date"],
                inspector=form.cleaned_data["inspector"],
                points=form.points(),
                photos=photos,
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("villages:village", code=village.code)
    return render(request, "villages/score_form.html", {"village": village, "scheme": scheme, "form": form})

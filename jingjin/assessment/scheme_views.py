"""Pages of the configurable schemes (考核方案), races (赛马) and village-cadre pay (村干部报酬):
thin views over :mod:`scheme_selectors` and :mod:`scheme_services`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from jingjin.assessment import scheme_selectors as selectors
from jingjin.assessment import scheme_services as services
from jingjin.assessment import services as list_services
from jingjin.assessment.scheme_forms import (
    AdjustmentFormSet,
    CriterionFormSet,
    PeerSetForm,
    PeriodForm,
    RaceForm,
    SchemeNewForm,
    SchemeSettingsForm,
    filled_rows,
)
from jingjin.assessment.scheme_models import AssessmentScheme, CadrePayScheme, Race, RunKind
from jingjin.assessment.sources import CRITERION_SOURCES, EVENT_SOURCES
from jingjin.core.exports import append_row, xlsx_bytes
from jingjin.core.permissions import (
    PermissionDenied,
    has_role,
    may_manage_assessment_schemes,
    may_see_assessment_scheme,
    may_see_cadre_pay,
)
from jingjin.reporting.services import period_get_or_create, period_parse

SETTINGS = (
    "name_zh",
    "name_en",
    "peer_set",
    "red_top_n",
    "black_bottom_m",
    "target_score",
    "bonus_cap",
    "deduction_cap",
    "min_tasks",
    "gate_counts",
)


def _forbidden(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403.html", {"reason": reason or _("You may not do this.")}, status=403)


def _office(request: HttpRequest) -> bool:
    return may_manage_assessment_schemes(request.user)


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


def _period(code: str) -> Any:
    year, month = period_parse(code)
    return period_get_or_create(year=year, month=month)


@login_required
def schemes(request: HttpRequest) -> HttpResponse:
    """Every scheme version the user sees, the races and the pay schemes; the office adds."""
    if not has_role(request.user) or (request.method == "POST" and not _office(request)):
        return _forbidden(request)
    new = SchemeNewForm(prefix="new")
    criteria = CriterionFormSet(prefix="c")
    peer = PeerSetForm(prefix="peer")
    if request.method == "POST":
        if "peer-code" in request.POST:
            peer = PeerSetForm(request.POST, prefix="peer")
            if peer.is_valid():
                try:
                    services.peer_set_save(actor=request.user, **peer.cleaned_data)
                except ValidationError as exc:
                    _errors(request, exc)
                else:
                    messages.success(request, _("The peer set is saved."))
                    return redirect("schemes:list")
        else:
            new = SchemeNewForm(request.POST, prefix="new")
            criteria = CriterionFormSet(request.POST, prefix="c")
            if new.is_valid() and criteria.is_valid():
                data = new.cleaned_data
                try:
                    scheme = services.scheme_create(
                        actor=request.user,
                        code=data["code"],
                        name_zh=data["name_zh"],
                        name_en=data["name_en"],
                        peer_set=data["peer_set"],
                        criteria=filled_rows(criteria),
                        settings={
                            k: data[k] for k in SETTINGS if k not in ("name_zh", "name_en", "peer_set")
                        },
                    )
                except ValidationError as exc:
                    _errors(request, exc)
                else:
                    return redirect("schemes:detail", pk=scheme.pk)
    return render(
        request,
        "assessment/schemes.html",
        {
            "schemes": selectors.visible_schemes(user=request.user).select_related("peer_set"),
            "races": selectors.races(),
            "pay_schemes": selectors.pay_schemes(),
            "is_office": _office(request),
            "new": new,
            "criteria": criteria,
            "peer": peer,
        },
    )


def _rows_initial(scheme: AssessmentScheme) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    return [c.as_dict() for c in scheme.criteria.all()], [a.as_dict() for a in scheme.adjustments.all()]


@login_required
def scheme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A version: its rows, its runs; the office edits a draft, previews, publishes, revises."""
    scheme = get_object_or_404(AssessmentScheme.objects.select_related("peer_set"), pk=pk)
    if not may_see_assessment_scheme(request.user, scheme):
        return _forbidden(request)
    criteria_initial, adjustments_initial = _rows_initial(scheme)
    settings = SchemeSettingsForm(initial={k: getattr(scheme, k) for k in SETTINGS}, prefix="s")
    criteria = CriterionFormSet(initial=criteria_initial, prefix="c")
    adjustments = AdjustmentFormSet(initial=adjustments_initial, prefix="a")
    if request.method == "POST":
        if not _office(request):
            return _forbidden(request)
        settings = SchemeSettingsForm(request.POST, prefix="s")
        criteria = CriterionFormSet(request.POST, prefix="c")
        adjustments = AdjustmentFormSet(request.POST, prefix="a")
        if settings.is_valid() and criteria.is_valid() and adjustments.is_valid():
            try:
                services.scheme_update(
                    actor=request.user,
                    scheme=scheme,
                    changes=settings.cleaned_data,
                    criteria=filled_rows(criteria),
                    adjustments=filled_rows(adjustments),
                )
            except ValidationError as exc:
                _errors(request, exc)
            else:
                messages.success(request, _("The draft is saved."))
                return redirect("schemes:detail", pk=pk)
    runs = list(selectors.scheme_runs(scheme=scheme, user=request.user))
    # a draft shows its preview; a published version its published run (corrected by appeals)
    first = RunKind.PREVIEW if scheme.is_draft else RunKind.PUBLISHED
    shown = next((r for r in runs if r.kind == first), None) or (runs[0] if runs else None)
    return render(
        request,
        "assessment/scheme_detail.html",
        {
            "scheme": scheme,
            "is_office": _office(request),
            "settings": settings,
            "criteria": criteria,
            "adjustments": adjustments,
            "criterion_rows": list(scheme.criteria.all()),
            "adjustment_rows": list(scheme.adjustments.all()),
            "criterion_labels": {k: s.label for k, s in CRITERION_SOURCES.items()},
            "event_labels": {k: s.label for k, s in EVENT_SOURCES.items()},
            "runs": runs,
            "shown": shown,
            "versions": AssessmentScheme.objects.filter(code=scheme.code).order_by("-version"),
            "period_form": PeriodForm(),
            "race_form": RaceForm(prefix="race"),
        },
    )


def _office_step(request: HttpRequest, pk: int, step: Any) -> HttpResponse:
    if not _office(request):
        return _forbidden(request, _("Only the plan office defines and publishes assessment schemes."))
    scheme = get_object_or_404(AssessmentScheme, pk=pk)
    try:
        target = step(scheme)
    except PermissionDenied as exc:
        return _forbidden(request, str(exc))
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("schemes:detail", pk=pk)
    return redirect("schemes:detail", pk=target)


@login_required
@require_POST
def scheme_preview(request: HttpRequest, pk: int) -> HttpResponse:
    form = PeriodForm(request.POST)

    def step(scheme: AssessmentScheme) -> int:
        if not form.is_valid():
            raise ValidationError(_("A month is written YYYY-MM."))
        services.scheme_preview(
            actor=request.user, scheme=scheme, period=_period(form.cleaned_data["period"])
        )
        return scheme.pk

    return _office_step(request, pk, step)


@login_required
@require_POST
def scheme_publish(request: HttpRequest, pk: int) -> HttpResponse:
    def step(scheme: AssessmentScheme) -> int:
        preview = scheme.runs.filter(kind=RunKind.PREVIEW).order_by("-computed_at").first()
        if preview is None:
            raise ValidationError(_("Preview the scheme on a month before publishing it."))
        services.scheme_publish(actor=request.user, scheme=scheme, period=preview.period)
        messages.success(request, _("The scheme is published."))
        return scheme.pk

    return _office_step(request, pk, step)


@login_required
@require_POST
def scheme_revise(request: HttpRequest, pk: int) -> HttpResponse:
    return _office_step(
        request, pk, lambda scheme: services.scheme_revise(actor=request.user, scheme=scheme).pk
    )


@login_required
@require_POST
def scheme_lists(request: HttpRequest, pk: int) -> HttpResponse:
    """Let a published scheme compute red/black lists (its red N / black M, on the lists page)."""

    def step(scheme: AssessmentScheme) -> int:
        ranking = list_services.ranking_scheme_for(actor=request.user, assessment=scheme)
        messages.success(
            request,
            _("The red/black lists “%(name)s” are computed by this scheme: compute them on the lists page.")
            % {"name": ranking.name},
        )
        return scheme.pk

    return _office_step(request, pk, step)


@login_required
@require_POST
def race_create(request: HttpRequest, pk: int) -> HttpResponse:
    if not _office(request):
        return _forbidden(request)
    form = RaceForm(request.POST, prefix="race")
    scheme = get_object_or_404(AssessmentScheme, pk=pk)
    if not form.is_valid():
        messages.error(request, _("Check the race's fields."))
        return redirect("schemes:detail", pk=pk)
    data = form.cleaned_data
    try:
        race = services.race_create(
            actor=request.user,
            code=data["code"],
            name_zh=data["name_zh"],
            name_en=data["name_en"],
            scheme=scheme,
            cadence=data["cadence"],
            start=_period(data["start"]),
            end=_period(data["end"]),
        )
        services.race_run(actor=request.user, race=race)
    except PermissionDenied as exc:
        return _forbidden(request, str(exc))
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("schemes:detail", pk=pk)
    return redirect("schemes:race", pk=race.pk)


@login_required
def race_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A race: the leaderboard of the chosen round (the latest by default) and the rank history."""
    if not has_role(request.user):
        return _forbidden(request)
    race = get_object_or_404(selectors.races(), pk=pk)
    rounds = list(race.rounds.select_related("period").order_by("number"))
    chosen = rounds[-1] if rounds else None
    wanted = request.GET.get("round", "")
    if wanted.isdigit():
        chosen = next((r for r in rounds if r.number == int(wanted)), chosen)
    return render(
        request,
        "assessment/race.html",
        {
            "race": race,
            "rounds": rounds,
            "round": chosen,
            # the scheme's published run of the round's month: its appeals mark the leaderboard
            "run": selectors.published_run_of(scheme=race.scheme, period=chosen.period) if chosen else None,
            "chart": selectors.race_chart(race=race),
            "is_office": _office(request),
        },
    )


@login_required
@require_POST
def race_run(request: HttpRequest, pk: int) -> HttpResponse:
    if not _office(request):
        return _forbidden(request)
    race = get_object_or_404(Race, pk=pk)
    try:
        added = services.race_run(actor=request.user, race=race)
    except PermissionDenied as exc:
        return _forbidden(request, str(exc))
    messages.success(request, _("%(n)d round(s) added.") % {"n": added})
    return redirect("schemes:race", pk=pk)


@login_required
def pay_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A village-cadre pay scheme: its bands and the pay table with the reasons."""
    if not may_see_cadre_pay(request.user):
        return _forbidden(request)
    pay = get_object_or_404(selectors.pay_schemes(), pk=pk)
    table = getattr(pay, "table", None) if hasattr(pay, "table") else None
    return render(request, "assessment/pay.html", {"pay": pay, "table": table, "is_office": _office(request)})


@login_required
@require_POST
def pay_compute(request: HttpRequest, pk: int) -> HttpResponse:
    if not _office(request):
        return _forbidden(request)
    pay = get_object_or_404(CadrePayScheme, pk=pk)
    try:
        services.pay_table_compute(actor=request.user, pay=pay)
    except PermissionDenied as exc:
        return _forbidden(request, str(exc))
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("schemes:pay", pk=pk)


@login_required
def pay_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The pay table as an xlsx workbook for finance (formula prefixes neutralised)."""
    if not may_see_cadre_pay(request.user):
        return _forbidden(request)
    pay = get_object_or_404(CadrePayScheme, pk=pk)
    table = getattr(pay, "table", None) if hasattr(pay, "table") else None
    book = Workbook()
    sheet = book.active
    sheet.title = "pay"
    append_row(
        sheet,
        [_("Village"), _("Code"), _("Score"), _("Rank"), _("Pay coefficient"), _("Pay, yuan"), _("Reasons")],
    )
    for row in table.rows if table else []:
        append_row(
            sheet,
            [
                row["name_zh"],
                row["unit"],
                row["score"],
                row["rank"],
                row["coefficient"],
                row["pay"],
                "; ".join(row["reasons"]),
            ],
        )
    response = HttpResponse(
        xlsx_bytes(book), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="cadre-pay-{pay.code}.xlsx"'
    return response

"""Pages of the per-mu evaluation (亩均评价): campaigns (list, detail with the charts, sources and
their errors, the join report and flags, run, review, publish), results, a firm's page (score
breakdown, trend, policies, rectification, appeals), appeals and policies. Views read the request,
ask :mod:`jingjin.land.selectors`, call :mod:`jingjin.land.services` and render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from jingjin.core.bounds import bound_texts
from jingjin.core.limits import LimitError
from jingjin.core.permissions import PermissionDenied as RefusedWrite
from jingjin.core.permissions import (
    has_role,
    may_file_land_appeal,
    may_manage_land_campaigns,
    may_update_land_rectification,
)
from jingjin.jobs.services import job_submit
from jingjin.land import selectors, services
from jingjin.land.choices import CampaignState, FirmClass
from jingjin.land.explain import flag_text
from jingjin.land.forms import (
    CORRECTION_FIELDS,
    AppealForm,
    CampaignForm,
    DecisionForm,
    LocalIndicatorForm,
    PolicyForm,
    RectificationForm,
    SchemeForm,
    SourceForm,
)
from jingjin.land.job_kinds import KIND
from jingjin.land.models import Appeal, EvaluationCampaign, EvaluationScheme, Policy, Rectification
from jingjin.land.sources import SOURCE_HELP, SourceFileError


def _forbidden(request: HttpRequest, reason: str) -> HttpResponse:
    return render(request, "403.html", {"reason": reason}, status=403)


def _signed(request: HttpRequest) -> HttpResponse | None:
    return None if has_role(request.user) else _forbidden(request, _("You need a role to see this page."))


def _campaign(request: HttpRequest, year: int) -> EvaluationCampaign:
    return get_object_or_404(selectors.campaigns_for(request.user), year=year)


def _errors(exc: ValidationError) -> list[str]:
    return list(exc.messages)


@login_required
@require_http_methods(["GET", "POST"])
def campaign_list(request: HttpRequest) -> HttpResponse:
    """The campaigns by year, and for the plan office the forms of a new campaign and scheme."""
    if (refused := _signed(request)) is not None:
        return refused
    manage = may_manage_land_campaigns(request.user)
    form = bound_texts(CampaignForm(prefix="c"))
    scheme_form = bound_texts(SchemeForm(prefix="s"))
    if request.method == "POST":
        if not manage:
            return _forbidden(request, _("Only the plan office manages the campaigns."))
        if "s-code" in request.POST:
            scheme_form = bound_texts(SchemeForm(request.POST, prefix="s"))
            if scheme_form.is_valid():
                try:
                    services.scheme_create(actor=request.user, **scheme_form.cleaned_data)
                except ValidationError as exc:
                    scheme_form.add_error(None, exc)
                else:
                    messages.success(request, _("The scheme is saved."))
                    return redirect("land:campaigns")
        else:
            form = bound_texts(CampaignForm(request.POST, prefix="c"))
            if form.is_valid():
                try:
                    campaign = services.campaign_create(actor=request.user, **form.cleaned_data)
                except ValidationError as exc:
                    form.add_error(None, exc)
                else:
                    return redirect("land:campaign", year=campaign.year)
    bad = form.errors or scheme_form.errors
    context = {
        "campaigns": selectors.campaigns_for(request.user),
        "schemes": EvaluationScheme.objects.all(),
        "may_manage": manage,
        "form": form,
        "scheme_form": scheme_form,
    }
    return render(request, "land/campaign_list.html", context, status=400 if bad else 200)


def _chart(figures: dict[str, Any]) -> dict[str, Any]:
    counts = figures["counts"]
    return {
        "classes": list(counts),
        "counts": list(counts.values()),
        "parks": figures["parks"],
        "industries": figures["industries"],
        "names": {
            "firms": _("Firms"),
            "tax": _("Tax per mu (10,000 yuan)"),
            "va": _("Value added per mu (10,000 yuan)"),
        },
    }


@login_required
@require_http_methods(["GET", "POST"])
def campaign_detail(request: HttpRequest, year: int) -> HttpResponse:
    """A campaign: its state and steps, sources (upload, errors), join report and flags, charts."""
    if (refused := _signed(request)) is not None:
        return refused
    campaign = _campaign(request, year)
    manage = may_manage_land_campaigns(request.user)
    source_form = SourceForm()
    errors: list[Any] = []
    if request.method == "POST":
        if not manage:
            return _forbidden(request, _("Only the plan office imports the campaign's data."))
        source_form = SourceForm(request.POST, request.FILES)
        if source_form.is_valid():
            upload = source_form.cleaned_data["file"]
            try:
                services.source_import(
                    actor=request.user,
                    campaign=campaign,
                    kind=source_form.cleaned_data["kind"],
                    raw=upload.read(),
                    name=upload.name,
                )
            except SourceFileError as exc:
                errors = exc.errors
            except (ValidationError, LimitError) as exc:
                errors = _errors(exc) if isinstance(exc, ValidationError) else [str(exc)]
            else:
                messages.success(request, _("The source file is imported."))
                return redirect("land:campaign", year=campaign.year)
    figures = selectors.page_figures(request.user, campaign)
    context = {
        "campaign": campaign,
        "may_manage": manage,
        "source_form": source_form,
        "source_help": SOURCE_HELP,
        "errors": errors,
        "sources": campaign.sources.all(),
        "join": campaign.summary.get("join", {}),
        "flagged": figures["flagged"],
        "counts": figures["counts"],
        "appeals": figures["appeals"],
        "chart_data": _chart(figures),
        "states": CampaignState,
    }
    bad = bool(errors or source_form.errors)
    return render(request, "land/campaign_detail.html", context, status=400 if bad else 200)


@login_required
@require_POST
def campaign_step(request: HttpRequest, year: int, step: str) -> HttpResponse:
    """The plan office's steps: run (a background job), review, publish."""
    campaign = _campaign(request, year)
    if not may_manage_land_campaigns(request.user):
        return _forbidden(request, _("Only the plan office runs, reviews and publishes campaigns."))
    try:
        if step == "run":
            job = services.campaign_queue_run(actor=request.user, campaign=campaign)
            messages.info(request, _("The run is queued as job %(pk)s.") % {"pk": job.pk})
        elif step == "review":
            services.campaign_start_review(actor=request.user, campaign=campaign)
        elif step == "publish":
            made = services.campaign_publish(actor=request.user, campaign=campaign)
            messages.success(request, _("Published; %(n)d rectifications opened.") % {"n": made})
        else:
            return _forbidden(request, _("Unknown step."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except RefusedWrite as exc:
        return _forbidden(request, str(exc))
    return redirect("land:campaign", year=campaign.year)


@login_required
def results(request: HttpRequest, year: int) -> HttpResponse:
    """The firms of a campaign the user may see, by rank, filtered by class or name/code."""
    if (refused := _signed(request)) is not None:
        return refused
    campaign = _campaign(request, year)
    firm_class = request.GET.get("class", "")[:1]
    text = request.GET.get("q", "").strip()[:40]
    rows = selectors.search(selectors.results_for(request.user, campaign), firm_class=firm_class, text=text)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "land/results.html",
        {
            "campaign": campaign,
            "page": page,
            "firm_class": firm_class,
            "q": text,
            "classes": FirmClass.values,
        },
    )


@login_required
def export(request: HttpRequest, year: int) -> HttpResponse:
    """The published grades (xlsx) of the firms the user may see."""
    from jingjin.land.exports import grades_xlsx

    if (refused := _signed(request)) is not None:
        return refused
    campaign = _campaign(request, year)
    if campaign.state != CampaignState.PUBLISHED:
        raise Http404(_("Only published grades are exported."))
    body = grades_xlsx(campaign, selectors.results_for(request.user, campaign))
    response = HttpResponse(
        body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="land-grades-{campaign.year}.xlsx"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def firm(request: HttpRequest, code: str) -> HttpResponse:
    """A firm: the score breakdown of a year, its trend, policies, rectification and appeals; the
    appeal form while the campaign is under review."""
    if (refused := _signed(request)) is not None:
        return refused
    year = request.GET.get("year", "")
    history = selectors.firm_history(request.user, code.upper()[:18], int(year) if year.isdigit() else None)
    if history is None or history.current is None:
        return render(request, "404.html", status=404)
    current = history.current
    appeal_form = bound_texts(AppealForm())
    may_appeal = current.campaign.state == CampaignState.UNDER_REVIEW and may_file_land_appeal(
        request.user, current.county_id
    )
    if request.method == "POST":
        if not may_appeal:
            return _forbidden(request, _("You may not file an appeal for this firm now."))
        appeal_form = bound_texts(AppealForm(request.POST, request.FILES))
        if appeal_form.is_valid():
            try:
                services.appeal_file(
                    actor=request.user,
                    campaign=current.campaign,
                    credit_code=current.credit_code,
                    reason=appeal_form.cleaned_data["reason"],
                    evidence=appeal_form.cleaned_data["evidence"],
                )
            except ValidationError as exc:
                appeal_form.add_error(None, exc)
            else:
                messages.success(request, _("The appeal is filed."))
                return redirect(f"{request.path}?year={current.campaign.year}")
    breakdown = _breakdown(current)
    rect = next((r for r in history.rectifications if r.campaign_id == current.campaign_id), None)
    context = {
        "h": history,
        "r": current,
        "breakdown": breakdown,
        "flags": [flag_text(f) for f in current.flags],
        "appeal_form": appeal_form,
        "may_appeal": may_appeal,
        "rect": rect,
        "rect_form": bound_texts(
            RectificationForm(
                initial={"plan": rect.plan, "deadline": rect.deadline, "progress": rect.progress}
            )
        )
        if rect
        else None,
        "may_rectify": rect is not None and may_update_land_rectification(request.user, rect.county_id),
        "trend": {
            "years": [x.campaign.year for x in history.results],
            "scores": [x.score for x in history.results],
            "classes": [x.firm_class or "-" for x in history.results],
            "name": _("Score"),
        },
    }
    return render(request, "land/firm.html", context, status=400 if appeal_form.errors else 200)


def _breakdown(result: Any) -> list[dict[str, Any]]:
    marks = result.campaign.summary.get("benchmarks", {})
    rows = []
    for name, points in result.points.items():
        mark = marks.get(name, {})
        rows.append(
            {
                "label": mark.get("label", name),
                "unit": mark.get("unit", ""),
                "value": result.indicators.get(mark.get("indicator", name)),
                "benchmark": mark.get("benchmark"),
                "weight": mark.get("weight"),
                "points": points,
            }
        )
    return rows


@login_required
@require_POST
def rectification(request: HttpRequest, pk: int) -> HttpResponse:
    rect = get_object_or_404(Rectification, pk=pk)
    if not may_update_land_rectification(request.user, rect.county_id):
        return _forbidden(request, _("You may not update this rectification."))
    form = bound_texts(RectificationForm(request.POST))
    if form.is_valid():
        try:
            services.rectification_update(actor=request.user, rectification=rect, **form.cleaned_data)
            messages.success(request, _("The rectification is updated."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect(f"{reverse('land:firm', args=[rect.credit_code])}?year={rect.campaign.year}")


@login_required
@require_http_methods(["GET", "POST"])
def appeal(request: HttpRequest, pk: int) -> HttpResponse:
    """An appeal with its evidence and the plan office's decision (accept with corrected data and
    re-run, or reject with a reason); the grade change once decided."""
    if (refused := _signed(request)) is not None:
        return refused
    item = get_object_or_404(Appeal.objects.select_related("campaign"), pk=pk)
    if not selectors.appeals_for(request.user, item.campaign).filter(pk=pk).exists():
        return render(request, "404.html", status=404)
    manage = may_manage_land_campaigns(request.user)
    form = bound_texts(DecisionForm())
    if request.method == "POST":
        if not manage:
            return _forbidden(request, _("Only the plan office decides appeals."))
        form = bound_texts(DecisionForm(request.POST))
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.appeal_decide(
                    actor=request.user,
                    appeal=item,
                    accept=data["accept"],
                    decision=data["decision"],
                    corrections={k: data[k] for k in CORRECTION_FIELDS if data.get(k) is not None},
                )
                if data["accept"]:
                    job_submit(
                        actor=request.user, kind=KIND, params={"campaign": item.campaign_id}, source="web"
                    )
                    messages.info(request, _("Accepted; the campaign is run again with the corrected data."))
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return redirect("land:appeal", pk=item.pk)
    item.refresh_from_db()
    context = {"a": item, "form": form, "may_decide": manage and item.state == "pending"}
    return render(request, "land/appeal.html", context, status=400 if form.errors else 200)


@login_required
def evidence(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The evidence file of an appeal (to those who see the appeal)."""
    from django.http import FileResponse

    item = get_object_or_404(Appeal.objects.select_related("campaign"), pk=pk)
    if (
        not has_role(request.user)
        or not selectors.appeals_for(request.user, item.campaign).filter(pk=pk).exists()
    ):
        raise Http404
    if not item.evidence:
        raise Http404
    return FileResponse(
        item.evidence.open("rb"), as_attachment=True, filename=item.evidence.name.rsplit("/", 1)[-1]
    )


@login_required
@require_http_methods(["GET", "POST"])
def policies(request: HttpRequest) -> HttpResponse:
    """The differentiated policies by class (差别化政策), set by the plan office."""
    if (refused := _signed(request)) is not None:
        return refused
    manage = may_manage_land_campaigns(request.user)
    form = bound_texts(PolicyForm())
    if request.method == "POST":
        if not manage:
            return _forbidden(request, _("Only the plan office sets the policies."))
        if "delete" in request.POST:
            policy = get_object_or_404(
                Policy, pk=request.POST.get("delete", "0") if request.POST.get("delete", "").isdigit() else 0
            )
            services.policy_delete(actor=request.user, policy=policy)
            return redirect("land:policies")
        form = bound_texts(PolicyForm(request.POST))
        if form.is_valid():
            try:
                services.policy_save(actor=request.user, data=form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return redirect("land:policies")
    context = {"policies": Policy.objects.all(), "form": form, "may_manage": manage}
    return render(request, "land/policies.html", context, status=400 if form.errors else 200)


@login_required
def rectifications(request: HttpRequest) -> HttpResponse:
    """The rectifications of D-class firms the user may see."""
    if (refused := _signed(request)) is not None:
        return refused
    page = Paginator(
        selectors.rectifications_for(request.user).order_by("-campaign__year", "credit_code"), 50
    )
    return render(request, "land/rectifications.html", {"page": page.get_page(request.GET.get("page"))})


@login_required
@require_http_methods(["GET", "POST"])
def scheme(request: HttpRequest, code: str) -> HttpResponse:
    """A scheme's body (JSON: weights, benchmarks, local indicators, classes, exemptions), changed
    by the plan office and checked by the engine; the campaigns it ran keep what they used."""
    import json

    if (refused := _signed(request)) is not None:
        return refused
    item = get_object_or_404(EvaluationScheme, code=code)
    manage = may_manage_land_campaigns(request.user)
    text = json.dumps(item.body, ensure_ascii=False, indent=2)
    errors: list[str] = []
    if request.method == "POST":
        if not manage:
            return _forbidden(request, _("Only the plan office changes the schemes."))
        text = request.POST.get("body", "")[:100_000]
        try:
            body = json.loads(text)
            if not isinstance(body, dict):
                raise ValueError
        except ValueError:
            errors = [_("The scheme is not a JSON object.")]
        else:
            try:
                services.scheme_update(actor=request.user, scheme=item, body=body)
            except ValidationError as exc:
                errors = _errors(exc)
            else:
                messages.success(request, _("The scheme is saved."))
                return redirect("land:scheme", code=item.code)
    context = {"scheme": item, "text": text, "errors": errors, "may_manage": manage}
    return render(request, "land/scheme.html", context, status=400 if errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def scheme_indicators(request: HttpRequest, code: str) -> HttpResponse:
    """A scheme's local indicators (地方特色指标) in a form: add, change (``?name=``), remove."""
    from jingjin.land.run import CORRECTABLE

    if (refused := _signed(request)) is not None:
        return refused
    item = get_object_or_404(EvaluationScheme, code=code)
    manage = may_manage_land_campaigns(request.user)
    rows = services.local_indicators(item.body)
    options = {"columns": sorted(CORRECTABLE), "segments": list(item.body.get("segments") or {})}
    editing = next((r for r in rows if r["name"] == request.GET.get("name", "")), None)
    form = bound_texts(LocalIndicatorForm(initial=editing, **options))
    if request.method == "POST":
        if not manage:
            return _forbidden(request, _("Only the plan office changes the schemes."))
        try:
            if "delete" in request.POST:
                name = request.POST.get("delete", "")[:40]
                services.scheme_indicator_delete(actor=request.user, scheme=item, name=name)
                messages.success(request, _("The indicator is removed."))
                return redirect("land:scheme_indicators", code=item.code)
            form = bound_texts(LocalIndicatorForm(request.POST, **options))
            if form.is_valid():
                data = dict(form.cleaned_data)
                services.scheme_indicator_save(
                    actor=request.user, scheme=item, name=data.pop("name"), data=data
                )
                messages.success(request, _("The indicator is saved."))
                return redirect("land:scheme_indicators", code=item.code)
        except ValidationError as exc:
            if "delete" in request.POST:
                messages.error(request, " ".join(exc.messages))
                return redirect("land:scheme_indicators", code=item.code)
            fields = hasattr(exc, "error_dict") and set(exc.error_dict) <= set(form.fields)
            form.add_error(None, exc if fields else ValidationError(exc.messages))
    context = {"scheme": item, "rows": rows, "form": form, "may_manage": manage, "editing": editing}
    return render(request, "land/scheme_indicators.html", context, status=400 if form.errors else 200)

"""Pages of the targeted attraction pipeline (靶向招引): the leads with filters and the stale flag,
a new lead (from a chain's gap), a lead with its history and its moves, the funnel by chain,
park or owner, and the candidate firms ranked by the gaps they would fill, with their import."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from jingjin.core.limits import CellProblem, file_problem
from jingjin.core.permissions import (
    PermissionDenied,
    may_add_attraction_leads,
    may_import_candidates,
    may_move_attraction_lead,
)
from jingjin.parks import attraction_imports, attraction_selectors, attraction_services
from jingjin.parks.attraction_choices import LeadStageName
from jingjin.parks.attraction_forms import LeadForm, MoveForm
from jingjin.parks.models import AttractionLead, ChainLink
from jingjin.parks.tables import ImportFailed
from jingjin.parks.views import CONTENT_TYPES

GROUPS = ("chain", "park", "owner")


def _param(request: HttpRequest, name: str, limit: int = 64) -> str:
    return request.GET.get(name, "").replace("\x00", "").strip()[:limit]


def _filters(request: HttpRequest) -> attraction_selectors.LeadFilters:
    stage = _param(request, "stage")
    return attraction_selectors.LeadFilters(
        chain=_param(request, "chain"),
        park=_param(request, "park"),
        owner=_param(request, "owner"),
        stage=stage if stage in LeadStageName.values else "",
        stale=request.GET.get("stale") == "1",
    )


def _forbidden(request: HttpRequest, reason: str) -> HttpResponse:
    return render(request, "403.html", {"reason": reason}, status=403)


@login_required
def lead_list(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    page = Paginator(attraction_selectors.lead_list(user=request.user, filters=filters), 50).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "parks/attraction_list.html",
        {
            "page": page,
            "leads": attraction_selectors.mark_stale(page.object_list),
            "filters": filters,
            "query": query.urlencode(),
            "stages": LeadStageName.choices,
            "may_add": may_add_attraction_leads(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def lead_new(request: HttpRequest) -> HttpResponse:
    if not may_add_attraction_leads(request.user):
        return _forbidden(request, _("You may not add attraction leads."))
    link = ChainLink.objects.filter(code=_param(request, "link")).select_related("chain").first()
    initial: dict[str, Any] = {"chain_links": [link]} if link else {}
    form = LeadForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "stage_date"}
        try:
            lead = attraction_services.lead_create(
                actor=request.user, data=data, stage_date=form.cleaned_data["stage_date"]
            )
        except PermissionDenied as exc:
            return _forbidden(request, str(exc))
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("The lead was added."))
            return redirect("parks:attraction-lead", pk=lead.pk)
    candidates = attraction_selectors.candidates_for_link(link) if link else []
    return render(
        request,
        "parks/attraction_form.html",
        {"form": form, "link": link, "candidates": candidates},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def lead_edit(request: HttpRequest, pk: int) -> HttpResponse:
    lead = get_object_or_404(AttractionLead.objects.restrict(request.user, "view"), pk=pk)
    if not may_move_attraction_lead(request.user, lead):
        return _forbidden(request, _("You may not change this lead."))
    form = LeadForm(request.POST or None, user=request.user, editing=True, instance=lead)
    if request.method == "POST" and form.is_valid():
        try:
            attraction_services.lead_update(actor=request.user, lead=lead, data=dict(form.cleaned_data))
        except PermissionDenied as exc:
            return _forbidden(request, str(exc))
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("The lead was saved."))
            return redirect("parks:attraction-lead", pk=lead.pk)
    return render(
        request,
        "parks/attraction_form.html",
        {"form": form, "lead": lead, "link": None, "candidates": []},
        status=400 if form.errors else 200,
    )


def _form_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
def lead_detail(request: HttpRequest, pk: int) -> HttpResponse:
    lead = get_object_or_404(
        AttractionLead.objects.restrict(request.user, "view").select_related(
            "park__unit", "owner_unit", "project", "candidate"
        ),
        pk=pk,
    )
    return _detail(request, lead, MoveForm(lead=lead))


def _detail(request: HttpRequest, lead: AttractionLead, form: MoveForm, status: int = 200) -> HttpResponse:
    return render(
        request,
        "parks/attraction_detail.html",
        {
            "lead": lead,
            "stale": attraction_selectors.is_stale(lead.stage, lead.stage_date),
            "history": lead.stages.all(),
            "links": lead.chain_links.select_related("chain"),
            "form": form,
            "may_move": may_move_attraction_lead(request.user, lead) and bool(form.stage_choices),
            "may_edit": may_move_attraction_lead(request.user, lead),
        },
        status=status,
    )


@login_required
@require_POST
def lead_move(request: HttpRequest, pk: int) -> HttpResponse:
    lead = get_object_or_404(AttractionLead.objects.restrict(request.user, "view"), pk=pk)
    if not may_move_attraction_lead(request.user, lead):
        return _forbidden(request, _("You may not move this lead."))
    form = MoveForm(request.POST, lead=lead)
    if form.is_valid():
        try:
            attraction_services.lead_move(
                actor=request.user,
                lead=lead,
                stage=form.cleaned_data["stage"],
                on=form.cleaned_data["date"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("The lead was moved."))
            return redirect("parks:attraction-lead", pk=lead.pk)
    return _detail(request, lead, form, status=400)


@login_required
def funnel(request: HttpRequest) -> HttpResponse:
    by = _param(request, "by")
    by = by if by in GROUPS else "chain"
    leads = attraction_selectors.lead_list(user=request.user)
    total = attraction_selectors.funnel(leads)
    groups = attraction_selectors.funnel_groups(leads, by)
    chart = {
        "stages": [{"name": s.label, "value": s.reached} for s in total["stages"]],
        "title": _("Leads that reached each stage"),
    }
    return render(
        request,
        "parks/attraction_funnel.html",
        {"funnel": total, "groups": groups, "by": by, "chart": chart},
    )


@login_required
def candidate_list(request: HttpRequest) -> HttpResponse:
    rows = attraction_selectors.ranked_candidates()
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "parks/attraction_candidates.html",
        {"page": page, "may_import": may_import_candidates(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def candidate_import(request: HttpRequest) -> HttpResponse:
    if not may_import_candidates(request.user):
        return _forbidden(request, _("Only the plan office imports the candidate firms."))
    errors: list[CellProblem] = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            errors = [file_problem(_("Choose a file to import."))]
        else:
            try:
                result = attraction_services.candidates_import(
                    raw=upload.read(), filename=upload.name or "", actor=request.user, source="web"
                )
            except ImportFailed as exc:
                errors = exc.errors
            else:
                messages.success(
                    request,
                    _("Imported: %(c)d created, %(u)d updated.") % {"c": result.created, "u": result.updated},
                )
                return redirect("parks:attraction-candidates")
    return render(
        request,
        "parks/attraction_import.html",
        {"errors": errors, "columns": attraction_imports.CANDIDATE_COLUMNS},
        status=400 if errors else 200,
    )


@login_required
def candidate_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(attraction_imports.template_xlsx(), content_type=CONTENT_TYPES["xlsx"])
    response["Content-Disposition"] = 'attachment; filename="candidates-template.xlsx"'
    return response

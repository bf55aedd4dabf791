"""Pages of the park registers: parks (with the leading-industry cap badge), a park, the 3+3+3
industry tree, chains and a chain by position, firms with filters, clusters against their
targets; imports, templates and exports of each register."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from jingjin.core.limits import CellProblem, file_problem, in_background, limit
from jingjin.core.models import Unit
from jingjin.core.permissions import (
    PermissionDenied,
    editable_fields,
    may_add_attraction_leads,
    may_manage_park_registers,
)
from jingjin.jobs.services import job_submit
from jingjin.parks import exports, gaps, selectors, services
from jingjin.parks.choices import FIRM_FLAGS, Fortune500
from jingjin.parks.job_kinds import KIND as REGISTER_IMPORT
from jingjin.parks.models import Chain, ChainLink, Firm, Industry, Park
from jingjin.parks.tables import ImportFailed

#: the registers that are imported and exported, with their titles
REGISTERS: dict[str, Any] = {
    "industries": gettext_lazy("Industries"),
    "parks": gettext_lazy("Parks"),
    "chains": gettext_lazy("Industrial chains and their links"),
    "firms": gettext_lazy("Firms"),
    "clusters": gettext_lazy("Clusters and their yearly targets"),
}
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def _registers(request: HttpRequest) -> dict[str, Any]:
    return {"registers": REGISTERS, "manages": may_manage_park_registers(request.user)}


@login_required
def park_list(request: HttpRequest) -> HttpResponse:
    parks = selectors.park_list(user=request.user)
    warnings = [park for park in parks if park.over_cap or park.no_leading]
    return render(
        request, "parks/park_list.html", {"parks": parks, "warnings": warnings, **_registers(request)}
    )


@login_required
def park_detail(request: HttpRequest, code: str) -> HttpResponse:
    if "\x00" in code:  # PostgreSQL refuses NUL in a text parameter
        raise Http404(code)
    try:
        data = selectors.park_detail(user=request.user, code=code)
    except Park.DoesNotExist as exc:
        raise Http404(code) from exc
    data["can_edit"] = bool(editable_fields(request.user, data["park"]))
    return render(request, "parks/park_detail.html", data)


@login_required
def industry_tree(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "parks/industries.html",
        {**selectors.industry_tree(user=request.user), **_registers(request)},
    )


@login_required
def chain_list(request: HttpRequest) -> HttpResponse:
    chains = selectors.chain_list(user=request.user)
    return render(request, "parks/chain_list.html", {"chains": chains, **_registers(request)})


@login_required
def chain_detail(request: HttpRequest, code: str) -> HttpResponse:
    if "\x00" in code:
        raise Http404(code)
    try:
        data = selectors.chain_detail(user=request.user, code=code)
    except Chain.DoesNotExist as exc:
        raise Http404(code) from exc
    positions = gaps.with_gaps(data["positions"], gaps.chain_gaps(data["chain"]))
    return render(
        request,
        "parks/chain_detail.html",
        {
            **data,
            "positions": positions,
            "diagram": gaps.chart_data(data["chain"], positions),
            "may_add_lead": may_add_attraction_leads(request.user),
        },
    )


def _param(request: HttpRequest, name: str, limit: int = 64) -> str:
    return request.GET.get(name, "").replace("\x00", "").strip()[:limit]


@login_required
def firm_list(request: HttpRequest) -> HttpResponse:
    category = _param(request, "category")
    filters = selectors.FirmFilters(
        park=_param(request, "park"),
        county=_param(request, "county"),
        chain=_param(request, "chain"),
        link=_param(request, "link"),
        industry=_param(request, "industry"),
        category=category if category in selectors.CATEGORIES else "",
        q=_param(request, "q", 100),
    )
    firms = selectors.firm_list(user=request.user, filters=filters)
    page = Paginator(firms, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    categories = [
        ("fortune500", _("Fortune-500-type groups")),
        *[(v, str(label)) for v, label in Fortune500.choices if v],
    ]
    categories += [
        (flag, str(getattr(Firm._meta.get_field(flag), "verbose_name", flag))) for flag in FIRM_FLAGS
    ]
    return render(
        request,
        "parks/firm_list.html",
        {
            "page": page,
            "filters": filters,
            "query": query.urlencode(),
            "categories": categories,
            "parks": Park.objects.select_related("unit"),
            "link": ChainLink.objects.select_related("chain").filter(code=filters.link).first()
            if filters.link
            else None,
            "chain": Chain.objects.filter(code=filters.chain).first() if filters.chain else None,
            "industry": Industry.objects.filter(code=filters.industry).first() if filters.industry else None,
            "county": Unit.objects.filter(code=filters.county).first() if filters.county else None,
            **_registers(request),
        },
    )


@login_required
def cluster_list(request: HttpRequest) -> HttpResponse:
    clusters = selectors.cluster_list(user=request.user)
    chart = {
        "clusters": selectors.cluster_chart(clusters),
        "target": _("Target"),
        "actual": _("Actual"),
        "unit": _("100 million yuan"),
    }
    return render(
        request, "parks/clusters.html", {"clusters": clusters, "chart": chart, **_registers(request)}
    )


@login_required
@require_http_methods(["GET", "POST"])
def register_import(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in REGISTERS:
        raise Http404(kind)
    if not may_manage_park_registers(request.user):
        return render(
            request, "403.html", {"reason": _("Only the plan office imports the park registers.")}, status=403
        )
    errors: list[CellProblem] = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            errors = [file_problem(_("Choose a file to import."))]
        elif _in_background(kind, upload.size):  # a large file: a job, not while the request waits
            try:
                job = job_submit(
                    actor=request.user,
                    kind=REGISTER_IMPORT,
                    params={"kind": kind, "source": "web"},
                    input_file=upload,
                    source="web",
                )
            except ValidationError as exc:  # e.g. a file name with control characters
                errors = [file_problem(message) for message in exc.messages]
            else:
                messages.info(request, _("The file is large: it is imported in the background."))
                return redirect("jobs:detail", pk=job.pk)
        else:
            try:
                result = services.register_import(
                    kind=kind, raw=upload.read(), filename=upload.name or "", actor=request.user, source="web"
                )
            except ImportFailed as exc:
                errors = exc.errors
            except PermissionDenied as exc:
                return render(request, "403.html", {"reason": str(exc)}, status=403)
            else:
                messages.success(
                    request,
                    _("Imported: %(c)d created, %(u)d updated.") % {"c": result.created, "u": result.updated},
                )
                return redirect("parks:import", kind=kind)
    return render(
        request,
        "parks/import.html",
        {"kind": kind, "title": REGISTERS[kind], "errors": errors, "columns": exports.columns_of(kind)},
        status=400 if errors else 200,
    )


def _in_background(kind: str, size: int | None) -> bool:
    """Is this upload imported by a job? Above ``JINGJIN_IMPORT_JOB_BYTES``; the firm register has
    its own upper bound (``JINGJIN_FIRM_IMPORT_MAX_BYTES``, checked by its import)."""
    if kind == "firms":
        return int(size or 0) > limit("JINGJIN_IMPORT_JOB_BYTES")
    return in_background(size)


def _download(body: bytes, name: str, fmt: str) -> HttpResponse:
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@login_required
def register_template(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in REGISTERS:
        raise Http404(kind)
    return _download(exports.template_xlsx(kind), f"{kind}-template", "xlsx")


@login_required
def register_export(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    if kind not in REGISTERS or fmt not in CONTENT_TYPES:
        raise Http404(kind)
    body = exports.register_xlsx(kind) if fmt == "xlsx" else exports.register_csv(kind)
    return _download(body, kind, fmt)

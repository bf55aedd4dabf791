"""Pages of official documents (公文): the register, one document with its files, issuing one
from its source and withdrawing one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from jingjin.core.permissions import PermissionDenied, has_role
from jingjin.core.selectors import audit_for_object
from jingjin.documents import layout, selectors, services
from jingjin.documents.choices import DocumentKind, DocumentState
from jingjin.documents.forms import IssueForm, WithdrawForm
from jingjin.documents.models import OfficialDocument

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def _forbidden(request: HttpRequest, reason: str) -> HttpResponse:
    return render(request, "403.html", {"reason": reason}, status=403)


@login_required
def document_list(request: HttpRequest) -> HttpResponse:
    if not has_role(request.user):
        return _forbidden(request, _("Only users with a role may read the document register."))
    kind = request.GET.get("kind", "")
    kind = kind if kind in DocumentKind.values else ""
    state = request.GET.get("state", "")
    state = state if state in DocumentState.values else ""
    year_text = request.GET.get("year", "")
    year = int(year_text) if year_text.isdigit() and len(year_text) == 4 else None
    documents = selectors.document_list(user=request.user, kind=kind, state=state, year=year)
    page = Paginator(documents, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "documents/list.html",
        {
            "page": page,
            "kind": kind,
            "state": state,
            "year": year,
            "kinds": DocumentKind.choices,
            "states": DocumentState.choices,
            "query": query.urlencode(),
            "can_issue": selectors.can_issue(user=request.user),
        },
    )


def _document(request: HttpRequest, pk: int) -> OfficialDocument:
    try:
        return selectors.document_detail(user=request.user, pk=pk)
    except OfficialDocument.DoesNotExist as exc:
        raise Http404(str(pk)) from exc


@login_required
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    document = _document(request, pk)
    return render(
        request,
        "documents/detail.html",
        {
            "document": document,
            "paragraphs": [p for p in document.body.splitlines() if p.strip()],
            "recipients": list(document.recipients.all()),
            "can_withdraw": selectors.can_issue(user=request.user) and document.state == DocumentState.ISSUED,
            "withdraw_form": WithdrawForm(),
            "audit": audit_for_object(user=request.user, obj=document)[:50],
        },
    )


@login_required
def document_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    if fmt not in CONTENT_TYPES:
        raise Http404(fmt)
    try:
        document, content = selectors.document_file(user=request.user, pk=pk, fmt=fmt)
    except OfficialDocument.DoesNotExist as exc:
        raise Http404(str(pk)) from exc
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = layout.content_disposition(document.pk, document.number, fmt)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def document_issue(request: HttpRequest) -> HttpResponse:
    if not selectors.can_issue(user=request.user):
        return _forbidden(request, _("Only the plan office may issue official documents."))
    form = IssueForm(request.POST or None, initial={"kind": request.GET.get("kind", DocumentKind.NOTICE)})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            document = services.document_issue(
                actor=request.user, kind=data["kind"], plan=data["plan"], source=data["source"]
            )
        except PermissionDenied as exc:
            return _forbidden(request, str(exc))
        except services.DocumentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Document %(number)s issued.") % {"number": document.number})
            return redirect("documents:detail", pk=document.pk)
    return render(request, "documents/issue.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_POST
def document_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    if not selectors.can_issue(user=request.user):
        return _forbidden(request, _("Only the plan office may withdraw official documents."))
    document = _document(request, pk)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason of the withdrawal."))
        return redirect("documents:detail", pk=document.pk)
    try:
        services.document_withdraw(actor=request.user, document=document, reason=form.cleaned_data["reason"])
    except services.DocumentError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("Document %(number)s withdrawn; its number stays taken.") % {"number": document.number}
        )
    return redirect("documents:detail", pk=document.pk)

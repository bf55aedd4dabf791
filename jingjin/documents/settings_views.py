"""The page of a plan's document settings (``/documents/settings/?plan=<code>``): the issuing
office mark, the number prefixes, the signature, the 抄送 and 印发 lines — for the plan office,
saved through :func:`jingjin.documents.services.document_settings_save` (audited)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from jingjin.core.permissions import PermissionDenied, may_set_document_settings
from jingjin.core.selectors import audit_for_object
from jingjin.documents import services
from jingjin.documents.forms import SETTINGS_FIELDS, SettingsForm
from jingjin.documents.models import DocumentSettings
from jingjin.plans.models import Plan


def settings_initial(plan: Plan) -> tuple[DocumentSettings | None, dict[str, str]]:
    """The plan's stored settings, and the values the form starts from (the defaults without)."""
    found = DocumentSettings.objects.filter(plan=plan).first()
    if found is not None:
        return found, {name: getattr(found, name) for name in SETTINGS_FIELDS}
    defaults = {kind: services.heading_of(plan, kind) for kind in services.DEFAULT_PREFIXES}
    any_kind = next(iter(defaults.values()))
    return None, {
        "issuer": any_kind["issuer"],
        **{f"prefix_{kind}": heading["prefix"] for kind, heading in defaults.items()},
        "signature": "",
        "copy_to": "",
        "printer": "",
    }


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    if not may_set_document_settings(request.user):
        return render(
            request,
            "403.html",
            {"reason": _("Only the plan office sets how documents are headed and numbered.")},
            status=403,
        )
    plans = list(Plan.objects.order_by("code"))
    code = request.POST.get("plan") or request.GET.get("plan") or (plans[0].code if plans else "")
    plan = next((p for p in plans if p.code == code), None)
    if plan is None:
        return render(request, "documents/settings.html", {"plans": plans, "plan": None}, status=404)
    found, initial = settings_initial(plan)
    form = SettingsForm(initial=initial)
    status = 200
    if request.method == "POST":
        form = SettingsForm(request.POST)
        if form.is_valid():
            values = {name: form.cleaned_data[name] for name in SETTINGS_FIELDS}
            try:
                services.document_settings_save(actor=request.user, plan=plan, values=values)
            except PermissionDenied:
                return render(request, "403.html", {"reason": ""}, status=403)
            except ValidationError as exc:
                for name, errors in exc.message_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                messages.success(request, _("Document settings saved."))
                return redirect(f"{request.path}?plan={plan.code}")
        status = 400
    return render(
        request,
        "documents/settings.html",
        {
            "plans": plans,
            "plan": plan,
            "form": form,
            "stored": found is not None,
            "audit": audit_for_object(user=request.user, obj=found)[:20] if found is not None else [],
        },
        status=status,
    )

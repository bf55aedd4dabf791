"""Pages that correct a household's figures (members with their personal data, risk factors,
assistance measures, income records) or remove one entered by mistake (``?remove=1`` on the edit
page: a confirmation with the reason, POST only), and the register of monitoring lines (监测范围).

Every write goes through :mod:`jingjin.rural.services` (audited). The member form shows the
personal data in full, so only a case worker of the household's county opens it (the same rule
as the file's), and each opening is logged as a view of the full record.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from jingjin.core.permissions import (
    PermissionDenied,
    has_role,
    may_manage_income_lines,
    may_work_on_household,
)
from jingjin.rural import forms as rural_forms
from jingjin.rural import selectors, services
from jingjin.rural.models import AssistanceMeasure, Household, IncomeLine, IncomeRecord, Member, RiskFactor
from jingjin.rural.views import _attach, _forbidden, _household


def _risk_initial(risk: Any) -> dict[str, Any]:
    return {"kind": risk.kind, "note": risk.note}


def _measure_initial(measure: Any) -> dict[str, Any]:
    fields = ("kind", "description", "started_on", "pool", "paid")
    return {name: getattr(measure, name) for name in fields}


def _income_initial(income: Any) -> dict[str, Any]:
    return {"month": income.month, "net_income": income.net_income}


def _save_member(user: Any, member: Any, data: dict[str, Any]) -> Any:
    return services.member_update(actor=user, member=member, **data)


def _save_risk(user: Any, risk: Any, data: dict[str, Any]) -> Any:
    return services.risk_update(actor=user, risk=risk, **data)


def _save_measure(user: Any, measure: Any, data: dict[str, Any]) -> Any:
    data["paid"] = data.get("paid") or 0
    return services.measure_update(actor=user, measure=measure, **data)


def _save_income(user: Any, income: Any, data: dict[str, Any]) -> Any:
    return services.income_record(
        actor=user, household=income.household, month=income.month, net_income=data["net_income"]
    )


def _remove_member(user: Any, member: Any, reason: str) -> None:
    services.member_remove(actor=user, member=member, reason=reason)


def _remove_risk(user: Any, risk: Any, reason: str) -> None:
    services.risk_remove(actor=user, risk=risk, reason=reason)


def _remove_measure(user: Any, measure: Any, reason: str) -> None:
    services.measure_remove(actor=user, measure=measure, reason=reason)


def _remove_income(user: Any, income: Any, reason: str) -> None:
    services.income_remove(actor=user, income=income, reason=reason)


def _member_summary(member: Any) -> list[Any]:  # no personal data: the page is not a logged view
    return [member.name, member.get_relation_display()]


def _risk_summary(risk: Any) -> list[Any]:
    return [risk.get_kind_display(), risk.note]


def _measure_summary(measure: Any) -> list[Any]:
    paid = f"{measure.paid} {_('yuan from')} {measure.pool}" if measure.paid else ""
    return [measure.started_on.isoformat(), measure.get_kind_display(), measure.description, paid]


def _income_summary(income: Any) -> list[Any]:
    return [income.month.strftime("%Y-%m"), income.net_income]


@dataclass(frozen=True)
class Item:
    model: type[models.Model]
    form: type[forms.Form]
    initial: Callable[[Any], dict[str, Any]]
    save: Callable[[Any, Any, dict[str, Any]], Any]
    title: Any
    remove: Callable[[Any, Any, str], None]
    summary: Callable[[Any], list[Any]]
    remove_title: Any


ITEMS: dict[str, Item] = {
    "member": Item(
        Member,
        rural_forms.MemberForm,
        selectors.member_values,
        _save_member,
        gettext_lazy("Edit a member"),
        _remove_member,
        _member_summary,
        gettext_lazy("Remove a member"),
    ),
    "risk": Item(
        RiskFactor,
        rural_forms.RiskForm,
        _risk_initial,
        _save_risk,
        gettext_lazy("Edit a risk factor"),
        _remove_risk,
        _risk_summary,
        gettext_lazy("Remove a risk factor"),
    ),
    "measure": Item(
        AssistanceMeasure,
        rural_forms.MeasureForm,
        _measure_initial,
        _save_measure,
        gettext_lazy("Edit an assistance measure"),
        _remove_measure,
        _measure_summary,
        gettext_lazy("Remove an assistance measure"),
    ),
    "income": Item(
        IncomeRecord,
        rural_forms.IncomeForm,
        _income_initial,
        _save_income,
        gettext_lazy("Correct an income"),
        _remove_income,
        _income_summary,
        gettext_lazy("Remove an income record"),
    ),
}


def _item_form(kind: str, household: Household, obj: Any, data: Any) -> forms.Form:
    item = ITEMS[kind]
    kwargs: dict[str, Any] = {"county_id": household.county_id} if kind == "measure" else {}
    form = item.form(data, initial=item.initial(obj), **kwargs)
    if kind == "income":  # the month is the record's key: correct the figure, not the month
        form.fields["month"].disabled = True
    return form


@never_cache  # the member form holds personal data in full: no browser or proxy keeps a copy
@login_required
def item_edit(request: HttpRequest, code: str, kind: str, pk: int) -> HttpResponse:
    """Correct one member, risk factor, measure or income record of the household's file."""
    if kind not in ITEMS:
        raise Http404
    household = _household(request, code)
    if not may_work_on_household(request.user, household):
        return _forbidden(request, _("Only the case workers of the household's county work on it."))
    obj = ITEMS[kind].model._default_manager.filter(household=household, pk=pk).first()
    if obj is None:
        raise Http404
    if request.GET.get("remove") == "1":
        return _item_remove(request, household, kind, obj)
    form = _item_form(kind, household, obj, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            ITEMS[kind].save(request.user, obj, dict(form.cleaned_data))
        except ValidationError as exc:
            _attach(form, exc)
        except PermissionDenied:
            return _forbidden(request, _("Only the case workers of the household's county work on it."))
        else:
            messages.success(request, _("Saved."))
            return redirect("rural:household", code=household.code)
    if kind == "member" and selectors.shows_full(request.user, household):
        services.access_record(user=request.user, household=household, via="page")
    status = 400 if request.method == "POST" else 200
    context = {"household": household, "form": form, "title": ITEMS[kind].title, "kind": kind, "pk": pk}
    return render(request, "rural/item_edit.html", context, status=status)


def _item_remove(request: HttpRequest, household: Household, kind: str, obj: Any) -> HttpResponse:
    """The confirmation of a removal with its reason (GET shows it and writes nothing; POST removes)."""
    item = ITEMS[kind]
    form = rural_forms.RemoveForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            item.remove(request.user, obj, form.cleaned_data["reason"])
        except ValidationError as exc:
            _attach(form, exc)
        except PermissionDenied:
            return _forbidden(request, _("Only the case workers of the household's county work on it."))
        else:
            messages.success(request, _("Removed; the reason is kept in the audit trail."))
            return redirect("rural:household", code=household.code)
    context = {
        "household": household,
        "form": form,
        "title": item.remove_title,
        "summary": " · ".join(str(part) for part in item.summary(obj) if part not in ("", None)),
        "refund": obj.paid if kind == "measure" and obj.pool_id and obj.paid else None,
        "kind": kind,
        "pk": obj.pk,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "rural/item_remove.html", context, status=status)


@login_required
def income_lines(request: HttpRequest) -> HttpResponse:
    """The monitoring lines per province and year; the rural bureau and the plan office record them."""
    if not has_role(request.user):
        return _forbidden(request, _("You have no role."))
    may_manage = may_manage_income_lines(request.user)
    form = rural_forms.IncomeLineForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not may_manage:
            return _forbidden(request, _("The rural bureau and the plan office record the lines."))
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.income_line_save(
                    actor=request.user,
                    province=data["province"],
                    year=data["year"],
                    amount=data["amount"],
                    province_name=data["province_name"],
                    source_text=data["source_text"],
                )
            except ValidationError as exc:
                _attach(form, exc)
            else:
                messages.success(request, _("Line recorded."))
                return redirect("rural:lines")
    lines = IncomeLine.objects.order_by("province", "-year")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "rural/lines.html", {"lines": lines, "form": form, "may_manage": may_manage}, status=status
    )

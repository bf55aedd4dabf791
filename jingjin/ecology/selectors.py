"""Reads of the ecology registers: lists with filters, one record, the counts of the ecology home."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from jingjin.core.permissions import has_role, may_change_ecology_record, may_manage_ecology_registers
from jingjin.ecology.choices import BlackOdorousState, ProjectState, SoilSiteState
from jingjin.ecology.models import (
    BlackOdorousBody,
    HeavyMetalProject,
    PollutionSource,
    ReductionProject,
    Section,
    SoilRiskSite,
    Station,
)
from jingjin.ecology.registers import Register

#: the related objects each register's list and detail show
RELATED: dict[type, tuple[str, ...]] = {ReductionProject: ("source", "source__county")}


def record_list(
    *, register: Register, user: Any, query: str = "", county: str = "", state: str = ""
) -> QuerySet[Any]:
    """The records of ``register`` that ``user`` sees (every signed-in user: all), filtered by a
    code or name fragment, a county's code and a state."""
    model: Any = register.model
    records = model.objects.restrict(user, "view")
    related = RELATED.get(model, ("county",))
    records = records.select_related(*related)
    if register.has_targets:
        records = records.prefetch_related("targets")
    if query:
        records = records.filter(
            Q(code__icontains=query) | Q(name_zh__icontains=query) | Q(name_en__icontains=query)
        )
    if county:
        lookup = "source__county__code" if model is ReductionProject else "county__code"
        records = records.filter(**{lookup: county})
    if state and "state" in register.fields:
        records = records.filter(state=state)
    return records.order_by("code")


def record_detail(*, register: Register, user: Any, code: str) -> Any:
    """One record by its code; ``DoesNotExist`` when there is none (or the user may not see it)."""
    return record_list(register=register, user=user).get(code=code)


def may_add(*, user: Any) -> bool:
    return may_manage_ecology_registers(user)


def may_change(*, user: Any, record: Any) -> bool:
    return may_change_ecology_record(user, record)


def _by_state(model: Any, choices: Any) -> list[tuple[str, Any, int]]:
    counts = dict(model.objects.values_list("state").annotate(n=Count("pk")).values_list("state", "n"))
    return [(value, label, counts.get(value, 0)) for value, label in choices.choices]


def home_counts(*, user: Any) -> dict[str, Any]:
    """The figures of the ecology home: stations, sections, bodies by state, the sources' NOx and
    VOCs (t/a) and the projects' cuts planned and done, soil sites by state, heavy-metal projects."""
    if not has_role(user):
        return {}
    zero = Decimal(0)
    sources = PollutionSource.objects.aggregate(nox=Sum("nox_t"), vocs=Sum("vocs_t"), n=Count("pk"))
    cuts = ReductionProject.objects.aggregate(
        nox_planned=Sum("nox_reduction_t"),
        vocs_planned=Sum("vocs_reduction_t"),
        nox_done=Sum("nox_reduction_t", filter=Q(state=ProjectState.DONE)),
        vocs_done=Sum("vocs_reduction_t", filter=Q(state=ProjectState.DONE)),
        n=Count("pk"),
    )
    return {
        "stations": Station.objects.count(),
        "stations_city": Station.objects.filter(counts_for_city=True, active=True).count(),
        "sections": Section.objects.count(),
        "bodies": _by_state(BlackOdorousBody, BlackOdorousState),
        "bodies_total": BlackOdorousBody.objects.count(),
        "sources": sources["n"],
        "nox": sources["nox"] or zero,
        "vocs": sources["vocs"] or zero,
        "projects": cuts["n"],
        "nox_planned": cuts["nox_planned"] or zero,
        "vocs_planned": cuts["vocs_planned"] or zero,
        "nox_done": cuts["nox_done"] or zero,
        "vocs_done": cuts["vocs_done"] or zero,
        "soil": _by_state(SoilRiskSite, SoilSiteState),
        "heavy_metal": _by_state(HeavyMetalProject, ProjectState),
    }

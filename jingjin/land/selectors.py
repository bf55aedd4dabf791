"""Reads of the per-mu evaluation: campaigns, the results a user may see, the charts' figures
(class distribution, per-mu tax and value added by park and by industry), a firm's history."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum

from jingjin.core.permissions import has_role, land_results_for
from jingjin.land.choices import CampaignState, FirmClass
from jingjin.land.models import Appeal, EvaluationCampaign, FirmResult, Policy, Rectification


def campaigns_for(user: Any) -> QuerySet[EvaluationCampaign]:
    """Every campaign, for every signed-in user with a role (the firms inside are restricted)."""
    if not has_role(user):
        return EvaluationCampaign.objects.none()
    return EvaluationCampaign.objects.select_related("scheme").order_by("-year")


def results_for(user: Any, campaign: EvaluationCampaign) -> QuerySet[FirmResult]:
    return land_results_for(user, FirmResult.objects.filter(campaign=campaign))


def class_counts(results: QuerySet[FirmResult]) -> dict[str, int]:
    rows = results.exclude(firm_class="").values("firm_class").annotate(n=Count("id"))
    counts = dict.fromkeys(FirmClass.values, 0)
    counts.update({r["firm_class"]: r["n"] for r in rows})
    return counts


def per_mu_by(results: QuerySet[FirmResult], field: str, *, most: int = 15) -> list[dict[str, Any]]:
    """Tax and value added per mu (sums over sums) of the graded firms, by ``park_name`` or
    ``industry_name``; the largest land first."""
    rows = (
        results.exclude(firm_class="")
        .exclude(**{field: ""})
        .values(field)
        .annotate(land=Sum("land_mu"), tax=Sum("tax_10k"), va=Sum("value_added_10k"), firms=Count("id"))
        .order_by("-land")[:most]
    )
    return [
        {
            "name": r[field],
            "firms": r["firms"],
            "tax_per_mu": round(r["tax"] / r["land"], 2) if r["land"] and r["tax"] is not None else None,
            "va_per_mu": round(r["va"] / r["land"], 2) if r["land"] and r["va"] is not None else None,
        }
        for r in rows
    ]


def flagged(results: QuerySet[FirmResult], *, most: int = 100) -> list[FirmResult]:
    """Results with a flag (outlier, missing source, not graded), for the review."""
    return list(results.exclude(flags=[]).order_by("credit_code")[:most])


def appeals_for(user: Any, campaign: EvaluationCampaign) -> QuerySet[Appeal]:
    codes = results_for(user, campaign).values("credit_code")
    return campaign.appeals.filter(credit_code__in=codes)


@dataclass
class FirmHistory:
    code: str
    name: str
    current: FirmResult | None
    results: list[FirmResult]
    policies: list[Policy]
    rectifications: list[Rectification]
    appeals: list[Appeal]


def firm_history(user: Any, code: str, year: int | None = None) -> FirmHistory | None:
    """A firm's results over the years it was evaluated (those the user may see), the one of
    ``year`` (default: the latest), its class's policies, rectifications and appeals."""
    results = list(
        land_results_for(user, FirmResult.objects.filter(credit_code=code))
        .select_related("campaign", "county", "firm")
        .order_by("campaign__year")
    )
    if not results:
        return None
    current = next((r for r in results if r.campaign.year == year), None) if year else results[-1]
    policies: list[Policy] = []
    if current is not None and current.firm_class and current.campaign.state == CampaignState.PUBLISHED:
        policies = list(Policy.objects.filter(firm_class=current.firm_class, active=True))
    return FirmHistory(
        code=code,
        name=(current or results[-1]).name,
        current=current,
        results=results,
        policies=policies,
        rectifications=list(Rectification.objects.filter(credit_code=code).select_related("campaign")),
        appeals=list(Appeal.objects.filter(credit_code=code).select_related("campaign")),
    )


def rectifications_for(user: Any) -> QuerySet[Rectification]:
    return land_results_for(user, Rectification.objects.select_related("campaign"))


def search(results: QuerySet[FirmResult], *, firm_class: str = "", text: str = "") -> QuerySet[FirmResult]:
    if firm_class == "-":
        results = results.filter(firm_class="")
    elif firm_class in FirmClass.values:
        results = results.filter(firm_class=firm_class)
    if text:
        results = results.filter(Q(credit_code__icontains=text) | Q(name__icontains=text))
    return results.order_by(F("rank").asc(nulls_last=True), "credit_code")


def page_figures(user: Any, campaign: EvaluationCampaign) -> dict[str, Any]:
    """The heavy part of the campaign page — class counts, per-mu by park and by industry, the
    flagged firms and the appeals the user sees — kept in the cache until the next write to the
    campaign: the key holds the campaign's ``revision`` (moved by every write to the campaign, its
    sources, results and appeals), the language and what the user may see
    (:func:`jingjin.dashboard.figure_cache.scope`)."""
    from django.utils.translation import get_language

    from jingjin.dashboard.figure_cache import cached, scope

    revision = EvaluationCampaign.objects.filter(pk=campaign.pk).values_list("revision", flat=True).first()
    results = results_for(user, campaign)
    key = f"jingjin:land:campaign:{campaign.pk}:{get_language() or ''}:{scope(results)}"
    return cached(key, revision or 0, lambda: _page_figures_compute(user, campaign, results))


def _page_figures_compute(
    user: Any, campaign: EvaluationCampaign, results: QuerySet[FirmResult]
) -> dict[str, Any]:
    from jingjin.land.explain import flag_text

    return {
        "counts": class_counts(results),
        "parks": per_mu_by(results, "park_name"),
        "industries": per_mu_by(results, "industry_name"),
        "flagged": [(r, [str(flag_text(f)) for f in r.flags]) for r in flagged(results, most=50)],
        "appeals": list(appeals_for(user, campaign)[:50]),
    }

"""Demo of the per-mu evaluation (synthetic, ``is_synthetic``): the city's copy of the 黄岩 2022
scheme, the differentiated policies, the campaign of the data year two years before the as-of date
published (with its D-class rectifications) and the one of the year before under review with one
pending appeal. The firms are the park register's demo firms plus synthetic ones ("示例企业NN"),
their figures drawn from a seeded generator; every file goes through the real import."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from typing import Any

import numpy as np

from jingjin.land import services
from jingjin.land.models import EvaluationCampaign, EvaluationScheme, Policy
from jingjin.parks.creditcode import check_character

POLICIES = [
    ("A", "land", "新增用地指标优先保障，重点项目优先供地"),
    ("A", "energy", "用能指标优先保障"),
    ("A", "credit", "纳入银行白名单，优先信贷支持"),
    ("B", "land", "用地需求适度保障"),
    ("B", "credit", "正常信贷支持"),
    ("C", "electricity", "差别电价加价 0.05 元/千瓦时"),
    ("C", "water", "差别水价加价 0.5 元/立方米"),
    ("D", "electricity", "差别电价加价 0.10 元/千瓦时"),
    ("D", "water", "差别水价加价 1.0 元/立方米"),
    ("D", "gas", "天然气价格上浮 10%"),
    ("D", "rectification", "限期整改，提交提质增效或腾退方案"),
]
RATES = {
    ("C", "electricity"): "0.05",
    ("C", "water"): "0.5",
    ("D", "electricity"): "0.10",
    ("D", "water"): "1.0",
}


def _code(i: int) -> str:
    first = f"91510900MAD{i:06d}"
    return first + check_character(first)


def _csv(rows: list[list[Any]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _firms() -> list[tuple[str, str]]:
    from jingjin.parks.models import Firm

    firms = list(
        Firm.objects.filter(is_synthetic=True).order_by("credit_code").values_list("credit_code", "name")
    )
    firms += [(_code(i), f"示例企业{i:02d}（演示）") for i in range(1, 41)]
    return firms


def _sources(firms: list[tuple[str, str]], seed: int, growth: float) -> dict[str, bytes]:
    """The five source files of one data year; the last firm is missing from the energy source."""
    rng = np.random.default_rng(seed)
    n = len(firms)
    land = np.round(rng.uniform(8, 180, n), 1)
    above = rng.random(n) < 0.8
    va = np.round(land * rng.lognormal(np.log(90), 0.6, n) * growth, 1)
    tax = np.round(va * rng.uniform(0.08, 0.3, n), 1)
    revenue = np.round(va * rng.uniform(3, 6, n), 1)
    energy = np.round(va / rng.lognormal(np.log(2.7), 0.5, n), 1)
    electricity = np.round(tax / rng.lognormal(np.log(0.24), 0.4, n), 1)
    emissions = np.round(va / rng.lognormal(np.log(4900), 0.5, n), 2)
    employees = np.maximum(5, np.round(va / rng.lognormal(np.log(18), 0.4, n)))
    rd = np.round(revenue * rng.uniform(0.0, 0.06, n), 1)
    codes = [c for c, _ in firms]
    return {
        "land": _csv(
            [["统一社会信用代码", "企业名称", "用地面积", "规上"]]
            + [[c, name, land[i], int(above[i])] for i, (c, name) in enumerate(firms)]
        ),
        "tax": _csv(
            [["credit_code", "tax_10k", "revenue_10k", "value_added_10k"]]
            + [[c, tax[i], revenue[i], va[i]] for i, c in enumerate(codes)]
        ),
        "energy": _csv(
            [["credit_code", "energy_tce", "electricity_10k_kwh"]]
            + [[c, energy[i], electricity[i]] for i, c in enumerate(codes[:-1])]
        ),
        "emissions": _csv(
            [["credit_code", "emissions_t"]] + [[c, emissions[i]] for i, c in enumerate(codes)]
        ),
        "statistics": _csv(
            [["credit_code", "employees", "rd_10k"]]
            + [[c, int(employees[i]), rd[i]] for i, c in enumerate(codes)]
        ),
    }


def _campaign(
    scheme: EvaluationScheme, year: int, firms: list[tuple[str, str]], growth: float
) -> EvaluationCampaign:
    campaign = services.campaign_create(
        actor=None,
        year=year,
        title=f"{year}年度工业企业亩均效益综合评价（演示）",
        scheme=scheme,
        is_synthetic=True,
        source="demo",
    )
    for kind, raw in _sources(firms, seed=year, growth=growth).items():
        services.source_import(
            actor=None, campaign=campaign, kind=kind, raw=raw, name=f"{kind}-{year}.csv", source="demo"
        )
    services.campaign_evaluate(actor=None, campaign=campaign, source="demo")
    campaign.refresh_from_db()
    services.campaign_start_review(actor=None, campaign=campaign, source="demo")
    return campaign


def demo_land(*, today: date) -> dict[str, int]:
    """Load the demo (idempotent): the counts of campaigns, results and policies afterwards."""
    scheme = EvaluationScheme.objects.filter(code="city").first()
    if scheme is None:
        scheme = services.scheme_create(
            actor=None,
            code="city",
            title="本市工业企业亩均效益评价办法（演示，据黄岩2022）",
            based_on="huangyan-2022",
            is_synthetic=True,
            source="demo",
        )
    if not Policy.objects.exists():
        for firm_class, kind, measure in POLICIES:
            services.policy_save(
                actor=None,
                source="demo",
                data={
                    "firm_class": firm_class,
                    "kind": kind,
                    "measure": measure,
                    "rate": RATES.get((firm_class, kind)),
                    "is_synthetic": True,
                },
            )
    firms = _firms()
    past, current = today.year - 2, today.year - 1
    if not EvaluationCampaign.objects.filter(year=past).exists():
        campaign = _campaign(scheme, past, firms, growth=1.0)
        services.campaign_publish(
            actor=None, campaign=campaign, deadline=today + timedelta(days=120), source="demo"
        )
        first = campaign.rectifications.order_by("credit_code").first()
        if first is not None:
            services.rectification_update(
                actor=None,
                rectification=first,
                plan="盘活闲置厂房，引入配套项目（演示）",
                deadline=first.deadline,
                progress=40,
                source="demo",
            )
    if not EvaluationCampaign.objects.filter(year=current).exists():
        campaign = _campaign(scheme, current, firms, growth=1.08)
        low = campaign.results.filter(firm_class="D").order_by("score").first()
        if low is not None:
            services.appeal_file(
                actor=None,
                campaign=campaign,
                credit_code=low.credit_code,
                is_synthetic=True,
                source="demo",
                reason="税务部门漏计本企业当年入库税款，申请按完税证明更正（演示）",
            )
    return {
        "campaigns": EvaluationCampaign.objects.count(),
        "results": sum(c.results.count() for c in EvaluationCampaign.objects.all()),
        "policies": Policy.objects.count(),
    }

"""Demo data of the park registers for ``jingjin demo``: the 3+3+3 industries the article names,
the demo's park units as parks, three chains with their links, synthetic firms and the clusters.

Only what the source article names is real: the three advantage industries (锂电、能源化工、电子
信息) and the clusters “世界锂都” and “东方气都”, and the park units of the built-in plan. Every
figure is invented and marked ``is_synthetic``: the parks' levels, counties, areas and leading
industries, the chains' leaders (示例链长), the firms (names like 示例锂电材料企业01, credit codes
made up with a valid check character) and the clusters' targets and outputs. The years come
from the plan and the clock, not from constants. Everything is written through the imports
(audited); loading again changes nothing.
"""

from __future__ import annotations

import csv
import io
import random
from typing import Any

from jingjin.core import clock
from jingjin.core.choices import UnitKind
from jingjin.core.models import Unit
from jingjin.parks import creditcode, services
from jingjin.parks.models import Chain, ChainLink, Cluster, ClusterYear, Firm, Industry, Park

#: (code, name, English name, tier, parent, GB/T 4754-2017 class or "")
INDUSTRIES = (
    ("LI", "锂电", "Lithium batteries", "first", "", ""),
    ("EC", "能源化工", "Energy and chemicals", "first", "", ""),
    ("EI", "电子信息", "Electronic information", "first", "", ""),
    ("LI.SALT", "锂盐加工", "Lithium salts", "", "LI", "2613"),
    ("LI.MAT", "锂电材料", "Lithium battery materials", "", "LI", ""),
    ("LI.BAT", "锂离子电池制造", "Lithium-ion batteries", "", "LI", "3841"),
    ("LI.REC", "电池回收利用", "Battery recycling", "", "LI", "4210"),
    ("EC.GAS", "天然气开采", "Natural gas extraction", "", "EC", "0721"),
    ("EC.CHEM", "天然气化工", "Natural gas chemicals", "", "EC", "2614"),
    ("EC.FERT", "氮肥制造", "Nitrogen fertilisers", "", "EC", "2621"),
    ("EC.SUPPLY", "天然气供应", "Natural gas supply", "", "EC", "4511"),
    ("EI.COMP", "电子元件", "Electronic components", "", "EI", "3981"),
    ("EI.PCB", "电子电路", "Printed circuits", "", "EI", "3982"),
    ("EI.DISP", "显示器件", "Displays", "", "EI", "3974"),
)
#: the demo's park units: (unit code, level, county code or "", area km², leading, present)
PARKS = (
    ("sn.jkq", "national", "sn.chuanshan", "32.5", "LI、EI", "LI.MAT、LI.BAT、EI.PCB、EI.COMP"),
    ("sn.gxq", "national", "sn.chuanshan", "28", "EI、LI、EC", "EI.DISP、EI.PCB、LI.BAT、EC.CHEM"),
    ("sn.stfj", "provincial", "", "15.8", "EI、LI、EC", "EI.COMP、LI.MAT、EC.SUPPLY"),
)
#: chains: (code, name, English name, industry, links: (code suffix, name, English, position, importance))
CHAINS: tuple[tuple[str, str, str, str, tuple[tuple[str, str, str, str, str], ...]], ...] = (
    (
        "C.LI",
        "锂电产业链",
        "Lithium battery chain",
        "LI",
        (
            ("U1", "锂矿资源", "Lithium ore", "上游", "0.9"),
            ("U2", "锂盐加工", "Lithium salts", "上游", "0.8"),
            ("M1", "正负极材料", "Cathode and anode materials", "中游", "0.9"),
            ("M2", "电解液与隔膜", "Electrolyte and separators", "中游", "0.6"),
            ("M3", "电芯制造", "Cells", "中游", "1"),
            ("D1", "储能与动力应用", "Storage and traction", "下游", "0.7"),
            ("D2", "电池回收", "Recycling", "下游", "0.5"),
        ),
    ),
    (
        "C.EC",
        "天然气化工产业链",
        "Natural gas chemicals chain",
        "EC",
        (
            ("U1", "天然气勘探开采", "Exploration and extraction", "上游", "0.9"),
            ("U2", "天然气净化", "Purification", "上游", "0.6"),
            ("M1", "基础化工原料", "Basic chemicals", "中游", "0.8"),
            ("M2", "精细化工", "Fine chemicals", "中游", "0.7"),
            ("D1", "化肥与新材料", "Fertilisers and new materials", "下游", "0.6"),
            ("D2", "燃气供应", "Gas supply", "下游", "0.4"),
        ),
    ),
    (
        "C.EI",
        "电子信息产业链",
        "Electronic information chain",
        "EI",
        (
            ("U1", "电子材料", "Electronic materials", "上游", "0.7"),
            ("U2", "电子元器件", "Components", "上游", "0.8"),
            ("M1", "印制电路板", "Printed circuit boards", "中游", "1"),
            ("M2", "显示模组", "Display modules", "中游", "0.6"),
            ("D1", "智能终端", "Smart devices", "下游", "0.7"),
            ("D2", "汽车电子", "Automotive electronics", "下游", "0.5"),
        ),
    ),
)
#: the firms' name stems by chain, and how many firms each chain gets
FIRM_STEMS = {
    "C.LI": ("锂电材料", "锂电池", "锂盐"),
    "C.EC": ("天然气化工", "燃气"),
    "C.EI": ("电子元件", "电路板", "显示"),
}
FIRMS_PER_CHAIN = 24
#: clusters: (code, name, English name, industries, the target of the plan's last year in 亿元)
CLUSTERS = (
    ("CL.LI", "千亿锂电产业集群（世界锂都）", "Lithium cluster (world lithium capital)", "LI", 1000),
    (
        "CL.EC",
        "能源化工产业集群（东方气都）",
        "Energy and chemicals cluster (eastern gas capital)",
        "EC",
        600,
    ),
    ("CL.EI", "电子信息产业集群", "Electronic information cluster", "EI", 800),
)


def _csv(rows: list[list[Any]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _load(kind: str, header: list[str], rows: list[list[Any]]) -> None:
    services.register_import(
        kind=kind, raw=_csv([header, *rows]), filename=f"{kind}.csv", actor=None, source="demo"
    )


def demo_parks() -> dict[str, int]:
    """Load the demo registers (idempotent); the counts of each register afterwards."""
    _load(
        "industries",
        ["代码", "名称", "英文名称", "体系层级", "上级代码", "国民经济行业代码", "排序"],
        [[c, n, e, t, p, g, i] for i, (c, n, e, t, p, g) in enumerate(INDUSTRIES, start=1)],
    )
    units = set(Unit.objects.filter(kind__in=[UnitKind.PARK, UnitKind.COUNTY]).values_list("code", flat=True))
    parks = [list(p) for p in PARKS if p[0] in units and (not p[2] or p[2] in units)]
    if parks:
        _load(
            "parks",
            ["园区单位代码", "级别", "所在县区代码", "面积(平方公里)", "主导产业代码", "细分产业代码"],
            parks,
        )
    lead = "sn.jxj" if Unit.objects.filter(code="sn.jxj").exists() else ""
    chain_rows = [
        [code, name, en, "示例链长", "市领导（示例）", lead, industry, f"{code}.{s}", ln, le, pos, imp, ""]
        for code, name, en, industry, links in CHAINS
        for s, ln, le, pos, imp in links
    ]
    header = ["产业链代码", "产业链名称", "产业链英文名称", "链长", "链长职务", "牵头单位代码", "产业代码"]
    _load(
        "chains",
        [*header, "环节代码", "环节名称", "环节英文名称", "位置", "重要度", "参考产值(万元)"],
        chain_rows,
    )
    _load("firms", _FIRM_HEADER, _firm_rows())
    _load(
        "clusters",
        ["集群代码", "集群名称", "英文名称", "产业代码", "年份", "目标产值(亿元)", "实际产值(亿元)"],
        _cluster_rows(),
    )
    _mark_synthetic()
    demo_cluster_links()
    from jingjin.parks.attraction_demo import demo_attraction  # parksattr: after the registers

    attraction = demo_attraction()
    return {
        "attraction_candidates": attraction["candidates"],
        "attraction_leads": attraction["leads"],
        "industries": Industry.objects.count(),
        "parks": Park.objects.count(),
        "chains": Chain.objects.count(),
        "firms": Firm.objects.count(),
        "clusters": Cluster.objects.count(),
    }


_FIRM_HEADER = [
    "企业名称",
    "统一社会信用代码",
    "园区单位代码",
    "县区代码",
    "产业代码",
    "产业链环节代码",
    "产值(万元)",
]
_FIRM_HEADER += [
    "税收(万元)",
    "从业人数",
    "三类500强",
    "行业龙头",
    "隐形冠军",
    "专精特新",
    "总部型",
    "央企国企",
    "外企",
]


def _firm_rows() -> list[list[Any]]:
    rng = random.Random(13)
    parks = list(Park.objects.values_list("unit__code", flat=True))
    counties = list(
        Unit.objects.filter(kind=UnitKind.COUNTY, is_synthetic=False).values_list("code", flat=True)
    )
    rows = []
    for chain_number, (chain_code, _name, _en, industry, links) in enumerate(CHAINS, start=1):
        subs = [c for c, _n, _e, _t, parent, _g in INDUSTRIES if parent == industry]
        for number in range(1, FIRMS_PER_CHAIN + 1):
            stem = FIRM_STEMS[chain_code][number % len(FIRM_STEMS[chain_code])]
            first17 = f"91510900X{chain_number}{number:07d}"  # made up: see the module docstring
            park = rng.choice(parks) if parks and rng.random() < 0.7 else ""
            county = "" if park or not counties else rng.choice(counties)
            chosen = sorted({f"{chain_code}.{rng.choice(links)[0]}" for _ in range(rng.randint(1, 2))})
            output = round(rng.lognormvariate(9.5, 1.0), 2)
            flags = [rng.random() < p for p in (0.08, 0.1, 0.2, 0.05, 0.1, 0.05)]
            group = rng.choice(["世界500强", "中国500强", "民营500强"]) if rng.random() < 0.06 else ""
            rows.append(
                [
                    f"示例{stem}企业{number:02d}",
                    first17 + creditcode.check_character(first17),
                    park,
                    county,
                    rng.choice(subs),
                    "、".join(chosen),
                    output,
                    round(output * rng.uniform(0.02, 0.06), 2),
                    rng.randint(20, 2000),
                    group,
                    *("是" if f else "否" for f in flags),
                ]
            )
    return rows


def _cluster_rows() -> list[list[Any]]:
    from jingjin.plans.models import Plan

    plan = Plan.objects.order_by("pk").first()
    today = clock.today()
    first, last = (plan.start_year, plan.end_year) if plan is not None else (today.year - 3, today.year + 2)
    rng = random.Random(7)
    rows = []
    for code, name, en, industry, final in CLUSTERS:
        base = final * 0.45
        for year in range(first, last + 1):
            share = (year - first) / max(1, last - first)
            target = round(base + (final - base) * share, 2)
            actual = round(target * rng.uniform(0.9, 1.05), 2) if year < today.year else ""
            rows.append([code, name, en, industry, year, target, actual])
    return rows


def _mark_synthetic() -> None:
    """Mark every demo entry synthetic (the imports leave the flag alone): a plain update, as the
    flag is not a value anyone edits and the imports' audit rows already hold the entries."""
    Industry.objects.filter(parent__isnull=False, code__in=[i[0] for i in INDUSTRIES]).update(
        is_synthetic=True
    )
    Park.objects.filter(unit__code__in=[p[0] for p in PARKS]).update(is_synthetic=True)
    Chain.objects.filter(code__in=[c[0] for c in CHAINS]).update(is_synthetic=True)
    ChainLink.objects.filter(chain__code__in=[c[0] for c in CHAINS]).update(is_synthetic=True)
    Firm.objects.filter(name__startswith="示例").update(is_synthetic=True)
    Cluster.objects.filter(code__in=[c[0] for c in CLUSTERS]).update(is_synthetic=True)
    ClusterYear.objects.filter(cluster__code__in=[c[0] for c in CLUSTERS]).update(is_synthetic=True)


#: the demo clusters' plan indicators (action 3's cluster sizes, in 亿元), where the plan has them
CLUSTER_INDICATORS = {"CL.LI": "A2.M2.T2.I1"}


def demo_cluster_links() -> None:
    """Link the demo clusters to their plan indicators (idempotent; skipped when the plan or the
    cluster is missing), so that the cluster's plan page shows both targets."""
    from jingjin.parks import cluster_feed
    from jingjin.plans.models import Indicator

    for cluster_code, indicator_code in CLUSTER_INDICATORS.items():
        cluster = Cluster.objects.filter(code=cluster_code).first()
        indicator = Indicator.objects.filter(code=indicator_code).first()
        if cluster is None or indicator is None or hasattr(cluster, "plan_link"):
            continue
        cluster_feed.cluster_indicator_set(actor=None, cluster=cluster, indicator=indicator, source="demo")

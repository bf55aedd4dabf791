"""Content of the built-in Suining plan (``jingjin/data/plans/suining-2021.yaml``).

These tests read the YAML file directly with PyYAML — no Django, no database — and check it
against the source article (``../shared/seed/000_6997492cb610267f.txt``) and the format of
``docs/plan-format.md``: the six actions and their lead departments, every measure, every figure
of the article as a numeric indicator, every named mechanism attached to a task, and no invented
numbers.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
PLAN_FILE = REPO / "jingjin" / "data" / "plans" / "suining-2021.yaml"
ARTICLE = REPO.parent / "shared" / "seed" / "000_6997492cb610267f.txt"

# --- the documented key order (docs/plan-format.md) -------------------------------------------
TOP_KEYS = ["format", "plan", "units", "mechanisms", "actions"]
PLAN_KEYS = [
    "code",
    "name_zh",
    "name_en",
    "city",
    "start_year",
    "end_year",
    "source",
    "description_zh",
    "description_en",
]
UNIT_KEYS = ["code", "name_zh", "name_en", "kind", "parent"]
MECHANISM_KEYS = ["code", "name_zh", "name_en", "description_zh", "description_en"]
NODE_KEYS = [
    "code",
    "name_zh",
    "name_en",
    "description_zh",
    "description_en",
    "lead_unit",
    "co_units",
    "weight",
    "start",
    "end",
]
ACTION_KEYS = [*NODE_KEYS, "measures"]
MEASURE_KEYS = [*NODE_KEYS, "tasks"]
TASK_KEYS = [
    "code",
    "name_zh",
    "name_en",
    "description_zh",
    "description_en",
    "lead_unit",
    "co_units",
    "counties",
    "weight",
    "start",
    "end",
    "mechanisms",
    "indicators",
]
INDICATOR_KEYS = [
    "code",
    "name_zh",
    "name_en",
    "unit",
    "direction",
    "baseline_value",
    "baseline_year",
    "target_value",
    "target_min",
    "target_max",
    "target_year",
    "targets",
    "milestones",
    "data_source",
    "responsible_unit",
    "note_zh",
    "note_en",
]
MILESTONE_KEYS = ["date", "name_zh", "name_en"]
TARGET_KEYS = ["year", "value"]

UNIT_KINDS = {"city", "department", "county", "park", "township", "village"}
DIRECTIONS = {"higher", "lower", "range", "boolean", "milestone"}
NUMBER_KEYS = ("baseline_value", "target_value", "target_min", "target_max")

# --- what the article says ---------------------------------------------------------------------
LEADS = [  # (action, name_zh, lead unit, lead unit's name_zh)
    ("A1", "经济社会全面融入", "sn.fgw", "市发展改革委"),
    ("A2", "城市能级全面提升", "sn.zjj", "市住房城乡建设局"),
    ("A3", "产业园区全面升级", "sn.jxj", "市经济和信息化局"),
    ("A4", "美丽乡村全面振兴", "sn.xczx", "市乡村振兴局"),
    ("A5", "生态环境质量持续改善", "sn.sthj", "市生态环境局"),
    ("A6", "党的建设全面加强", "sn.djb", "市委党建办"),
]
MEASURE_COUNTS = [6, 6, 7, 5, 7, 4]
A5_MEASURES = [
    "深入贯彻习近平生态文明思想",
    "强化源头引导调控，推进发展绿色转型",
    "积极应对气候变化，建设低碳发展高地",
    "加强协同控制，持续改善环境空气质量",
    "实施“三水统筹”，推进水生态环境治理",
    "加强安全利用，保障土壤环境安全",
    "持续完善生态文明制度体系",
]
COUNTIES = {
    "sn.chuanshan": "船山区",
    "sn.anju": "安居区",
    "sn.shehong": "射洪市",
    "sn.pengxi": "蓬溪县",
    "sn.daying": "大英县",
}
PARKS = {"sn.jkq": "遂宁经济技术开发区", "sn.gxq": "遂宁高新技术产业园区", "sn.stfj": "遂潼涪江创新产业园"}

# code: (words the name_zh must contain, target, unit, direction, target_year, baseline)
FIGURES: dict[str, tuple[tuple[str, ...], float, str, str, int, float | None]] = {
    "A4.M1.T5.I1": (("监测对象", "户"), 0, "户", "lower", 2025, 130),
    "A4.M1.T5.I2": (("监测对象", "人"), 0, "人", "lower", 2025, 389),
    "A4.M1.T6.I1": (("脱贫人口", "就业"), 75000, "人", "higher", 2025, 75000),
    "A4.M3.T3.I1": (("厕所革命", "户厕", "户数"), 57996, "户", "higher", 2021, None),
    "A4.M3.T3.I2": (("厕所革命", "村数"), 105, "个", "higher", 2021, None),
    "A5.M5.T1.I1": (("断面", "水质优良比例"), 100, "%", "higher", 2025, None),
    "A3.M1.T3.I1": (("省级及省级以下", "主导产业"), 2, "个", "lower", 2025, None),
    "A3.M1.T3.I2": (("国家级", "主导产业"), 3, "个", "lower", 2025, None),
    "A6.M2.T7.I1": (("行业领军人才",), 100, "名", "higher", 2025, None),
    "A6.M2.T7.I2": (("领军型创新创业团队",), 30, "个", "higher", 2025, None),
    "A2.M3.T4.I1": (("7向19线", "方向"), 7, "个", "higher", 2025, None),
    "A2.M3.T4.I2": (("7向19线", "线路"), 19, "条", "higher", 2025, None),
    "A2.M3.T6.I1": (("1环9射2纵", "环线"), 1, "条", "higher", 2025, None),
    "A2.M3.T6.I2": (("1环9射2纵", "射线"), 9, "条", "higher", 2025, None),
    "A2.M3.T6.I3": (("1环9射2纵", "纵线"), 2, "条", "higher", 2025, None),
    "A2.M2.T1.I1": (("千亿级产业集群",), 1000, "亿元", "higher", 2025, None),
    "A2.M2.T2.I1": (("锂电", "千亿"), 1000, "亿元", "higher", 2025, None),
    "A3.M1.T1.I1": (("3+3+3", "第一个"), 3, "个", "higher", 2025, None),
    "A3.M1.T1.I2": (("3+3+3", "第二个"), 3, "个", "higher", 2025, None),
    "A3.M1.T1.I3": (("3+3+3", "第三个"), 3, "个", "higher", 2025, None),
    "A2.M1.T1.I1": (("三级", "市、县、镇"), 3, "级", "higher", 2025, None),
    "A2.M1.T1.I2": (("三类", "总规、详细规划、专项规划"), 3, "类", "higher", 2025, None),
    "A6.M3.T9.I1": (("集体经济薄弱村",), 0, "个", "lower", 2025, None),
    "A6.M3.T16.I1": (("党组织覆盖率",), 100, "%", "higher", 2025, None),
}

# Mechanisms the article names (by name_zh, as a substring of the mechanism's name_zh).
MECHANISMS_ZH = [
    "红黑榜",
    "五个一",
    "链长制",
    "亩均论英雄",
    "标准地",
    "揭榜挂帅",
    "赛马机制",
    "消薄倍增",
    "防瘫防软",
    "三线一单",
    "蹲点推进",
    "月报告当月任务进展次月工作计划",
    "定期现场会议调度",
    "3+3+3",
    "成渝之星",
    "EOD模式",
    "一城多园",
    "总部+研发+生产",
    "四个不摘",
    "三水统筹",
    "职务与职级并行",
    "村干部报酬与年度考核得分挂钩",
    "容错纠错",
    "三级联创",
    "强村公司",
]

# Numbers that stand in the file but not as digits in the article, each with its reason.
DERIVED_NUMBERS = {
    0: "“消除”/“全面消除” (eliminate the risk, eliminate all weak villages) = 0 left",
    1000: "千亿 / 千亿级 = 1000 亿元",
    100: "“全覆盖” = 100 % (the article also writes 100% and 100名)",
    2025: "“力争到2025年” (also written as digits in the article)",
}
CHINESE_NUMERALS = {
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
}

UNIT_CODE = re.compile(r"^[a-z0-9_.-]+$")
MECHANISM_CODE = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)*$")


# --- helpers -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def data() -> dict[str, Any]:
    with PLAN_FILE.open(encoding="utf-8") as fh:
        loaded = yaml.safe_load(fh)
    assert isinstance(loaded, dict)
    return loaded


def measures(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [m for a in data["actions"] for m in a["measures"]]


def tasks(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [t for m in measures(data) for t in m["tasks"]]


def indicators(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [i for t in tasks(data) for i in t["indicators"]]


def indicator(data: dict[str, Any], code: str) -> dict[str, Any]:
    found = [i for i in indicators(data) if i["code"] == code]
    assert len(found) == 1, f"indicator {code} not found exactly once"
    return found[0]


def article_numbers(text: str) -> set[float]:
    """Every number written in the article: digits (with 万/亿 multipliers) and Chinese count words."""
    numbers: set[float] = set()
    for match in re.finditer(r"(\d+(?:\.\d+)?)(万|亿)?", text):
        value = float(match.group(1))
        numbers.add(value)
        if match.group(2) == "万":
            numbers.add(value * 10_000)
        if match.group(2) == "亿":
            numbers.add(value * 100_000_000)
    for word, value in CHINESE_NUMERALS.items():
        if re.search(word + r"[个级类大年县园向线环射纵方名户人村项条]", text):
            numbers.add(float(value))
    return numbers


# --- structure and format ----------------------------------------------------------------------


def test_plan_header(data: dict[str, Any]) -> None:
    assert list(data) == TOP_KEYS
    assert data["format"] == "jingjin-plan/1"
    plan = data["plan"]
    assert list(plan) == PLAN_KEYS
    assert plan["code"] == "suining-2021"
    assert plan["city"] == "遂宁市"
    assert (plan["start_year"], plan["end_year"]) == (2021, 2025)
    for needle in ("海外网", "2021-09-13", "2021-09-10", "对标竞进 全方位推进高质量发展"):
        assert needle in plan["source"]


def test_six_actions_with_their_measure_counts(data: dict[str, Any]) -> None:
    assert [a["code"] for a in data["actions"]] == ["A1", "A2", "A3", "A4", "A5", "A6"]
    assert [len(a["measures"]) for a in data["actions"]] == MEASURE_COUNTS
    for action in data["actions"]:
        assert all(m["tasks"] for m in action["measures"]), f"{action['code']} has a measure without tasks"


def test_lead_units(data: dict[str, Any]) -> None:
    units = {u["code"]: u for u in data["units"]}
    for action, (code, name_zh, lead, lead_name) in zip(data["actions"], LEADS, strict=True):
        assert action["code"] == code
        assert action["name_zh"] == name_zh
        assert action["lead_unit"] == lead
        assert units[lead]["name_zh"] == lead_name
        assert units[lead]["kind"] == "department"


def test_a5_measures_are_the_seven_aspects(data: dict[str, Any]) -> None:
    a5 = data["actions"][4]
    assert [m["name_zh"] for m in a5["measures"]] == A5_MEASURES


def test_units(data: dict[str, Any]) -> None:
    units = {u["code"]: u for u in data["units"]}
    assert (
        units["sn"]["name_zh"] == "遂宁市" and units["sn"]["kind"] == "city" and units["sn"]["parent"] is None
    )
    for code, name in COUNTIES.items():
        assert units[code]["name_zh"] == name and units[code]["kind"] == "county"
    for code, name in PARKS.items():
        assert units[code]["name_zh"] == name and units[code]["kind"] == "park"
    for unit in data["units"]:
        assert list(unit) == UNIT_KEYS
        assert unit["kind"] in UNIT_KINDS
        assert unit["parent"] is None or unit["parent"] in units


def test_codes_follow_the_patterns_and_are_unique(data: dict[str, Any]) -> None:
    seen: set[str] = set()

    def add(code: str) -> None:
        assert code not in seen, f"duplicate code {code}"
        seen.add(code)

    for unit in data["units"]:
        assert UNIT_CODE.match(unit["code"]), unit["code"]
        add(unit["code"])
    for mechanism in data["mechanisms"]:
        assert MECHANISM_CODE.match(mechanism["code"]), mechanism["code"]
        add(mechanism["code"])
    for a_index, action in enumerate(data["actions"], 1):
        assert action["code"] == f"A{a_index}"
        add(action["code"])
        for m_index, measure in enumerate(action["measures"], 1):
            assert measure["code"] == f"{action['code']}.M{m_index}"
            add(measure["code"])
            for t_index, task in enumerate(measure["tasks"], 1):
                assert task["code"] == f"{measure['code']}.T{t_index}"
                add(task["code"])
                for i_index, ind in enumerate(task["indicators"], 1):
                    assert ind["code"] == f"{task['code']}.I{i_index}"
                    add(ind["code"])


def test_every_object_has_every_key_in_the_documented_order(data: dict[str, Any]) -> None:
    for mechanism in data["mechanisms"]:
        assert list(mechanism) == MECHANISM_KEYS
    for action in data["actions"]:
        assert list(action) == ACTION_KEYS, action["code"]
        for measure in action["measures"]:
            assert list(measure) == MEASURE_KEYS, measure["code"]
            for task in measure["tasks"]:
                assert list(task) == TASK_KEYS, task["code"]
                for ind in task["indicators"]:
                    assert list(ind) == INDICATOR_KEYS, ind["code"]
                    for milestone in ind["milestones"]:
                        assert list(milestone) == MILESTONE_KEYS
                    for target in ind["targets"]:
                        assert list(target) == TARGET_KEYS


def test_names_dates_and_weights(data: dict[str, Any]) -> None:
    nodes = [*data["actions"], *measures(data), *tasks(data)]
    for node in [*nodes, *indicators(data), *data["mechanisms"], *data["units"]]:
        assert isinstance(node["name_zh"], str) and node["name_zh"].strip(), node["code"]
        assert isinstance(node["name_en"], str) and node["name_en"].strip(), node["code"]
    for node in nodes:
        assert isinstance(node["start"], str) and isinstance(node["end"], str), node["code"]
        assert date.fromisoformat(node["start"]) <= date.fromisoformat(node["end"]), node["code"]
        assert node["weight"] > 0
    for action in data["actions"]:
        assert (action["start"], action["end"]) == ("2021-09-10", "2025-12-31")
        for measure in action["measures"]:
            assert (measure["start"], measure["end"]) == ("2021-09-10", "2025-12-31")
    toilets = next(t for t in tasks(data) if t["code"] == "A4.M3.T3")
    assert toilets["end"] == "2021-12-31"


def test_every_reference_resolves(data: dict[str, Any]) -> None:
    kinds = {u["code"]: u["kind"] for u in data["units"]}
    mechanism_codes = {m["code"] for m in data["mechanisms"]}
    for node in [*data["actions"], *measures(data), *tasks(data)]:
        assert node["lead_unit"] in kinds, node["code"]
        assert all(code in kinds for code in node["co_units"]), node["code"]
    for task in tasks(data):
        for code in task["counties"]:
            assert kinds.get(code) in {"county", "park"}, (task["code"], code)
        assert all(code in mechanism_codes for code in task["mechanisms"]), task["code"]
    for ind in indicators(data):
        assert ind["responsible_unit"] is None or ind["responsible_unit"] in kinds, ind["code"]


def test_counties_named_by_the_article(data: dict[str, Any]) -> None:
    by_code = {t["code"]: t for t in tasks(data)}
    assert by_code["A1.M5.T6"]["counties"] == ["sn.chuanshan"]  # 船山区县域集成改革试点
    assert "船山区" in by_code["A1.M5.T6"]["name_zh"]
    assert by_code["A3.M6.T2"]["counties"] == ["sn.stfj"]  # 遂潼涪江创新产业园
    assert by_code["A2.M3.T7"]["counties"] == ["sn.anju"]  # 遂宁安居民用运输机场
    assert set(COUNTIES) <= set(by_code["A3.M1.T2"]["counties"])  # 一县一园区


# --- figures -----------------------------------------------------------------------------------


@pytest.mark.parametrize("code", sorted(FIGURES))
def test_figure(data: dict[str, Any], code: str) -> None:
    words, target, unit, direction, year, baseline = FIGURES[code]
    ind = indicator(data, code)
    for word in words:
        assert word in ind["name_zh"], f"{code}: {word!r} not in {ind['name_zh']!r}"
    assert ind["target_value"] == target
    assert isinstance(ind["target_value"], int | float) and not isinstance(ind["target_value"], bool)
    assert ind["unit"] == unit
    assert ind["direction"] == direction
    assert ind["target_year"] == year
    assert ind["baseline_value"] == baseline
    if baseline is not None:
        assert ind["baseline_year"] == 2021


def test_one_park_per_county_is_a_range_of_one(data: dict[str, Any]) -> None:
    ind = indicator(data, "A3.M1.T2.I1")
    assert "一县一园区" in ind["name_zh"]
    assert (ind["direction"], ind["target_min"], ind["target_max"], ind["unit"]) == ("range", 1, 1, "个")


def test_party_building_target_year_2025(data: dict[str, Any]) -> None:
    ind = indicator(data, "A6.M4.T4.I1")
    assert "党的建设质量大幅提升" in ind["name_zh"]
    assert ind["direction"] == "milestone"
    assert ind["target_year"] == 2025
    assert ind["milestones"][0]["date"] == "2025-12-31"


def test_a5_objectives_are_indicators(data: dict[str, Any]) -> None:
    names = {i["name_zh"]: i for i in indicators(data) if i["code"].startswith("A5.")}
    good_days = [i for n, i in names.items() if "优良天数比率" in n]
    assert good_days and all(i["direction"] == "boolean" for i in good_days)
    black = [i for n, i in names.items() if "黑臭水体" in n and "长制久清" in n]
    assert len(black) == 1 and black[0]["direction"] == "boolean"


def test_rural_organisation_plan_runs_three_years(data: dict[str, Any]) -> None:
    task = next(t for t in tasks(data) if t["code"] == "A6.M3.T1")
    assert "三年行动计划" in task["name_zh"]
    assert task["end"] == "2023-12-31"
    assert "2021–2023" in task["indicators"][0]["note_en"]


# --- mechanisms --------------------------------------------------------------------------------


@pytest.mark.parametrize("name_zh", MECHANISMS_ZH)
def test_named_mechanism_is_defined_and_attached(data: dict[str, Any], name_zh: str) -> None:
    matching = [m["code"] for m in data["mechanisms"] if name_zh in m["name_zh"]]
    assert matching, f"no mechanism named {name_zh}"
    attached = {code for t in tasks(data) for code in t["mechanisms"]}
    assert set(matching) & attached, f"mechanism {name_zh} is on no task"


def test_every_mechanism_is_used(data: dict[str, Any]) -> None:
    attached = {code for t in tasks(data) for code in t["mechanisms"]}
    assert {m["code"] for m in data["mechanisms"]} == attached


# --- no invented numbers -----------------------------------------------------------------------


def test_qualitative_indicators_carry_no_numbers(data: dict[str, Any]) -> None:
    for ind in indicators(data):
        if ind["direction"] in {"milestone", "boolean"}:
            assert all(ind[key] is None for key in NUMBER_KEYS), ind["code"]
            assert ind["targets"] == [], ind["code"]
            assert ind["baseline_year"] is None, ind["code"]
            assert ind["unit"] == "", ind["code"]
        if ind["direction"] == "milestone":
            assert ind["milestones"], ind["code"]


def test_numbers_are_numbers(data: dict[str, Any]) -> None:
    for ind in indicators(data):
        for key in NUMBER_KEYS:
            value = ind[key]
            assert value is None or (isinstance(value, int | float) and not isinstance(value, bool)), ind[
                "code"
            ]
        for key in ("baseline_year", "target_year"):
            assert ind[key] is None or isinstance(ind[key], int), ind["code"]
        if ind["direction"] in {"higher", "lower"}:
            assert ind["target_value"] is not None, ind["code"]


def test_every_number_stands_in_the_article(data: dict[str, Any]) -> None:
    if not ARTICLE.exists():
        pytest.skip(f"source article not found at {ARTICLE}; cannot check the numbers against it")
    written = article_numbers(ARTICLE.read_text(encoding="utf-8"))
    for ind in indicators(data):
        values = [ind[key] for key in NUMBER_KEYS] + [t["value"] for t in ind["targets"]]
        for value in values:
            if value is None:
                continue
            assert float(value) in written or value in DERIVED_NUMBERS, (
                f"{ind['code']} {ind['name_zh']}: {value} is neither in the article nor a derived number"
            )

"""The registers' imports: every bad cell named by row and column, nothing written; updates audited."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jingjin.core.models import AuditEntry
from jingjin.parks import exports, services
from jingjin.parks.models import Chain, ChainLink, Cluster, ClusterYear, Firm, Industry, Park
from jingjin.parks.tables import ImportFailed

from .conftest import CODE_A, CODE_B, csv_bytes, load

pytestmark = pytest.mark.django_db


def _messages(exc: ImportFailed) -> list[str]:
    return [str(e) for e in exc.errors]


def test_the_world_is_loaded_with_its_references(park_world) -> None:
    assert Industry.objects.get(code="LI.BAT").parent.code == "LI"
    assert Industry.objects.get(code="EI").system_tier == "first"
    park = Park.objects.get(unit__code="t.c.p")
    assert (park.level, park.county.code, park.area_km2) == ("provincial", "t.c", Decimal("12.50"))
    assert sorted(park.leading_industries.values_list("code", flat=True)) == ["EC", "EI", "LI"]
    assert Chain.objects.get(code="C.LI").links.count() == 3
    assert ChainLink.objects.get(code="C.LI.U1").position == "up"
    firm = Firm.objects.get(credit_code=CODE_B)
    assert sorted(firm.chain_links.values_list("code", flat=True)) == ["C.LI.M1", "C.LI.U1"]
    assert (firm.output, firm.is_specialised, firm.park.unit.code) == (Decimal("800.00"), False, "t.q")
    assert Firm.objects.get(credit_code=CODE_A).county.code == "t.c"  # the park's county
    assert AuditEntry.objects.filter(content_type__model="firm", action="create").count() == 3


def test_a_firm_file_with_errors_writes_nothing(park_world) -> None:
    audit = AuditEntry.objects.count()
    rows = [
        ["企业名称", "统一社会信用代码", "园区单位代码", "产值(万元)", "专精特新", "三类500强"],
        ["示例企业04", "91510900MA62X1237A", "t.nope", "5", "是", ""],
        ["", CODE_A[:-1] + "Q", "t.q", "-3", "也许", "世界500强"],
        ["示例企业06", "91510900MA62X1237A", "", "1e400", "", "百强"],
    ]
    with pytest.raises(ImportFailed) as caught:
        load("firms", rows)
    found = _messages(caught.value)
    assert found == [
        "Row 2, column B (统一社会信用代码): 91510900MA62X1237A is not a unified social credit code (18 "
        "characters with the check character of GB 32100-2015)",
        "Row 2, column C (园区单位代码): no park with the code t.nope",
        "Row 3, column A (企业名称): must not be empty",
        f"Row 3, column B (统一社会信用代码): {CODE_A[:-1]}Q is not a unified social credit code (18 "
        "characters with the check character of GB 32100-2015)",
        "Row 3, column D (产值(万元)): must be at least 0, not '-3'",
        "Row 3, column E (专精特新): must be 是 or 否 (yes or no), not 也许",
        "Row 4, column B (统一社会信用代码): 91510900MA62X1237A is not a unified social credit code (18 "
        "characters with the check character of GB 32100-2015)",
        "Row 4, column B (统一社会信用代码): the code 91510900MA62X1237A is already in row 2",
        "Row 4, column D (产值(万元)): '1e400' is too large: the size must stay below 100,000,000,000,000",
        "Row 4, column F (三类500强): 百强 is not one of: 世界500强、中国500强、民营500强",
    ]
    assert Firm.objects.count() == 3 and AuditEntry.objects.count() == audit


def test_a_required_column_missing_is_named(park_world) -> None:
    with pytest.raises(ImportFailed) as caught:
        load("firms", [["企业名称", "产值(万元)"], ["示例企业", "1"]])
    assert _messages(caught.value) == ["Row 1: the column 统一社会信用代码 is missing"]


def test_a_firm_import_changes_known_codes_and_audits_before_and_after(park_world) -> None:
    result = load(
        "firms",
        [
            ["企业名称", "统一社会信用代码", "产值(万元)", "产业链环节代码"],
            ["示例锂盐企业01", CODE_A, "1500", "C.LI.D1"],
        ],
    )
    assert (result.created, result.updated) == (0, 1)
    firm = Firm.objects.get(credit_code=CODE_A)
    assert firm.output == Decimal("1500.00") and firm.park.unit.code == "t.c.p"  # the park kept
    assert list(firm.chain_links.values_list("code", flat=True)) == ["C.LI.D1"]
    entry = AuditEntry.objects.filter(content_type__model="firm", action="update").get()
    assert entry.before["output"] == 1200.5 and entry.after["output"] == 1500
    assert entry.before["chain_links"] == ["C.LI.U1"] and entry.after["chain_links"] == ["C.LI.D1"]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_an_export_imports_again_unchanged(park_world, fmt) -> None:
    audit = AuditEntry.objects.count()
    for kind in ("industries", "parks", "chains", "firms"):
        body = exports.register_xlsx(kind) if fmt == "xlsx" else exports.register_csv(kind)
        result = services.register_import(kind=kind, raw=body, filename=f"{kind}.{fmt}", actor=None)
        assert result.created == 0, kind
    assert AuditEntry.objects.count() == audit  # nothing changed, so no audit row


def test_chain_rows_must_agree_and_positions_be_known(park_world) -> None:
    header = ["产业链代码", "产业链名称", "链长", "环节代码", "环节名称", "位置"]
    with pytest.raises(ImportFailed) as caught:
        load(
            "chains",
            [
                header,
                ["C.X", "新链", "甲", "C.X.1", "一", "上游"],
                ["C.X", "新链", "乙", "C.X.2", "二", "旁边"],
            ],
        )
    assert _messages(caught.value) == [
        "Row 3, column C (链长): differs from the chain's first row (甲)",
        "Row 3, column F (位置): 旁边 is not one of: down、mid、up",
    ]
    assert not Chain.objects.filter(code="C.X").exists()


def test_parks_need_park_units_and_known_industries(park_world) -> None:
    with pytest.raises(ImportFailed) as caught:
        load("parks", [["园区单位代码", "级别", "主导产业代码"], ["t.a", "市级", "LI、XX"]])
    assert _messages(caught.value) == [
        "Row 2, column A (园区单位代码): no park unit with the code t.a",
        "Row 2, column C (主导产业代码): no industry with the code XX",
    ]


def test_clusters_with_their_years(park_world) -> None:
    header = ["集群代码", "集群名称", "产业代码", "年份", "目标产值(亿元)", "实际产值(亿元)"]
    with pytest.raises(ImportFailed) as caught:
        load("clusters", [header, ["CL", "示例集群", "LI", "20x4", "100", ""]])
    assert _messages(caught.value) == [
        "Row 2, column D (年份): must be a year (a whole number 1900–2200), not '20x4'"
    ]
    result = load(
        "clusters",
        [header, ["CL", "示例集群", "LI", "2024", "100", "95.5"], ["CL", "示例集群", "", 2025, 120, ""]],
    )
    assert (result.created, result.updated) == (3, 0)
    assert list(ClusterYear.objects.values_list("year", "actual_output")) == [
        (2024, Decimal("95.50")),
        (2025, None),
    ]
    assert list(Cluster.objects.get().industries.values_list("code", flat=True)) == ["LI"]


def test_a_file_that_is_no_table_is_refused(park_world) -> None:
    with pytest.raises(ImportFailed) as caught:
        services.register_import(kind="industries", raw=b"PK\x03\x04junk", filename="x.xlsx", actor=None)
    assert _messages(caught.value) == ["The file cannot be read as an Excel workbook."]
    with pytest.raises(ImportFailed):
        services.register_import(kind="industries", raw=csv_bytes([["a"]]), filename="x.txt", actor=None)

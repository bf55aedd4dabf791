"""The plan file: validation with places, all-or-nothing import, round trips, idempotent loading."""

from __future__ import annotations

import copy
import io
import json

import pytest
from openpyxl import load_workbook

from jingjin.core.models import AuditEntry, Unit
from jingjin.plans import planfile
from jingjin.plans.models import Action, Indicator, Plan, Task
from jingjin.plans.services import plan_export, plan_import
from tests.conftest import small_plan


def places(errors: list[planfile.PlanError]) -> set[str]:
    return {e.place for e in errors}


def test_small_plan_is_valid():
    assert planfile.validate(small_plan()) == []


def test_validation_names_every_error_with_its_json_path():
    data = small_plan()
    task = data["actions"][0]["measures"][0]["tasks"][0]
    task["lead_unit"] = "nowhere"
    task["mechanisms"] = ["no_such_mechanism"]
    task["indicators"][0]["target_value"] = "57996"  # a string, not a number
    task["indicators"][0]["targets"] = [{"year": 2022, "value": 1}, {"year": 2021, "value": 2}]
    data["actions"][0]["measures"][0]["tasks"][1]["code"] = "A1.M2.T2"  # wrong parent prefix
    data["actions"][0]["measures"][0]["tasks"][1]["indicators"][0]["target_value"] = (
        5  # milestone with a number
    )
    data["units"][1]["kind"] = "ministry"
    data["plan"]["start_year"] = 2030
    errors = planfile.validate(data)
    t0 = "$.actions[0].measures[0].tasks[0]"
    t1 = "$.actions[0].measures[0].tasks[1]"
    assert places(errors) >= {
        f"{t0}.lead_unit",
        f"{t0}.mechanisms[0]",
        f"{t0}.indicators[0].target_value",
        f"{t0}.indicators[0].targets[1].year",
        f"{t1}.code",
        f"{t1}.indicators[0]",
        "$.units[1].kind",
        "$.plan.end_year",
    }
    messages = {e.place: e.message for e in errors}
    assert "unknown unit 'nowhere'" in messages[f"{t0}.lead_unit"]
    assert "must be a number" in messages[f"{t0}.indicators[0].target_value"]


def test_unknown_and_missing_fields_are_errors():
    data = small_plan()
    data["actions"][0]["nmae_zh"] = "typo"
    del data["actions"][0]["name_en"]
    errors = planfile.validate(data)
    assert places(errors) == {"$.actions[0].nmae_zh", "$.actions[0].name_en"}


def test_unit_cycles_and_duplicate_codes_are_errors():
    data = small_plan()
    data["units"][0]["parent"] = "t.a"
    data["actions"][0]["measures"][0]["tasks"][1]["code"] = "A1.M1.T1"
    errors = planfile.validate(data)
    assert any("own ancestor" in e.message for e in errors)
    assert any(e.message == "duplicate code 'A1.M1.T1'" for e in errors)


@pytest.mark.django_db
def test_a_bad_import_writes_nothing_and_lists_every_error():
    plan_import(data=small_plan(), actor=None)
    counts = (
        Plan.objects.count(),
        Task.objects.count(),
        Indicator.objects.count(),
        AuditEntry.objects.count(),
    )
    data = small_plan()
    data["plan"]["name_zh"] = "改过的名字"  # a valid change, which must not be applied either
    data["actions"][0]["measures"][0]["tasks"][0]["weight"] = -1
    data["actions"][0]["measures"][0]["tasks"][1]["start"] = "2021-13-01"
    with pytest.raises(planfile.PlanFileError) as caught:
        plan_import(data=data, actor=None)
    assert places(caught.value.errors) == {
        "$.actions[0].measures[0].tasks[0].weight",
        "$.actions[0].measures[0].tasks[1].start",
    }
    assert (
        Plan.objects.count(),
        Task.objects.count(),
        Indicator.objects.count(),
        AuditEntry.objects.count(),
    ) == counts
    assert Plan.objects.get().name_zh == "测试规划"


@pytest.mark.django_db
def test_bad_workbook_errors_name_sheet_row_and_column():
    plan_import(data=small_plan(), actor=None)
    workbook = load_workbook(io.BytesIO(planfile.to_xlsx(plan_export())))
    tasks = workbook["tasks"]
    header = [c.value for c in tasks[1]]
    tasks.cell(row=3, column=header.index("lead_unit") + 1, value="nowhere")
    indicators = workbook["indicators"]
    header = [c.value for c in indicators[1]]
    indicators.cell(row=2, column=header.index("target_value") + 1, value="many")
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = planfile.from_xlsx(buffer.getvalue())
    with pytest.raises(planfile.PlanFileError) as caught:
        plan_import(data=data, actor=None)
    found = sorted(str(e) for e in caught.value.errors)
    assert found == [
        "sheet 'indicators', row 2, column I (target_value): must be a number, not 'many'",
        "sheet 'tasks', row 3, column G (lead_unit): unknown unit 'nowhere'",
    ]


def test_workbook_with_a_missing_sheet_or_column_is_refused():
    data = planfile.normalise(small_plan())
    workbook = load_workbook(io.BytesIO(planfile.to_xlsx(data)))
    del workbook["targets"]
    workbook["tasks"].delete_cols(2)
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(planfile.PlanFileError) as caught:
        planfile.from_xlsx(buffer.getvalue())
    assert {str(e) for e in caught.value.errors} == {
        "sheet 'targets': is missing",
        "sheet 'tasks', row 1: column 'code' is missing",
    }


def test_not_a_file_of_its_type():
    with pytest.raises(planfile.PlanFileError, match="line 1, column 2"):
        planfile.loads(b"{oops", "json")
    with pytest.raises(planfile.PlanFileError, match=r"not a valid \.xlsx"):
        planfile.loads(b"not a zip", "xlsx")


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["json", "yaml", "xlsx"])
def test_round_trip_is_identical(fmt):
    plan_import(data=small_plan(), actor=None)
    first = plan_export()
    raw = planfile.dumps(first, fmt)
    result = plan_import(data=planfile.loads(raw, fmt), actor=None)
    assert not result.changed
    second = plan_export()
    assert second == first
    assert planfile.dumps(second, fmt if fmt != "xlsx" else "json") == planfile.dumps(
        first, fmt if fmt != "xlsx" else "json"
    )
    # numbers stay JSON numbers
    ind = first["actions"][0]["measures"][0]["tasks"][0]["indicators"][0]
    assert ind["target_value"] == 57996 and isinstance(ind["target_value"], int)
    assert first["actions"][0]["measures"][0]["tasks"][1]["weight"] == 2.5


@pytest.mark.django_db
def test_import_creates_updates_and_deletes_with_audit_rows():
    plan_import(data=small_plan(), actor=None)
    created = AuditEntry.objects.filter(action="create").count()
    assert created == 4 + 1 + 1 + 1 + 1 + 2 + 2  # units, plan, mechanism, action, measure, tasks, indicators
    again = plan_import(data=small_plan(), actor=None)
    assert not again.changed
    assert AuditEntry.objects.count() == created
    data = copy.deepcopy(small_plan())
    tasks = data["actions"][0]["measures"][0]["tasks"]
    tasks[0]["indicators"][0]["target_value"] = 60000
    del tasks[1]
    result = plan_import(data=data, actor=None)
    assert (result.created, result.updated, result.deleted) == (
        0,
        1,
        2,
    )  # indicator updated; task + its indicator
    update = AuditEntry.objects.get(action="update")
    assert update.before["target_value"] == 57996 and update.after["target_value"] == 60000
    assert not Task.objects.filter(code="A1.M1.T2").exists()
    assert set(AuditEntry.objects.filter(action="delete").values_list("object_repr", flat=True)) == {
        "A1.M1.T2 乙局任务",
        "A1.M1.T2.I1 机制建立",
    }


@pytest.mark.django_db
def test_builtin_plan_loads_idempotently_and_round_trips():
    from jingjin.plans.services import builtin_plan_load

    first = builtin_plan_load()
    assert first.created > 300
    rows = AuditEntry.objects.count()
    assert not builtin_plan_load().changed
    assert AuditEntry.objects.count() == rows
    exported = plan_export(code="suining-2021")
    assert exported == planfile.builtin_data()
    assert [len(a["measures"]) for a in exported["actions"]] == [6, 6, 7, 5, 7, 4]
    assert Action.objects.get(code="A4").lead_unit == Unit.objects.get(code="sn.xczx")
    assert json.loads(planfile.dumps(exported, "json")) == exported

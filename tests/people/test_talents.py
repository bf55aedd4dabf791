"""The talent pool: unit scoping, masking per role, every opened record logged, import and export."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from jingjin.core.models import AuditEntry
from jingjin.ecology.feeds import FIGURES
from jingjin.people import imports, selectors
from jingjin.people.models import Talent, TalentAccess

pytestmark = pytest.mark.django_db


def _client(client: Any, world: dict[str, Any], who: str) -> Any:
    client.force_login(world["users"][who])
    return client


@pytest.mark.parametrize(
    ("who", "seen"),
    [
        ("personnel", ["RC-t.a", "RC-t.b", "RC-t.c"]),
        ("office", ["RC-t.a", "RC-t.b", "RC-t.c"]),
        ("reporter_a", ["RC-t.a"]),
        ("county_c", ["RC-t.c"]),
        ("leader", []),
    ],
)
def test_each_role_sees_the_talents_of_its_scope(
    world: dict[str, Any], client: Any, who: str, seen: list[str]
) -> None:
    body = _client(client, world, who).get("/api/talents").json()
    assert [r["code"] for r in body["results"]] == seen


def test_personal_fields_are_masked_for_every_role_but_personnel_and_the_office(
    world: dict[str, Any], client: Any
) -> None:
    talent = world["talents"]["t.a"]
    full = _client(client, world, "personnel").get(f"/api/talents/{talent.pk}").json()
    assert (full["id_number"], full["phone"], full["birth_date"]) == (
        "99000019850101123X",
        "19900001234",
        "1985-01-01",
    )
    client.logout()
    masked = _client(client, world, "reporter_a").get(f"/api/talents/{talent.pk}").json()
    assert masked["id_number"] == "9" + "*" * 16 + "X"
    assert masked["phone"] == "199****1234"
    assert masked["birth_date"] == "1985-**-**"
    page = client.get(f"/people/talents/{talent.code}/").content.decode()
    assert "19900001234" not in page and "199****1234" in page
    # and the audit trail, which every role reads, keeps no personal value
    rows = AuditEntry.objects.filter(object_repr__startswith="RC-t.a")
    assert rows and all("phone" not in (r.after or {}) for r in rows)


def test_every_view_of_a_full_record_is_logged(world: dict[str, Any], client: Any) -> None:
    talent = world["talents"]["t.a"]
    _client(client, world, "personnel").get(f"/people/talents/{talent.code}/")
    client.get(f"/api/talents/{talent.pk}")
    client.logout()
    _client(client, world, "reporter_a").get(f"/people/talents/{talent.code}/")
    rows = list(TalentAccess.objects.order_by("pk").values_list("user_name", "unmasked", "source"))
    assert rows == [("personnel", True, "web"), ("personnel", True, "api"), ("reporter_a", False, "web")]
    # lists are not full records; another unit's record is refused and not logged
    client.get("/people/talents/")
    assert client.get(f"/people/talents/{world['talents']['t.b'].code}/").status_code == 404
    assert TalentAccess.objects.count() == 3
    assert client.get("/people/talents/access-log/").status_code == 403
    client.logout()
    page = _client(client, world, "personnel").get("/people/talents/access-log/").content.decode()
    assert "reporter_a" in page


def test_leaders_read_counts_only(world: dict[str, Any], client: Any) -> None:
    page = _client(client, world, "leader").get("/people/talents/").content.decode()
    assert 'data-testid="counts-only"' in page and "RC-t.a" not in page
    assert client.get(f"/people/talents/{world['talents']['t.a'].code}/").status_code == 404
    assert client.get("/people/").status_code == 200
    assert selectors.talent_counts()["leading"] == 3


def test_export_is_masked_and_scoped(world: dict[str, Any], client: Any) -> None:
    raw = _client(client, world, "reporter_a").get("/people/talents/export.xlsx").content
    rows = list(load_workbook(io.BytesIO(raw)).active.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][0] == "RC-t.a" and rows[1][9] == "199****1234"


def _book(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["编号", "姓名", "类别", "单位", "电话", "出生日期"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_import_is_all_or_nothing_and_names_row_and_column(world: dict[str, Any]) -> None:
    bad = _book(
        [
            ["RC-N1", "王某（演示）", "领军人才", "t.a", "19900000001", "1990-02-03"],
            ["RC-N2", "赵某（演示）", "星探", "t.zz", "abc", "1990-02-30"],
        ]
    )
    with pytest.raises(imports.ImportFileError) as caught:
        imports.talent_import(actor=world["users"]["personnel"], raw=bad)
    places = [(p.row, p.column) for p in caught.value.problems]
    assert places == [(3, "C"), (3, "D"), (3, "E"), (3, "F")]
    assert not Talent.objects.filter(code="RC-N1").exists()
    good = _book(
        [
            ["RC-N1", "王某（演示）", "领军人才", "t.a", "19900000001", "1990-02-03"],
            ["RC-t.a", "张某（演示）", "young_cadre", "t.a", "", ""],
        ]
    )
    counts = imports.talent_import(actor=world["users"]["personnel"], raw=good)
    assert counts == {"created": 1, "updated": 1}
    assert Talent.objects.get(code="RC-t.a").category == "young_cadre"
    assert Talent.objects.get(code="RC-N1").birth_date == date(1990, 2, 3)


def test_the_leading_talents_feed_the_plan(world: dict[str, Any]) -> None:
    assert FIGURES["talent_leading_count"].fn(2023)[0] == 3  # type: ignore[index]
    assert FIGURES["talent_leading_count"].fn(2022)[0] == 0  # type: ignore[index]
    assert FIGURES["talent_outstanding_teams"].fn(2024)[0] == 1  # type: ignore[index]

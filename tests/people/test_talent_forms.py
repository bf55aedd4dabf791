"""Adding and changing a single talent or team on the pages: unit scope, personal fields only on
the form of the roles that see them, the audit trail and the access log."""

from __future__ import annotations

from typing import Any

import pytest

from jingjin.core.models import AuditEntry
from jingjin.people.models import Talent, TalentAccess, TalentTeam

pytestmark = pytest.mark.django_db

NEW = {
    "code": "RC-NEW",
    "name": "王某（演示）",
    "category": "rural",
    "title": "农技员",
    "field": "柑橘",
    "recognised_on": "2024-01-10",
}


def test_personnel_add_a_talent_with_personal_fields_and_its_growth(
    world: dict[str, Any], client: Any
) -> None:
    client.force_login(world["users"]["personnel"])
    assert "id_number" in client.get("/people/talents/new/").context["form"].fields
    data = {
        **NEW,
        "unit": world["units"]["t.b"].pk,
        "id_number": "99000019900101123X",
        "phone": "19900005678",
    }
    response = client.post("/people/talents/new/", data)
    assert response.status_code == 302 and response["Location"] == "/people/talents/RC-NEW/"
    talent = Talent.objects.get(code="RC-NEW")
    assert (talent.unit.code, talent.phone, talent.category) == ("t.b", "19900005678", "rural")
    entry = AuditEntry.objects.get(content_type__model="talent", object_id=talent.pk)
    assert entry.user == world["users"]["personnel"] and "phone" not in (entry.after or {})
    for kind, text in (("training", "党校培训"), ("award", "优秀农技员")):  # the growth file, one by one
        client.post("/people/talents/RC-NEW/", {"kind": kind, "day": "2024-03-01", "text": text})
    assert list(talent.growth.values_list("kind", flat=True)) == ["training", "award"]
    bad = client.post("/people/talents/new/", {**data, "code": "RC-BAD", "id_number": "123"})
    assert bad.status_code == 200 and "id_number" in bad.context["form"].errors


def test_a_unit_user_keeps_talents_in_its_scope_without_personal_fields(
    world: dict[str, Any], client: Any
) -> None:
    client.force_login(world["users"]["reporter_a"])
    page = client.get("/people/talents/new/")
    assert page.status_code == 200 and "id_number" not in page.context["form"].fields
    assert 'data-testid="masked-note"' in page.content.decode()
    outside = client.post("/people/talents/new/", {**NEW, "unit": world["units"]["t.b"].pk})
    assert outside.status_code == 200 and "unit" in outside.context["form"].errors
    assert not Talent.objects.filter(code="RC-NEW").exists()
    mine = world["talents"]["t.a"]
    before = TalentAccess.objects.filter(talent=mine).count()
    edit = client.get(f"/people/talents/{mine.code}/edit/")
    assert edit.status_code == 200 and "19900001234" not in edit.content.decode()
    assert TalentAccess.objects.filter(talent=mine, unmasked=False).count() == before + 1  # logged
    changed = client.post(
        f"/people/talents/{mine.code}/edit/",
        {**NEW, "code": "IGNORED", "unit": mine.unit_id, "phone": "10000000000", "id_number": ""},
    )
    assert changed.status_code == 302
    mine.refresh_from_db()
    assert (mine.code, mine.name, mine.phone, mine.id_number) == (
        "RC-t.a",
        "王某（演示）",
        "19900001234",
        "99000019850101123X",
    )  # the code is fixed; the personal fields it cannot see are kept
    other = world["talents"]["t.b"]
    assert client.get(f"/people/talents/{other.code}/edit/").status_code == 404


def test_leaders_add_nothing(world: dict[str, Any], client: Any) -> None:
    client.force_login(world["users"]["leader"])
    assert client.get("/people/talents/new/").status_code == 403
    assert client.post("/people/talents/teams/new/", {"code": "TX"}).status_code == 403
    assert client.get(f"/people/talents/{world['talents']['t.a'].code}/edit/").status_code == 404


def test_teams_are_added_and_changed_in_scope(world: dict[str, Any], client: Any) -> None:
    client.force_login(world["users"]["reporter_b"])
    data = {"code": "TD-B", "name": "乙团队（演示）", "unit": world["units"]["t.b"].pk, "field": "数字"}
    assert client.post("/people/talents/teams/new/", data).status_code == 302
    team = TalentTeam.objects.get(code="TD-B")
    assert AuditEntry.objects.filter(content_type__model="talentteam", object_id=team.pk).count() == 1
    assert client.get("/people/talents/teams/TD1/edit/").status_code == 404  # t.a's team
    response = client.post(
        "/people/talents/teams/TD-B/edit/", {**data, "name": "乙团队（演示）二", "is_outstanding": "on"}
    )
    assert response.status_code == 302
    team.refresh_from_db()
    assert (team.name, team.is_outstanding) == ("乙团队（演示）二", True)
    assert 'href="/people/talents/teams/TD-B/edit/"' in client.get("/people/talents/").content.decode()

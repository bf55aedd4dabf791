"""Personal data (issue 15): encrypted at rest, masked per role in pages, API and exports, never in
audit rows or error messages, left out of the public notice, every full view logged."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from openpyxl import load_workbook

from jingjin.core.models import AuditEntry
from jingjin.rural import services
from jingjin.rural.crypto import decrypt, id_number_hash, mask
from jingjin.rural.models import AccessLog, Member

from .conftest import ID_CHILD, ID_HEAD

pytestmark = pytest.mark.django_db

MASKED = "5109**********1233"


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_raw_database_holds_no_readable_personal_data(household: Any) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone, bank_account, health, id_hash FROM rural_member")
        rows = cursor.fetchall()
    assert len(rows) == 1
    raw = " ".join(str(v) for v in rows[0])
    for secret in (ID_HEAD, ID_HEAD[-4:] + "", "13800001234", "6222021234567890123", "高血压"):
        assert secret not in raw
    assert rows[0][0].startswith("v1:") and decrypt(rows[0][0], field="id_number") == ID_HEAD
    member = Member.objects.get()
    assert member.id_number == ID_HEAD and member.health == "高血压"
    # exact look-up by the keyed hash, without decrypting
    assert Member.objects.filter(id_hash=id_number_hash(ID_HEAD.lower())).count() == 1


def test_audit_rows_hold_no_personal_data(household: Any) -> None:
    text = " ".join(str(e.before) + str(e.after) for e in AuditEntry.objects.all())
    assert "张某" in text  # the member's row is audited
    for secret in (ID_HEAD, "13800001234", "6222021234567890123", "高血压"):
        assert secret not in text


def test_errors_name_the_field_never_the_value(household: Any, world: dict[str, Any]) -> None:
    wrong = ID_CHILD[:-1] + "1"
    with pytest.raises(ValidationError) as caught:
        services.member_add(actor=world["worker_c"], household=household, name="李某", id_number=wrong)
    assert "id_number" in caught.value.message_dict and wrong not in str(caught.value)
    with pytest.raises(ValidationError) as caught:
        services.member_add(actor=world["worker_c"], household=household, name="李某", id_number=ID_HEAD)
    assert "already registered" in str(caught.value) and ID_HEAD not in str(caught.value)


def test_mask() -> None:
    assert mask(ID_HEAD) == MASKED
    assert mask("") == ""


@pytest.mark.parametrize("who", ["office", "county_c", "leader", "worker_d"])
def test_pages_api_and_exports_mask_for_every_other_role(
    household: Any, world: dict[str, Any], who: str
) -> None:
    client = client_for(world[who])
    page = client.get(f"/rural/households/{household.code}/").content.decode()
    assert MASKED in page and ID_HEAD not in page and "13800001234" not in page and "高血压" not in page
    data = client.get("/api/households").json()["results"][0]
    assert data["id_number"] == MASKED and data["members"][0]["phone"] == "138****1234"
    workbook = load_workbook(io.BytesIO(client.get("/rural/members.xlsx").content))
    cells = [c for row in workbook.active.iter_rows(values_only=True) for c in row]
    assert MASKED in cells and ID_HEAD not in cells
    assert not AccessLog.objects.exists()


def test_the_case_worker_of_the_county_sees_them_in_full_and_is_logged(
    household: Any, world: dict[str, Any]
) -> None:
    client = client_for(world["worker_c"])
    page = client.get(f"/rural/households/{household.code}/").content.decode()
    assert ID_HEAD in page and "高血压" in page
    assert client.get("/api/households").json()["results"][0]["id_number"] == ID_HEAD
    workbook = load_workbook(io.BytesIO(client.get("/rural/members.xlsx").content))
    assert ID_HEAD in [c for row in workbook.active.iter_rows(values_only=True) for c in row]
    assert list(AccessLog.objects.order_by("id").values_list("user__username", "household", "via")) == [
        ("worker_c", household.pk, "page"),
        ("worker_c", household.pk, "api"),
        ("worker_c", household.pk, "export"),
    ]
    # the plan office reads who looked at whom; others may not
    log = client_for(world["office"]).get("/rural/access-log/").content.decode()
    assert "worker_c" in log and household.code in log
    assert client.get("/rural/access-log/").status_code == 403


def test_the_public_notice_publishes_no_personal_data(household: Any, world: dict[str, Any]) -> None:
    page = client_for(world["worker_c"]).get(f"/rural/households/{household.code}/notice/").content.decode()
    assert "张某" in page
    for secret in (ID_HEAD, MASKED, "13800001234", "6222021234567890123", "高血压"):
        assert secret not in page
    assert not AccessLog.objects.exists()

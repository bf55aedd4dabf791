"""``jingjin rural rotate-key``: every personal field re-encrypted from the old key to the new one
in one transaction (or nothing), the look-up hashes recomputed, audited, with a dry run."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from django.db import connection

from jingjin.core.models import AuditEntry
from jingjin.rural.crypto import id_number_hash
from jingjin.rural.key_services import RotationError, personal_data_rotate
from jingjin.rural.models import Household, Member

from .conftest import ID_HEAD

pytestmark = pytest.mark.django_db

OLD = bytes(range(32))
NEW = bytes(range(32, 64))


def _raw() -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone, bank_account, health, id_hash FROM rural_member ORDER BY id")
        return [tuple(r) for r in cursor.fetchall()]


@pytest.fixture
def old_key(settings: Any) -> Any:
    settings.JINGJIN_PERSONAL_DATA_KEY = OLD
    return settings


def test_rotation_round_trip(old_key: Any, household: Household, world: dict[str, Any]) -> None:
    before = _raw()
    assert ID_HEAD not in str(before)
    dry = personal_data_rotate(old=OLD, new=NEW, dry_run=True)
    assert (dry.members, dry.values, dry.dry_run) == (1, 4, True) and _raw() == before
    result = personal_data_rotate(old=OLD, new=NEW)
    assert (result.members, result.values) == (1, 4)
    after = _raw()
    assert after != before and ID_HEAD not in str(after) and "13800001234" not in str(after)
    old_key.JINGJIN_PERSONAL_DATA_KEY = NEW
    member = Member.objects.get()
    assert (member.id_number, member.phone, member.health) == (ID_HEAD, "13800001234", "高血压")
    assert member.id_hash == id_number_hash(ID_HEAD) != before[0][4]
    entry = AuditEntry.objects.filter(object_id=member.pk, after__personal_data__isnull=False).get()
    assert ID_HEAD not in json.dumps(entry.after, ensure_ascii=False)
    personal_data_rotate(old=NEW, new=OLD)  # and back
    old_key.JINGJIN_PERSONAL_DATA_KEY = OLD
    assert Member.objects.get().bank_account == "6222021234567890123"
    assert _raw()[0][4] == before[0][4]


def test_a_wrong_old_key_changes_nothing(old_key: Any, household: Household) -> None:
    before = _raw()
    with pytest.raises(RotationError, match="cannot be decrypted with the old key") as caught:
        personal_data_rotate(old=NEW, new=bytes(32))
    assert ID_HEAD not in str(caught.value) and _raw() == before
    with pytest.raises(RotationError, match="same"):
        personal_data_rotate(old=OLD, new=OLD)


def test_the_command(
    old_key: Any, household: Household, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from jingjin.cli import main

    monkeypatch.setenv("JINGJIN_PERSONAL_DATA_KEY", base64.b64encode(NEW).decode())
    monkeypatch.delenv("JINGJIN_PERSONAL_DATA_OLD_KEY", raising=False)
    assert main(["rural", "rotate-key", "--dry-run"]) == 2  # no old key
    assert "old key" in capsys.readouterr().err
    old_key.JINGJIN_PERSONAL_DATA_KEY = NEW  # as the settings read the environment
    monkeypatch.setenv("JINGJIN_PERSONAL_DATA_OLD_KEY", base64.b64encode(OLD).decode())
    assert main(["rural", "rotate-key", "--dry-run"]) == 0
    assert json.loads(capsys.readouterr().out) == {"members": 1, "values": 4, "dry_run": True}
    assert main(["rural", "rotate-key"]) == 0
    assert Member.objects.get().id_number == ID_HEAD
    assert main(["rural", "rotate-key", "--old-key", "short"]) == 2

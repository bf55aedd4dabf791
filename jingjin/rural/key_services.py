"""Key rotation of the personal data (密钥轮换): every encrypted field of every member is
decrypted with the old key and encrypted again with the new one, and the ID numbers' look-up
hashes are computed again — all in one transaction, or nothing.

The values are read and written as stored (raw column values), never through the model fields,
which decrypt with the configured key. A value the old key cannot open stops the rotation before
anything is written; the message names the member and the field, never a value. One audit row
per member says that its personal data were re-encrypted (no value, no key).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction

from jingjin.core.choices import AuditAction
from jingjin.core.services import audit_entry, audit_record_many
from jingjin.rural.crypto import PREFIX, decrypt, encrypt, id_number_hash
from jingjin.rural.models import Member

#: the encrypted fields of a member (model field names; the column names come from the model)
PERSONAL_FIELDS = ("id_number", "phone", "bank_account", "health")


class RotationError(Exception):
    """The rotation cannot be done (a value the old key does not open, the same key twice)."""


@dataclass(frozen=True)
class RotationResult:
    members: int
    values: int
    dry_run: bool


def _columns() -> list[str]:
    return [str(getattr(Member._meta.get_field(name), "column", name)) for name in PERSONAL_FIELDS]


def _reencrypt(rows: list[tuple[Any, ...]], old: bytes, new: bytes) -> tuple[list[tuple[Any, ...]], int]:
    """The new (values…, id_hash, pk) of each row that holds personal data, and how many values."""
    updates, count = [], 0
    for pk, *stored in rows:
        fresh: list[str] = []
        clear_id = ""
        for field, value in zip(PERSONAL_FIELDS, stored, strict=True):
            if value in (None, ""):
                fresh.append("")
                continue
            if not str(value).startswith(PREFIX):
                raise RotationError(f"member {pk}: field {field} is not an encrypted value")
            try:
                clear = decrypt(str(value), field=field, key=old)
            except ValueError:
                raise RotationError(
                    f"member {pk}: field {field} cannot be decrypted with the old key"
                ) from None
            if field == "id_number":
                clear_id = clear
            fresh.append(encrypt(clear, field=field, key=new))
            count += 1
        if any(fresh):
            updates.append((*fresh, id_number_hash(clear_id, key=new) if clear_id else "", pk))
    return updates, count


def personal_data_rotate(
    *, old: bytes, new: bytes, actor: Any = None, dry_run: bool = False
) -> RotationResult:
    """Re-encrypt every member's personal data from ``old`` to ``new`` (see the module doc). With
    ``dry_run`` every value is decrypted and encrypted again but nothing is written."""
    if old == new:
        raise RotationError("the old and the new key are the same")
    table = connection.ops.quote_name(Member._meta.db_table)
    columns = [connection.ops.quote_name(c) for c in _columns()]
    pk = connection.ops.quote_name(str(getattr(Member._meta.pk, "column", "id")))
    hash_column = connection.ops.quote_name(Member._meta.get_field("id_hash").column)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {pk}, {', '.join(columns)} FROM {table} ORDER BY {pk}")  # noqa: S608
            rows = [tuple(row) for row in cursor.fetchall()]
        updates, count = _reencrypt(rows, old, new)
        if dry_run:
            return RotationResult(members=len(updates), values=count, dry_run=True)
        assignments = ", ".join(f"{c} = %s" for c in [*columns, hash_column])
        with connection.cursor() as cursor:
            cursor.executemany(f"UPDATE {table} SET {assignments} WHERE {pk} = %s", updates)  # noqa: S608
        touched = Member.objects.filter(pk__in=[u[-1] for u in updates]).select_related("household")
        note = {"personal_data": "re-encrypted under a new key"}
        audit_record_many(
            audit_entry(actor=actor, action=AuditAction.UPDATE, obj=m, before={}, after=note, source="cli")
            for m in touched.only("pk", "name", "household__code")
        )
    return RotationResult(members=len(updates), values=count, dry_run=False)

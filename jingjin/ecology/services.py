"""Writes of the ecology registers: create, change, delete, move a record's state, set a section's
targets. Each takes keyword-only arguments and the ``actor`` (``None``: the system itself, e.g. the
demo), checks the permission predicates of :mod:`jingjin.core.permissions`, runs in one
transaction and writes one audit row with the values before and after (a section's row holds its
targets too).

Who does what: the plan office adds and deletes records and changes every field; unit users
(reporters, approvers, county users) change the records of their county — not the fields that
say whose a record is (its code and county, a project's source); leaders read.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext as _

from jingjin.core import clock
from jingjin.core.choices import AuditAction
from jingjin.core.permissions import (
    PermissionDenied,
    may_change_ecology_record,
    may_manage_ecology_registers,
)
from jingjin.core.services import audit_record, audit_record_many, deletion_entries
from jingjin.ecology.models import BlackOdorousBody, Section, SectionTarget
from jingjin.ecology.registers import Register, register_for


class RegisterError(ValueError):
    """A write that cannot be done with these values (a move the state does not allow …)."""


def snapshot(record: Any) -> dict[str, Any]:
    """The values the audit trail keeps of ``record``; a section's include its targets by year."""
    data: dict[str, Any] = record.snapshot()
    if isinstance(record, Section) and record.pk is not None:
        data["targets"] = {str(t.year): t.target_class for t in record.targets.order_by("year")}
    return data


def _check_locked(*, register: Register, record: Any, actor: Any, data: dict[str, Any]) -> None:
    if actor is None or may_manage_ecology_registers(actor):
        return
    for name in register.locked:
        if name in data and getattr(record, name) != data[name]:
            label = record._meta.get_field(name).verbose_name
            raise PermissionDenied(_("Only the plan office may change the %(field)s.") % {"field": label})


def _set_targets(section: Section, targets: dict[int, int], *, replace: bool) -> None:
    if replace:
        section.targets.exclude(year__in=list(targets)).delete()
    for year, target_class in targets.items():
        target = SectionTarget(section=section, year=year, target_class=target_class)
        target.full_clean(exclude=["section"], validate_unique=False)
        SectionTarget.objects.update_or_create(
            section=section, year=year, defaults={"target_class": target_class}
        )


def _refresh_feeds(record: Any) -> None:
    """After a black-odorous body changes, the indicators fed by ``blackodor_remaining`` follow
    (once the write is committed)."""
    if isinstance(record, BlackOdorousBody):
        from jingjin.ecology.feeds import feeds_refresh

        years = {clock.today().year}
        transaction.on_commit(lambda: feeds_refresh(years=years))


@transaction.atomic
def record_create(
    *,
    model: type[models.Model],
    actor: Any,
    data: dict[str, Any],
    targets: dict[int, int] | None = None,
    source: str = "web",
) -> Any:
    """Add a record of ``model`` (plan office only) from ``data`` (field → value); a section
    with its ``targets`` (year → class)."""
    if actor is not None and not may_manage_ecology_registers(actor):
        raise PermissionDenied(_("Only the plan office may add records to the ecology registers."))
    record = model(**data)
    if not getattr(record, "name_en", "x"):
        record.name_en = record.name_zh  # type: ignore[attr-defined]
    record.full_clean()
    record.save()
    if targets and isinstance(record, Section):
        _set_targets(record, targets, replace=True)
    audit_record(
        actor=actor, action=AuditAction.CREATE, obj=record, before=None, after=snapshot(record), source=source
    )
    _refresh_feeds(record)
    return record


@transaction.atomic
def record_update(
    *,
    record: Any,
    actor: Any,
    data: dict[str, Any],
    targets: dict[int, int] | None = None,
    replace_targets: bool = False,
    source: str = "web",
) -> Any:
    """Change the fields in ``data`` of ``record`` (the plan office, or a unit user of its county;
    see the module's docstring); a section's ``targets`` are added or changed by year (and the
    years not given dropped when ``replace_targets``)."""
    if actor is not None and not may_change_ecology_record(actor, record):
        raise PermissionDenied(_("You may not change %(record)s.") % {"record": record})
    register = register_for(type(record))
    _check_locked(register=register, record=record, actor=actor, data=data)
    before = snapshot(record)
    for name, value in data.items():
        setattr(record, name, value)
    if not getattr(record, "name_en", "x"):
        record.name_en = record.name_zh
    record.full_clean()
    record.save()
    if targets is not None and isinstance(record, Section):
        _set_targets(record, targets, replace=replace_targets)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=record,
        before=before,
        after=snapshot(record),
        source=source,
    )
    _refresh_feeds(record)
    return record


@transaction.atomic
def record_delete(*, record: Any, actor: Any, source: str = "web") -> None:
    """Delete ``record`` (plan office only), keeping its last values — and those of what the delete
    takes with it (a source's projects) — in the audit trail."""
    if actor is not None and not may_manage_ecology_registers(actor):
        raise PermissionDenied(_("Only the plan office may delete records of the ecology registers."))
    entries = deletion_entries(obj=record, actor=actor, source=source)
    if isinstance(record, Section):
        entries[0].before = snapshot(record)
    audit_record_many(entries)
    record.delete()
    _refresh_feeds(record)


def moves_of(record: Any) -> list[tuple[str, Any]]:
    """The states ``record`` may move to next, as (value, label) choices; none when its register
    has no states."""
    register = register_for(type(record))
    allowed = register.moves.get(record.state, frozenset()) if register.moves else frozenset()
    field = record._meta.get_field("state")
    return [(value, label) for value, label in field.choices if value in allowed]


@transaction.atomic
def record_move(*, record: Any, actor: Any, state: str, on: date, source: str = "web") -> Any:
    """Move ``record`` to ``state`` on the day ``on`` (e.g. a black-odorous body 整治中 → 已完成整治),
    setting the date field of that state; only the moves of its register are possible."""
    if actor is not None and not may_change_ecology_record(actor, record):
        raise PermissionDenied(_("You may not change %(record)s.") % {"record": record})
    register = register_for(type(record))
    if state not in register.moves.get(record.state, frozenset()):
        raise RegisterError(
            _("%(record)s cannot move from %(from)s to %(to)s.")
            % {"record": record.code, "from": record.get_state_display(), "to": state}
        )
    before = snapshot(record)
    record.state = state
    date_field = register.state_dates.get(state)
    if date_field:
        setattr(record, date_field, on)
    record.full_clean()
    record.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=record,
        before=before,
        after=snapshot(record),
        source=source,
    )
    _refresh_feeds(record)
    return record

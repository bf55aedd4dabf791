"""Writes of the core app, each recorded in the audit trail (HackSoft-style services)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from jingjin.core.choices import AuditAction
from jingjin.core.models import AuditedModel, AuditEntry, Profile, Unit
from jingjin.core.permissions import PermissionDenied, can_add, check_role_and_unit, editable_fields, require


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    source: str = "web",
) -> AuditEntry | None:
    """Write one audit row; an update that changed nothing writes none."""
    if action == AuditAction.UPDATE and before == after:
        return None
    entry = audit_entry(actor=actor, action=action, obj=obj, before=before, after=after, source=source)
    entry.save()
    return entry


def audit_change(
    *, actor: Any, obj: AuditedModel, before: dict[str, Any] | None, source: str = "web"
) -> AuditEntry | None:
    """Record that ``obj`` was created (``before`` is None) or changed from ``before`` to its
    current values; an update that changed nothing writes no row."""
    action = AuditAction.CREATE if before is None else AuditAction.UPDATE
    return audit_record(
        actor=actor, action=action, obj=obj, before=before, after=obj.snapshot(), source=source
    )


def audit_record_many(entries: Iterable[AuditEntry]) -> int:
    """Store prepared rows in one statement (bulk imports)."""
    rows = list(entries)
    AuditEntry.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def audit_entry(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    source: str,
) -> AuditEntry:
    """An unsaved audit row (who, when, what, before and after), for :func:`audit_record_many`."""
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    profile = getattr(user, "profile", None) if user is not None else None
    return AuditEntry(
        user=user,
        user_name=user.get_username() if user is not None else (source or "system"),
        unit=profile.unit if profile is not None else None,
        action=action,
        content_type=ContentType.objects.get_for_model(obj),  # an instance: a lazy request.user works too
        object_id=obj.pk,
        object_repr=_object_repr(obj),
        before=before,
        after=after,
        source=source,
    )


def _object_repr(obj: models.Model) -> str:
    code = getattr(obj, "code", None)
    name = getattr(obj, "name_zh", None) or str(obj)
    return f"{code} {name}"[:400] if code else name[:400]


@transaction.atomic
def object_update(
    *, obj: AuditedModel, actor: Any, data: dict[str, Any], source: str = "web"
) -> AuditedModel:
    """Change the fields in ``data`` on ``obj`` after checking that ``actor`` may change each one
    (``actor=None`` is the system itself and may change any field).

    ``data`` maps field names to new values (many-to-many fields to lists of objects).
    Raises :class:`PermissionDenied` naming the first field the actor may not change.
    """
    if actor is not None:  # None is the system itself (loaders, demo set-up)
        require(actor, "change", obj)
        allowed = set(editable_fields(actor, obj))
        refused = sorted(set(data) - allowed)
        if refused:
            raise PermissionDenied(f"not allowed to change: {', '.join(refused)}")
    before = obj.snapshot()
    many: dict[str, Any] = {}
    for name, value in data.items():
        field = obj._meta.get_field(name)
        if field.many_to_many:
            many[name] = value
        else:
            setattr(obj, name, value)
    obj.full_clean()
    obj.save()
    for name, value in many.items():
        getattr(obj, name).set(value)
    audit_change(actor=actor, obj=obj, before=before, source=source)
    return obj


def deletion_entries(*, obj: models.Model, actor: Any, source: str) -> list[AuditEntry]:
    """Audit rows for deleting ``obj`` and every audited object the delete cascades to."""
    from django.db.models.deletion import Collector

    collector = Collector(using=obj._state.db or "default")
    collector.collect([obj])
    entries = []
    for model, instances in collector.data.items():
        if not issubclass(model, AuditedModel):
            continue
        for instance in sorted(instances, key=lambda o: o.pk):
            assert isinstance(instance, AuditedModel)
            entries.append(
                audit_entry(
                    actor=actor,
                    action=AuditAction.DELETE,
                    obj=instance,
                    before=instance.snapshot(),
                    after=None,
                    source=source,
                )
            )
    return entries


@transaction.atomic
def object_delete(*, obj: AuditedModel, actor: Any, source: str = "web") -> None:
    """Delete ``obj`` (plan office only), keeping its last values — and those of every object
    the delete cascades to — in the audit trail."""
    require(actor, "delete", obj)
    audit_record_many(deletion_entries(obj=obj, actor=actor, source=source))
    obj.delete()


@transaction.atomic
def unit_create(
    *,
    actor: Any,
    code: str,
    name_zh: str,
    name_en: str,
    kind: str,
    parent: Unit | None = None,
    is_synthetic: bool = False,
    source: str = "web",
) -> Unit:
    """Create a unit; only the plan office (or the system, ``actor=None``) may."""
    if actor is not None and not can_add(actor):
        raise PermissionDenied("only the plan office may add units")
    unit = Unit(
        code=code, name_zh=name_zh, name_en=name_en, kind=kind, parent=parent, is_synthetic=is_synthetic
    )
    unit.full_clean()
    unit.save()
    audit_change(actor=actor, obj=unit, before=None, source=source)
    return unit


@transaction.atomic
def user_ensure(
    *, username: str, password: str, role: str, unit: Unit | None, full_name: str = "", source: str = "demo"
) -> tuple[Any, bool]:
    """Create a user with a role and unit if missing; return (user, created). Keeps an existing user."""
    check_role_and_unit(role, unit)
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(username=username, defaults={"first_name": full_name})
    if created:
        user.set_password(password)
        user.save()
        Profile.objects.create(user=user, unit=unit, role=role)
        audit_record(
            actor=None,
            action=AuditAction.CREATE,
            obj=user,
            before=None,
            after={"username": username, "role": role, "unit": unit.code if unit else None},
            source=source,
        )
    return user, created


@transaction.atomic
def object_create(
    *, model: type[AuditedModel], actor: Any, data: dict[str, Any], source: str = "web"
) -> AuditedModel:
    """Create an object of ``model`` from ``data`` (plan office only) and audit it."""
    if not can_add(actor):
        raise PermissionDenied(f"only the plan office may add a {model._meta.verbose_name}")
    plain = {k: v for k, v in data.items() if not model._meta.get_field(k).many_to_many}
    many = {k: v for k, v in data.items() if model._meta.get_field(k).many_to_many}
    obj = model(**plain)
    obj.full_clean()
    obj.save()
    for name, value in many.items():
        getattr(obj, name).set(value)
    audit_change(actor=actor, obj=obj, before=None, source=source)
    return obj

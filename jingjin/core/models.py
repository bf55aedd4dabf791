"""Core models: the unit tree, user profiles with roles, and the audit trail."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from jingjin.core import clock
from jingjin.core.choices import AuditAction, Role, UnitKind
from jingjin.core.querysets import RestrictedQuerySet


def english_active() -> bool:
    """Is the UI in English? (Chinese otherwise.) Not free: ask once per list, not per row."""
    return (get_language() or "zh-hans").startswith("en")


def bilingual(zh: str, en: str, *, english: bool | None = None) -> str:
    """The text of the active language (``english``: as :func:`english_active` says when not
    given), the other one when it is empty."""
    if english_active() if english is None else english:
        return en or zh
    return zh or en


class BilingualNameMixin(models.Model):
    """A Chinese and an English name; ``name`` gives the one of the active language."""

    name_zh = models.CharField(_("Chinese name"), max_length=300)
    name_en = models.CharField(_("English name"), max_length=300)

    class Meta:
        abstract = True

    @property
    def name(self) -> str:
        return bilingual(self.name_zh, self.name_en)


class AuditedModel(models.Model):
    """Base of every model whose writes are recorded in the audit trail.

    ``snapshot()`` gives the values the audit trail keeps as "before" and "after":
    plain JSON values, foreign keys as the related object's code, many-to-many fields as
    sorted lists of codes. Writes happen in services, which call
    :func:`jingjin.core.services.audit_record`.
    """

    objects = RestrictedQuerySet.as_manager()

    #: fields left out of the snapshot
    audit_exclude: tuple[str, ...] = ("id",)

    class Meta:
        abstract = True

    def natural_key_text(self) -> str:
        return str(getattr(self, "code", self.pk))

    def snapshot(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for field in self._meta.get_fields():
            if field.name in self.audit_exclude or (field.auto_created and not field.concrete):
                continue
            if field.many_to_many:
                if self.pk is None:
                    continue
                data[field.name] = sorted(o.natural_key_text() for o in getattr(self, field.name).all())
            elif field.is_relation and field.many_to_one:
                related = getattr(self, field.name)
                data[field.name] = _natural_key(related)
            elif getattr(field, "concrete", False):
                value = getattr(self, getattr(field, "attname", field.name))
                data[field.name] = _json_value(value)
        return data


def _natural_key(related: Any) -> Any:
    """How a related object is written in a snapshot: its code where it has one."""
    if related is None:
        return None
    if hasattr(related, "natural_key_text"):
        return related.natural_key_text()
    if hasattr(related, "get_username"):
        return related.get_username()
    return str(related)


def _json_value(value: Any) -> Any:
    from datetime import date, datetime
    from decimal import Decimal

    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


class Unit(BilingualNameMixin, AuditedModel):
    """A unit (单位): the city, a department, a county/district, a park, a township or a village.

    Units form a tree through ``parent``. Permissions follow the tree: a user of a unit may
    change the objects of that unit and of the units below it.
    """

    code = models.CharField(_("code"), max_length=64, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    position = models.PositiveIntegerField(default=0)
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return self.name

    def descendant_ids(self) -> set[int]:
        """Ids of this unit and every unit below it (one query per level)."""
        ids = {self.pk}
        frontier = [self.pk]
        while frontier:
            frontier = list(Unit.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
            ids.update(frontier)
        return ids


class Profile(models.Model):
    """A user's unit and role (用户角色)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.LEADER)

    class Meta:
        verbose_name = _("profile")

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class AuditEntry(models.Model):
    """One recorded change (变更记录): who changed what, when, with the values before and after."""

    time = models.DateTimeField(_("time"), default=clock.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True, blank=True, on_delete=models.SET_NULL
    )
    user_name = models.CharField(_("user name"), max_length=150, blank=True)
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.SET_NULL)
    action = models.CharField(_("action"), max_length=8, choices=AuditAction.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.BigIntegerField(db_index=True)
    object_repr = models.CharField(_("object"), max_length=400)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=32, blank=True, help_text="web, api, import, cli …")

    class Meta:
        ordering = ["-time", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")

    def __str__(self) -> str:
        return f"{self.time:%Y-%m-%d %H:%M} {self.user_name} {self.action} {self.object_repr}"

    def changed_fields(self) -> list[tuple[str, Any, Any]]:
        """(field, before, after) for every field whose value differs."""
        before = self.before or {}
        after = self.after or {}
        keys = list(dict.fromkeys([*before.keys(), *after.keys()]))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]

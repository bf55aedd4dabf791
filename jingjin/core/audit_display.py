"""The audit trail as a reader sees it (变更记录): field labels, choice labels, names and local times.

An :class:`~jingjin.core.models.AuditEntry` keeps plain JSON snapshots: field names, stored choice
values (``returned``), related objects by code or id (``sn.gxq``, ``12``) and times as ISO text in
UTC. :func:`describe` turns a page of entries into rows whose changes read
"状态: 已报送 → 已退回", "责任单位: 高新区", "报送时间: 2025-12-05 14:30" in the active language:

* each field by its verbose name (``Model._meta.get_field(name).verbose_name``);
* values of fields with choices by their labels, booleans as yes/no;
* times in the local zone (``TIME_ZONE``, Asia/Shanghai), ``YYYY-MM-DD HH:MM``;
* related objects (units, plan nodes, indicators, supervision items, schemes, periods …) by their
  names in the active language, looked up in **one** query for the whole page whatever it holds
  (the pages' query counts must not grow with the data).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import CharField, F, Q, Value
from django.db.models.functions import Cast, Concat, LPad
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_lazy, gettext_noop

from jingjin.core.models import AuditEntry, bilingual, english_active

#: where the audit trail's "source" comes from, as a reader names it
SOURCES = {
    "web": gettext_noop("web page"),
    "api": gettext_noop("API"),
    "import": gettext_noop("import"),
    "cli": gettext_noop("command line"),
    "warnings": gettext_noop("warning recomputation"),
    "demo": gettext_noop("demo data"),
    "test": gettext_noop("test"),
}

EMPTY = "—"


@dataclass
class Change:
    """One changed field: its label, and the values before and after as a reader reads them."""

    field: str
    label: str
    before: str
    after: str

    @property
    def recorded(self) -> str:
        """What a deletion's row shows: the value before, or, for a field only the deletion
        recorded (its reason), the value after."""
        return self.after if self.before == EMPTY else self.before


@dataclass
class AuditRow:
    """An audit entry with what the page shows of it."""

    entry: AuditEntry
    model_label: str
    source_label: str
    changes: list[Change] = field(default_factory=list)

    def __getattr__(self, name: str) -> Any:  # the entry's own fields (time, user_name, …)
        return getattr(self.entry, name)

    @property
    def who(self) -> str:
        """The user's name; a change made by the system itself (no user: the demo loader, an
        import from the command line, the warning recomputation) reads "system"."""
        if self.entry.user_id is not None:
            return self.entry.user_name
        return gettext("system")


def _named_models() -> dict[type[models.Model], tuple[str, str, str, bool]]:
    """Related models shown by name: model → (code field, Chinese, English, show the code too)."""
    from jingjin.assessment.models import RankingScheme
    from jingjin.core.models import Unit
    from jingjin.plans.models import Action, Indicator, Measure, Mechanism, Plan, Task
    from jingjin.supervision.models import SupervisionItem

    return {
        Unit: ("code", "name_zh", "name_en", False),
        Plan: ("code", "name_zh", "name_en", False),
        Action: ("code", "name_zh", "name_en", True),
        Measure: ("code", "name_zh", "name_en", True),
        Task: ("code", "name_zh", "name_en", True),
        Indicator: ("code", "name_zh", "name_en", True),
        Mechanism: ("code", "name_zh", "name_en", False),
        RankingScheme: ("code", "name_zh", "name_en", False),
        SupervisionItem: ("code", "title", "title", True),
    }


def model_label(model: type[models.Model] | None, fallback: str = "") -> str:
    """The verbose name of a model ("月度报告"), or ``fallback``."""
    if model is None:
        return fallback
    return str(capfirst(model._meta.verbose_name))


def source_label(source: str) -> str:
    text = SOURCES.get(source)
    return gettext(text) if text else source


def describe(entries: Iterable[AuditEntry]) -> list[AuditRow]:
    """The rows of a page of audit entries (see the module's docstring); one query for the names."""
    rows: list[AuditRow] = []
    wanted: dict[type[models.Model], tuple[set[int], set[str]]] = {}
    pending: list[tuple[Change, models.Field[Any, Any] | None, Any, Any]] = []
    named = _named_models()
    from jingjin.reporting.models import ReportingPeriod

    looked_up = {*named, ReportingPeriod}
    english = english_active()
    for entry in entries:
        model = ContentType.objects.get_for_id(entry.content_type_id).model_class()
        row = AuditRow(
            entry=entry,
            model_label=model_label(model, ContentType.objects.get_for_id(entry.content_type_id).model),
            source_label=source_label(entry.source),
        )
        for name, before, after in entry.changed_fields():
            model_field = _field(model, name)
            label = field_label(model_field, name)
            change = Change(field=name, label=label, before=EMPTY, after=EMPTY)
            related = _related_model(model_field)
            if related is not None and related in looked_up:
                ids, codes = wanted.setdefault(related, (set(), set()))
                for value in (before, after):
                    for one in value if isinstance(value, list) else [value]:
                        if isinstance(one, int) and not isinstance(one, bool):
                            ids.add(one)
                        elif isinstance(one, str) and one:
                            codes.add(one)
            pending.append((change, model_field, before, after))
            row.changes.append(change)
        rows.append(row)
    names = _names(wanted, named, english) if rows else {}
    for change, model_field, before, after in pending:
        change.before = display_value(model_field, before, names)
        change.after = display_value(model_field, after, names)
    return rows


def _field(model: type[models.Model] | None, name: str) -> Any:
    """The model field a snapshot key stands for; a user's role and unit are its profile's."""
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        pass
    from django.contrib.auth import get_user_model

    from jingjin.core.models import Profile

    if model is get_user_model() and name in ("role", "unit"):
        return Profile._meta.get_field(name)
    if name == "continuity":
        return ContinuityField()
    return None


class ContinuityField:
    """The report snapshot's "continuity" key: what became of each item of last month's plan."""

    verbose_name = gettext_lazy("Last month's plan")
    is_relation = False

    @staticmethod
    def format(item: dict[str, Any]) -> str:
        from jingjin.reporting.choices import ContinuityOutcome

        outcome = item.get("outcome") or ""
        label = dict(ContinuityOutcome.choices).get(outcome, outcome) if outcome else EMPTY
        reason = f" ({item['reason']})" if item.get("reason") else ""
        return f"{item.get('item', '')}: {label}{reason}"


#: the audited values that are no field of their model (``snapshot()`` adds them), by key
SNAPSHOT_LABELS = {
    "indicator_values": gettext_lazy("Indicator actuals"),
    "evidence": gettext_lazy("Evidence files"),
    "continuity": gettext_lazy("Last month's plan"),
    "entries": gettext_lazy("Entries"),
    "targets": gettext_lazy("Yearly targets"),
    "milestones": gettext_lazy("Milestones"),
}


def field_label(model_field: Any, name: str) -> str:
    """A field's verbose name; for a reverse relation or a key that is no field, its label from
    :data:`SNAPSHOT_LABELS`, else the name written as a label ("co_units" → "Co units")."""
    verbose = getattr(model_field, "verbose_name", None) if model_field is not None else None
    if verbose:
        return str(capfirst(verbose))
    if name in SNAPSHOT_LABELS:
        return str(SNAPSHOT_LABELS[name])
    return gettext(str(capfirst(name.replace("_", " "))))


def _related_model(model_field: Any) -> Any:
    if model_field is None or not getattr(model_field, "is_relation", False):
        return None
    return model_field.related_model


def _names(
    wanted: dict[type[models.Model], tuple[set[int], set[str]]],
    named: dict[type[models.Model], tuple[str, str, str, bool]],
    english: bool,
) -> dict[tuple[type[models.Model], Any], str]:
    """(model, id or code) → the name a reader reads, for every named model, in one UNION query
    (each model's part is always there, with an impossible key when the page needs none of it,
    so the number of queries does not depend on what the page holds)."""
    from jingjin.reporting.models import ReportingPeriod

    labels = list(named)
    parts = []
    for index, model in enumerate(labels):
        code_field, zh_field, en_field, _with_code = named[model]
        ids, codes = wanted.get(model, (set(), set()))
        parts.append(
            model._default_manager.filter(
                Q(pk__in=sorted(ids) or [0]) | Q(**{f"{code_field}__in": sorted(codes) or [""]})
            )
            .order_by()
            .annotate(
                jj_kind=Value(index),
                jj_pk=F("pk"),
                jj_code=F(code_field),
                jj_zh=F(zh_field),
                jj_en=F(en_field),
            )
            .values_list("jj_kind", "jj_pk", "jj_code", "jj_zh", "jj_en")
        )
    period_ids, _codes = wanted.get(ReportingPeriod, (set(), set()))
    labels.append(ReportingPeriod)
    text: CharField[str, str] = CharField()
    period_code = Concat(
        Cast("year", text), Value("-"), LPad(Cast("month", text), 2, Value("0")), output_field=text
    )
    parts.append(
        ReportingPeriod.objects.filter(pk__in=sorted(period_ids) or [0])
        .order_by()
        .annotate(jj_kind=Value(len(labels) - 1), jj_pk=F("pk"), jj_code=period_code)
        .annotate(jj_zh=F("jj_code"), jj_en=F("jj_code"))
        .values_list("jj_kind", "jj_pk", "jj_code", "jj_zh", "jj_en")
    )
    query = parts[0].union(*parts[1:], all=True)
    names: dict[tuple[type[models.Model], Any], str] = {}
    for kind, pk, code, zh, en in query:
        model = labels[kind]
        with_code = named[model][3] if model in named else False
        name = bilingual(zh or "", en or "", english=english)
        text_value = f"{code} {name}" if with_code and code and name != code else (name or code)
        names[(model, pk)] = text_value
        names[(model, code)] = text_value
    return names


def display_value(model_field: Any, value: Any, names: dict[tuple[Any, Any], str] | None = None) -> str:
    """One recorded value as a reader reads it."""
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(value, list):
        return "、".join(display_value(model_field, one, names) for one in value)
    related = _related_model(model_field)
    if related is not None and isinstance(value, int | str):
        if names and (related, value) in names:
            return names[(related, value)]
        return str(value)
    if isinstance(value, dict):
        if isinstance(model_field, ContinuityField):
            return model_field.format(value)
        if all(isinstance(v, str | int | float | None) for v in value.values()):
            return "; ".join(f"{k}: {EMPTY if v is None else v}" for k, v in value.items())
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool) or isinstance(model_field, models.BooleanField):
        return gettext("Yes") if value else gettext("No")
    choices = getattr(model_field, "flatchoices", None) if model_field is not None else None
    if choices:
        labels = {str(key): label for key, label in choices}
        if str(value) in labels:
            return str(labels[str(value)])
    if isinstance(model_field, models.DateTimeField) and isinstance(value, str):
        return local_time(value)
    return str(value)


def local_time(value: str | datetime | None) -> str:
    """An ISO time (or a datetime) in the local zone, ``YYYY-MM-DD HH:MM``; other text as is."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
    else:
        moment = value
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")

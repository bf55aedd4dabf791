"""Forms of the ecology registers: a record's fields (made from the register's columns), a state
move, an upload. A section's form has its targets as one text ``2024=Ⅲ; 2025=Ⅱ``."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jingjin.core import clock
from jingjin.core.bounds import BoundError, DateInYears, bound_texts, parse_year
from jingjin.core.choices import UnitKind
from jingjin.core.models import Unit
from jingjin.ecology.imports import CLASS_NAMES, ROMAN
from jingjin.ecology.models import Section
from jingjin.ecology.registers import Register

TARGET_ITEM = re.compile(r"^\s*(\S+?)\s*[=:：]\s*(\S+)\s*$")


def parse_targets(text: str) -> dict[int, int]:
    """``"2024=Ⅲ; 2025=Ⅱ"`` → {2024: 3, 2025: 2}; ``forms.ValidationError`` naming the bad part."""
    targets: dict[int, int] = {}
    for part in re.split(r"[;；,，\n]+", text):
        if not part.strip():
            continue
        match = TARGET_ITEM.match(part)
        try:
            if match is None:
                raise BoundError  # type: ignore[call-arg]
            year = parse_year(match.group(1))
            targets[year] = CLASS_NAMES[match.group(2)]
        except (BoundError, KeyError, TypeError) as exc:
            raise forms.ValidationError(
                _("%(part)s is not year=class (e.g. 2025=Ⅲ)") % {"part": part.strip()[:40]}
            ) from exc
    return targets


def targets_text(section: Section) -> str:
    return "; ".join(f"{t.year}={ROMAN[t.target_class - 1]}" for t in section.targets.order_by("year"))


def record_form(
    register: Register, *, fields: tuple[str, ...], data: Any = None, instance: Any = None
) -> Any:
    """The form of a record of ``register`` with the ``fields`` the user may change (states move
    by :class:`MoveForm`, so ``state`` is only in the form of a new record)."""
    form_class = forms.modelform_factory(
        register.model,
        fields=[name for name in fields if name != "is_synthetic"],
        widgets={
            name: forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
            for name in fields
            if register.column(name).kind == "date"
        },
    )
    form = form_class(data=data, instance=instance)
    if "name_en" in form.fields:
        form.fields["name_en"].required = False
    if "county" in form.fields:
        field: Any = form.fields["county"]
        field.queryset = Unit.objects.filter(kind__in=[UnitKind.COUNTY, UnitKind.PARK]).order_by("code")
        field.label_from_instance = lambda unit: f"{unit.name} ({unit.code})"
    if register.has_targets:
        form.fields["targets"] = forms.CharField(
            label=gettext_lazy("Target classes by year"),
            required=False,
            max_length=2000,
            help_text=gettext_lazy("e.g. 2024=Ⅲ; 2025=Ⅱ"),
            initial=targets_text(instance) if instance is not None and instance.pk else "",
        )
    for name, form_field in form.fields.items():
        if isinstance(form_field, forms.DateField):
            form_field.validators.append(DateInYears())
        if isinstance(form_field.widget, forms.Select):
            form_field.widget.attrs.setdefault("class", "form-select form-select-sm")
        elif name not in {"active", "counts_for_city"}:
            form_field.widget.attrs.setdefault("class", "form-control form-control-sm")
    return bound_texts(form)


class MoveForm(forms.Form):
    """Move a record to its next state on a day (today unless given)."""

    state = forms.ChoiceField(
        label=gettext_lazy("New state"), widget=forms.Select(attrs={"class": "form-select form-select-sm"})
    )
    on = forms.DateField(
        label=gettext_lazy("Day of the change"),
        widget=forms.DateInput(
            attrs={"type": "date", "class": "form-control form-control-sm"}, format="%Y-%m-%d"
        ),
        validators=[DateInYears()],
    )

    def __init__(self, *args: Any, moves: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        state: Any = self.fields["state"]
        state.choices = moves
        self.fields["on"].initial = clock.today()


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Excel (.xlsx) or CSV file"))

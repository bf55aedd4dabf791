"""Web edit forms of the park registers (a civil servant does not use the API). A form holds only
the fields the user may change (:func:`jingjin.core.permissions.editable_fields`); saving goes
through :func:`jingjin.parks.services.entry_change` (audited)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jingjin.core.bounds import number_validators
from jingjin.core.choices import UnitKind
from jingjin.core.models import Unit
from jingjin.parks.choices import ParkLevel
from jingjin.parks.models import AREA, Industry

#: the industries' multi-select: a filter box above it (static/jingjin/parks_edit.js)
FILTERED_SELECT = {"class": "form-select jj-filtered-select", "size": "10"}


class ParkForm(forms.Form):
    level = forms.ChoiceField(label=_("Level"), choices=ParkLevel.choices)
    county = forms.ModelChoiceField(
        label=_("County / district"),
        queryset=Unit.objects.filter(kind=UnitKind.COUNTY).order_by("code"),
        required=False,
        to_field_name="code",
    )
    area_km2 = forms.DecimalField(
        label=_("Area (km²)"),
        required=False,
        max_digits=AREA.max_digits,
        decimal_places=AREA.decimal_places,
        validators=number_validators(AREA),
    )
    leading_industries = forms.ModelMultipleChoiceField(
        label=_("Leading industries"),
        queryset=Industry.objects.filter(parent__isnull=True).order_by("position", "code"),
        required=False,
        to_field_name="code",
        widget=forms.SelectMultiple(attrs=FILTERED_SELECT),
    )
    industries = forms.ModelMultipleChoiceField(
        label=_("Industries present"),
        queryset=Industry.objects.select_related("parent").order_by("code"),
        required=False,
        to_field_name="code",
        widget=forms.SelectMultiple(attrs=FILTERED_SELECT),
    )

    def __init__(self, *args: Any, fields: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in fields:
                del self.fields[name]
                continue
            widget = self.fields[name].widget
            if "class" not in widget.attrs:
                widget.attrs["class"] = "form-select" if isinstance(widget, forms.Select) else "form-control"

    def changes(self) -> dict[str, Any]:
        """The cleaned values of the form's fields, as :func:`entry_change` takes them."""
        return {
            name: list(value) if isinstance(self.fields[name], forms.ModelMultipleChoiceField) else value
            for name, value in self.cleaned_data.items()
        }

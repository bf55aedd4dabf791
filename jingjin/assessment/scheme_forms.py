"""Forms of the configurable schemes: a new scheme, its settings, criterion and adjustment rows
(formsets, empty rows ignored), a peer set, a race and the month of a preview."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jingjin.assessment.scheme_models import (
    AdjustmentKind,
    Cadence,
    Direction,
    GateCount,
    Normalisation,
    PeerSet,
)
from jingjin.assessment.sources import criterion_choices, event_choices
from jingjin.core.models import Unit

SELECT = {"class": "form-select form-select-sm"}
INPUT = {"class": "form-control form-control-sm"}


class SchemeSettingsForm(forms.Form):
    name_zh = forms.CharField(label=_("Chinese name"), max_length=300, widget=forms.TextInput(INPUT))
    name_en = forms.CharField(label=_("English name"), max_length=300, widget=forms.TextInput(INPUT))
    peer_set = forms.ModelChoiceField(
        label=_("peer set"), queryset=PeerSet.objects.all(), widget=forms.Select(SELECT)
    )
    red_top_n = forms.IntegerField(
        label=_("red list: top N"), min_value=0, max_value=100, initial=3, widget=forms.NumberInput(INPUT)
    )
    black_bottom_m = forms.IntegerField(
        label=_("black list: bottom M"),
        min_value=0,
        max_value=100,
        initial=2,
        widget=forms.NumberInput(INPUT),
    )
    target_score = forms.FloatField(
        label=_("target score"), min_value=0, max_value=200, initial=60, widget=forms.NumberInput(INPUT)
    )
    bonus_cap = forms.FloatField(
        label=_("overall bonus cap"),
        min_value=0,
        max_value=1000,
        required=False,
        widget=forms.NumberInput(INPUT),
    )
    deduction_cap = forms.FloatField(
        label=_("overall deduction cap"),
        min_value=0,
        max_value=1000,
        required=False,
        widget=forms.NumberInput(INPUT),
    )
    min_tasks = forms.IntegerField(
        label=_("fewest scored tasks to be ranked"),
        min_value=0,
        max_value=100,
        initial=0,
        widget=forms.NumberInput(INPUT),
    )
    gate_counts = forms.ChoiceField(
        label=_("the gate counts"),
        choices=GateCount.choices,
        initial=GateCount.TASKS,
        widget=forms.Select(SELECT),
    )


class SchemeNewForm(SchemeSettingsForm):
    code = forms.SlugField(label=_("code"), max_length=64, widget=forms.TextInput(INPUT))

    field_order = ["code", "name_zh", "name_en", "peer_set"]


class CriterionForm(forms.Form):
    source = forms.ChoiceField(label=_("figure"), required=False, widget=forms.Select(SELECT))
    source_key = forms.SlugField(label=_("key"), max_length=40, required=False, widget=forms.TextInput(INPUT))
    weight = forms.FloatField(
        label=_("weight"), min_value=0, max_value=100, required=False, widget=forms.NumberInput(INPUT)
    )
    direction = forms.ChoiceField(
        label=_("direction"), choices=Direction.choices, widget=forms.Select(SELECT)
    )
    normalisation = forms.ChoiceField(
        label=_("normalisation"), choices=Normalisation.choices, widget=forms.Select(SELECT)
    )
    target = forms.FloatField(
        label=_("target"), min_value=0, max_value=1e9, required=False, widget=forms.NumberInput(INPUT)
    )
    minimum = forms.FloatField(
        label=_("minimum (gate)"),
        min_value=-1e9,
        max_value=1e9,
        required=False,
        widget=forms.NumberInput(INPUT),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [("", "—"), *criterion_choices()]  # type: ignore[attr-defined]


class AdjustmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=AdjustmentKind.choices, widget=forms.Select(SELECT))
    source = forms.ChoiceField(label=_("events"), required=False, widget=forms.Select(SELECT))
    source_key = forms.SlugField(label=_("key"), max_length=40, required=False, widget=forms.TextInput(INPUT))
    label = forms.CharField(label=_("label"), max_length=200, required=False, widget=forms.TextInput(INPUT))
    points = forms.FloatField(
        label=_("points per event"),
        min_value=0,
        max_value=100,
        required=False,
        widget=forms.NumberInput(INPUT),
    )
    cap = forms.FloatField(
        label=_("cap of the rule"),
        min_value=0,
        max_value=1000,
        required=False,
        widget=forms.NumberInput(INPUT),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [("", "—"), *event_choices()]  # type: ignore[attr-defined]


CriterionFormSet = forms.formset_factory(CriterionForm, extra=2, max_num=20)
AdjustmentFormSet = forms.formset_factory(AdjustmentForm, extra=2, max_num=20)


def filled_rows(formset: Any) -> list[dict[str, Any]]:
    """The rows of a valid formset that pick a source (the others are left empty)."""
    return [f.cleaned_data for f in formset.forms if f.cleaned_data.get("source")]


class PeerSetForm(forms.Form):
    code = forms.SlugField(label=_("code"), max_length=64, widget=forms.TextInput(INPUT))
    name_zh = forms.CharField(label=_("Chinese name"), max_length=300, widget=forms.TextInput(INPUT))
    name_en = forms.CharField(label=_("English name"), max_length=300, widget=forms.TextInput(INPUT))
    units = forms.ModelMultipleChoiceField(
        label=_("units"),
        queryset=Unit.objects.order_by("position", "code"),
        widget=forms.SelectMultiple({**SELECT, "size": 8}),
    )


class PeriodForm(forms.Form):
    period = forms.RegexField(
        label=_("month"),
        regex=r"^\d{4}-\d{2}$",
        max_length=7,
        widget=forms.TextInput({**INPUT, "placeholder": "YYYY-MM"}),
    )


class RaceForm(forms.Form):
    code = forms.SlugField(label=_("code"), max_length=64, widget=forms.TextInput(INPUT))
    name_zh = forms.CharField(label=_("Chinese name"), max_length=300, widget=forms.TextInput(INPUT))
    name_en = forms.CharField(label=_("English name"), max_length=300, widget=forms.TextInput(INPUT))
    cadence = forms.ChoiceField(label=_("rounds"), choices=Cadence.choices, widget=forms.Select(SELECT))
    start = forms.RegexField(
        label=_("first month"),
        regex=r"^\d{4}-\d{2}$",
        max_length=7,
        widget=forms.TextInput({**INPUT, "placeholder": "YYYY-MM"}),
    )
    end = forms.RegexField(
        label=_("last month"),
        regex=r"^\d{4}-\d{2}$",
        max_length=7,
        widget=forms.TextInput({**INPUT, "placeholder": "YYYY-MM"}),
    )

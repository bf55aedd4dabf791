"""Forms of the plan office's recorded figures (记录的数值) and village-cadre pay schemes
(村干部报酬方案): they parse and check a row at a time; :mod:`scheme_services` writes."""

from __future__ import annotations

import itertools
import math
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jingjin.assessment.scheme_forms import INPUT, SELECT
from jingjin.assessment.scheme_models import AssessmentScheme, CadrePayScheme
from jingjin.core.bounds import bound_texts
from jingjin.core.models import Unit
from jingjin.reporting.services import period_parse

MONTH: dict[str, Any] = {
    "regex": r"^\d{4}-\d{2}$",
    "max_length": 7,
    "widget": forms.TextInput({**INPUT, "placeholder": "YYYY-MM"}),
}
CHECK = {"class": "form-check-input"}


def _month(form: forms.Form) -> str:
    code = str(form.cleaned_data["period"])
    period_parse(code)  # a ValidationError under the field
    return code


def _key_field() -> forms.RegexField:
    """A recorded figure's key, as the schemes' criteria name it (offered from the keys in use)."""
    return forms.RegexField(
        label=_("key"),
        regex=r"^[a-z][a-z0-9_]*$",
        max_length=40,
        error_messages={"invalid": _("A key is small letters, digits and _, starting with a letter.")},
        widget=forms.TextInput({**INPUT, "list": "figure-keys", "autocomplete": "off"}),
    )


class FigureForm(forms.Form):
    """One recorded figure: a key (as the schemes' criteria name it), a unit, a month, a value."""

    key = _key_field()
    unit = forms.ModelChoiceField(
        label=_("unit"), queryset=Unit.objects.order_by("position", "code"), widget=forms.Select(SELECT)
    )
    period = forms.RegexField(label=_("month"), **MONTH)
    value = forms.FloatField(
        label=_("value"), min_value=-1e9, max_value=1e9, widget=forms.NumberInput({**INPUT, "step": "any"})
    )

    def __init__(self, *args: Any, count_keys: set[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.count_keys = count_keys or set()
        bound_texts(self)

    def clean_period(self) -> str:
        return _month(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        value = data.get("value")
        if value is not None and not math.isfinite(value):
            self.add_error("value", gettext("Enter a finite number."))
        elif data.get("key") in self.count_keys and value is not None and (value < 0 or value != int(value)):
            self.add_error(
                "value",
                gettext("This key counts events (a bonus or deduction rule): enter a whole number ≥ 0."),
            )
        return data


class FigureTemplateForm(forms.Form):
    """The key and month of an import template of recorded figures (a key in use only)."""

    key = _key_field()
    period = forms.RegexField(label=_("month"), **MONTH)

    def __init__(self, *args: Any, keys: set[str] | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "tpl_%s")  # the record form above has a key and a month too
        super().__init__(*args, **kwargs)
        self.keys = keys or set()
        bound_texts(self)

    def clean_key(self) -> str:
        key = str(self.cleaned_data["key"])
        if key not in self.keys:
            raise ValidationError(
                gettext("Unknown key %(key)s: no scheme reads it and it was never recorded.") % {"key": key}
            )
        return key

    def clean_period(self) -> str:
        return _month(self)


class FigureUploadForm(forms.Form):
    """A workbook of recorded figures to import."""

    file = forms.FileField(
        label=_("Excel file (.xlsx)"), widget=forms.ClearableFileInput({**INPUT, "accept": ".xlsx"})
    )


class PayForm(forms.Form):
    """The terms of a village-cadre pay scheme; its bands are :class:`BandFormSet`."""

    code = forms.SlugField(label=_("code"), max_length=64, widget=forms.TextInput(INPUT))
    name_zh = forms.CharField(label=_("Chinese name"), max_length=300, widget=forms.TextInput(INPUT))
    name_en = forms.CharField(label=_("English name"), max_length=300, widget=forms.TextInput(INPUT))
    scheme_code = forms.ChoiceField(label=_("assessment scheme"), widget=forms.Select(SELECT))
    period = forms.RegexField(label=_("annual assessment month"), **MONTH)
    base_pay = forms.DecimalField(
        label=_("base pay, yuan a year"),
        min_value=Decimal(0),
        max_value=Decimal("99999999.99"),
        max_digits=10,
        decimal_places=2,
        widget=forms.NumberInput(INPUT),
    )

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        codes = AssessmentScheme.objects.order_by("code").values_list("code", flat=True).distinct()
        self.fields["scheme_code"].choices = [(c, c) for c in codes]  # type: ignore[attr-defined]
        self.editing = editing
        if editing:
            self.fields["code"].disabled = True
        bound_texts(self)

    def clean_period(self) -> str:
        return _month(self)

    def clean_code(self) -> str:
        code = str(self.cleaned_data["code"])
        if not self.editing and CadrePayScheme.objects.filter(code=code).exists():
            raise ValidationError(gettext("A pay scheme with this code exists: change it instead."))
        return code


class BandForm(forms.Form):
    """A band of annual scores (empty edge: open) and its pay coefficient."""

    lower = forms.FloatField(
        label=_("from score"),
        required=False,
        min_value=-1000,
        max_value=1000,
        widget=forms.NumberInput(INPUT),
    )
    lower_inclusive = forms.BooleanField(
        label=_("from score included"), required=False, initial=True, widget=forms.CheckboxInput(CHECK)
    )
    upper = forms.FloatField(
        label=_("to score"), required=False, min_value=-1000, max_value=1000, widget=forms.NumberInput(INPUT)
    )
    upper_inclusive = forms.BooleanField(
        label=_("to score included"), required=False, widget=forms.CheckboxInput(CHECK)
    )
    coefficient = forms.DecimalField(
        label=_("pay coefficient"),
        min_value=Decimal(0),
        max_value=Decimal(10),
        max_digits=5,
        decimal_places=3,
        required=False,
        widget=forms.NumberInput({**INPUT, "step": "0.001"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        edges = data.get("lower") is not None or data.get("upper") is not None
        if edges and data.get("coefficient") is None and "coefficient" not in self.errors:
            self.add_error("coefficient", gettext("Give the band's pay coefficient."))
        return data


def _edge(value: float | None, default: float) -> float:
    return default if value is None else value


def band_problems(rows: list[tuple[int, dict[str, Any]]]) -> list[str]:
    """Problems of the bands ``(row number, values)``: an empty band, two bands sharing a score, and a
    gap (scores between two bands that no band holds), each naming its rows."""
    problems = []
    for n, b in rows:
        low, high = _edge(b["lower"], -math.inf), _edge(b["upper"], math.inf)
        if low > high or (low == high and not (b["lower_inclusive"] and b["upper_inclusive"])):
            problems.append(gettext("Band row %(n)d holds no score.") % {"n": n})
    ordered = sorted(rows, key=lambda r: (_edge(r[1]["lower"], -math.inf), not r[1]["lower_inclusive"]))
    for (n, a), (m, b) in itertools.pairwise(ordered):
        a_high, b_low = _edge(a["upper"], math.inf), _edge(b["lower"], -math.inf)
        if a_high > b_low or (a_high == b_low and a["upper_inclusive"] and b["lower_inclusive"]):
            problems.append(gettext("Band rows %(a)d and %(b)d overlap.") % {"a": n, "b": m})
        elif a_high < b_low or not (a["upper_inclusive"] or b["lower_inclusive"]):
            problems.append(
                gettext("Between band rows %(a)d and %(b)d the scores from %(low)g to %(high)g have no band.")
                % {"a": n, "b": m, "low": a_high, "high": b_low}
            )
    return problems


class BaseBandFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    def filled(self) -> list[tuple[int, dict[str, Any]]]:
        """The filled rows with their row numbers (1-based, as on the page)."""
        return [
            (i + 1, f.cleaned_data)
            for i, f in enumerate(self.forms)
            if f.cleaned_data and f.cleaned_data.get("coefficient") is not None
        ]

    def clean(self) -> None:
        if any(self.errors):
            return
        rows = self.filled()
        if not rows:
            raise ValidationError(gettext("Give at least one band."))
        problems = band_problems(rows)
        if problems:
            raise ValidationError(problems)


BandFormSet = forms.formset_factory(BandForm, formset=BaseBandFormSet, extra=2, max_num=20, validate_max=True)

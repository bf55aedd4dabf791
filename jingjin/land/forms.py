"""Forms of the per-mu evaluation pages (the services check everything again)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jingjin.core.bounds import year_validators
from jingjin.land.choices import FirmClass, PolicyKind, SourceKind
from jingjin.land.models import EvaluationScheme


class CampaignForm(forms.Form):
    year = forms.IntegerField(label=_("Data year"), validators=year_validators())
    title = forms.CharField(label=_("Title"), max_length=200)
    scheme = forms.ModelChoiceField(label=_("Scheme"), queryset=EvaluationScheme.objects.all())


class SchemeForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=40)
    title = forms.CharField(label=_("Title"), max_length=200)
    based_on = forms.ChoiceField(
        label=_("Copy of the built-in scheme"),
        choices=[(c, c) for c in ("huangyan-2022", "huangyan-2021", "sichuan-2020")],
    )


class SourceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Source"), choices=SourceKind.choices)
    file = forms.FileField(label=_("File (.csv or .xlsx)"))


class AppealForm(forms.Form):
    reason = forms.CharField(
        label=_("Grounds of the appeal"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    evidence = forms.FileField(label=_("Evidence"), required=False)


CORRECTION_FIELDS = (
    "land_mu",
    "tax_10k",
    "revenue_10k",
    "value_added_10k",
    "energy_tce",
    "emissions_t",
    "employees",
    "rd_10k",
)


class DecisionForm(forms.Form):
    accept = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("Accept with corrected data")), ("0", _("Reject"))],
        coerce=lambda v: v == "1",
    )
    decision = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    land_mu = forms.FloatField(label=_("Corrected land (mu)"), required=False)
    tax_10k = forms.FloatField(label=_("Corrected tax (10,000 yuan)"), required=False)
    revenue_10k = forms.FloatField(label=_("Corrected revenue (10,000 yuan)"), required=False)
    value_added_10k = forms.FloatField(label=_("Corrected value added (10,000 yuan)"), required=False)
    energy_tce = forms.FloatField(label=_("Corrected energy (tce)"), required=False)
    emissions_t = forms.FloatField(label=_("Corrected emissions (t)"), required=False)
    employees = forms.FloatField(label=_("Corrected employees"), required=False)
    rd_10k = forms.FloatField(label=_("Corrected R&D (10,000 yuan)"), required=False)


class PolicyForm(forms.Form):
    firm_class = forms.ChoiceField(label=_("Class"), choices=FirmClass.choices)
    kind = forms.ChoiceField(label=_("Kind"), choices=PolicyKind.choices)
    measure = forms.CharField(label=_("Measure"), max_length=300)
    rate = forms.DecimalField(
        label=_("Surcharge (yuan per unit)"), required=False, max_digits=6, decimal_places=3, min_value=0
    )


class RectificationForm(forms.Form):
    plan = forms.CharField(
        label=_("Plan"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    deadline = forms.DateField(
        label=_("Deadline"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)


class LocalIndicatorForm(forms.Form):
    """A local indicator (地方特色指标) of a scheme: a ratio of two input columns, scored in a
    segment against a benchmark (the service checks the scheme whole)."""

    name = forms.SlugField(label=_("Indicator code"), max_length=40)
    label = forms.CharField(label=_("Label"), max_length=60)
    unit = forms.CharField(label=_("Unit"), max_length=20, required=False)
    numerator = forms.ChoiceField(label=_("Numerator (input column)"))
    denominator = forms.ChoiceField(label=_("Denominator (input column)"))
    segment = forms.ChoiceField(label=_("Segment"))
    benchmark = forms.FloatField(label=_("Benchmark"), min_value=0.000001, max_value=1e9)
    weight = forms.FloatField(label=_("Weight (points)"), min_value=0.01, max_value=1000)
    cap = forms.FloatField(
        label=_("Cap (times the benchmark)"), required=False, min_value=0.01, max_value=100
    )

    def __init__(self, *args: Any, columns: list[str], segments: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("numerator", "denominator"):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [(c, c) for c in columns]
        segment = self.fields["segment"]
        assert isinstance(segment, forms.ChoiceField)
        segment.choices = [(s, s) for s in segments]
        for field in self.fields.values():
            css = (
                "form-select form-select-sm"
                if isinstance(field.widget, forms.Select)
                else "form-control form-control-sm"
            )
            field.widget.attrs.setdefault("class", css)


# every drop-down of these forms is a Bootstrap select: as wide as its column, never wider (a long
# scheme name made the campaign page wider than a phone)
for _form in (CampaignForm, SchemeForm, SourceForm, AppealForm, DecisionForm, PolicyForm, RectificationForm):
    for _field in _form.base_fields.values():
        if isinstance(_field.widget, forms.Select):
            _field.widget.attrs.setdefault("class", "form-select form-select-sm")

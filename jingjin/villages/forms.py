"""Forms of the villages' pages: toilets built, an acceptance, a monthly report, a score, an import."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jingjin.core import clock
from jingjin.core.bounds import bound_texts
from jingjin.villages.choices import DemoLevel


class _Bounded(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bound_texts(self)
        self.style()

    def style(self) -> None:
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control form-control-sm")


def _year_field() -> forms.IntegerField:
    return forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)


class ToiletForm(_Bounded):
    """Households planned and built of a year (a county or township user, or a manager)."""

    year = _year_field()
    planned = forms.IntegerField(
        label=_("Households planned"), min_value=0, max_value=1_000_000, required=False
    )
    built = forms.IntegerField(label=_("Households built"), min_value=0, max_value=1_000_000, required=False)


class AcceptanceForm(_Bounded):
    """An acceptance inspection of the toilets built."""

    year = _year_field()
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    inspector = forms.CharField(label=_("Inspector"), max_length=100)
    households = forms.IntegerField(label=_("Households accepted"), min_value=1, max_value=1_000_000)
    problems = forms.CharField(
        label=_("Problems found"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReportForm(_Bounded):
    """A demonstration village's monthly report."""

    month = forms.CharField(label=_("Month"), max_length=7, widget=forms.TextInput(attrs={"type": "month"}))
    done = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}))
    problems = forms.CharField(label=_("Problems"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    investment = forms.DecimalField(
        label=_("Investment (10,000 yuan)"), min_value=Decimal(0), max_digits=12, decimal_places=2, initial=0
    )
    projects_completed = forms.IntegerField(
        label=_("Projects completed"), min_value=0, max_value=10_000, initial=0
    )

    def clean_month(self) -> tuple[int, int]:
        text = self.cleaned_data["month"]
        try:
            year, month = (int(p) for p in text.split("-"))
        except ValueError as exc:
            raise forms.ValidationError(_("Give the month as YYYY-MM.")) from exc
        if not (2000 <= year <= 2100 and 1 <= month <= 12):
            raise forms.ValidationError(_("Give the month as YYYY-MM."))
        return year, month


class ScoreForm(_Bounded):
    """A village's score on a scheme: one field per item, the inspector, the date and photos."""

    date = forms.DateField(label=_("Date scored"), widget=forms.DateInput(attrs={"type": "date"}))
    inspector = forms.CharField(label=_("Inspector"), max_length=100)

    def __init__(self, *args: Any, items: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[f"item_{item.pk}"] = forms.DecimalField(
                label=f"{item.code} {item.name} (≤ {item.points})",
                min_value=Decimal(0),
                max_value=item.points,
                max_digits=6,
                decimal_places=1,
            )
        bound_texts(self)
        self.style()
        self.initial.setdefault("date", clock.today())

    def points(self) -> dict[int, tuple[Decimal, str]]:
        return {item.pk: (self.cleaned_data[f"item_{item.pk}"], "") for item in self.items}


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Workbook (.xlsx)"))


class DesignateForm(_Bounded):
    """Designate a demonstration village (the managers): year, level, theme and the team, one
    member a line as "name, role"."""

    year = _year_field()
    level = forms.ChoiceField(label=_("Level"), choices=DemoLevel.choices)
    theme = forms.CharField(label=_("Theme"), max_length=200, required=False)
    team = forms.CharField(
        label=_("Team (one member a line: name, role)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def members(self) -> list[tuple[str, str]]:
        rows = []
        for line in self.cleaned_data["team"].splitlines():
            name, _sep, role = line.replace("，", ",").partition(",")
            if name.strip():
                rows.append((name.strip()[:100], role.strip()[:100]))
        return rows


class TargetForm(_Bounded):
    """The city's toilet target of a year (the managers)."""

    year = _year_field()
    villages = forms.IntegerField(label=_("Target villages"), min_value=0, max_value=100_000)
    households = forms.IntegerField(label=_("Target households"), min_value=0, max_value=10_000_000)


class ThresholdsForm(_Bounded):
    """A year's tier thresholds (万元) and the 消薄倍增 target (the managers)."""

    year = _year_field()
    shell_below = forms.DecimalField(
        label=_("Shell village below (10,000 yuan)"),
        min_value=Decimal("0.01"),
        max_digits=12,
        decimal_places=2,
    )
    weak_below = forms.DecimalField(
        label=_("Weak village below (10,000 yuan)"),
        min_value=Decimal("0.01"),
        max_digits=12,
        decimal_places=2,
    )
    strong_from = forms.DecimalField(
        label=_("Strong village from (10,000 yuan)"),
        min_value=Decimal("0.01"),
        max_digits=12,
        decimal_places=2,
    )
    base_year = forms.IntegerField(
        label=_("Base year of the doubling"), min_value=2000, max_value=2100, required=False
    )
    target_weak_max = forms.IntegerField(
        label=_("Weak villages allowed at the year's end"), min_value=0, max_value=100_000
    )


class SchemeForm(_Bounded):
    """A year's settlement-environment scheme: name, pass mark and list size (the managers)."""

    year = _year_field()
    name = forms.CharField(label=_("Name"), max_length=200)
    pass_mark = forms.DecimalField(
        label=_("Pass mark"), min_value=Decimal(0), max_digits=6, decimal_places=1, initial=Decimal(80)
    )
    list_size = forms.IntegerField(
        label=_("Villages on the red and on the black list"), min_value=1, max_value=50, initial=3
    )


class SchemeItemForm(_Bounded):
    """One item of a scheme; a row left without code is dropped."""

    code = forms.CharField(label=_("Code"), max_length=16, required=False)
    name_zh = forms.CharField(label=_("Item (Chinese)"), max_length=200, required=False)
    name_en = forms.CharField(label=_("Item (English)"), max_length=200, required=False)
    points = forms.DecimalField(
        label=_("Points"), min_value=Decimal("0.1"), max_digits=6, decimal_places=1, required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("code") and (not data.get("name_zh") or data.get("points") is None):
            raise forms.ValidationError(_("An item needs its Chinese name and its points."))
        return data


SchemeItemFormSet = forms.formset_factory(SchemeItemForm, extra=3, max_num=60, absolute_max=60)

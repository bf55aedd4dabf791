"""The report form: report fields, the task's numeric indicators, continuity ticks and one evidence file."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jingjin.core.texts import TextLimit
from jingjin.plans.models import Indicator
from jingjin.reporting.choices import ContinuityOutcome
from jingjin.reporting.models import PROGRESS_MAX, REASON_MAX, TEXT_MAX, ContinuityItem, Report
from jingjin.reporting.prefill import Known
from jingjin.reporting.services import ContinuityTick

TEXTAREA = {"rows": 3, "class": "form-control"}


class ReportForm(forms.Form):
    progress = forms.CharField(
        label=_("Progress this month"),
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
        validators=[TextLimit(PROGRESS_MAX, _("Progress this month"))],
    )
    completion_pct = forms.IntegerField(
        label=_("Completion (%)"),
        required=False,
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric"}),
    )
    milestone_reached = forms.BooleanField(
        label=_("Milestone reached"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    next_plan = forms.CharField(
        label=_("Plan for next month"),
        required=False,
        help_text=_("One item per line: next month you will tick each one."),
        widget=forms.Textarea(attrs=TEXTAREA),
        validators=[TextLimit(TEXT_MAX, _("Plan for next month"))],
    )
    problems = forms.CharField(
        label=_("Problems"),
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
        validators=[TextLimit(TEXT_MAX, _("Problems"))],
    )
    support_needed = forms.CharField(
        label=_("Support needed"),
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
        validators=[TextLimit(TEXT_MAX, _("Support needed"))],
    )
    regression_reason = forms.CharField(
        label=_("Reason for the lower completion"),
        required=False,
        help_text=_("Needed only when the completion is below the task's latest approved completion."),
        validators=[TextLimit(REASON_MAX, _("Reason for the lower completion"))],
        widget=forms.Textarea(attrs={**TEXTAREA, "rows": 2}),
    )
    evidence = forms.FileField(
        label=_("Add an evidence file"),
        required=False,
        help_text=_("PDF, JPG, PNG, DOCX, XLSX, TXT or CSV."),
        widget=forms.ClearableFileInput(attrs={"class": "form-control"}),
    )

    def __init__(
        self,
        *args: Any,
        indicators: list[Indicator],
        items: list[ContinuityItem],
        known: dict[int, Known] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.indicators = indicators
        self.items = items
        self.known = known or {}
        for ind in indicators:
            figure = self.known.get(ind.pk)
            field = forms.DecimalField(
                label=f"{ind.name}{f' ({ind.unit})' if ind.unit else ''}",
                required=False,
                max_digits=20,
                decimal_places=6,
                widget=forms.NumberInput(attrs={"class": "form-control", "step": "any"}),
            )
            if figure is not None:
                # never asked twice: the figure the system holds, shown read only with its source
                field.disabled = True
                field.help_text = figure.label
                field.widget.attrs["readonly"] = "readonly"
                self.initial[f"ind_{ind.pk}"] = figure.value.normalize()
            self.fields[f"ind_{ind.pk}"] = field
        for item in items:
            self.fields[f"cont_{item.position}"] = forms.ChoiceField(
                label=item.text,
                required=False,
                choices=[("", _("— not addressed —")), *ContinuityOutcome.choices],
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )
            self.fields[f"reason_{item.position}"] = forms.CharField(
                label=_("Reason"),
                required=False,
                validators=[TextLimit(REASON_MAX, _("Reason"))],
                widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
            )

    @classmethod
    def initial_of(cls, report: Report | None) -> dict[str, Any]:
        if report is None:
            return {}
        initial: dict[str, Any] = {
            name: getattr(report, name)
            for name in (
                "progress",
                "completion_pct",
                "milestone_reached",
                "next_plan",
                "problems",
                "support_needed",
                "regression_reason",
            )
        }
        for value in report.indicator_values.all():
            initial[f"ind_{value.indicator_id}"] = value.value
        for item in report.continuity_items.all():
            initial[f"cont_{item.position}"] = item.outcome
            initial[f"reason_{item.position}"] = item.reason
        return initial

    def indicator_fields(self) -> list[Any]:
        return [self[f"ind_{ind.pk}"] for ind in self.indicators]

    def continuity_fields(self) -> list[tuple[ContinuityItem, Any, Any]]:
        return [(item, self[f"cont_{item.position}"], self[f"reason_{item.position}"]) for item in self.items]

    def report_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "progress": data["progress"],
            "completion_pct": data["completion_pct"],
            "milestone_reached": data["milestone_reached"],
            "next_plan": data["next_plan"],
            "problems": data["problems"],
            "support_needed": data["support_needed"],
            "regression_reason": data["regression_reason"],
        }

    def indicator_values(self) -> dict[int, Any]:
        """The typed actuals (the figures the system holds are the services' to store)."""
        typed = [ind for ind in self.indicators if ind.pk not in self.known]
        return {ind.pk: self.cleaned_data.get(f"ind_{ind.pk}") for ind in typed}

    def ticks(self) -> list[ContinuityTick]:
        return [
            ContinuityTick(
                position=item.position,
                outcome=self.cleaned_data.get(f"cont_{item.position}") or "",
                reason=self.cleaned_data.get(f"reason_{item.position}") or "",
            )
            for item in self.items
        ]

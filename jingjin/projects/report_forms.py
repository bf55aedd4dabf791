"""The forms of the monthly project reports: the report (amounts, texts, the dates of the milestones
reached), a review comment, and the supervision item made from a support request."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jingjin.core.bounds import DateInYears, bound_texts
from jingjin.core.models import Unit
from jingjin.projects.choices import MilestoneKind
from jingjin.projects.models import COMMENT_MAX, INVESTMENT, PROGRESS_MAX, TEXT_MAX, ProjectReport
from jingjin.reporting.models import REASON_MAX

TEXTAREA = {"rows": 3, "class": "form-control"}
AMOUNT = {"class": "form-control", "inputmode": "decimal", "step": "0.01", "min": "0"}
DATE = {"class": "form-control", "type": "date"}
#: the prefix of the milestone date fields (``milestone_started`` …)
MILESTONE_PREFIX = "milestone_"


def _amount(label: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=0,
        max_digits=INVESTMENT.max_digits,
        decimal_places=INVESTMENT.decimal_places,
        widget=forms.NumberInput(attrs=AMOUNT),
    )


def _text(label: Any, max_length: int, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=max_length,
        help_text=help_text,
        widget=forms.Textarea(attrs=TEXTAREA),
    )


class ProjectReportForm(forms.Form):
    """The month's report of one project; a milestone reached is a date in its field."""

    investment_month = _amount(_("Investment this month (10,000 yuan)"))
    investment_ytd = _amount(_("Investment this year to date (10,000 yuan)"))
    image_progress = _text(_("Image progress"), PROGRESS_MAX, _("What stands on the site now (形象进度)."))
    problems = _text(_("Problems"), TEXT_MAX)
    support_needed = _text(
        _("Support needed"), TEXT_MAX, _("The plan office can make it a supervision item in one click.")
    )
    ytd_reason = _text(
        _("Reason for the lower year to date"),
        REASON_MAX,
        _("Needed only when the year to date is below the one reported for an earlier month."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind, label in MilestoneKind.choices:
            self.fields[MILESTONE_PREFIX + kind] = forms.DateField(
                label=label, required=False, validators=[DateInYears()], widget=forms.DateInput(attrs=DATE)
            )
        bound_texts(self)

    @classmethod
    def initial_of(cls, report: ProjectReport | None) -> dict[str, Any]:
        """The form's initial values from a stored report (empty without one)."""
        if report is None:
            return {}
        initial: dict[str, Any] = {
            name: getattr(report, name)
            for name in ("investment_month", "investment_ytd", "image_progress", "problems", "support_needed")
        }
        initial["ytd_reason"] = report.ytd_reason
        for milestone in report.milestones_reached.all():
            initial[MILESTONE_PREFIX + milestone.kind] = milestone.actual.isoformat()
        return initial

    def milestone_fields(self) -> list[forms.BoundField]:
        return [self[MILESTONE_PREFIX + kind] for kind in MilestoneKind.values]

    def text_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("image_progress", "problems", "support_needed", "ytd_reason")]

    def report_data(self) -> dict[str, Any]:
        """The cleaned report fields, for
        :func:`~jingjin.projects.report_services.project_report_save_draft`."""
        names = (
            "investment_month",
            "investment_ytd",
            "image_progress",
            "problems",
            "support_needed",
            "ytd_reason",
        )
        return {name: self.cleaned_data.get(name) for name in names}

    def milestones(self) -> dict[str, date]:
        """The milestones reached (kind → actual date); an empty field is not reached."""
        found = {kind: self.cleaned_data.get(MILESTONE_PREFIX + kind) for kind in MilestoneKind.values}
        return {kind: day for kind, day in found.items() if day is not None}


class CommentForm(forms.Form):
    """The reviewer's comment of an approval or a return."""

    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=COMMENT_MAX, widget=forms.Textarea(attrs=TEXTAREA)
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bound_texts(self)


class SuperviseForm(forms.Form):
    """The unit a support request goes to as a supervision item, and its deadline."""

    assignee_unit = forms.ModelChoiceField(
        label=_("Assigned to"),
        queryset=Unit.objects.order_by("code"),
        to_field_name="code",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    deadline = forms.DateField(
        label=_("Deadline"), validators=[DateInYears()], widget=forms.DateInput(attrs=DATE)
    )

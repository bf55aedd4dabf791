"""Forms of the household file: a step, a member, a risk, a measure, an income, a removal, a
screening; the county announcement's choice."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jingjin.core.models import Unit
from jingjin.rural.choices import (
    Channel,
    LabourCapacity,
    MeasureKind,
    MonitoringType,
    Relation,
    RiskKind,
    Step,
)
from jingjin.rural.models import FundPool
from jingjin.rural.services import MAX_MEMBERS

DATE = forms.DateInput(attrs={"type": "date", "class": "form-control"})


def _styled(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        elif isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        else:
            widget.attrs.setdefault("class", "form-control")


class StyledForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _styled(self)


class StepForm(StyledForm):
    step = forms.ChoiceField(label=_("Step"), choices=Step.choices)
    done_on = forms.DateField(label=_("Done on"), widget=DATE)
    notice_end = forms.DateField(label=_("Notice ends (village notice only)"), widget=DATE, required=False)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class RejectForm(StyledForm):
    on = forms.DateField(label=_("Decided on"), widget=DATE)
    note = forms.CharField(label=_("Reason"), max_length=2000)


class MemberForm(StyledForm):
    name = forms.CharField(label=_("Name"), max_length=64)
    relation = forms.ChoiceField(label=_("Relation"), choices=Relation.choices)
    id_number = forms.CharField(label=_("ID number"), max_length=18, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    bank_account = forms.CharField(label=_("Bank account"), max_length=30, required=False)
    health = forms.CharField(label=_("Health condition"), max_length=200, required=False)
    labour_capacity = forms.ChoiceField(label=_("Labour capacity"), choices=LabourCapacity.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("id_number", "phone", "bank_account", "health"):  # the browser keeps no copy
            self.fields[name].widget.attrs["autocomplete"] = "off"


class RiskForm(StyledForm):
    kind = forms.ChoiceField(label=_("Risk"), choices=RiskKind.choices)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class MeasureForm(StyledForm):
    kind = forms.ChoiceField(label=_("Measure"), choices=MeasureKind.choices)
    description = forms.CharField(label=_("Description"), max_length=500)
    started_on = forms.DateField(label=_("Started on"), widget=DATE)
    pool = forms.ModelChoiceField(label=_("Fund pool"), queryset=FundPool.objects.none(), required=False)
    paid = forms.DecimalField(
        label=_("Paid from the pool (yuan)"), min_value=0, max_digits=14, decimal_places=2, required=False
    )

    def __init__(self, *args: Any, county_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        pool = self.fields["pool"]
        assert isinstance(pool, forms.ModelChoiceField)
        pool.queryset = FundPool.objects.filter(county_id=county_id).order_by("-year")


class IncomeForm(StyledForm):
    month = forms.DateField(label=_("Month (12 months ending)"), widget=DATE)
    net_income = forms.DecimalField(
        label=_("Net income, 12 months (yuan)"), min_value=0, max_digits=14, decimal_places=2
    )


class RemoveForm(StyledForm):
    reason = forms.CharField(
        label=_("Reason for the removal"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class SituationForm(StyledForm):
    """The household's situation as the monitoring rules read it (see
    :func:`jingjin.rural.services.household_situation_update`); an unticked box is not secure."""

    size = forms.IntegerField(label=_("Members"), min_value=1, max_value=MAX_MEMBERS)
    rigid_expenditure = forms.DecimalField(
        label=_("Rigid expenditure (yuan)"), min_value=0, max_digits=14, decimal_places=2
    )
    food_clothing_secure = forms.BooleanField(label=_("Food and clothing secure"), required=False)
    education_secure = forms.BooleanField(label=_("Compulsory education secure"), required=False)
    medical_secure = forms.BooleanField(label=_("Basic medical care secure"), required=False)
    housing_secure = forms.BooleanField(label=_("Housing safe"), required=False)
    water_secure = forms.BooleanField(label=_("Drinking water safe"), required=False)


class MonitorAgainForm(StyledForm):
    """A closed file's family monitored again (see :func:`jingjin.rural.services.household_monitor_again`)."""

    lead_date = forms.DateField(label=_("Lead received"), widget=DATE)
    channel = forms.ChoiceField(label=_("Discovery channel"), choices=Channel.choices)
    monitoring_type = forms.ChoiceField(label=_("Type"), choices=MonitoringType.choices)
    note = forms.CharField(label=_("Risk found"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class EliminationStepForm(StyledForm):
    """A step of the elimination procedure before the county approval."""

    step = forms.ChoiceField(
        label=_("Step"),
        choices=[
            (s.value, s.label)
            for s in (Step.ELIMINATION_VERIFICATION, Step.ELIMINATION_NOTICE, Step.ELIMINATION_REVIEW)
        ],
    )
    done_on = forms.DateField(label=_("Done on"), widget=DATE)
    notice_end = forms.DateField(label=_("Notice ends (village notice only)"), widget=DATE, required=False)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class EliminateForm(StyledForm):
    """The county approval of the elimination."""

    on = forms.DateField(label=_("Approved on (the risk eliminated)"), widget=DATE)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class StopEliminationForm(StyledForm):
    on = forms.DateField(label=_("Stopped on"), widget=DATE)
    note = forms.CharField(label=_("Reason"), max_length=500)


class AnnouncementForm(StyledForm):
    """Which county announcement (县级公告) to show: the county, the procedure and the days of
    the county approvals (both included)."""

    county = forms.ModelChoiceField(
        queryset=Unit.objects.none(), label=_("County"), to_field_name="code", empty_label=None
    )
    procedure = forms.ChoiceField(
        label=_("Procedure"),
        choices=[("identification", _("Entered into monitoring")), ("elimination", _("Risk eliminated"))],
    )
    start = forms.DateField(label=_("Approved from"), widget=DATE)
    end = forms.DateField(label=_("Approved to"), widget=DATE)

    def __init__(self, *args: Any, counties: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = counties  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", _("The last day is before the first."))
        return data


class ScreeningForm(StyledForm):
    file = forms.FileField(label=_("Household table (.csv, .xlsx, .parquet)"))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    line = forms.FloatField(
        label=_("Line (yuan per capita; empty: the configured line)"), required=False, min_value=1
    )
    as_of = forms.DateField(label=_("As of"), widget=DATE)


class IncomeLineForm(StyledForm):
    province = forms.CharField(label=_("Province code (GB/T 2260)"), max_length=6, initial="510000")
    province_name = forms.CharField(label=_("Province"), max_length=32, required=False)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    amount = forms.DecimalField(
        label=_("Line (yuan per capita per year)"), min_value=1, max_digits=10, decimal_places=2
    )
    source_text = forms.CharField(label=_("Source (document, number)"), max_length=300, required=False)

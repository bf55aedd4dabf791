"""Forms of the attraction pages: a new lead and a move through the pipeline."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jingjin.core import clock
from jingjin.core.bounds import DateInYears
from jingjin.core.choices import UnitKind
from jingjin.core.models import Unit
from jingjin.core.permissions import is_plan_office, unit_scope
from jingjin.parks.attraction_choices import FINAL, PIPELINE, LeadStageName
from jingjin.parks.models import TEXT_MAX, AttractionLead, CandidateFirm, ChainLink, Park

DATE_INPUT = {"type": "date"}


class LeadForm(forms.ModelForm):  # type: ignore[type-arg]
    """A lead's fields; the owner units a user may choose are its unit and those below it."""

    stage_date = forms.DateField(
        label=_("Date of the lead"),
        validators=[DateInYears()],
        widget=forms.DateInput(attrs=DATE_INPUT, format="%Y-%m-%d"),
    )

    class Meta:
        model = AttractionLead
        fields = [
            "candidate",
            "firm_name",
            "chain_links",
            "park",
            "owner_unit",
            "owner_person",
            "planned_investment",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, user: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:  # the date changes with a move
            del self.fields["stage_date"]
        self.fields["firm_name"].required = False
        self.fields["firm_name"].help_text = _("Leave empty to take the candidate's name.")
        fields: dict[str, Any] = dict(self.fields)
        fields["candidate"].queryset = CandidateFirm.objects.all()
        fields["chain_links"].queryset = ChainLink.objects.select_related("chain")
        fields["park"].queryset = Park.objects.select_related("unit")
        units = Unit.objects.exclude(kind__in=[UnitKind.VILLAGE, UnitKind.TOWNSHIP])
        if not is_plan_office(user):
            units = units.filter(pk__in=unit_scope(user))
        fields["owner_unit"].queryset = units
        if not editing:
            self.fields["stage_date"].initial = clock.today()
        profile = getattr(user, "profile", None)
        if profile is not None and profile.unit_id and "owner_unit" not in self.initial:
            self.initial["owner_unit"] = profile.unit_id

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("firm_name") and data.get("candidate") is not None:
            data["firm_name"] = data["candidate"].name
        if not data.get("firm_name"):
            self.add_error("firm_name", _("Give the firm's name or choose a candidate."))
        return data

    def _post_clean(self) -> None:  # the service validates the model
        pass


class MoveForm(forms.Form):
    """A move: the next stage (or a later one with a reason, or 终止 with a reason), its date."""

    stage = forms.ChoiceField(label=_("Move to"))
    date = forms.DateField(
        label=_("Date"),
        validators=[DateInYears()],
        widget=forms.DateInput(attrs=DATE_INPUT, format="%Y-%m-%d"),
    )
    reason = forms.CharField(
        label=_("Reason (for a skip or a drop)"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, lead: AttractionLead, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(LeadStageName.choices)
        later = PIPELINE[PIPELINE.index(lead.stage) + 1 :] if lead.stage in PIPELINE else []
        choices = [(s, labels[s]) for s in later]
        if lead.stage not in FINAL:
            choices.append((LeadStageName.DROPPED.value, labels[LeadStageName.DROPPED]))
        stage_field: Any = self.fields["stage"]
        stage_field.choices = choices
        self.stage_choices = choices
        self.fields["date"].initial = clock.today()

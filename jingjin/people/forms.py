"""Forms of the talent and party-building pages; the services decide, the forms only parse."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jingjin.core import permissions as P
from jingjin.core.bounds import bound_texts
from jingjin.core.models import Unit
from jingjin.people.choices import GrowthKind, MeetingKind
from jingjin.people.models import Challenge, PartyOrg, PartyWarning, Talent, TalentTeam, WarningRule

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONEY: dict[str, Any] = {"min_value": 0, "max_value": 10**11, "max_digits": 14, "decimal_places": 2}


class Bounded(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bound_texts(self)


class GrowthForm(Bounded):
    kind = forms.ChoiceField(label=_("kind"), choices=GrowthKind.choices)
    day = forms.DateField(label=_("date"), widget=DATE)
    text = forms.CharField(label=_("entry"), max_length=300)


class ChallengeForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Challenge
        fields = ["code", "title", "goal", "budget", "deadline", "evaluation", "unit"]
        widgets = {
            "deadline": DATE,
            "goal": forms.Textarea(attrs={"rows": 3}),
            "evaluation": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.order_by("code")  # type: ignore[attr-defined]
        bound_texts(self)


class BidForm(Bounded):
    team = forms.ModelChoiceField(label=_("team"), queryset=TalentTeam.objects.order_by("code"))
    plan = forms.CharField(label=_("plan"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))
    budget_asked = forms.DecimalField(label=_("budget asked (10,000 yuan)"), **MONEY)


class ReasonForm(Bounded):
    reason = forms.CharField(
        label=_("reasons"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class MilestoneForm(Bounded):
    name = forms.CharField(label=_("milestone"), max_length=200)
    planned = forms.DateField(label=_("planned"), widget=DATE)


class ReachForm(Bounded):
    reached = forms.DateField(label=_("reached"), widget=DATE)
    note = forms.CharField(label=_("note"), max_length=400, required=False)


class MeetingForm(Bounded):
    kind = forms.ChoiceField(label=_("kind"), choices=MeetingKind.choices)
    held_on = forms.DateField(label=_("held on"), widget=DATE)
    topic = forms.CharField(label=_("topic"), max_length=200, required=False)


class MemberChangeForm(Bounded):
    changed_on = forms.DateField(label=_("date"), widget=DATE)
    delta = forms.IntegerField(label=_("change (+ joined, − left)"), min_value=-100_000, max_value=100_000)
    reason = forms.CharField(label=_("reason"), max_length=200, required=False)


class SecretaryForm(Bounded):
    secretary = forms.CharField(label=_("secretary (empty: vacant)"), max_length=100, required=False)


class PlanForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = PartyWarning
        fields = ["rectification_plan", "rectification_deadline"]
        widgets = {"rectification_deadline": DATE, "rectification_plan": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rectification_plan"].required = True
        self.fields["rectification_deadline"].required = True
        bound_texts(self)


class DoneForm(Bounded):
    note = forms.CharField(
        label=_("what was done"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )


class RuleForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = WarningRule
        fields = ["measure", "threshold", "level", "active"]


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))


class OrgForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = PartyOrg
        fields = ["code", "name", "kind", "unit", "members", "secretary", "founded_on"]
        widgets = {"founded_on": DATE}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.order_by("code")  # type: ignore[attr-defined]
        bound_texts(self)


class UnitMembersForm(Bounded):
    unit = forms.ModelChoiceField(label=_("unit"), queryset=Unit.objects.order_by("code"))
    members = forms.IntegerField(label=_("party members"), min_value=0, max_value=100_000)


class TalentForm(forms.ModelForm):  # type: ignore[type-arg]
    """A single talent (人才): the units and teams offered are those ``user`` may keep one in; the
    personal fields (ID number, phone, birth date) are on the form only for the roles that see them
    unmasked — the others neither read nor overwrite them."""

    class Meta:
        model = Talent
        fields = [
            "code",
            "name",
            "category",
            "unit",
            "title",
            "field",
            "team",
            "recognised_on",
            "id_number",
            "phone",
            "birth_date",
        ]
        widgets = {"recognised_on": DATE, "birth_date": DATE}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = P.people_units_for(user, Unit.objects.order_by("code"))  # type: ignore[attr-defined]
        self.fields["team"].queryset = P.talents_for(user, TalentTeam.objects.order_by("code"))  # type: ignore[attr-defined]
        if not P.sees_personal_data(user):
            for name in Talent.PERSONAL_FIELDS:
                del self.fields[name]
        if self.instance.pk is not None:
            self.fields["code"].disabled = True
        bound_texts(self)


class TeamForm(forms.ModelForm):  # type: ignore[type-arg]
    """A single talent team (人才团队) in a unit ``user`` may keep one in."""

    class Meta:
        model = TalentTeam
        fields = ["code", "name", "unit", "field", "is_outstanding", "recognised_on"]
        widgets = {"recognised_on": DATE}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = P.people_units_for(user, Unit.objects.order_by("code"))  # type: ignore[attr-defined]
        if self.instance.pk is not None:
            self.fields["code"].disabled = True
        bound_texts(self)

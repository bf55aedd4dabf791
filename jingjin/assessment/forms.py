"""The plan office's forms of a red/black list scheme: subject, peer group, project filters,
weights, list sizes and the target rule (the write is :func:`services.scheme_change`), and the
configurable scheme that computes its lists (:func:`services.ranking_scheme_link`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jingjin.assessment.models import RankingScheme
from jingjin.assessment.scheme_models import AssessmentScheme, SchemeStatus
from jingjin.core.choices import UnitKind
from jingjin.core.models import Unit
from jingjin.projects.choices import ProjectCategory, ProjectLevel
from jingjin.projects.models import Campaign

#: the fields of the form, in their order on the page
SCHEME_FIELDS = (
    "name_zh",
    "name_en",
    "subject",
    "peer_group",
    "project_levels",
    "project_categories",
    "project_campaign",
    "project_county",
    "weight_on_time",
    "weight_progress",
    "weight_attainment",
    "weight_investment",
    "weight_gap",
    "weight_milestones",
    "red_top_n",
    "black_bottom_m",
    "min_items",
    "target_rule",
    "target_score",
    "min_on_time",
    "min_progress",
    "min_attainment",
    "min_investment",
    "is_active",
)


class SchemeForm(forms.ModelForm):  # type: ignore[type-arg]
    project_levels = forms.MultipleChoiceField(
        label=_("project levels"),
        choices=ProjectLevel.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Empty: every level."),
    )
    project_categories = forms.MultipleChoiceField(
        label=_("project categories"),
        choices=ProjectCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Empty: every category."),
    )
    project_campaign = forms.ModelChoiceField(
        label=_("campaign"), queryset=Campaign.objects.all(), required=False, to_field_name="code"
    )
    project_county = forms.ModelChoiceField(
        label=_("county / district of the projects"),
        queryset=Unit.objects.filter(kind=UnitKind.COUNTY).order_by("position", "code"),
        required=False,
        to_field_name="code",
    )

    class Meta:
        model = RankingScheme
        fields = SCHEME_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple):
                continue
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs["class"] = "form-check-input"
            elif isinstance(widget, forms.Select):
                widget.attrs["class"] = "form-select form-select-sm"
            else:
                widget.attrs["class"] = "form-control form-control-sm"


class SchemeLinkForm(forms.Form):
    """The configurable scheme whose published version computes a red/black scheme's lists, by
    code ("": none, the fixed weights). The choices are the published schemes (and the code linked
    now); the service checks the code — unknown, not published, a subject it cannot rank."""

    assessment_code = forms.CharField(
        label=_("configurable scheme"),
        max_length=64,
        required=False,
        widget=forms.Select({"class": "form-select form-select-sm"}),
    )

    def __init__(self, *args: Any, current: str = "", **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"assessment_code": current})
        super().__init__(*args, **kwargs)
        published = AssessmentScheme.objects.filter(status=SchemeStatus.PUBLISHED).order_by("code")
        choices: list[tuple[str, str]] = [("", str(_("None: the fixed weights of this scheme")))]
        choices += [(s.code, f"{s.name} ({s.code} v{s.version})") for s in published]
        if current and current not in {code for code, _label in choices}:
            choices.append((current, current))
        self.fields["assessment_code"].widget.choices = choices

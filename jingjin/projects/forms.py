"""Forms of the project pages: the fields a user may change, the state, yearly plans and
milestones' planned dates (all texts bounded: :func:`jingjin.core.bounds.bound_texts`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import DateField, TextField
from django.forms import modelform_factory
from django.utils.translation import gettext_lazy as _

from jingjin.core.bounds import bound_texts
from jingjin.core.permissions import (
    editable_fields,
    may_add_projects,
    may_move_project_state,
    may_set_project_milestones,
)
from jingjin.projects.choices import STATE_ORDER, MilestoneKind, ProjectState
from jingjin.projects.models import INVESTMENT, KeyProject

DATE_INPUT = {"type": "date"}


def project_form_class(user: Any, project: KeyProject) -> type[forms.ModelForm]:  # type: ignore[type-arg]
    """A model form of the fields ``user`` may change on ``project`` (none: no form)."""
    return _model_form([f for f in editable_fields(user, project) if f != "tasks"])


def project_create_form_class() -> type[forms.ModelForm]:  # type: ignore[type-arg]
    """The new-project form (the plan office): the code and every field the office changes."""
    return _model_form(["code", *(f for f in KeyProject.office_editable_fields if f != "tasks")])


def _model_form(fields: list[str]) -> type[forms.ModelForm]:  # type: ignore[type-arg]
    dates = [f for f in fields if isinstance(KeyProject._meta.get_field(f), DateField)]
    texts = [f for f in fields if isinstance(KeyProject._meta.get_field(f), TextField)]
    widgets: dict[str, Any] = {f: forms.DateInput(attrs=DATE_INPUT, format="%Y-%m-%d") for f in dates}
    widgets.update({f: forms.Textarea(attrs={"rows": 3}) for f in texts})
    return modelform_factory(KeyProject, fields=fields, widgets=widgets)


class ExtrasForm(forms.Form):
    """The state (forward only for unit users), the yearly plans (plan office) and the planned
    dates of the milestones (those who may change the project)."""

    def __init__(self, *args: Any, user: Any, project: KeyProject, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        saved = project.pk is not None  # a new project (the plan office): every state and milestone
        creating = not saved and may_add_projects(user)
        states = [
            s
            for s in STATE_ORDER
            if creating or s == project.state or may_move_project_state(user, project, s)
        ]
        self.fields["state"] = forms.ChoiceField(
            label=_("State"),
            choices=[(s, ProjectState(s).label) for s in states],
            initial=project.state,
        )
        self.years = years if may_add_projects(user) else []
        plans = {p.year: p.planned_investment for p in project.year_plans.all()} if saved else {}
        for year in self.years:
            self.fields[f"plan_{year}"] = forms.DecimalField(
                label=_("Planned investment %(year)s (10,000 yuan)") % {"year": year},
                required=False,
                min_value=0,
                max_value=INVESTMENT.limit - 1,
                max_digits=INVESTMENT.max_digits,
                decimal_places=INVESTMENT.decimal_places,
                initial=plans.get(year),
            )
        self.kinds = (
            [k.value for k in MilestoneKind] if creating or may_set_project_milestones(user, project) else []
        )
        planned = {m.kind: m.planned for m in project.milestones.all()} if saved else {}
        for kind in self.kinds:
            self.fields[f"milestone_{kind}"] = forms.DateField(
                label=_("%(milestone)s: planned date") % {"milestone": MilestoneKind(kind).label},
                required=False,
                widget=forms.DateInput(attrs=DATE_INPUT, format="%Y-%m-%d"),
                initial=planned.get(kind),
            )
        bound_texts(self)

    def plans(self) -> dict[int, Any]:
        return {year: self.cleaned_data.get(f"plan_{year}") for year in self.years}

    def milestones(self) -> dict[str, Any]:
        return {kind: self.cleaned_data.get(f"milestone_{kind}") for kind in self.kinds}


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Workbook (.xlsx)"))

"""Forms of the supervision pages: issuing an item (交办) and the text of a step."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jingjin.core.choices import UnitKind
from jingjin.core.models import Unit
from jingjin.core.texts import TextLimit
from jingjin.plans.models import Task
from jingjin.supervision.services import MAX_TEXT


class IssueForm(forms.Form):
    """The plan office's form to issue a supervision item."""

    title = forms.CharField(label=_("Title"), validators=[TextLimit(200, _("Title"))])
    body = forms.CharField(
        label=_("What is to be done"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        validators=[TextLimit(MAX_TEXT, _("What is to be done"))],
    )
    assignee_unit = forms.ModelChoiceField(
        label=_("Assigned to"),
        queryset=Unit.objects.exclude(kind__in=[UnitKind.CITY, UnitKind.VILLAGE]),
        to_field_name="code",
    )
    task = forms.ModelChoiceField(
        label=_("Related task"),
        queryset=Task.objects.order_by("measure__action__position", "measure__position", "position", "code"),
        required=False,
        empty_label=_("(none)"),
    )
    deadline = forms.DateField(label=_("Deadline"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field: Any = self.fields["assignee_unit"]
        unit_field.label_from_instance = lambda unit: f"{unit.name} ({unit.code})"
        task_field: Any = self.fields["task"]
        task_field.label_from_instance = lambda task: f"{task.code} {task.name}"


class StepForm(forms.Form):
    """The comment or answer sent with a step."""

    text = forms.CharField(
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        validators=[TextLimit(MAX_TEXT, _("Comment"))],
    )

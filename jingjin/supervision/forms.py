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


# --------------------------------------------------------------------------------------------
# Issue 20: instructions, extensions, meetings, stationings


def _unit_choices() -> Any:
    return Unit.objects.exclude(kind__in=[UnitKind.CITY, UnitKind.VILLAGE]).order_by("code")


class InstructionForm(forms.Form):
    """A leader's instruction (领导批示); the target comes with the page's address."""

    text = forms.CharField(
        label=_("Instruction"),
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[TextLimit(MAX_TEXT, _("Instruction"))],
    )
    leader_name = forms.CharField(
        label=_("Leader (when written on a leader's behalf)"),
        required=False,
        validators=[TextLimit(100, _("Leader"))],
    )
    units = forms.ModelMultipleChoiceField(
        label=_("Units concerned"), queryset=Unit.objects.none(), to_field_name="code"
    )
    deadline = forms.DateField(label=_("Deadline"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units: Any = self.fields["units"]
        units.queryset = _unit_choices()
        units.label_from_instance = lambda unit: f"{unit.name} ({unit.code})"


class ExtensionForm(forms.Form):
    """The handling unit's request for a later deadline (延期申请)."""

    new_deadline = forms.DateField(label=_("New deadline"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[TextLimit(MAX_TEXT, _("Reason"))],
    )


class DecisionForm(forms.Form):
    """The plan office's grant or refusal, with its reason."""

    grant = forms.ChoiceField(choices=[("grant", _("Grant")), ("refuse", _("Refuse"))])
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[TextLimit(MAX_TEXT, _("Reason"))],
    )


class MeetingForm(forms.Form):
    """An on-site meeting; its decisions are lines "unit code | deadline | what"."""

    title = forms.CharField(label=_("Title"), validators=[TextLimit(200, _("Title"))])
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label=_("Place"), validators=[TextLimit(200, _("Place"))])
    chair = forms.CharField(label=_("Chair"), validators=[TextLimit(100, _("Chair"))])
    units = forms.ModelMultipleChoiceField(
        label=_("Attending units"), queryset=Unit.objects.none(), to_field_name="code", required=False
    )
    tasks = forms.ModelMultipleChoiceField(
        label=_("Tasks discussed"), queryset=Task.objects.order_by("code"), required=False
    )
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
        validators=[TextLimit(MAX_TEXT, _("Notes"))],
    )  # fmt: skip
    decisions = forms.CharField(
        label=_("Decisions"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("One a line: unit code | deadline (YYYY-MM-DD) | what is decided."),
        validators=[TextLimit(MAX_TEXT, _("Decisions"))],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units: Any = self.fields["units"]
        units.queryset = _unit_choices()
        units.label_from_instance = lambda unit: f"{unit.name} ({unit.code})"
        tasks: Any = self.fields["tasks"]
        tasks.label_from_instance = lambda task: f"{task.code} {task.name}"

    def clean_decisions(self) -> list[tuple[Unit, Any, str]]:
        from datetime import date

        rows: list[tuple[Unit, Any, str]] = []
        errors: list[str] = []
        for number, line in enumerate(str(self.cleaned_data.get("decisions") or "").splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|", 2)]
            unit = Unit.objects.filter(code=parts[0]).first() if parts else None
            try:
                day = date.fromisoformat(parts[1]) if len(parts) == 3 else None
            except ValueError:
                day = None
            if unit is None or day is None or not parts[2]:
                errors.append(str(_("Line %(n)d: write unit code | YYYY-MM-DD | what.") % {"n": number}))
                continue
            rows.append((unit, day, parts[2]))
        if errors:
            raise forms.ValidationError(errors)
        return rows


class StationingForm(forms.Form):
    """A cadre stationed (蹲点) at a task, a key project or a village (the target by code)."""

    cadre_name = forms.CharField(label=_("Cadre"), validators=[TextLimit(100, _("Cadre"))])
    cadre_unit = forms.ModelChoiceField(
        label=_("Cadre's unit"), queryset=Unit.objects.none(), to_field_name="code"
    )
    target_kind = forms.ChoiceField(
        label=_("Stationed at"),
        choices=[("task", _("Task")), ("project", _("Key project")), ("village", _("Village"))],
    )
    target_code = forms.CharField(label=_("Code of the task, project or village"), max_length=64)
    purpose = forms.CharField(
        label=_("Purpose"),
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[TextLimit(MAX_TEXT, _("Purpose"))],
    )
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("Until"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units: Any = self.fields["cadre_unit"]
        units.queryset = Unit.objects.order_by("code")
        units.label_from_instance = lambda unit: f"{unit.name} ({unit.code})"

    def target(self) -> dict[str, Any]:
        """{kind: object} of the chosen target, or a form error."""
        from jingjin.projects.models import KeyProject

        kind = self.cleaned_data["target_kind"]
        code = self.cleaned_data["target_code"].strip()
        found: Any
        if kind == "task":
            found = Task.objects.filter(code=code).first()
        elif kind == "project":
            found = KeyProject.objects.filter(code=code).first()
        else:
            found = Unit.objects.filter(code=code, kind=UnitKind.VILLAGE).first()
        if found is None:
            self.add_error("target_code", _("There is no such task, project or village."))
            return {}
        return {kind: found}


class TextForm(forms.Form):
    """A log entry or a closing summary."""

    text = forms.CharField(
        label=_("Text"), widget=forms.Textarea(attrs={"rows": 3}), validators=[TextLimit(MAX_TEXT, _("Text"))]
    )

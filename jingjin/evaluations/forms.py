"""The form of an evaluation page: the uploaded table and the kind's options (choices where the
command line has choices; a spec or thresholds as YAML or JSON text)."""

from __future__ import annotations

from typing import Any

import yaml
from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jingjin.commands._io import SUPPORTED
from jingjin.evaluations.options import (
    CHOICE,
    FLAG,
    MAPPING,
    NUMBER,
    SCHEME,
    TEXT,
    TEXT_MAX,
    Evaluation,
    OptionsError,
    clean_options,
)

MAPPING_MAX = 200_000


class EvaluationForm(forms.Form):
    """The upload and the options of one evaluation kind; ``cleaned_options`` after validation."""

    file = forms.FileField(
        label=gettext_lazy("Input table"),
        help_text=gettext_lazy(".csv, .xlsx or .parquet, header in the first row"),
    )

    def __init__(self, evaluation: Evaluation, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.evaluation = evaluation
        self.cleaned_options: dict[str, Any] = {}
        self.fields["file"].widget.attrs.update({"accept": ",".join(SUPPORTED), "class": "form-control"})
        for option in evaluation.options:
            self.fields[option.name] = self._field(option)

    @staticmethod
    def _field(option: Any) -> forms.Field:
        common: dict[str, Any] = {
            "label": option.label,
            "help_text": option.help,
            "required": option.required,
        }
        field: forms.Field
        if option.type in (CHOICE, SCHEME):
            choices = [(c, c) for c in option.choices]
            if not option.required and option.default is None:
                choices.insert(0, ("", "—"))
            field = forms.ChoiceField(choices=choices, initial=option.default, **common)
            field.widget.attrs["class"] = "form-select"
        elif option.type == TEXT:
            field = forms.CharField(max_length=TEXT_MAX, initial=option.default, **common)
            field.widget.attrs["class"] = "form-control"
        elif option.type == NUMBER:
            field = forms.FloatField(initial=option.default, **common)
            field.widget.attrs.update({"class": "form-control", "step": "any"})
        elif option.type == FLAG:
            common["required"] = False
            field = forms.BooleanField(initial=bool(option.default), **common)
            field.widget.attrs["class"] = "form-check-input"
        else:
            field = forms.CharField(
                widget=forms.Textarea(attrs={"rows": 8, "class": "form-control font-monospace"}),
                max_length=MAPPING_MAX,
                **common,
            )
        return field

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        upload = data.get("file")
        if upload is not None and not str(upload.name).lower().endswith(SUPPORTED):
            self.add_error(
                "file",
                _("%(name)s: unsupported file type; use .csv, .xlsx or .parquet.") % {"name": upload.name},
            )
        raw: dict[str, Any] = {}
        for option in self.evaluation.options:
            if option.name in self.errors:
                return data
            value = data.get(option.name)
            if value in (None, ""):
                continue
            if option.type == MAPPING:
                try:
                    value = yaml.safe_load(str(value))
                except yaml.YAMLError as exc:
                    self.add_error(option.name, _("Not valid YAML or JSON: %(error)s") % {"error": exc})
                    return data
                if not isinstance(value, dict):
                    self.add_error(option.name, _("Give a mapping (key: value) at the top level."))
                    return data
            raw[option.name] = value
        try:
            self.cleaned_options = clean_options(self.evaluation.code, raw)
        except OptionsError as exc:
            self.add_error(exc.option if exc.option in self.fields else None, exc.detail)
        return data

"""Forms of the appeal pages: filing (grounds and evidence files) and the plan office's decision."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jingjin.appeals.services import MAX_FILES, MAX_TEXT


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"class": "form-control"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class AppealFileForm(forms.Form):
    reason = forms.CharField(
        label=pgettext_lazy("appeal", "Grounds of the appeal"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
    )
    evidence = MultipleFileField(
        label=_("Evidence files"),
        required=False,
        help_text=_("PDF, JPG, PNG, DOCX, XLSX, TXT or CSV; at most %(n)s files.") % {"n": MAX_FILES},
    )


class AppealDecideForm(forms.Form):
    """Accept (with corrected criterion values and/or an exemption) or reject, with the reason."""

    decision = forms.CharField(
        label=_("Reason of the decision"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )
    exempt = forms.BooleanField(
        label=_("Exempt the entry (force majeure)"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def __init__(
        self,
        *args: Any,
        criteria: tuple[str, ...] = (),
        bounds: tuple[float, float] = (0.0, 100.0),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for name in criteria:
            self.fields[f"value_{name}"] = forms.DecimalField(
                required=False,
                min_value=bounds[0],
                max_value=bounds[1],
                decimal_places=4,
                widget=forms.NumberInput(attrs={"class": "form-control form-control-sm", "step": "any"}),
            )

    def corrections(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data.get(f"value_{name}")
            for name in self.criteria
            if self.cleaned_data.get(f"value_{name}") is not None
        }

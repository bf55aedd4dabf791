"""The campaign form of the plan office (slice projfix of issue 12): the campaign's fields and its
projects as a list of project codes (one a line, or separated by spaces or commas) — a campaign
may hold thousands of projects, more than a select box shows."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jingjin.core.bounds import bound_texts
from jingjin.core.models import Unit
from jingjin.projects.models import Campaign, KeyProject

DATE_INPUT = {"type": "date"}
#: the most project codes one campaign form takes
CODES_MAX = 20_000
#: what separates the project codes: white space and commas or semicolons (also the Chinese ones)
SEPARATORS = re.compile(r"[\s,;，；、]+")


class CampaignForm(forms.ModelForm):  # type: ignore[type-arg]
    project_codes = forms.CharField(
        label=_("Projects (codes)"),
        required=False,
        max_length=CODES_MAX * 65,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One project code a line, or separated by spaces or commas."),
    )

    class Meta:
        model = Campaign
        fields = [
            "code",
            "name_zh",
            "name_en",
            "start",
            "end",
            "lead_unit",
            "target_started",
            "target_investment",
            "description",
        ]
        widgets = {
            "start": forms.DateInput(attrs=DATE_INPUT, format="%Y-%m-%d"),
            "end": forms.DateInput(attrs=DATE_INPUT, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].queryset = Unit.objects.order_by("code")  # type: ignore[attr-defined]
        if self.instance.pk is not None and not self.is_bound:
            codes = self.instance.projects.order_by("code").values_list("code", flat=True)
            self.initial["project_codes"] = "\n".join(codes)
        bound_texts(self)

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"]
        if any(c == "/" or c.isspace() for c in code) or set(code) == {"."}:
            message = gettext("A campaign code has no slash or space and is not only dots.")
            raise forms.ValidationError(message)
        return code

    def clean_project_codes(self) -> list[KeyProject]:
        codes = list(dict.fromkeys(c for c in SEPARATORS.split(self.cleaned_data["project_codes"]) if c))
        if len(codes) > CODES_MAX:
            raise forms.ValidationError(gettext("At most %(n)d projects.") % {"n": CODES_MAX})
        found = {p.code: p for p in KeyProject.objects.filter(code__in=codes).only("pk", "code")}
        unknown = [c for c in codes if c not in found]
        if unknown:
            shown = ", ".join(unknown[:20]) + (" …" if len(unknown) > 20 else "")
            raise forms.ValidationError(gettext("No key project has the code: %(codes)s") % {"codes": shown})
        return [found[c] for c in codes]

    def data_for_service(self) -> dict[str, Any]:
        """The cleaned fields as :mod:`jingjin.projects.campaign_services` takes them."""
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["projects"] = self.cleaned_data["project_codes"]
        return data

"""The plan office's forms of the transport networks and their lines (7向19线 rail, 1环9射2纵
expressways, the airport, the waterways): a network's fields, and a line's fields with its
projects (segments) as a list of project codes, as the campaign form takes them."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jingjin.core.bounds import bound_texts
from jingjin.projects.campaign_forms import SEPARATORS
from jingjin.projects.models import KeyProject, NetworkLine, NetworkPlan

#: the most segments (projects) one line form takes
SEGMENTS_MAX = 2_000


def _clean_code(code: str) -> str:
    if any(c == "/" or c.isspace() for c in code) or set(code) == {"."}:
        raise forms.ValidationError(gettext("A code has no slash or space and is not only dots."))
    return code


class NetworkForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = NetworkPlan
        fields = ["code", "name_zh", "name_en", "kind", "description", "indicator", "position"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bound_texts(self)

    def clean_code(self) -> str:
        return _clean_code(self.cleaned_data["code"])

    def data_for_service(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class NetworkLineForm(forms.ModelForm):  # type: ignore[type-arg]
    project_codes = forms.CharField(
        label=_("Projects (codes)"),
        required=False,
        max_length=SEGMENTS_MAX * 65,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One project code a line, or separated by spaces or commas."),
    )

    class Meta:
        model = NetworkLine
        fields = ["code", "name_zh", "name_en", "length_km", "position"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and not self.is_bound:
            codes = self.instance.projects.order_by("code").values_list("code", flat=True)
            self.initial["project_codes"] = "\n".join(codes)
        bound_texts(self)

    def clean_code(self) -> str:
        return _clean_code(self.cleaned_data["code"])

    def clean_project_codes(self) -> list[KeyProject]:
        codes = list(dict.fromkeys(c for c in SEPARATORS.split(self.cleaned_data["project_codes"]) if c))
        if len(codes) > SEGMENTS_MAX:
            raise forms.ValidationError(gettext("At most %(n)d projects.") % {"n": SEGMENTS_MAX})
        found = {p.code: p for p in KeyProject.objects.filter(code__in=codes)}
        unknown = [c for c in codes if c not in found]
        if unknown:
            shown = ", ".join(unknown[:20]) + (" …" if len(unknown) > 20 else "")
            raise forms.ValidationError(gettext("No key project has the code: %(codes)s") % {"codes": shown})
        return [found[c] for c in codes]

    def data_for_service(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}

"""Forms of official documents: issuing one from its source, withdrawing one."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jingjin.assessment.models import RankingList
from jingjin.core.texts import TextLimit
from jingjin.documents import selectors
from jingjin.documents.choices import DocumentKind
from jingjin.plans.models import Plan
from jingjin.reporting.models import ReportingPeriod
from jingjin.supervision.models import SupervisionItem


class IssueForm(forms.Form):
    plan = forms.ModelChoiceField(
        label=_("Plan"), queryset=Plan.objects.all(), widget=forms.Select(attrs={"class": "form-select"})
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=DocumentKind.choices, widget=forms.Select(attrs={"class": "form-select"})
    )
    supervision_item = forms.ModelChoiceField(
        label=_("Supervision item (for a supervision notice)"),
        queryset=SupervisionItem.objects.none(),
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    period = forms.ModelChoiceField(
        label=_("Period (for a monthly bulletin)"),
        queryset=ReportingPeriod.objects.none(),
        required=False,
        to_field_name="code",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    ranking_list = forms.ModelChoiceField(
        label=_("Published red/black list (for a list notice)"),
        queryset=RankingList.objects.none(),
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supervision_item"].queryset = selectors.notice_sources()  # type: ignore[attr-defined]
        self.fields["period"].queryset = ReportingPeriod.objects.order_by("-year", "-month")  # type: ignore[attr-defined]
        self.fields["ranking_list"].queryset = selectors.ranking_sources()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        needed = {
            DocumentKind.NOTICE: "supervision_item",
            DocumentKind.BULLETIN: "period",
            DocumentKind.RANKING: "ranking_list",
        }.get(data.get("kind", ""))
        if needed and not data.get(needed):
            self.add_error(needed, _("Choose the source of this kind of document."))
        else:
            data["source"] = data.get(needed) if needed else None
        return data


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason of the withdrawal"),
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}),
        validators=[TextLimit(2000, "reason")],
    )


#: the fields of the document settings, in the order of the page and the API
SETTINGS_FIELDS = (
    "issuer",
    "prefix_notice",
    "prefix_bulletin",
    "prefix_ranking",
    "signature",
    "copy_to",
    "printer",
)


class SettingsForm(forms.ModelForm):  # type: ignore[type-arg]
    """A plan's document settings: issuing office mark, number prefixes, signature, 抄送, 印发."""

    class Meta:
        from jingjin.documents.models import DocumentSettings

        model = DocumentSettings
        fields = SETTINGS_FIELDS
        widgets = {name: forms.TextInput(attrs={"class": "form-control"}) for name in SETTINGS_FIELDS}
        help_texts = {
            "copy_to": _("Units separated by a comma (，), without the final 。"),
            "signature": _("Empty: the issuing office."),
            "printer": _("Empty: the issuing office."),
        }

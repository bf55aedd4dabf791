"""Forms of the admission pages: an application, the decision, a re-check, an upload, a run."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jingjin.admission.choices import AdmissionOutcome, CandidateSource, RecheckStage
from jingjin.admission.models import (
    BONUS,
    CODE_MAX,
    FIGURE,
    Application,
    CatalogueEntry,
    LandThreshold,
    QuotaPool,
    ZoningUnit,
)
from jingjin.core.bounds import NoControlCharacters, text_problem
from jingjin.core.models import Unit


class ApplicationForm(forms.ModelForm):  # type: ignore[type-arg]
    """A new application; the catalogue class and the zoning result are not asked: they come
    from the registers when the application is checked."""

    class Meta:
        model = Application
        fields = [
            "code", "project_name", "firm", "credit_code", "park", "industry", "catalogue_entry",
            "zoning_unit", "land_mu", "investment_intensity", "output_per_mu", "tax_per_mu",
            "energy_per_output", "plot_ratio", "env_units",
        ]  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control form-control-sm")
        for name in ("park", "industry", "catalogue_entry", "zoning_unit"):
            self.fields[name].widget.attrs["class"] = "form-select form-select-sm"


def _figure(label: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=0,
        max_digits=FIGURE.max_digits,
        decimal_places=FIGURE.decimal_places,
        widget=forms.NumberInput(attrs={"class": "form-control form-control-sm", "step": "any"}),
    )


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=AdmissionOutcome.choices,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )


class RecheckForm(forms.Form):
    stage = forms.ChoiceField(
        label=_("Stage"),
        choices=RecheckStage.choices,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    investment_intensity = _figure(_("Actual investment intensity (10k yuan/mu)"))
    output_per_mu = _figure(_("Actual output per mu (10k yuan/mu)"))
    tax_per_mu = _figure(_("Actual tax per mu (10k yuan/mu)"))
    energy_per_output = _figure(_("Actual energy per output (tce/10k yuan)"))


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Excel workbook (.xlsx) or CSV file"))


#: the columns of a key project's line on the run form, those of ``jingjin allocate``
KEY_PROJECT_COLUMNS = ("code", "land_mu", "energy_tce", "env_units", "benefit", "leading", "must", "exclude")


class KeyProjectLinesField(forms.CharField):
    """Key projects, one a line: ``code, land_mu, energy_tce, env_units, benefit, leading, must,
    exclude`` (commas or tabs; everything after the code may be left empty; flags 1/0). Cleans to
    rows for :func:`jingjin.admission.allocation.key_project_candidates`; an error names the line
    and the column."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 100_000)
        kwargs.setdefault(
            "widget",
            forms.Textarea(attrs={"rows": 4, "class": "form-control form-control-sm font-monospace"}),
        )
        super().__init__(**kwargs)

    def clean(self, value: Any) -> list[dict[str, Any]]:
        import math
        import re

        text = super().clean(value) or ""
        rows: list[dict[str, Any]] = []
        errors: list[str] = []
        for number, line in enumerate(text.splitlines(), start=1):
            cells = [c.strip() for c in re.split(r"[,，\t]", line)]
            if not any(cells):
                continue
            problem = text_problem(line.replace("\t", " "), max_length=None)
            if problem is not None:
                errors.append(
                    _("Line %(line)d: %(problem)s") % {"line": number, "problem": problem.translated()}
                )
                continue
            if len(cells) > len(KEY_PROJECT_COLUMNS):
                errors.append(
                    _("Line %(line)d: more than %(n)d columns.")
                    % {"line": number, "n": len(KEY_PROJECT_COLUMNS)}
                )
                continue
            row: dict[str, Any] = {"code": cells[0]}
            for index, (name, cell) in enumerate(
                zip(KEY_PROJECT_COLUMNS[1:], cells[1:], strict=False), start=2
            ):
                if not cell:
                    continue
                where = {"line": number, "column": index, "name": name}
                if name in ("leading", "must", "exclude"):
                    if cell not in ("0", "1"):
                        errors.append(_("Line %(line)d, column %(column)d (%(name)s): enter 1 or 0.") % where)
                    row[name] = cell == "1"
                    continue
                try:
                    figure = float(cell)
                except ValueError:
                    figure = math.nan
                if not math.isfinite(figure) or figure < 0 or figure >= 1e12:
                    errors.append(
                        _("Line %(line)d, column %(column)d (%(name)s): enter a number, 0 or more.") % where
                    )
                row[name] = cell
            if not row["code"]:
                errors.append(
                    _("Line %(line)d, column 1 (code): enter the key project's code.") % {"line": number}
                )
            rows.append(row)
        if errors:
            raise forms.ValidationError(errors)
        return rows


class RunForm(forms.Form):
    """A new allocation run: the pool, the leading-industry bonus, and the candidates — the
    admitted applications (with the must-fund and the excluded ones) or key projects, one a line."""

    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )
    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )
    pool = forms.ModelChoiceField(
        label=_("Quota pool"),
        queryset=QuotaPool.objects.all(),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    leading_bonus = forms.DecimalField(
        label=_("Leading-industry bonus"),
        min_value=0,
        max_digits=BONUS.max_digits,
        decimal_places=BONUS.decimal_places,
        initial=0,
        widget=forms.NumberInput(attrs={"class": "form-control form-control-sm", "step": "any"}),
    )
    source = forms.ChoiceField(
        label=_("Candidates"),
        choices=CandidateSource.choices,
        initial=CandidateSource.APPLICATIONS,
        widget=forms.RadioSelect,
    )
    must = forms.MultipleChoiceField(
        label=_("Must fund"), required=False, widget=forms.CheckboxSelectMultiple
    )
    exclude = forms.MultipleChoiceField(
        label=_("Excluded"), required=False, widget=forms.CheckboxSelectMultiple
    )
    key_projects = KeyProjectLinesField(
        label=_(
            "Key projects, one a line: code, land (mu), energy (tce), environmental units, benefit "
            "(10k yuan), leading, must fund, excluded (1/0)"
        )
    )

    def __init__(self, *args: Any, candidates: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("must", "exclude"):
            field = self.fields[name]
            assert isinstance(field, forms.MultipleChoiceField)
            field.choices = candidates

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        both = set(data.get("must", [])) & set(data.get("exclude", []))
        if both:
            raise forms.ValidationError(
                _("Both must-fund and excluded: %(ids)s.") % {"ids": ", ".join(sorted(both))}
            )
        keyed = data.get("source") == CandidateSource.KEY_PROJECTS
        if keyed and not data.get("key_projects") and "key_projects" not in self.errors:
            self.add_error("key_projects", _("Enter at least one key project."))
        return data


def _styled(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        select = isinstance(field.widget, forms.Select) and not isinstance(
            field.widget, forms.CheckboxSelectMultiple
        )
        field.widget.attrs.setdefault(
            "class", "form-select form-select-sm" if select else "form-control form-control-sm"
        )


class CatalogueEntryForm(forms.ModelForm):  # type: ignore[type-arg]
    """An item of the industry catalogue (the import's columns)."""

    class Meta:
        model = CatalogueEntry
        fields = ["code", "name", "klass", "version", "industry"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _styled(self)


class CodeListField(forms.CharField):
    """Catalogue or industry codes separated by 、 , ; or spaces, as a list."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 2000)
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 2}))
        super().__init__(**kwargs)
        self.validators.append(NoControlCharacters())

    def prepare_value(self, value: Any) -> Any:
        return "、".join(value) if isinstance(value, list) else value

    def clean(self, value: Any) -> list[str]:
        from jingjin.admission.imports import SPLIT

        text = super().clean(value) or ""
        codes = list(dict.fromkeys(c for c in SPLIT.split(text) if c))
        long = [c for c in codes if len(c) > CODE_MAX]
        if long:
            raise forms.ValidationError(
                _("A code has at most %(n)d characters: %(codes)s.")
                % {"n": CODE_MAX, "codes": ", ".join(long)}
            )
        return codes


class ZoningUnitForm(forms.ModelForm):  # type: ignore[type-arg]
    """An environmental control unit of 三线一单 with its admission lists."""

    prohibited = CodeListField(
        label=_("Prohibited industries (catalogue or industry codes, separated by 、 , ; or spaces)")
    )
    restricted = CodeListField(
        label=_("Restricted industries (catalogue or industry codes, separated by 、 , ; or spaces)")
    )

    class Meta:
        model = ZoningUnit
        fields = ["code", "name", "county", "unit_type", "prohibited", "restricted"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        county = self.fields["county"]
        assert isinstance(county, forms.ModelChoiceField)
        county.queryset = Unit.objects.filter(kind="county").order_by("code")
        _styled(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        both = set(data.get("prohibited") or []) & set(data.get("restricted") or [])
        if both:
            self.add_error(
                "restricted",
                _("Both prohibited and restricted: %(codes)s.") % {"codes": ", ".join(sorted(both))},
            )
        return data


class LandThresholdForm(forms.ModelForm):  # type: ignore[type-arg]
    """Standard-land thresholds of a park and an industry (empty: any); an empty figure is not checked."""

    class Meta:
        model = LandThreshold
        fields = ["park", "industry", *LandThreshold.CHECKS]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("park", "industry"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.empty_label = "* " + str(_("any"))
        _styled(self)

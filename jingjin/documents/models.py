"""Official documents (公文) in the format of GB/T 9704-2012 and their register (发文登记).

A document has a number (发文字号) such as ``督〔2023〕7号``: the prefix (机关代字), the year in
〔〕 and a sequence per prefix and year, kept by the system in :class:`NumberCounter` and taken
under a row lock, so that two documents issued at the same moment never share a number. A
withdrawn document keeps its number; numbers are never reused.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jingjin.core.bounds import year_validators
from jingjin.core.models import AuditedModel, Unit
from jingjin.documents.choices import DocumentKind, DocumentState


class NumberCounter(models.Model):
    """The last sequence number issued for one prefix (机关代字) in one year."""

    prefix = models.CharField(_("prefix"), max_length=20)
    year = models.PositiveIntegerField(_("year"), validators=year_validators())
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prefix", "year"], name="one_counter_per_prefix_year")]

    def __str__(self) -> str:
        return f"{self.prefix}〔{self.year}〕{self.last}号"


class DocumentSettings(AuditedModel):
    """How a plan's documents are headed and numbered: the issuing office's mark (发文机关标志),
    the prefixes of the numbers (机关代字) per kind, the signature office, the 抄送 and 印发 lines.
    Without one, the defaults of :mod:`jingjin.documents.services` apply."""

    plan = models.OneToOneField(
        "plans.Plan", verbose_name=_("plan"), on_delete=models.CASCADE, related_name="document_settings"
    )
    issuer = models.CharField(_("issuing office mark"), max_length=60)
    signature = models.CharField(_("signature office"), max_length=60, blank=True)
    prefix_notice = models.CharField(_("number prefix of supervision notices"), max_length=20)
    prefix_bulletin = models.CharField(_("number prefix of bulletins"), max_length=20)
    prefix_ranking = models.CharField(_("number prefix of red/black list notices"), max_length=20)
    copy_to = models.CharField(_("copied to (抄送)"), max_length=300, blank=True)
    printer = models.CharField(_("printing office (印发机关)"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("document settings")

    def __str__(self) -> str:
        return f"{self.plan.code}: {self.issuer}"

    def natural_key_text(self) -> str:
        return self.plan.code

    def prefix_of(self, kind: str) -> str:
        return str(getattr(self, f"prefix_{kind}"))


class OfficialDocument(AuditedModel):
    """An official document (公文) of the register: 督办函, 月度通报 or 红黑榜通报, with its number,
    its texts and the generated .docx and PDF files."""

    plan = models.ForeignKey("plans.Plan", verbose_name=_("plan"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=DocumentKind.choices)
    state = models.CharField(
        _("state"), max_length=16, choices=DocumentState.choices, default=DocumentState.ISSUED, db_index=True
    )
    issuer = models.CharField(_("issuing office mark"), max_length=60)
    prefix = models.CharField(_("prefix"), max_length=20)
    year = models.PositiveIntegerField(_("year"), validators=year_validators())
    sequence = models.PositiveIntegerField(_("sequence"))
    number = models.CharField(_("document number"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=200)
    addressee = models.CharField(_("addressed to (主送)"), max_length=300, blank=True)
    body = models.TextField(_("main text"))
    signature = models.CharField(_("signature office"), max_length=60)
    date = models.DateField(_("date"))
    copy_to = models.CharField(_("copied to (抄送)"), max_length=300, blank=True)
    printer = models.CharField(_("printing office (印发机关)"), max_length=60, blank=True)
    recipients = models.ManyToManyField(Unit, verbose_name=_("addressed units"), blank=True, related_name="+")
    supervision_item = models.ForeignKey(
        "supervision.SupervisionItem",
        verbose_name=_("supervision item"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    ranking_list = models.ForeignKey(
        "assessment.RankingList",
        verbose_name=_("red/black list"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    period = models.ForeignKey(
        "reporting.ReportingPeriod",
        verbose_name=_("period"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    docx = models.BinaryField(_("Word file"), editable=False)
    pdf = models.BinaryField(_("PDF file"), editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdraw_reason = models.TextField(_("reason of the withdrawal"), blank=True)
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False)

    #: the files are not audited (their digest is: see ``snapshot``)
    audit_exclude = ("id", "docx", "pdf", "issued_by")
    office_editable_fields: tuple[str, ...] = ()
    unit_editable_fields: tuple[str, ...] = ()

    class Meta:
        ordering = ["-year", "prefix", "-sequence"]
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year", "sequence"], name="document_number_unique"),
        ]
        verbose_name = _("official document")
        verbose_name_plural = _("official documents")

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def natural_key_text(self) -> str:
        return self.number

    def snapshot(self) -> dict[str, Any]:
        import hashlib

        data = super().snapshot()
        data["docx_sha256"] = hashlib.sha256(bytes(self.docx or b"")).hexdigest()
        data["pdf_sha256"] = hashlib.sha256(bytes(self.pdf or b"")).hexdigest()
        return data

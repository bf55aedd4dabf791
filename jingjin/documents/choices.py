"""Choices of the official documents (公文)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    """What a document is and where its text comes from."""

    #: 督办函, from a supervision item
    NOTICE = "notice", _("Supervision notice")
    #: 月度通报, from the monthly bulletin's figures
    BULLETIN = "bulletin", _("Monthly bulletin")
    #: 红黑榜通报, from a published red/black list
    RANKING = "ranking", _("Red/black list notice")


class DocumentState(models.TextChoices):
    """Issued, or withdrawn (撤回): a withdrawn document keeps its number, which is never reused."""

    ISSUED = "issued", _("Issued")
    WITHDRAWN = "withdrawn", _("Withdrawn")

from django.db import models
from django.utils.translation import gettext_lazy as _


class AppealState(models.TextChoices):
    """filed → accepted (the list corrected) | rejected (with the reason)."""

    FILED = "filed", _("Filed")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")

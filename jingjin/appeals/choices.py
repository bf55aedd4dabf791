from django.db import models
from django.utils.translation import pgettext_lazy


class AppealState(models.TextChoices):
    """filed → accepted (the list corrected) | rejected (with the reason)."""

    FILED = "filed", pgettext_lazy("appeal", "Filed")
    ACCEPTED = "accepted", pgettext_lazy("appeal", "Accepted")
    REJECTED = "rejected", pgettext_lazy("appeal", "Rejected")

"""Choices of the targeted attraction pipeline (靶向招引): the stages of a lead."""

from django.db import models
from django.utils.translation import pgettext_lazy

#: the context of the stage names (“Lead” and “Dropped” mean other things elsewhere)
STAGE = "attraction stage"


class LeadStageName(models.TextChoices):
    """线索 → 接洽 → 考察 → 签约 → 开工 → 投产, in this order, or 终止 (dropped, with a reason)."""

    LEAD = "lead", pgettext_lazy(STAGE, "Lead")
    CONTACT = "contact", pgettext_lazy(STAGE, "Contact")
    VISIT = "visit", pgettext_lazy(STAGE, "Visit")
    SIGNED = "signed", pgettext_lazy(STAGE, "Signed")
    STARTED = "started", pgettext_lazy(STAGE, "Started")
    PRODUCTION = "production", pgettext_lazy(STAGE, "In production")
    DROPPED = "dropped", pgettext_lazy(STAGE, "Dropped")


#: the pipeline's stages in their order (a lead moves forward through them)
PIPELINE = [
    LeadStageName.LEAD.value,
    LeadStageName.CONTACT.value,
    LeadStageName.VISIT.value,
    LeadStageName.SIGNED.value,
    LeadStageName.STARTED.value,
    LeadStageName.PRODUCTION.value,
]
#: the stages after which a lead moves no more
FINAL = (LeadStageName.PRODUCTION.value, LeadStageName.DROPPED.value)

#: the candidate's categories (firm_category) in the order of their weight in the ranking
CANDIDATE_FLAGS = (
    "fortune500",
    "is_industry_leader",
    "is_hidden_champion",
    "is_hq",
    "is_soe",
    "is_foreign",
    "is_specialised",
)

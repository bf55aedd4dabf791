"""Job kind of the per-mu evaluation: ``land-campaign-run`` (亩均评价计算) — a campaign's run in the
background (the campaign page and an accepted appeal queue it), by :func:`services.campaign_evaluate`,
audited as the submitter."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jingjin.core.permissions import PermissionDenied, may_manage_land_campaigns
from jingjin.engines.errors import InputError
from jingjin.jobs.kinds import JobInputError, JobOutcome, ProgressFn, register
from jingjin.jobs.models import Job

KIND = "land-campaign-run"


def run_land_campaign(job: Job, progress: ProgressFn) -> JobOutcome:
    """Join the campaign's sources, grade every firm and store the results."""
    from jingjin.land import services
    from jingjin.land.models import EvaluationCampaign

    campaign = EvaluationCampaign.objects.filter(pk=job.params.get("campaign")).first()
    if campaign is None:
        raise JobInputError(gettext("The campaign no longer exists."))
    progress(10, gettext("Joining the sources and grading the firms"))
    try:
        summary = services.campaign_evaluate(actor=job.owner, campaign=campaign, source="job")
    except ValidationError as exc:
        raise JobInputError(" ".join(exc.messages)) from exc
    except InputError as exc:
        raise JobInputError(str(exc)) from exc
    except PermissionDenied as exc:
        raise JobInputError(gettext("Only the plan office may run a campaign.")) from exc
    progress(100, gettext("Graded the firms"))
    return JobOutcome(
        summary={k: summary[k] for k in ("firms", "graded", "not_graded", "outliers", "classes")}
    )


register(
    KIND,
    label=_("Per-mu evaluation campaign run"),
    runner=run_land_campaign,
    may_run=may_manage_land_campaigns,
)

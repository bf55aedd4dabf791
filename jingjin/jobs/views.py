"""Pages of background jobs: "我的任务 / My jobs" with live progress (htmx polling a fragment while a
job is queued or running), a job's page, its result download and the retry of a failed job."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jingjin.core.permissions import PermissionDenied, may_retry_job
from jingjin.jobs import selectors, services
from jingjin.jobs.choices import JobState
from jingjin.jobs.models import Job

PAGE_SIZE = 25
#: how often a page with a queued or running job asks for fresh progress (htmx ``every``)
POLL_SECONDS = 2


def _list_context(request: HttpRequest) -> dict[str, Any]:
    state = request.GET.get("state", "")
    state = state if state in JobState.values else ""
    jobs = selectors.job_list(user=request.user, state=state)
    page = Paginator(jobs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"job": job, "may_retry": may_retry_job(request.user, job)} for job in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "page": page,
        "rows": rows,
        "state": state,
        "states": JobState.choices,
        "query": query.urlencode(),
        "page_query": request.GET.urlencode(),
        "polling": selectors.any_active([row["job"] for row in rows]),
        "poll_seconds": POLL_SECONDS,
    }


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    """我的任务 / My jobs: newest first, paged, filtered by state."""
    return render(request, "jobs/list.html", _list_context(request))


@login_required
def job_rows(request: HttpRequest) -> HttpResponse:
    """The list's rows alone (what the list page polls while a job is not finished)."""
    return render(request, "jobs/_rows.html", _list_context(request))


def _visible(request: HttpRequest, pk: int) -> Job:
    job = selectors.job_get(user=request.user, pk=pk)
    if job is None:
        raise Http404("job")
    return job


def _detail_context(request: HttpRequest, job: Job) -> dict[str, Any]:
    return {
        "job": job,
        "may_retry": may_retry_job(request.user, job),
        "polling": job.is_active,
        "poll_seconds": POLL_SECONDS,
        "summary": sorted(job.summary.items()) if isinstance(job.summary, dict) else [],
    }


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _visible(request, pk)
    return render(request, "jobs/detail.html", _detail_context(request, job))


@login_required
def job_status(request: HttpRequest, pk: int) -> HttpResponse:
    """A job's state, progress and result link alone (what its page polls)."""
    job = _visible(request, pk)
    return render(request, "jobs/_job.html", _detail_context(request, job))


@login_required
def job_result(request: HttpRequest, pk: int) -> FileResponse:
    """The result file of a finished job, for anyone who may see the job."""
    job = _visible(request, pk)
    if job.state != JobState.DONE or not job.result_file:
        raise Http404("result")
    try:
        handle = job.result_file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("result file") from exc
    return FileResponse(handle, as_attachment=True, filename=job.result_name)


@login_required
@require_POST
def job_retry(request: HttpRequest, pk: int) -> HttpResponse:
    job = _visible(request, pk)
    try:
        services.job_retry(actor=request.user, job=job, source="web")
    except PermissionDenied:
        return render(request, "403.html", {"reason": _("You may not retry this job.")}, status=403)
    except ValidationError as exc:
        for errors in exc.message_dict.values():
            for error in errors:
                messages.error(request, error)
        return redirect("jobs:detail", pk=job.pk)
    messages.success(request, _("The job is queued again."))
    back = request.POST.get("next", "")
    if back.startswith("/jobs/") and "//" not in back:  # back to the list it came from
        return redirect(back)
    return redirect("jobs:detail", pk=job.pk)

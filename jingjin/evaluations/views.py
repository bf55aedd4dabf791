"""Pages of evaluations (评价): the kinds, one page per kind with the upload and its options, and
the page of one run: the first rows of the upload, the progress bar (polling while the job is
queued or running) and, once done, the first 100 rows of the result with downloads."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from jingjin.core.permissions import PermissionDenied, may_evaluate, may_retry_job
from jingjin.evaluations import selectors, services
from jingjin.evaluations.api import download
from jingjin.evaluations.forms import EvaluationForm
from jingjin.evaluations.options import EVALUATIONS, Evaluation
from jingjin.jobs.models import Job
from jingjin.jobs.views import POLL_SECONDS


def _evaluation(kind: str) -> Evaluation:
    evaluation = EVALUATIONS.get(kind)
    if evaluation is None:
        raise Http404("evaluation kind")
    return evaluation


def _job(request: HttpRequest, evaluation: Evaluation, pk: int) -> Job:
    job = selectors.evaluation_get(user=request.user, pk=pk)
    if job is None or job.kind != evaluation.code:
        raise Http404("evaluation")
    return job


@login_required
def evaluation_index(request: HttpRequest) -> HttpResponse:
    """评价 / Evaluations: the kinds, each with what it does and the command line it equals."""
    return render(
        request,
        "evaluations/index.html",
        {"evaluations": list(EVALUATIONS.values()), "may_evaluate": may_evaluate(request.user)},
    )


@login_required
def evaluation_kind(request: HttpRequest, kind: str) -> HttpResponse:
    """Upload a table and choose the options; a valid form queues the job and shows its run."""
    evaluation = _evaluation(kind)
    if not may_evaluate(request.user):
        return render(request, "403.html", {"reason": _("You may not run evaluations.")}, status=403)
    form = EvaluationForm(evaluation, request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                job = services.evaluation_submit(
                    actor=request.user,
                    kind=kind,
                    file=upload,
                    file_name=upload.name,
                    options=form.cleaned_options,
                    source="web",
                )
            except PermissionDenied:
                return render(request, "403.html", {"reason": _("You may not run evaluations.")}, status=403)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            else:
                return redirect("evaluations:run", kind=kind, pk=job.pk)
        status = 400
    recent = selectors.evaluation_list(user=request.user, kind=kind)[:5]
    return render(
        request,
        "evaluations/kind.html",
        {"evaluation": evaluation, "form": form, "recent": recent},
        status=status,
    )


def _run_context(request: HttpRequest, evaluation: Evaluation, job: Job) -> dict[str, Any]:
    return {
        "evaluation": evaluation,
        "job": job,
        "polling": job.is_active,
        "poll_seconds": POLL_SECONDS,
        "may_retry": may_retry_job(request.user, job),
        "result": selectors.result_preview(job),
        "formats": selectors.FORMATS,
        "summary": sorted(job.summary.items()) if isinstance(job.summary, dict) else [],
        "options": sorted((job.params.get("options") or {}).items()) if isinstance(job.params, dict) else [],
    }


@login_required
def evaluation_run(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    evaluation = _evaluation(kind)
    job = _job(request, evaluation, pk)
    context = _run_context(request, evaluation, job)
    context["preview"] = selectors.input_preview(job)
    return render(request, "evaluations/run.html", context)


@login_required
def evaluation_status(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """The run's progress, error or result alone (what its page polls)."""
    evaluation = _evaluation(kind)
    job = _job(request, evaluation, pk)
    return render(request, "evaluations/_run.html", _run_context(request, evaluation, job))


@login_required
def evaluation_result(request: HttpRequest, kind: str, pk: int) -> HttpResponse | FileResponse:
    """The result as CSV, XLSX or Parquet (``?format=``; Parquet by default)."""
    evaluation = _evaluation(kind)
    job = _job(request, evaluation, pk)
    fmt = request.GET.get("format", "parquet")
    if fmt not in selectors.FORMATS:
        raise Http404("format")
    return download(job, fmt)

"""Writes of appeals (异议), each checked, atomic and audited.

* :func:`appeal_file` — a unit (or the plan office on its behalf) appeals its entry on a published
  list, with the grounds and evidence files, within the publication window;
* :func:`appeal_accept` — the plan office enters the correction (corrected criterion values and/or
  a force-majeure exemption); the list is ranked again (:func:`jingjin.assessment.corrections.
  ranking_list_correct`, which audits every changed entry) and the old and new result kept;
* :func:`appeal_reject` — the plan office rejects with a reason; nothing else changes.

An appeal on a unit's row of the published run of a configurable scheme (:func:`appeal_file_run`)
has the same window (after the scheme's publication), grounds and evidence checks; accepting it
sets corrected figures of the scheme's criteria and computes the run again at its ``as_of``
(:func:`jingjin.assessment.scheme_compute.scheme_evaluate` with the corrections of every accepted
appeal of the run as ``overrides``); the run's rows are replaced and audited.

Bad input raises ``ValidationError``, a wrong role :class:`~jingjin.core.permissions.PermissionDenied`.
"""

from __future__ import annotations

import hashlib
import io
import secrets
from datetime import date, timedelta
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from jingjin.appeals.choices import AppealState
from jingjin.appeals.models import Appeal, AppealEvidence
from jingjin.assessment.choices import ListStatus
from jingjin.assessment.corrections import (
    SCHEME_FIGURE_BOUND,
    clean_corrections,
    clean_values,
    ranking_list_correct,
)
from jingjin.assessment.models import RankingEntry, RankingList
from jingjin.assessment.scheme_compute import scheme_evaluate
from jingjin.assessment.scheme_models import RunKind, SchemeRun
from jingjin.core import clock
from jingjin.core.choices import AuditAction
from jingjin.core.models import Unit
from jingjin.core.permissions import PermissionDenied, may_decide_appeals, may_file_appeal
from jingjin.core.services import audit_change, audit_record
from jingjin.reporting.evidence import EVIDENCE_TYPES, evidence_max_size, sniff_kind

#: most evidence files on one appeal
MAX_FILES = 5
#: longest grounds or decision
MAX_TEXT = 4000


def window_days() -> int:
    """Days after publication within which an appeal is filed (``JINGJIN_APPEAL_WINDOW_DAYS``, 5)."""
    return max(0, int(getattr(settings, "JINGJIN_APPEAL_WINDOW_DAYS", 5)))


def window_end(ranking_list: RankingList) -> date | None:
    """The last day an appeal against a published list may be filed (None: not published)."""
    if ranking_list.status != ListStatus.PUBLISHED or ranking_list.published_at is None:
        return None
    published = timezone.localtime(ranking_list.published_at).date()
    return published + timedelta(days=window_days())


def window_open(ranking_list: RankingList, today: date | None = None) -> bool:
    end = window_end(ranking_list)
    return end is not None and (today or clock.today()) <= end


def run_window_end(run: SchemeRun) -> date | None:
    """The last day an appeal against a scheme's published run may be filed: the window counts
    from the scheme version's publication (the run's computation when that is missing); None: the
    run is a preview."""
    if run.kind != RunKind.PUBLISHED:
        return None
    published = run.scheme.published_at or run.computed_at
    return timezone.localtime(published).date() + timedelta(days=window_days())


def run_window_open(run: SchemeRun, today: date | None = None) -> bool:
    end = run_window_end(run)
    return end is not None and (today or clock.today()) <= end


def run_criteria(run: SchemeRun) -> tuple[str, ...]:
    """The criteria of a run whose figure a correction may set: the keys of the scheme's criteria."""
    return tuple(c.key for c in run.scheme.criteria.all())


def run_bounds() -> tuple[float, float]:
    """The range of a corrected figure of a scheme (any figure: a count, a rate, a yield)."""
    return -SCHEME_FIGURE_BOUND, SCHEME_FIGURE_BOUND


def clean_run_values(run: SchemeRun, values: dict[str, Any]) -> dict[str, float]:
    """Corrected figures: keys of the scheme's criteria, finite numbers within ±10⁹."""
    return clean_corrections(values, run_criteria(run), run_bounds())


def run_row(run: SchemeRun, unit_code: str) -> dict[str, Any] | None:
    """The unit's row of a run (None: not in the run)."""
    return next((r for r in run.rows or [] if r.get("unit") == unit_code), None)


def _text(value: str, field: str) -> str:
    text = (value or "").strip()
    if len(text) > MAX_TEXT:
        raise ValidationError({field: [_("At most %(n)s characters.") % {"n": MAX_TEXT}]})
    return text


def _checked_file(content: IO[bytes], name: str, size: int | None) -> tuple[str, str, str, bytes]:
    """(original name, kind, extension, data) of an evidence file, or ValidationError: the checks
    of :mod:`jingjin.reporting.evidence` (type by extension and by content, size, not empty)."""
    original = (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()[:255] or "file"
    extension = original.rsplit(".", 1)[-1].lower() if "." in original else ""
    kind = EVIDENCE_TYPES.get(extension)
    if kind is None:
        raise ValidationError(
            {
                "evidence": _(
                    "Files of this type are not accepted; allowed: PDF, JPG, PNG, DOCX, XLSX, TXT, CSV."
                )
            }
        )
    limit = evidence_max_size()
    data = content.read(limit + 1)
    if (size is not None and size > limit) or len(data) > limit:
        raise ValidationError(
            {"evidence": _("The file is larger than %(mb)s MB.") % {"mb": f"{limit / 1024 / 1024:g}"}}
        )
    if not data:
        raise ValidationError({"evidence": _("The file is empty.")})
    expected = "text" if kind in ("txt", "csv") else kind
    if sniff_kind(data[:8192], io.BytesIO(data)) != expected:
        raise ValidationError(
            {
                "evidence": _("The content of the file does not match its type (.%(ext)s).")
                % {"ext": extension}
            }
        )
    return original, kind, extension, data


def _entry(ranking_list: RankingList, unit_id: int, project_id: int | None) -> RankingEntry:
    entry = ranking_list.entries.filter(unit_id=unit_id, project_id=project_id).first()
    if entry is None:
        raise ValidationError(_("The entry is not on this list."))
    return entry


@transaction.atomic
def appeal_file(
    *,
    actor: Any,
    entry: RankingEntry,
    reason: str,
    files: list[Any] | None = None,
    today: date | None = None,
    is_synthetic: bool = False,
    source: str = "web",
) -> Appeal:
    """File an appeal against ``entry`` of a published list, with its grounds and evidence files
    (``files``: uploaded files, each checked), within the publication window."""
    ranking_list = RankingList.objects.select_for_update().get(pk=entry.ranking_list_id)
    if actor is not None and not may_file_appeal(actor, entry.unit_id):
        raise PermissionDenied(_("Only the users of the unit, or the plan office, appeal its entry."))
    end = window_end(ranking_list)
    if end is None:
        raise ValidationError(_("Only a published list can be appealed."))
    if (today or clock.today()) > end:
        raise ValidationError(
            _("The appeal window of this list closed on %(day)s.") % {"day": end.isoformat()}
        )
    reason, checked = _grounds(reason, files)
    open_ = Appeal.objects.filter(
        ranking_list=ranking_list, unit_id=entry.unit_id, project_id=entry.project_id, state=AppealState.FILED
    )
    if open_.exists():
        raise ValidationError(_("This entry already has an appeal waiting for a decision."))
    appeal = Appeal(
        ranking_list=ranking_list,
        unit_id=entry.unit_id,
        project_id=entry.project_id,
        reason=reason,
        filed_at=clock.now(),
        filed_by=actor if getattr(actor, "is_authenticated", False) else None,
        is_synthetic=is_synthetic,
    )
    try:
        with transaction.atomic():
            appeal.save()
    except IntegrityError as exc:  # a second appeal filed at the same moment
        raise ValidationError(_("This entry already has an appeal waiting for a decision.")) from exc
    _store_evidence(appeal, checked)
    audit_change(actor=actor, obj=appeal, before=None, source=source)
    return appeal


def _grounds(reason: str, files: list[Any] | None) -> tuple[str, list[tuple[str, str, str, bytes]]]:
    """The checked grounds and evidence files of an appeal (ValidationError when wrong)."""
    reason = _text(reason, "reason")
    if not reason:
        raise ValidationError({"reason": [pgettext("appeal", "Give the grounds of the appeal.")]})
    files = list(files or [])
    if len(files) > MAX_FILES:
        raise ValidationError({"evidence": [_("At most %(n)s files.") % {"n": MAX_FILES}]})
    checked = [_checked_file(f, getattr(f, "name", ""), getattr(f, "size", None)) for f in files]
    return reason, checked


def _store_evidence(appeal: Appeal, checked: list[tuple[str, str, str, bytes]]) -> None:
    """Store the checked files of an appeal under random names (a file sent twice once)."""
    seen: set[str] = set()
    for original, kind, extension, data in checked:
        digest = hashlib.sha256(data).hexdigest()
        if digest in seen:
            continue
        seen.add(digest)
        evidence = AppealEvidence(
            appeal=appeal,
            original_name=original,
            kind=kind,
            size=len(data),
            sha256=digest,
            uploaded_at=clock.now(),
        )
        stored = f"{secrets.token_hex(16)}.{'jpg' if kind == 'jpg' else extension}"
        evidence.file.save(stored, ContentFile(data), save=False)
        evidence.save()


@transaction.atomic
def appeal_file_run(
    *,
    actor: Any,
    scheme_run: SchemeRun,
    unit: Unit,
    reason: str,
    files: list[Any] | None = None,
    today: date | None = None,
    is_synthetic: bool = False,
    source: str = "web",
) -> Appeal:
    """File an appeal against ``unit``'s score in the published run of a configurable scheme, with
    its grounds and evidence files, within the window after the scheme's publication."""
    run = SchemeRun.objects.select_for_update().select_related("scheme").get(pk=scheme_run.pk)
    if actor is not None and not may_file_appeal(actor, unit.pk):
        raise PermissionDenied(_("Only the users of the unit, or the plan office, appeal its entry."))
    end = run_window_end(run)
    if end is None:
        raise ValidationError(_("Only a published result can be appealed."))
    if (today or clock.today()) > end:
        raise ValidationError(
            _("The appeal window of this result closed on %(day)s.") % {"day": end.isoformat()}
        )
    if run_row(run, unit.code) is None:
        raise ValidationError(_("The unit is not in this result."))
    reason, checked = _grounds(reason, files)
    if Appeal.objects.filter(scheme_run=run, unit=unit, state=AppealState.FILED).exists():
        raise ValidationError(_("This entry already has an appeal waiting for a decision."))
    appeal = Appeal(
        scheme_run=run,
        unit=unit,
        reason=reason,
        filed_at=clock.now(),
        filed_by=actor if getattr(actor, "is_authenticated", False) else None,
        is_synthetic=is_synthetic,
    )
    try:
        with transaction.atomic():
            appeal.save()
    except IntegrityError as exc:  # a second appeal filed at the same moment
        raise ValidationError(_("This entry already has an appeal waiting for a decision.")) from exc
    _store_evidence(appeal, checked)
    audit_change(actor=actor, obj=appeal, before=None, source=source)
    return appeal


def _require_decider(actor: Any) -> None:
    if actor is not None and not may_decide_appeals(actor):
        raise PermissionDenied(pgettext("appeal", "Only the plan office decides appeals."))


def _lock_filed(appeal: Appeal) -> Appeal:
    appeal = (
        Appeal.objects.select_for_update(of=("self",))
        .select_related("ranking_list", "project", "scheme_run", "unit")
        .get(pk=appeal.pk)
    )
    if appeal.state != AppealState.FILED:
        raise ValidationError(pgettext("appeal", "The appeal is already decided."))
    return appeal


@transaction.atomic
def appeal_accept(
    *,
    actor: Any,
    appeal: Appeal,
    decision: str,
    corrections: dict[str, Any] | None = None,
    exempt: bool = False,
    source: str = "web",
) -> Appeal:
    """Accept an appeal with its correction — corrected criterion values (criterion → %, of the
    list's rule) and/or a force-majeure exemption — and rank the published list again; the
    entry's score, rank and verdict before and after are kept on the appeal."""
    _require_decider(actor)
    appeal = _lock_filed(appeal)
    decision = _text(decision, "decision")
    if not decision:
        raise ValidationError({"decision": [_("Give the reason of the decision.")]})
    if appeal.scheme_run_id is not None:
        return _accept_run(actor, appeal, decision, corrections or {}, exempt, source)
    assert appeal.ranking_list is not None
    fixed = clean_values(appeal.ranking_list, corrections or {})
    if not fixed and not exempt:
        raise ValidationError(
            {"corrections": [_("An accepted appeal needs a corrected value or an exemption.")]}
        )
    before = appeal.snapshot()
    outcome = ranking_list_correct(
        actor=actor,
        ranking_list=appeal.ranking_list,
        unit_id=appeal.unit_id,
        project=appeal.project,
        values=fixed,
        exempt_reason=decision if exempt else "",
        source=source,
    )
    entry = _entry(appeal.ranking_list, appeal.unit_id, appeal.project_id)
    appeal.corrections = fixed
    appeal.exempted = bool(exempt)
    appeal.score_before, appeal.rank_before = outcome.score_before, outcome.rank_before
    appeal.verdict_before = outcome.verdict_before
    appeal.score_after, appeal.rank_after, appeal.verdict_after = entry.score, entry.rank, entry.verdict
    appeal.entries_changed = outcome.changed
    return _decided(actor, appeal, AppealState.ACCEPTED, decision, before, source)


@transaction.atomic
def appeal_reject(*, actor: Any, appeal: Appeal, decision: str, source: str = "web") -> Appeal:
    """Reject an appeal with its reason (required); the list stays as published."""
    _require_decider(actor)
    appeal = _lock_filed(appeal)
    decision = _text(decision, "decision")
    if not decision:
        raise ValidationError({"decision": [_("Give the reason of the rejection.")]})
    before = appeal.snapshot()
    if appeal.scheme_run is not None:
        row = run_row(appeal.scheme_run, appeal.unit.code) or {}
        appeal.score_before = appeal.score_after = row.get("total")
        appeal.rank_before = appeal.rank_after = row.get("rank")
        appeal.verdict_before = appeal.verdict_after = row.get("verdict") or ""
        return _decided(actor, appeal, AppealState.REJECTED, decision, before, source)
    assert appeal.ranking_list is not None
    entry = _entry(appeal.ranking_list, appeal.unit_id, appeal.project_id)
    appeal.score_before = appeal.score_after = entry.score
    appeal.rank_before = appeal.rank_after = entry.rank
    appeal.verdict_before = appeal.verdict_after = entry.verdict
    return _decided(actor, appeal, AppealState.REJECTED, decision, before, source)


def _decided(
    actor: Any, appeal: Appeal, state: str, decision: str, before: dict[str, Any], source: str
) -> Appeal:
    appeal.state = state
    appeal.decision = decision
    appeal.decided_at = clock.now()
    appeal.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    appeal.save()
    audit_change(actor=actor, obj=appeal, before=before, source=source)
    return appeal


def _run_overrides(
    run: SchemeRun, appeal: Appeal, fixed: dict[str, float], exempt: bool
) -> tuple[dict[tuple[int, str], float], set[int]]:
    """The corrected figures and exempted units of every accepted appeal of the run, and this
    one's: a run computed again keeps the corrections accepted before."""
    overrides: dict[tuple[int, str], float] = {}
    exempted: set[int] = set()
    accepted = Appeal.objects.filter(scheme_run=run, state=AppealState.ACCEPTED).order_by("decided_at", "pk")
    for other in accepted:
        for key, value in (other.corrections or {}).items():
            overrides[(other.unit_id, key)] = float(value)
        if other.exempted:
            exempted.add(other.unit_id)
    for key, value in fixed.items():
        overrides[(appeal.unit_id, key)] = value
    if exempt:
        exempted.add(appeal.unit_id)
    return overrides, exempted


def _accept_run(
    actor: Any, appeal: Appeal, decision: str, corrections: dict[str, Any], exempt: bool, source: str
) -> Appeal:
    """Accept an appeal on a scheme run: the run computed again at its ``as_of`` with the corrected
    figures, its rows replaced; audit rows for the run (the unit's row and the changed ranks) and
    the appeal (score, rank and verdict before and after)."""
    assert appeal.scheme_run_id is not None
    run = (
        SchemeRun.objects.select_for_update().select_related("scheme", "period").get(pk=appeal.scheme_run_id)
    )
    fixed = clean_run_values(run, corrections)
    if not fixed and not exempt:
        raise ValidationError(
            {"corrections": [_("An accepted appeal needs a corrected value or an exemption.")]}
        )
    code = appeal.unit.code
    old_rows = list(run.rows or [])
    old = run_row(run, code) or {}
    overrides, exempted = _run_overrides(run, appeal, fixed, exempt)
    rows = scheme_evaluate(
        scheme=run.scheme, period=run.period, as_of=run.as_of, exempt=exempted, overrides=overrides
    ).rows
    run.rows = rows
    run.save(update_fields=["rows"])
    new = run_row(run, code) or {}
    before_ranks = {r["unit"]: (r.get("rank"), r.get("total"), r.get("verdict")) for r in old_rows}
    after_ranks = {r["unit"]: (r.get("rank"), r.get("total"), r.get("verdict")) for r in rows}
    changed = sorted(u for u in after_ranks if before_ranks.get(u) != after_ranks[u])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=run,
        before={
            "appeal": appeal.pk,
            "unit": code,
            "row": old,
            "ranks": {u: before_ranks.get(u, (None,))[0] for u in changed},
        },
        after={
            "appeal": appeal.pk,
            "unit": code,
            "row": new,
            "ranks": {u: after_ranks[u][0] for u in changed},
            "corrections": fixed,
            "exempted": bool(exempt),
        },
        source=source,
    )
    before = appeal.snapshot()
    appeal.corrections = fixed
    appeal.exempted = bool(exempt)
    appeal.score_before, appeal.rank_before = old.get("total"), old.get("rank")
    appeal.verdict_before = old.get("verdict") or ""
    appeal.score_after, appeal.rank_after = new.get("total"), new.get("rank")
    appeal.verdict_after = new.get("verdict") or ""
    appeal.entries_changed = len(changed)
    return _decided(actor, appeal, AppealState.ACCEPTED, decision, before, source)

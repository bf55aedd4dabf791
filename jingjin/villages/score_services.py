"""Writes of the settlement-environment scorecards (人居环境评分): schemes and scores with photos.

The managers (the plan office and the rural bureau) set a year's scheme and score villages; a
photo is checked by extension and content (JPG, PNG) like report evidence
(:func:`jingjin.reporting.evidence.sniff_kind`), stored under a random name, audited.
"""

from __future__ import annotations

import hashlib
import io
import secrets
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from jingjin.core import clock
from jingjin.core.models import Unit
from jingjin.reporting.evidence import evidence_max_size, sniff_kind
from jingjin.villages.models import Scorecard, ScoreItem, ScoreLine, ScorePhoto, ScoreScheme
from jingjin.villages.services import require_manager, require_village

PHOTO_TYPES = {"jpg": "jpg", "jpeg": "jpg", "png": "png"}


@transaction.atomic
def score_scheme_set(
    *,
    actor: Any,
    year: int,
    name: str,
    items: Iterable[tuple[str, str, str, Decimal]],
    pass_mark: Decimal = Decimal(80),
    list_size: int = 3,
    is_synthetic: bool = False,
    source: str = "web",
) -> ScoreScheme:
    """Set the scheme of ``year``: its name, pass mark, list size and items ((code, Chinese name,
    English name, points)). Items of a scheme already used by a scorecard cannot change; the pass
    mark may not exceed the items' points. The audit row lists the items."""
    require_manager(actor)
    scheme = ScoreScheme.objects.filter(year=year).first()
    before = _with_items(scheme) if scheme is not None else None
    scheme = scheme or ScoreScheme(year=year)
    scheme.name, scheme.pass_mark, scheme.list_size, scheme.is_synthetic = (
        name,
        pass_mark,
        list_size,
        is_synthetic,
    )
    scheme.full_clean()
    scheme.save()
    rows = list(items)
    if rows:
        if scheme.scorecards.exists():
            raise ValidationError({"items": _("Villages were scored on this scheme; its items are fixed.")})
        codes = [code.strip() for code, *_rest in rows]
        if len(set(codes)) != len(codes) or any(points <= 0 for *_r, points in rows):
            raise ValidationError({"items": _("Each item needs its own code and points above 0.")})
        if any(not code or not zh.strip() for code, zh, *_r in rows):
            raise ValidationError({"items": _("Each item needs a code and a Chinese name.")})
        scheme.items.all().delete()
        ScoreItem.objects.bulk_create(
            ScoreItem(scheme=scheme, code=code.strip(), name_zh=zh.strip(), name_en=en.strip(), points=points)
            for code, zh, en, points in rows
        )
    total = sum((item.points for item in scheme.items.all()), Decimal(0))
    if total and pass_mark > total:
        raise ValidationError(
            {"pass_mark": _("The pass mark is above the items' %(total)s points.") % {"total": total}}
        )
    from jingjin.core.choices import AuditAction
    from jingjin.core.services import audit_record

    action = AuditAction.CREATE if before is None else AuditAction.UPDATE
    audit_record(
        actor=actor, action=action, obj=scheme, before=before, after=_with_items(scheme), source=source
    )
    return scheme


def _with_items(scheme: ScoreScheme) -> dict[str, Any]:
    """The scheme's audit snapshot with its items (code: points, name)."""
    items = {i.code: f"{i.points} {i.name_zh}" for i in scheme.items.order_by("code")}
    return scheme.snapshot() | {"items": items}


def _photo(scorecard: Scorecard, content: IO[bytes], name: str) -> ScorePhoto:
    original = (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()[:255] or "photo"
    extension = original.rsplit(".", 1)[-1].lower() if "." in original else ""
    kind = PHOTO_TYPES.get(extension)
    if kind is None:
        raise ValidationError({"photos": _("Photos must be JPG or PNG files.")})
    limit = evidence_max_size()
    data = content.read(limit + 1)
    if not data or len(data) > limit:
        raise ValidationError({"photos": _("A photo is empty or too large.")})
    if sniff_kind(data[:8192], io.BytesIO(data)) != kind:
        raise ValidationError(
            {
                "photos": _("The content of %(name)s is not a %(kind)s image.")
                % {"name": original, "kind": kind.upper()}
            }
        )
    digest = hashlib.sha256(data).hexdigest()
    photo = ScorePhoto(scorecard=scorecard, original_name=original, kind=kind, size=len(data), sha256=digest)
    photo.file.save(f"{secrets.token_hex(16)}.{kind}", ContentFile(data), save=False)
    photo.save()
    return photo


@transaction.atomic
def scorecard_save(
    *,
    actor: Any,
    scheme: ScoreScheme,
    village: Unit,
    on: date,
    inspector: str,
    points: dict[int, tuple[Decimal, str]],
    photos: Iterable[tuple[IO[bytes], str]] = (),
    is_synthetic: bool = False,
    source: str = "web",
) -> Scorecard:
    """Score ``village`` on ``scheme`` (replacing an earlier score of the year): ``points`` maps each
    item's id to (points given, note); every item must be given 0 … its points. The total is the sum."""
    from jingjin.core.services import audit_change

    require_manager(actor)
    require_village(None, village)
    items = {item.pk: item for item in scheme.items.all()}
    if not items:
        raise ValidationError({"items": _("The scheme has no items yet.")})
    errors = {}
    for pk, item in items.items():
        given = points.get(pk)
        if given is None or not (0 <= given[0] <= item.points):
            errors[f"item_{pk}"] = _("%(code)s: give 0 to %(max)s points.") % {
                "code": item.code,
                "max": item.points,
            }
    if set(points) - set(items):
        errors["items"] = _("An item is not of this scheme.")
    if on > clock.today() or on.year != scheme.year:
        errors["date"] = _("The date must lie in the scheme's year and not in the future.")
    if not inspector.strip():
        errors["inspector"] = _("Name the inspector.")
    if errors:
        raise ValidationError(errors)
    card = Scorecard.objects.filter(scheme=scheme, village=village).first()
    before = card.snapshot() if card is not None else None
    card = card or Scorecard(scheme=scheme, village=village)
    card.date, card.inspector, card.is_synthetic = on, inspector.strip(), is_synthetic
    card.total = sum((points[pk][0] for pk in items), Decimal(0))
    card.save()
    card.lines.all().delete()
    ScoreLine.objects.bulk_create(
        ScoreLine(scorecard=card, item_id=pk, points=points[pk][0], note=points[pk][1][:300]) for pk in items
    )
    for content, name in photos:
        _photo(card, content, name)
    after = card.snapshot() | {"lines": {items[pk].code: str(points[pk][0]) for pk in items}}
    from jingjin.core.choices import AuditAction
    from jingjin.core.services import audit_record

    if before is None:
        audit_change(actor=actor, obj=card, before=None, source=source)
    else:
        audit_record(
            actor=actor, action=AuditAction.UPDATE, obj=card, before=before, after=after, source=source
        )
    return card

"""Stationings (蹲点): create, log, close, and who may do each."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from jingjin.core import clock
from jingjin.core.models import AuditEntry, Unit
from jingjin.core.permissions import PermissionDenied
from jingjin.plans.models import Task
from jingjin.supervision import stationings
from jingjin.supervision.stationings import StationingClosed

pytestmark = pytest.mark.django_db


def _create(actor, **kw):
    today = clock.today()
    args = {
        "cadre_name": "张某（演示）",
        "cadre_unit": Unit.objects.get(code="t.a"),
        "purpose": "推进征地拆迁",
        "start": today - timedelta(days=10),
        "end": today + timedelta(days=50),
        "task": Task.objects.get(code="A1.M1.T1"),
    }
    args.update(kw)
    return stationings.stationing_create(actor=actor, **args)


def test_create_log_close(users):
    stationing = _create(users["office"])
    assert stationing.code.startswith("DD-")
    stationings.stationing_log(actor=users["reporter_a"], stationing=stationing, text="走访农户三户")
    with pytest.raises(PermissionDenied):
        stationings.stationing_log(actor=users["reporter_b"], stationing=stationing, text="x")
    with pytest.raises(ValidationError):
        stationings.stationing_log(
            actor=users["reporter_a"], stationing=stationing, text="x", day=clock.today() + timedelta(days=1)
        )
    with pytest.raises(PermissionDenied):
        stationings.stationing_close(actor=users["reporter_a"], stationing=stationing, summary="s")
    stationings.stationing_close(actor=users["office"], stationing=stationing, summary="按期完成")
    with pytest.raises(StationingClosed):
        stationings.stationing_log(actor=users["office"], stationing=stationing, text="晚了")
    with pytest.raises(StationingClosed):
        stationings.stationing_close(actor=users["office"], stationing=stationing, summary="again")
    [row] = stationings.stationings_at(task=Task.objects.get(code="A1.M1.T1"))
    assert row.summary == "按期完成" and [e.text for e in row.logs.all()] == ["走访农户三户"]
    assert AuditEntry.objects.filter(content_type__model="stationing", object_id=stationing.pk).count() == 3


def test_the_cadre_account_logs_and_bad_values_are_refused(users):
    stationing = _create(users["office"], cadre_user=users["county_c"])
    stationings.stationing_log(actor=users["county_c"], stationing=stationing, text="自己写")
    with pytest.raises(PermissionDenied):
        _create(users["leader"])
    with pytest.raises(ValidationError):
        _create(users["office"], task=None)
    with pytest.raises(ValidationError):
        _create(users["office"], end=clock.today() - timedelta(days=20))

"""Early warnings of the demo data: one recomputation at the end of ``make demo``."""

from __future__ import annotations

from datetime import date

from jingjin.alerts.services import warnings_refresh


def demo_warnings(*, today: date) -> int:
    """Recompute the warnings for ``today`` (no e-mail for the synthetic data); return how many are open."""
    from jingjin.alerts.models import Warning as EarlyWarning

    warnings_refresh(as_of=today, actor=None, notify=False)
    return EarlyWarning.objects.filter(resolved_at__isnull=True).count()

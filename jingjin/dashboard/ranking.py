"""Red/black lists (红黑榜) of the cockpit and the bulletin — provided by the assessment app when it
has them (looked up at run time, never imported).
"""

from __future__ import annotations

import importlib
import logging
from decimal import Decimal
from typing import Any

from django.apps import apps

from jingjin.reporting.models import ReportingPeriod

logger = logging.getLogger(__name__)


#: the function of ``jingjin.assessment.selectors`` the cockpit and the bulletin call, if it exists
RANKING_PROVIDER = "cockpit_ranking_lists"


def ranking_lists(*, user: Any, period: ReportingPeriod | None = None) -> list[dict[str, Any]]:
    """The latest published red/black lists (红黑榜), or ``[]`` while the assessment app has none.

    The assessment app is looked up at run time, never imported here: when it is installed, has a
    ``RankingList`` model and its ``selectors`` module defines ``cockpit_ranking_lists(*, user,
    period)``, that function's result is used. The contract (see ``docs/dashboard.md``): a list of
    ``{"title": str, "period": str, "red": [entry], "black": [entry]}`` with entries
    ``{"unit": str, "score": float | None, "reason": str}``, and optionally the list's ``"id":
    int`` and each entry's unit ``"code": str`` (for the drill-down). Anything else gives ``[]``.
    """
    if not apps.is_installed("jingjin.assessment"):
        return []
    try:
        apps.get_model("assessment", "RankingList")
    except LookupError:
        return []
    try:
        module = importlib.import_module("jingjin.assessment.selectors")
    except Exception:  # a broken or missing module: the page works without the lists
        logger.exception("the selectors of the assessment app could not be imported")
        return []
    provider = getattr(module, RANKING_PROVIDER, None)
    if provider is None:
        return []
    try:
        lists = list(provider(user=user, period=period))
    except Exception:  # the page must work whatever the other app does
        logger.exception("the red/black lists of the assessment app could not be read")
        return []
    return [_clean_list(item) for item in lists if isinstance(item, dict)]


def _clean_list(item: dict[str, Any]) -> dict[str, Any]:
    def entries(key: str) -> list[dict[str, Any]]:
        out = []
        for entry in item.get(key) or []:
            if isinstance(entry, dict):
                score = entry.get("score")
                clean: dict[str, Any] = {
                    "unit": str(entry.get("unit", "")),
                    "score": float(score)
                    if isinstance(score, int | float | Decimal) and not isinstance(score, bool)
                    else None,
                    "reason": str(entry.get("reason", "")),
                }
                if entry.get("code"):
                    clean["code"] = str(entry["code"])
                out.append(clean)
        return out

    result: dict[str, Any] = {
        "title": str(item.get("title", "")),
        "period": str(item.get("period", "")),
        "red": entries("red"),
        "black": entries("black"),
    }
    list_id = item.get("id")
    if isinstance(list_id, int) and not isinstance(list_id, bool):
        result["id"] = list_id
    return result

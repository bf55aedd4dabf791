"""Template tags that show, on another app's page, the leaders' instructions written there and the
cadres stationed there (蹲点): ``{% load supervision_practices %}{% instructions_here task=task %}``,
``{% stationings_here project=project %}``."""

from __future__ import annotations

from typing import Any

from django import template

from jingjin.core.permissions import may_give_instructions
from jingjin.supervision.instructions import instructions_on
from jingjin.supervision.stationings import stationings_at

register = template.Library()


@register.inclusion_tag("supervision/instructions_here.html", takes_context=True)
def instructions_here(context: Any, **target: Any) -> dict[str, Any]:
    """The history of the instructions on one target, and the link to write one."""
    ((name, obj),) = target.items()
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "rows": instructions_on(**target) if obj is not None else [],
        "target_name": name,
        "target": obj,
        "can_give": obj is not None and may_give_instructions(user),
    }


@register.inclusion_tag("supervision/stationings_here.html")
def stationings_here(**target: Any) -> dict[str, Any]:
    """The cadres stationed at one task, project or village, with their logs."""
    ((_name, obj),) = target.items()
    return {"stationing_rows": stationings_at(**target) if obj is not None else []}

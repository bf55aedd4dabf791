from typing import Any

from django.http import HttpRequest

from jingjin.core import clock
from jingjin.core.permissions import (
    can_fill_reports,
    can_review_reports,
    may_see_report_overview,
    may_urge_reports,
    reads_only,
)


def roles(request: HttpRequest) -> dict[str, Any]:
    """The signed-in user's unit and profile for every template, what the menus may offer (the named
    predicates of :mod:`jingjin.core.permissions`, so that no template compares roles), and the
    number of the user's unread notifications (counted only when a template shows it)."""
    user = getattr(request, "user", None)
    profile = getattr(user, "profile", None) if user is not None and user.is_authenticated else None

    def unread_notifications() -> int:
        from jingjin.alerts.selectors import unread_count

        return unread_count(user=user)

    return {
        "user_unit": profile.unit if profile is not None else None,
        "user_profile": profile,
        "unread_notifications": unread_notifications,
        "may_fill_reports": can_fill_reports(user),
        "may_review_reports": can_review_reports(user),
        "may_see_overview": may_see_report_overview(user),
        "may_urge_reports": may_urge_reports(user),
        "reads_only": reads_only(user),
    }


def as_of(request: HttpRequest) -> dict[str, Any]:
    """The fixed "today" of ``JINGJIN_AS_OF`` (None on the real date), shown in every page's header."""
    return {"as_of_date": clock.as_of()}

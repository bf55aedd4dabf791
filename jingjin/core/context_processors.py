from typing import Any

from django.http import HttpRequest

from jingjin.core import clock
from jingjin.core.permissions import role_of


def roles(request: HttpRequest) -> dict[str, Any]:
    """The signed-in user's role and unit for every template, and the number of the user's unread
    notifications (counted only when a template shows it)."""
    user = getattr(request, "user", None)
    profile = getattr(user, "profile", None) if user is not None and user.is_authenticated else None

    def unread_notifications() -> int:
        from jingjin.alerts.selectors import unread_count

        return unread_count(user=user)

    return {
        "user_role": role_of(user),
        "user_unit": profile.unit if profile is not None else None,
        "user_profile": profile,
        "unread_notifications": unread_notifications,
    }


def as_of(request: HttpRequest) -> dict[str, Any]:
    """The fixed "today" of ``JINGJIN_AS_OF`` (None on the real date), shown in every page's header."""
    return {"as_of_date": clock.as_of()}

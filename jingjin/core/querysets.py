"""``RestrictedQuerySet``: the query side of the one permission rule (see ``permissions``)."""

from __future__ import annotations

from typing import Any

from django.db import models


class RestrictedQuerySet(models.QuerySet[Any]):
    def restrict(self, user: Any, action: str = "view") -> RestrictedQuerySet:
        """Only the objects ``user`` may ``action`` (view, add, change, delete)."""
        from jingjin.core.permissions import restrict

        return restrict(user, action, self)

"""Conflicts: two users writing the same thing at the same moment, or a database too busy to write.

Such a request gets a **409** with a message ("try again"), never a 500 — in the API through
:func:`api_exception_handler` (``REST_FRAMEWORK["EXCEPTION_HANDLER"]``), on the pages through
:class:`ConflictMiddleware`. A conflict is:

* SQLite "database is locked" / "database table is locked" (a writer still waiting after the busy
  timeout, see ``DATABASES`` in the settings);
* PostgreSQL serialisation failures, deadlocks and lock timeouts (SQLSTATE 40001, 40P01, 55P03);
* a unique or foreign-key violation (SQLSTATE 23505, 23503; SQLite "UNIQUE constraint failed",
  "FOREIGN KEY constraint failed"): the services check uniqueness and references before they
  write, so such an error means another request wrote in between (a duplicate created at the same
  moment, a row deleted meanwhile). Other integrity errors (NOT NULL, CHECK) stay server errors:
  they are bugs, not races.

Nothing is half-written: every service is one transaction, rolled back before the 409 is sent.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import DatabaseError, IntegrityError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

#: PostgreSQL SQLSTATEs of a conflict: serialisation failure, deadlock, lock not available
RETRY_STATES = {"40001", "40P01", "55P03"}
#: PostgreSQL SQLSTATEs of a write that collided with another: unique and foreign-key violations
COLLISION_STATES = {"23505", "23503"}
_SQLITE_BUSY = ("database is locked", "database table is locked", "database schema is locked")
_SQLITE_COLLISION = ("unique constraint failed", "foreign key constraint failed")


def _sqlstate(exc: BaseException) -> str:
    cause = exc.__cause__ or exc.__context__
    for candidate in (exc, cause):
        state = getattr(candidate, "sqlstate", None) or getattr(candidate, "pgcode", None)
        if state:
            return str(state)
    return ""


def is_busy(exc: BaseException) -> bool:
    """Is ``exc`` a database that could not take the write now (locked, deadlock, serialisation)?"""
    if not isinstance(exc, DatabaseError):
        return False
    if _sqlstate(exc) in RETRY_STATES:
        return True
    return isinstance(exc, OperationalError) and any(text in str(exc).lower() for text in _SQLITE_BUSY)


def is_collision(exc: BaseException) -> bool:
    """Is ``exc`` a unique or foreign-key violation (another request wrote the same row first)?"""
    if not isinstance(exc, IntegrityError):
        return False
    if _sqlstate(exc) in COLLISION_STATES:
        return True
    return any(text in str(exc).lower() for text in _SQLITE_COLLISION)


def is_conflict(exc: BaseException) -> bool:
    """Does ``exc`` deserve a 409 (see the module's description)?"""
    return is_busy(exc) or is_collision(exc)


def conflict_message(exc: BaseException) -> str:
    """The message of a conflict, in the UI's language."""
    if is_busy(exc):
        return _(
            "The database is busy with another change (for example a large import). "
            "Nothing was saved: try again in a moment."
        )
    return _(
        "Someone else changed the same data at the same moment. "
        "Nothing was saved: reload the page and try again."
    )


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Any:
    """DRF's exception handler, plus conflicts as 409 ``{"detail": ...}``."""
    from rest_framework.response import Response
    from rest_framework.views import exception_handler, set_rollback

    if is_conflict(exc):
        set_rollback()
        return Response({"detail": conflict_message(exc)}, status=409)
    return exception_handler(exc, context)


class ConflictMiddleware:
    """Pages: a conflict becomes the 409 page (``409.html``; JSON under ``/api/``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_conflict(exception):
            return None
        message = conflict_message(exception)
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message}, status=409)
        return render(request, "409.html", {"message": message}, status=409)

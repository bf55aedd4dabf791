"""Figures of the cockpit kept in Django's cache until the next write.

A cached entry is stored under a key made of what the figures depend on besides the data — the
plan, the period (with its deadline), the day, the language and what the user may see — and holds
the *data version* it was computed at: the id of the newest audit row, which every write of the
platform moves (each write goes through a service that leaves an audit row). A read whose data
version differs from the entry's computes the figures again and replaces the entry, so a key holds
one entry whatever the number of writes, and no write is ever missed. The version is also stored
on its own (``<key>:version``) and read first, so a stale entry is never loaded.

What the user may see enters the key as the SQL of the restricted querysets the figures are read
from (:func:`scope`): users whose ``restrict`` gives the same rows share an entry, users who see
different parts of the plan never do, whatever the permission rules say.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any, TypeVar, cast

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db.models import Max, QuerySet

from jingjin.core.models import AuditEntry

T = TypeVar("T")

#: how long an entry stays (any write makes it stale at once anyway; a day bounds forgotten keys)
CACHE_SECONDS = 24 * 3600


def data_version() -> int:
    """A number that changes with every write: the newest audit row (every write of the platform
    goes through a service that leaves one). An index lookup."""
    return AuditEntry.objects.aggregate(last=Max("pk"))["last"] or 0


def scope(*querysets: QuerySet[Any]) -> str:
    """A digest of what ``querysets`` (already restricted to a user) read: their SQL and
    parameters. An empty queryset (``.none()``) has no SQL and is written as such."""
    digest = hashlib.blake2b(digest_size=16)
    for queryset in querysets:
        try:
            sql, params = queryset.query.sql_with_params()
        except EmptyResultSet:
            sql, params = "none", ()
        digest.update(f"{queryset.model._meta.label}\x00{sql}\x00{params!r}\x01".encode())
    return digest.hexdigest()


def cached(key: str, version: int, compute: Callable[[], T], timeout: int = CACHE_SECONDS) -> T:
    """``compute()``, or its result stored under ``key`` at data version ``version``.

    ``version`` must be read (:func:`data_version`) *before* the data the figures come from: a
    write that lands while they are computed leaves an entry with the older version, computed
    again by the next read."""
    # the version alone first: a stale entry (a megabyte and more) is not loaded for nothing
    if cache.get(f"{key}:version") == version:
        found = cache.get(key)
        if found is not None and found[0] == version:  # the pair may come from two writers
            return cast(T, found[1])
    value = compute()
    cache.set_many({key: (version, value), f"{key}:version": version}, timeout)
    return value

"""Messages of Django-free modules (the plan file, the benchmark data) in the reader's language.

The file checkers run from the command line without Django and from the pages with a request
language. They write their messages with :func:`_`: an English msgid and its parameters. The
result is a :class:`Msg`, a ``str`` holding the English text (so the command line, logs and
``str()`` stay English and nothing else changes), which also keeps the msgid and the parameters
so that a page shows it in the UI's language with :func:`translated` (the ``tr`` template filter).
``_`` is a keyword of ``makemessages``: the msgids land in the catalogue.
"""

from __future__ import annotations

from typing import Any


class Msg(str):
    """An English message that can be translated later: ``msgid % params``."""

    msgid: str
    params: dict[str, Any]

    def __new__(cls, msgid: str, params: dict[str, Any] | None = None) -> Msg:
        params = dict(params or {})
        text = msgid % {k: str(v) for k, v in params.items()} if params else msgid
        obj = super().__new__(cls, text)
        obj.msgid = msgid
        obj.params = params
        return obj

    def translated(self) -> str:
        """The message in the active language (parameters that are messages too are translated)."""
        from django.utils.translation import gettext

        values = {k: translated(v) for k, v in self.params.items()}
        try:
            return gettext(self.msgid) % values if values else gettext(self.msgid)
        except (KeyError, TypeError, ValueError):
            return str(self)


def _(msgid: str, **params: Any) -> Msg:
    """Mark an English message for translation, with its ``%(name)s`` parameters."""
    return Msg(msgid, params)


def translated(value: Any) -> str:
    """``value`` in the active language when it is a :class:`Msg`, else as text."""
    return value.translated() if isinstance(value, Msg) else str(value)

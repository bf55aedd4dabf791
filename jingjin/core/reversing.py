"""One URL pattern reversed for many values of its last argument, at the cost of one
:func:`django.urls.reverse` (pages that link every row of a long list: a county's tasks on the
cockpit, the tasks of the cockpit's list and of its JSON).

``reverse`` builds every URL afresh: it goes through the name's patterns, substitutes the
arguments, checks the result against the pattern's regular expression and quotes it.
:func:`reverser` reverses the name once for each of three stand-ins of the last argument and
makes each URL from the two parts around the stand-in, the value quoted as ``reverse`` quotes
it (``safe=RFC3986_SUBDELIMS + "/~:@"``), only where ``reverse`` is known to take the same
pattern and accept the value:

* a text that is not empty and holds neither "/" nor a line break, where a text only ``str``
  and ``path`` converters take, letters and digits all come out of the same pattern;
* an ``int`` that is not negative (not ``bool``), from the pattern the digits come out of.

Any other value, or a name where a stand-in does not come out once and as it went in, goes to
``reverse`` itself: every URL is the one ``reverse`` gives, or ``reverse``'s error
(``tests/core/test_reversing.py`` checks both on awkward values and on names with several
patterns)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Final
from urllib.parse import quote

from django.urls import NoReverseMatch, reverse
from django.utils.http import RFC3986_SUBDELIMS

#: Stand-ins for the last argument, unchanged by quoting: a text only ``str`` and ``path``
#: converters take (the dot and the space), letters (``slug`` too), digits (``int`` too).
_TEXT: Final = "jj.stand in"
_LETTERS: Final = "jjstandin"
_DIGITS: Final = 987654321987654321
_SAFE: Final = RFC3986_SUBDELIMS + "/~:@"


def _parts(viewname: str, fixed: Sequence[Any], stand_in: Any) -> tuple[str, str] | None:
    """The URL around ``stand_in`` as the last argument, or None where the pattern does not take
    it or it does not come out once and as it went in."""
    try:
        url = reverse(viewname, args=[*fixed, stand_in])
    except NoReverseMatch:
        return None
    marker = quote(str(stand_in), safe=_SAFE)
    if url.count(marker) != 1:
        return None
    head, _marker, tail = url.partition(marker)
    return head, tail


def reverser(viewname: str, *fixed: Any) -> Callable[[Any], str]:
    """A function ``value`` → ``reverse(viewname, args=[*fixed, value])`` (see the module).

    The text route is taken only where the stand-ins of text, letters and digits all come out
    of the same pattern: where a name has another pattern before it that takes some values
    (a slug or an integer), ``reverse`` would choose that one for them."""
    text, letters, digits = (_parts(viewname, fixed, s) for s in (_TEXT, _LETTERS, _DIGITS))
    texts = text if text is not None and text == letters == digits else None

    def each(value: Any) -> str:
        if texts is not None and isinstance(value, str) and value and "/" not in value and "\n" not in value:
            return texts[0] + quote(value, safe=_SAFE) + texts[1]
        if digits is not None and type(value) is int and value >= 0:
            return digits[0] + str(value) + digits[1]
        return reverse(viewname, args=[*fixed, value])

    return each

"""The unified social credit code (统一社会信用代码) of GB 32100-2015.

18 characters from the 31 of :data:`ALPHABET` (digits and capitals without I, O, Z, S, V). The
18th is the check character: with the values ``v_i`` of the first 17 characters (their place in
:data:`ALPHABET`) and the weights ``w_i = 3^(i-1) mod 31`` (:data:`WEIGHTS`),

    check = (31 − (Σ v_i · w_i) mod 31) mod 31

(GB 32100-2015, 附录 B). Nothing here imports Django; :func:`invalid_mask` checks a whole column
at once (numpy), for imports of many firms.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
LENGTH = 18

_VALUE = np.full(128, -1, dtype=np.int64)
for _i, _c in enumerate(ALPHABET):
    _VALUE[ord(_c)] = _i


def check_character(first17: str) -> str:
    """The check character of the first 17 characters (which must be in :data:`ALPHABET`)."""
    total = sum(ALPHABET.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def is_valid(code: str) -> bool:
    """Is ``code`` 18 characters of :data:`ALPHABET` with the right check character?"""
    if len(code) != LENGTH or any(c not in ALPHABET for c in code):
        return False
    return check_character(code[:17]) == code[17]


def invalid_mask(codes: Sequence[str]) -> np.ndarray:
    """A boolean array: True where a code is not valid (:func:`is_valid`), vectorised."""
    n = len(codes)
    bad = np.ones(n, dtype=bool)
    if n == 0:
        return bad
    lengths = np.fromiter((len(c) for c in codes), dtype=np.int64, count=n)
    fit = np.flatnonzero(lengths == LENGTH)
    if fit.size == 0:
        return bad
    raw = "".join(codes[int(i)] for i in fit).encode("utf-32-le")
    points = np.frombuffer(raw, dtype=np.uint32).reshape(fit.size, LENGTH).astype(np.int64)
    values = np.where(points < 128, _VALUE[np.minimum(points, 127)], -1)
    known = (values >= 0).all(axis=1)
    total = values[:, :17] @ np.asarray(WEIGHTS, dtype=np.int64)
    expected = (31 - total % 31) % 31
    bad[fit] = ~(known & (values[:, 17] == expected))
    return bad

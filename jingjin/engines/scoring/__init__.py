"""Composite scoring: normalisation, entropy weights, TOPSIS, ranks and classes (综合评价).

The building block under every ranking of the platform — red/black lists (红黑榜), county
assessments (考核), per-mu evaluation of firms (亩均效益评价, :mod:`jingjin.engines.land`) and
the composite city index (熵权 TOPSIS). Everything is pure and vectorised: numpy arrays and
polars DataFrames in, the same out, no file input/output.

Public API
----------
- :func:`entropy_weights` — the entropy weight method (熵权法).
- :func:`topsis` — TOPSIS with vector normalisation (逼近理想解排序法).
- :func:`rank` — ranks, 1 = best, ties share the smallest rank (1, 2, 2, 4).
- :func:`normalize` — one criterion column normalised to a "higher is better" value.
- :class:`ScoreSpec` (built with :meth:`ScoreSpec.from_dict`) and :func:`score` — a whole
  scheme: criteria, weights, method, bonus (加分) and deduction (扣分) items, gates, peer
  groups, classes (A/B/C/D …) and exemptions (不定等级), explainable item by item.

Modules: :mod:`~jingjin.engines.scoring.mcda` (entropy, TOPSIS, ranks on arrays),
:mod:`~jingjin.engines.scoring.normalization`, :mod:`~jingjin.engines.scoring.spec` (the
spec dataclasses), :mod:`~jingjin.engines.scoring.table` (:func:`score` on a DataFrame) and
``_inputs`` (column checks shared with the land and allocation engines).

Rows in error messages are *data rows counted from 1 below the header*: data row 1 is the
first row under the column names, which a spreadsheet shows as row 2.

Sources: Hwang & Yoon (1981), *Multiple Attribute Decision Making*, pp. 128–134 (TOPSIS);
Shannon entropy weights as used in Chinese evaluation practice (熵权法); the class rules by
rank share or score of ../shared/REFERENCE.md §4.1–4.3 and the gate logic of §9.
"""

from jingjin.engines.scoring._inputs import (
    ROWS_NOTE,
    InputError,
    check_ids,
    flag_column,
    numeric_column,
    rows_text,
)
from jingjin.engines.scoring.mcda import TopsisParts, entropy_weights, rank, topsis, topsis_parts
from jingjin.engines.scoring.normalization import NORMALIZATIONS, normalize, resolve_benchmark
from jingjin.engines.scoring.spec import METHODS, Adjustment, Classes, Criterion, Gate, ScoreSpec
from jingjin.engines.scoring.table import (
    ScoreResult,
    class_series,
    rank_series,
    score,
    score_arrays,
    score_details,
)

__all__ = [
    "METHODS",
    "NORMALIZATIONS",
    "ROWS_NOTE",
    "Adjustment",
    "Classes",
    "Criterion",
    "Gate",
    "InputError",
    "ScoreResult",
    "ScoreSpec",
    "TopsisParts",
    "check_ids",
    "class_series",
    "entropy_weights",
    "flag_column",
    "normalize",
    "numeric_column",
    "rank",
    "rank_series",
    "resolve_benchmark",
    "rows_text",
    "score",
    "score_arrays",
    "score_details",
    "topsis",
    "topsis_parts",
]

"""The gap scores of a chain's links (补链延链拓链) for the chain page and the attraction list.

The score is the engine's :func:`jingjin.engines.parks.chain_gaps`: importance × (1 − coverage),
coverage = min(1, local output / reference output). The local output of a link is the output of
the firms on it; a firm on several links counts on each with an equal share of its output (a firm
of 900 万元 on three links gives 300 to each), so the chain's output is never counted twice. A
firm without an output counts as a firm with 0. Everything is read in flat queries (links, the
(firm, link) rows of the chain's firms, their outputs), whatever the number of firms.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np

from jingjin.engines import parks as engine
from jingjin.parks.models import Chain, ChainLink, Firm


@dataclass(frozen=True)
class LinkGap:
    """One link's gap: score (0–1), coverage (0–1), local output (万元) and number of firms."""

    link_id: int
    score: float
    coverage: float
    local_output: float
    firms: int

    @property
    def coverage_percent(self) -> float:
        return round(self.coverage * 100, 1)


def link_gaps(links: list[ChainLink]) -> dict[int, LinkGap]:
    """The gap of each link of ``links`` (link id → :class:`LinkGap`), in three queries."""
    if not links:
        return {}
    index = {link.pk: i for i, link in enumerate(links)}
    through = Firm.chain_links.through
    firm_ids = through.objects.filter(chainlink_id__in=list(index)).values("firm_id")
    pairs = list(through.objects.filter(firm_id__in=firm_ids).values_list("firm_id", "chainlink_id"))
    shares = Counter(firm for firm, _link in pairs)  # every link of the firm, in any chain
    output = dict(Firm.objects.filter(pk__in=shares.keys()).values_list("pk", "output"))
    rows = [(index[link], firm) for firm, link in pairs if link in index]
    gaps = engine.chain_gaps(
        np.array([float(link.importance) for link in links]),
        np.array(
            [np.nan if link.reference_output is None else float(link.reference_output) for link in links]
        ),
        np.array([i for i, _f in rows], dtype=np.int64),
        np.array([float(output[f] or 0) / shares[f] for _i, f in rows], dtype=np.float64),
    )
    return {
        link.pk: LinkGap(
            link_id=link.pk,
            score=float(gaps.score[i]),
            coverage=float(gaps.coverage[i]),
            local_output=float(gaps.local_output[i]),
            firms=int(gaps.firms[i]),
        )
        for i, link in enumerate(links)
    }


def chain_gaps(chain: Chain) -> dict[int, LinkGap]:
    """The gap of every link of ``chain``."""
    return link_gaps(list(ChainLink.objects.filter(chain=chain)))


def with_gaps(positions: list[dict[str, Any]], gaps: dict[int, LinkGap]) -> list[dict[str, Any]]:
    """The chain page's columns (from :func:`jingjin.parks.selectors.chain_detail`) with each
    row's ``gap``, the rows of each position sorted by gap score, the biggest first (then by the
    link's order)."""
    out = []
    for column in positions:
        rows = [{"row": row, "gap": gaps[row.link.pk]} for row in column["links"]]
        rows.sort(key=lambda r: (-r["gap"].score, r["row"].link.order, r["row"].link.code))
        out.append({**column, "links": rows})
    return out


def chart_data(chain: Chain, positions: list[dict[str, Any]]) -> dict[str, Any]:
    """The data of the chain diagram (static/jingjin/attraction.js): per position its label and
    its links with name and gap score."""
    return {
        "positions": [
            {
                "label": str(column["label"]),
                "links": [
                    {"name": r["row"].link.name, "score": round(r["gap"].score, 3)} for r in column["links"]
                ],
            }
            for column in positions
        ]
    }

"""Multi-criteria scoring: weighted scores, ranking and sensitivity — pure functions.

Method (stated in the briefs' methods note):
- each score is normalized to 0–1 on its criterion's scale, reversed where lower is
  better; an option's total is the weight-averaged normalized score;
- weight range: for criterion k with base share w_k, moving its share to w and
  rescaling the others in proportion gives T_j(w) = w·u_jk + (1 − w)·R_j, linear in w;
  the range is the interval of w in [0, 1] where the top option's T is highest;
- rank stability: the share of ``samples`` weight vectors, each base weight multiplied
  by exp(N(0, spread)) and renormalized (fixed seed), for which the top option stays top.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Criterion:
    id: str
    weight: float
    low: int
    high: int
    higher_is_better: bool

    def utility(self, score: int) -> float:
        """A score normalized to 0 (worst) … 1 (best)."""
        share = (score - self.low) / (self.high - self.low)
        return share if self.higher_is_better else 1.0 - share


@dataclass(frozen=True)
class Ranked:
    option: str
    total: float
    rank: int


@dataclass(frozen=True)
class WeightRange:
    criterion: str
    base: float  # normalized base weight
    low: float
    high: float  # the top option stays on top for weights in [low, high]


def shares(criteria: Sequence[Criterion]) -> dict[str, float]:
    total = sum(c.weight for c in criteria)
    return {c.id: c.weight / total for c in criteria}


def totals(
    criteria: Sequence[Criterion],
    scores: Mapping[str, Mapping[str, int]],
    weights: Mapping[str, float] | None = None,
) -> dict[str, float]:
    """Weighted total per option, weights normalized to sum 1."""
    weights = weights or shares(criteria)
    return {
        option: sum(weights[c.id] * c.utility(by_criterion[c.id]) for c in criteria)
        for option, by_criterion in scores.items()
    }


def rank(totals_by_option: Mapping[str, float]) -> list[Ranked]:
    """Highest total first; ties share a rank and are ordered by option id."""
    ordered = sorted(totals_by_option.items(), key=lambda item: (-round(item[1], 12), item[0]))
    ranked: list[Ranked] = []
    for position, (option, total) in enumerate(ordered, start=1):
        tied = ranked and math.isclose(ranked[-1].total, total, abs_tol=1e-12)
        ranked.append(Ranked(option, total, ranked[-1].rank if tied else position))
    return ranked


def weight_range(
    criteria: Sequence[Criterion], scores: Mapping[str, Mapping[str, int]], top: str, k: str
) -> WeightRange:
    """Range of criterion k's weight share over which ``top`` stays (weakly) on top."""
    base = shares(criteria)
    others = [c for c in criteria if c.id != k]
    rest = sum(base[c.id] for c in others)
    criterion = next(c for c in criteria if c.id == k)

    def line(option: str) -> tuple[float, float]:
        """T(w) = slope·w + intercept for this option."""
        u_k = criterion.utility(scores[option][k])
        r = sum(base[c.id] * c.utility(scores[option][c.id]) for c in others) / rest if rest else 0
        return u_k - r, r

    low, high = 0.0, 1.0
    top_slope, top_intercept = line(top)
    for option in scores:
        if option == top:
            continue
        slope, intercept = line(option)
        # top stays on top while (top_slope - slope)·w + (top_intercept - intercept) >= 0
        a, b = top_slope - slope, top_intercept - intercept
        if abs(a) < 1e-12:
            if b < -1e-12:
                low, high = 1.0, 0.0
            continue
        crossing = -b / a
        if a > 0:
            low = max(low, crossing)
        else:
            high = min(high, crossing)
    low, high = max(0.0, low), min(1.0, high)
    return WeightRange(k, base[k], low, high)


def rank_stability(
    criteria: Sequence[Criterion],
    scores: Mapping[str, Mapping[str, int]],
    top: str,
    *,
    samples: int,
    spread: float,
    seed: int,
) -> float:
    """Share of perturbed weight vectors for which ``top`` keeps the highest total."""
    generator = random.Random(seed)
    base = shares(criteria)
    kept = 0
    for _ in range(samples):
        raw = {c.id: base[c.id] * math.exp(generator.gauss(0.0, spread)) for c in criteria}
        norm = sum(raw.values())
        result = totals(criteria, scores, {key: value / norm for key, value in raw.items()})
        best = max(result.values())
        if math.isclose(result[top], best, abs_tol=1e-12):
            kept += 1
    return kept / samples

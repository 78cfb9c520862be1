"""How much the ranking rests on the scores and weights as given — pure functions.

- equal weights: the ranking with every criterion weighted the same;
- single changes: every one-point change (±1, within the scale) to one score, listing
  those after which the top option is no longer alone on top (exhaustive);
- joint draw: ``samples`` draws (fixed seed) in which every score moves up one point with
  probability ``p``, down one with probability ``p`` (clamped to its scale); the share of
  draws in which the top option stays alone on top, and in which it ties for first.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from briefgen.analyse.mcda import Criterion, Ranked, rank, shares, totals

Scores = Mapping[str, Mapping[str, int]]


@dataclass(frozen=True)
class Change:
    option: str
    criterion: str
    before: int
    after: int
    leaders: tuple[str, ...]  # the options on top after the change (sorted by id)


@dataclass(frozen=True)
class Robustness:
    equal_weights: list[Ranked]
    changes: list[Change]  # the single changes that flip or tie the top
    possible: int  # how many single changes there are
    kept: float  # share of joint draws with the top option alone on top
    tied: float  # share of joint draws with it tied for first
    samples: int
    probability: float
    seed: int


def whole_points(total: float) -> int:
    """A 0–1 total as whole points of 100, halves rounded up (62.5 → 63)."""
    return int(Decimal(repr(round(total * 100, 9))).quantize(Decimal(1), ROUND_HALF_UP))


def leaders(ranked: Sequence[Ranked]) -> tuple[str, ...]:
    return tuple(sorted(r.option for r in ranked if r.rank == 1))


def single_changes(
    criteria: Sequence[Criterion], scores: Scores, top: str
) -> tuple[list[Change], int]:
    """Every ±1 change of one score that leaves ``top`` not alone on top; and the count."""
    changes, possible = [], 0
    for option in sorted(scores):
        for criterion in criteria:
            before = scores[option][criterion.id]
            for after in (before - 1, before + 1):
                if not criterion.low <= after <= criterion.high:
                    continue
                possible += 1
                changed = {o: dict(s) for o, s in scores.items()}
                changed[option][criterion.id] = after
                now = leaders(rank(totals(criteria, changed)))
                if now != (top,):
                    changes.append(Change(option, criterion.id, before, after, now))
    return changes, possible


def joint_draw(
    criteria: Sequence[Criterion],
    scores: Scores,
    top: str,
    *,
    samples: int,
    probability: float,
    seed: int,
) -> tuple[float, float]:
    """(share alone on top, share tied for first) over seeded joint ±1 draws."""
    generator = random.Random(seed)
    weights = shares(criteria)
    options = sorted(scores)
    # Each score's weighted utility a step down, as given and a step up (clamped), looked
    # up per draw: the same products, summed in the same order, as ``totals`` of the
    # drawn scores, from the same sequence of rolls (criteria in order, options sorted).
    terms = [
        [
            tuple(
                weights[c.id] * c.utility(min(max(scores[option][c.id] + step, c.low), c.high))
                for step in (-1, 0, 1)
            )
            for c in criteria
        ]
        for option in options
    ]
    down, up = probability, 2 * probability
    roll = generator.random
    kept = tied = 0
    for _ in range(samples):
        result = []
        for by_criterion in terms:
            drawn = []
            for term in by_criterion:
                value = roll()
                drawn.append(term[0] if value < down else term[2] if value < up else term[1])
            result.append(sum(drawn))
        best = max(result)
        at_top = [
            o for o, t in zip(options, result, strict=True) if math.isclose(t, best, abs_tol=1e-12)
        ]
        if at_top == [top]:
            kept += 1
        elif top in at_top:
            tied += 1
    return kept / samples, tied / samples


def robustness(
    criteria: Sequence[Criterion],
    scores: Scores,
    top: str,
    *,
    samples: int,
    probability: float,
    seed: int,
) -> Robustness:
    equal = [Criterion(c.id, 1.0, c.low, c.high, c.higher_is_better) for c in criteria]
    changes, possible = single_changes(criteria, scores, top)
    kept, tied = joint_draw(
        criteria, scores, top, samples=samples, probability=probability, seed=seed
    )
    return Robustness(
        rank(totals(equal, scores)), changes, possible, kept, tied, samples, probability, seed
    )

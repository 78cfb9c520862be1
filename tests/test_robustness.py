"""Score robustness: the figures the editorial review recomputed by hand (section (c), C7)
come out of ``analyse/robustness.py`` for the seed's scores as they stood at 1195996."""

from __future__ import annotations

import math
import random

import pytest

from briefgen.analyse.mcda import Criterion, rank, totals
from briefgen.analyse.robustness import joint_draw, robustness, single_changes, whole_points

# (id, weight, higher is better), the seed's criteria at 1195996.
CRITERIA = [
    Criterion(k, w, 1, 5, up)
    for k, w, up in (
        ("crisis", 3, True),
        ("scope", 2, True),
        ("seoul", 2, True),
        ("tokyo", 1, True),
        ("legal", 2, True),
        ("china", 1, False),
        ("burden", 1, False),
        ("reversibility", 1, True),
    )
]
ROWS = {
    "gsomia": [4, 4, 3, 4, 2, 2, 2, 3],
    "gsomia-md": [5, 5, 2, 4, 1, 4, 2, 2],
    "institutional": [2, 2, 4, 4, 4, 2, 5, 4],
    "status-quo": [1, 2, 5, 4, 5, 1, 5, 5],
    "widen": [2, 3, 3, 3, 3, 3, 5, 4],
}
SCORES = {o: {c.id: s for c, s in zip(CRITERIA, row, strict=True)} for o, row in ROWS.items()}


def test_c7_equal_weights_tie_the_gsomia_with_the_status_quo() -> None:
    ranked = robustness(CRITERIA, SCORES, "gsomia", samples=50, probability=0.2, seed=1)
    first = [(r.option, round(r.total * 100, 1)) for r in ranked.equal_weights if r.rank == 1]
    assert first == [("gsomia", 62.5), ("status-quo", 62.5)]


def test_c7_seven_of_69_single_changes_remove_the_lead() -> None:
    changes, possible = single_changes(CRITERIA, SCORES, "gsomia")
    assert possible == 69
    assert [(c.option, c.criterion, c.before, c.after, c.leaders) for c in changes] == [
        ("gsomia", "crisis", 4, 3, ("gsomia-md",)),
        ("gsomia", "scope", 4, 3, ("gsomia", "gsomia-md")),
        ("gsomia", "seoul", 3, 2, ("gsomia", "gsomia-md")),
        ("gsomia", "legal", 2, 1, ("gsomia", "gsomia-md")),
        ("gsomia-md", "seoul", 2, 3, ("gsomia", "gsomia-md")),
        ("gsomia-md", "legal", 1, 2, ("gsomia", "gsomia-md")),
        ("status-quo", "crisis", 1, 2, ("gsomia", "status-quo")),
    ]


def test_c7_joint_draw_keeps_the_gsomia_alone_on_top_in_about_60_percent() -> None:
    kept, tied = joint_draw(CRITERIA, SCORES, "gsomia", samples=2000, probability=0.2, seed=7)
    assert kept == pytest.approx(0.6, abs=0.05)
    assert 0 < tied < 1 - kept


def test_joint_draw_is_seeded_and_zero_probability_changes_nothing() -> None:
    draw = joint_draw(CRITERIA, SCORES, "gsomia", samples=200, probability=0.2, seed=3)
    assert draw == joint_draw(CRITERIA, SCORES, "gsomia", samples=200, probability=0.2, seed=3)
    assert joint_draw(CRITERIA, SCORES, "gsomia", samples=20, probability=0.0, seed=3) == (1, 0)


def test_weighted_totals_as_printed_before() -> None:
    ranked = rank(totals(CRITERIA, SCORES))
    assert [round(r.total * 100, 1) for r in ranked[:3]] == [61.5, 57.7, 55.8]


def test_whole_points_round_halves_up() -> None:
    assert [whole_points(t) for t in (0.625, 0.675, 0.525, 0.8125, 0.4375, 0.0, 1.0)] == [
        63, 68, 53, 81, 44, 0, 100,
    ]  # fmt: skip


def _joint_draw_by_totals(
    top: str, samples: int, probability: float, seed: int
) -> tuple[float, float]:
    """The joint draw as first written: each draw's scores through ``totals``."""
    generator, kept, tied = random.Random(seed), 0, 0
    for _ in range(samples):
        drawn: dict[str, dict[str, int]] = {}
        for option in sorted(SCORES):
            drawn[option] = {}
            for c in CRITERIA:
                roll = generator.random()
                step = -1 if roll < probability else 1 if roll < 2 * probability else 0
                drawn[option][c.id] = min(max(SCORES[option][c.id] + step, c.low), c.high)
        result = totals(CRITERIA, drawn)
        best = max(result.values())
        at_top = [o for o, t in result.items() if math.isclose(t, best, abs_tol=1e-12)]
        kept, tied = kept + (at_top == [top]), tied + (at_top != [top] and top in at_top)
    return kept / samples, tied / samples


@pytest.mark.parametrize(("top", "probability", "seed"), [("gsomia", 0.2, 7), ("widen", 0.45, 2)])
def test_joint_draw_gives_the_figures_of_totals_of_each_draw(
    top: str, probability: float, seed: int
) -> None:
    """Issue 25: the draw looks up precomputed terms; the same rolls give the same shares."""
    expected = _joint_draw_by_totals(top, 500, probability, seed)
    assert joint_draw(CRITERIA, SCORES, top, samples=500, probability=probability, seed=seed) == (
        expected
    )

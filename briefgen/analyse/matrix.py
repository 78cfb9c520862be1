"""The scoring as templates show it: judgments with their confidence sentence, and the
options × criteria matrix with whole points, percentages, "=2" ranks and how robust the
ranking is, in titles and names."""

from __future__ import annotations

from briefgen.analyse.frozen import fields_of
from briefgen.analyse.robustness import Change, whole_points
from briefgen.analyse.scoring import JudgmentView, MatrixView


def points(total: float) -> str:
    """A 0–1 total as whole points out of 100: the scores are whole 1–5 judgments."""
    return str(whole_points(total))


def percent(share: float) -> str:
    """A 0–1 share as a whole percentage, e.g. ``0.25`` → ``'25%'``."""
    return f"{share * 100:.0f}%"


def judgment_values(judgment: JudgmentView) -> dict[str, object]:
    """A judgment with its confidence as a sentence of its own (never beside likelihood),
    and the reason for the level beside it when the judgment states one."""
    sentence = f"{judgment.confidence.capitalize()} confidence" if judgment.confidence else ""
    if sentence and judgment.confidence_reason:
        sentence += f": {judgment.confidence_reason.rstrip('.')}"
    return {**fields_of(judgment), "confidence_sentence": f"{sentence}." if sentence else ""}


def matrix_values(matrix: MatrixView, order: list[str]) -> dict[str, object]:
    """The scoring, with each option under its one number (``order``: the brief's
    options as listed) and its rank beside it, never the rank as its number."""
    shown = fields_of(matrix)
    shown["criteria"] = [
        {
            **fields_of(c),
            "anchors": [{"score": k, "meaning": v} for k, v in sorted(c.anchors.items())],
            "percent": percent(c.share),
            "weight_text": f"{c.weight:g}",
            "lower_is_better": c.lower_is_better,
        }
        for c in matrix.criteria
    ]
    tied = [r.rank for r in matrix.rows]
    equal = {r.option: points(r.total) for r in matrix.robustness.equal_weights}
    shown["rows"] = [
        {
            **fields_of(r),
            "total_text": points(r.total),
            "equal_total_text": equal[r.option],
            "rank_text": f"={r.rank}" if tied.count(r.rank) > 1 else str(r.rank),
            "number": order.index(r.option) + 1 if r.option in order else 0,
        }
        for r in sorted(
            matrix.rows, key=lambda r: order.index(r.option) if r.option in order else 0
        )
    ]
    shown["weight_total_text"] = f"{sum(c.weight for c in matrix.criteria):g}"
    shown["tied_top"] = len(matrix.leaders) > 1
    shown["leaders_text"] = " and ".join(matrix.leaders)
    shown["robustness"] = robustness_values(matrix)
    shown["ranges"] = [
        {
            **fields_of(r),
            "base_percent": percent(r.base),
            "low_percent": percent(r.low),
            "high_percent": percent(r.high),
        }
        for r in matrix.ranges
    ]
    shown["stability_percent"] = f"{matrix.stability * 100:.1f}%"
    return shown


def _outcome(change: Change, titles: dict[str, str]) -> str:
    names = [titles[o] for o in change.leaders]
    if len(names) == 1:
        return f"{names[0]} comes first"
    return " and ".join(names) + " tie for first"


def robustness_values(matrix: MatrixView) -> dict[str, object]:
    """Equal-weights ranking, single one-point changes that remove the lead, joint draw."""
    result = matrix.robustness
    titles = {r.option: r.title for r in matrix.rows}
    names = {c.id: c.name for c in matrix.criteria}
    ranks = [r.rank for r in result.equal_weights]
    leaders = [titles[r.option] for r in result.equal_weights if r.rank == 1]
    return {
        "equal_weights": [
            {
                "title": titles[r.option],
                "total_text": points(r.total),
                "rank": r.rank,
                "rank_text": f"={r.rank}" if ranks.count(r.rank) > 1 else str(r.rank),
            }
            for r in result.equal_weights
        ],
        "equal_leaders_text": " and ".join(leaders),
        "equal_tied_top": len(leaders) > 1,
        "changes": [
            {
                "option": titles[c.option],
                "criterion": names[c.criterion],
                "before": c.before,
                "after": c.after,
                "outcome": _outcome(c, titles),
            }
            for c in result.changes
        ],
        "changes_count": len(result.changes),
        "possible": result.possible,
        "kept_percent": f"{result.kept * 100:.0f}%",
        "tied_percent": f"{result.tied * 100:.0f}%",
        "samples": result.samples,
        "probability": f"{result.probability:g}",
        "seed": result.seed,
    }

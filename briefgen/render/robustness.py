"""The score-robustness figures as template data: titles and names, whole points."""

from __future__ import annotations

from briefgen.analyse.robustness import Change, whole_points
from briefgen.analyse.scoring import MatrixView


def _points(total: float) -> str:
    return str(whole_points(total))


def _outcome(change: Change, titles: dict[str, str]) -> str:
    names = [titles[o] for o in change.leaders]
    if len(names) == 1:
        return f"{names[0]} comes first"
    return " and ".join(names) + " tie for first"


def robustness_context(matrix: MatrixView) -> dict[str, object]:
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
                "total_text": _points(r.total),
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

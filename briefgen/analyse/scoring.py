"""Views of the scoring: judgments, evidence, options × criteria, sensitivity."""

from __future__ import annotations

from dataclasses import dataclass, field

from briefgen.analyse import mcda as decision
from briefgen.analyse.charts import ranges_chart, totals_chart
from briefgen.analyse.robustness import Robustness, leaders, robustness
from briefgen.memo import memoized
from briefgen.model.project import Project
from briefgen.model.records import Direction, JudgmentKind
from briefgen.text.markdown import CiteRenderer, Html, render_inline
from briefgen.validate.resolve import ResolvedBrief

DIRECTION_LABEL = {Direction.HIGHER: "higher is better", Direction.LOWER: "lower is better"}


@dataclass(frozen=True)
class JudgmentView:
    id: str
    kind: str
    text: str
    confidence: str
    confidence_meaning: str
    cite: Html
    notes: list[str]
    likelihood: str | None = None
    assumptions: list[tuple[str, str]] = field(default_factory=list)  # (text, if wrong)
    indicators: list[str] = field(default_factory=list)  # what would change it
    confidence_reason: str = ""


@dataclass(frozen=True)
class CriterionView:
    id: str
    name: str
    description: str
    share: float  # normalized weight, 0–1
    weight: float  # as the author gave it
    weight_reason: str | None
    anchors: dict[int, str]
    direction: str
    scale: str
    lower_is_better: bool


@dataclass(frozen=True)
class MatrixRow:
    option: str
    title: str
    scores: list[int]
    total: float
    rank: int
    recommended: bool


@dataclass(frozen=True)
class RangeView:
    criterion: str
    base: float
    low: float
    high: float


@dataclass(frozen=True)
class Rationale:
    criterion: str
    option: str
    score: int
    html: Html


@dataclass(frozen=True)
class MatrixView:
    criteria: list[CriterionView]
    rows: list[MatrixRow]  # ranked, best first
    top: str
    ranges: list[RangeView]
    stability: float
    samples: int
    spread: float
    seed: int
    totals_chart: Html
    ranges_chart: Html
    leaders: list[str]  # titles of the options sharing first place
    robustness: Robustness


def judgment_views(
    project: Project, brief: ResolvedBrief, cite: CiteRenderer
) -> list[JudgmentView]:
    """The brief's judgments, citing their evidence (numbered like every citation)."""
    views = []
    for judgment in brief.judgments:
        record = judgment.record
        shown = None if record.kind is JudgmentKind.RECOMMENDATION else record.confidence
        views.append(
            JudgmentView(
                id=record.id,
                kind=record.kind.value,
                text=record.text,
                # A recommendation is not an evidentiary judgment: no level is printed.
                confidence=shown or "",
                confidence_meaning=project.settings.confidence_words(shown) if shown else "",
                cite=cite(tuple(record.notes), False),
                notes=list(record.notes),
                likelihood=record.likelihood,
                assumptions=[(a.text, a.if_wrong) for a in record.assumptions],
                indicators=[*record.would_change, *record.indicators],
                confidence_reason=(record.confidence_reason or "") if shown else "",
            )
        )
    return views


def rationale_views(project: Project, brief: ResolvedBrief, cite: CiteRenderer) -> list[Rationale]:
    """Every score's rationale, criterion by criterion, citing its notes."""
    if project.criteria is None:
        return []
    return [
        Rationale(
            c.name,
            option.record.title,
            (score := option.record.scores[c.id]).score,
            render_inline(score.rationale, cite),
        )
        for c in project.criteria.record.criteria
        for option in brief.options
    ]


def matrix_view(project: Project, brief: ResolvedBrief) -> MatrixView | None:
    """Scores, ranking and sensitivity over the brief's options, if the project scores them.

    A re-check (memo.py) reuses it while what it reads is unchanged: the criteria, the
    sensitivity settings, and each option's id, title and scores, and the recommended one.
    """
    if project.criteria is None or not brief.options:
        return None
    key = (
        project.criteria.record.model_dump_json(),
        project.settings.sensitivity.model_dump_json(),
        tuple(
            (o.id, o.record.title, tuple((k, s.score) for k, s in o.record.scores.items()))
            for o in brief.options
        ),
        brief.brief.meta.recommended,
    )
    return memoized("matrix", key, lambda: _matrix_view(project, brief))


def _matrix_view(project: Project, brief: ResolvedBrief) -> MatrixView:
    assert project.criteria is not None
    record = project.criteria.record
    criteria = [
        decision.Criterion(
            c.id,
            c.weight,
            record.scales[c.scale].min,
            record.scales[c.scale].max,
            c.direction is Direction.HIGHER,
        )
        for c in record.criteria
    ]
    scores = {o.id: {k: s.score for k, s in o.record.scores.items()} for o in brief.options}
    shares = decision.shares(criteria)
    ranked = decision.rank(decision.totals(criteria, scores))
    top = ranked[0].option
    analysis = project.settings.sensitivity
    ranges = [decision.weight_range(criteria, scores, top, c.id) for c in criteria]
    stability = decision.rank_stability(
        criteria, scores, top, samples=analysis.samples, spread=analysis.spread, seed=analysis.seed
    )
    names = {c.id: c.name for c in record.criteria}
    titles = {o.id: o.record.title for o in brief.options}
    return MatrixView(
        criteria=[
            CriterionView(
                c.id,
                c.name,
                c.description,
                shares[c.id],
                c.weight,
                c.weight_reason,
                dict(c.anchors),
                DIRECTION_LABEL[c.direction],
                f"{record.scales[c.scale].min}–{record.scales[c.scale].max}",
                c.direction is Direction.LOWER,
            )
            for c in record.criteria
        ],
        rows=[
            MatrixRow(
                r.option,
                titles[r.option],
                [scores[r.option][c.id] for c in record.criteria],
                r.total,
                r.rank,
                brief.brief.meta.recommended == r.option,
            )
            for r in ranked
        ],
        top=titles[top],
        ranges=[RangeView(names[r.criterion], r.base, r.low, r.high) for r in ranges],
        stability=stability,
        samples=analysis.samples,
        spread=analysis.spread,
        seed=analysis.seed,
        totals_chart=totals_chart([(titles[r.option], r.total, r.option == top) for r in ranked]),
        ranges_chart=ranges_chart([(names[r.criterion], r.base, r.low, r.high) for r in ranges]),
        leaders=[titles[o] for o in leaders(ranked)],
        robustness=robustness(
            criteria,
            scores,
            top,
            samples=analysis.samples,
            probability=analysis.score_probability,
            seed=analysis.seed,
        ),
    )

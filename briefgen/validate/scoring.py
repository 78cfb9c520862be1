"""Validation of the decision-analysis content: criteria, scores, grades, judgments."""

from __future__ import annotations

from briefgen.diagnostics import Diagnostics, did_you_mean
from briefgen.model.project import Origin, Project
from briefgen.model.records import JudgmentKind, ReliabilityGrade
from briefgen.model.report import ContentKind, LoadReport
from briefgen.validate.bounds import check_bounds
from briefgen.validate.quotemarks import check_quotation_marks
from briefgen.validate.references import check_citations, check_references


def validate_scoring(project: Project, report: LoadReport, diagnostics: Diagnostics) -> None:
    _check_criteria(project, diagnostics)
    _check_scores(project, report, diagnostics)
    _check_judgments(project, report, diagnostics)
    _check_markings(project, diagnostics)


def _check_criteria(project: Project, diagnostics: Diagnostics) -> None:
    if project.criteria is None:
        return
    record, origin = project.criteria.record, project.criteria.origin
    for index, criterion in enumerate(record.criteria):
        if criterion.scale not in record.scales:
            diagnostics.error(
                origin.path,
                origin.line("criteria", index, "scale"),
                "criteria.unknown-scale",
                f"criterion '{criterion.id}' uses unknown scale '{criterion.scale}' "
                f"(declared: {', '.join(sorted(record.scales))})",
            )


def _check_scores(project: Project, report: LoadReport, diagnostics: Diagnostics) -> None:
    criteria = project.criteria
    for option in project.options.values():
        scores, origin = option.record.scores, option.origin
        if criteria is None:
            if scores and not report.lost(ContentKind.CRITERIA):
                diagnostics.error(
                    origin.path,
                    origin.line("scores"),
                    "score.no-criteria",
                    "this option has scores but the project has no content/criteria.yaml",
                )
            continue
        declared = {c.id: c for c in criteria.record.criteria}
        for criterion_id, score in scores.items():
            criterion = declared.get(criterion_id)
            if criterion is None:
                diagnostics.error(
                    origin.path,
                    origin.line("scores", criterion_id),
                    "score.unknown-criterion",
                    f"scores: '{criterion_id}' is not a criterion in content/criteria.yaml"
                    + did_you_mean(criterion_id, declared),
                )
                continue
            scale = criteria.record.scales.get(criterion.scale)
            if scale is not None and not scale.min <= score.score <= scale.max:
                diagnostics.error(
                    origin.path,
                    origin.line("scores", criterion_id, "score"),
                    "score.out-of-scale",
                    f"score {score.score} for '{criterion_id}' is outside its scale "
                    f"'{criterion.scale}' ({scale.min}–{scale.max})",
                )
            rationale_line = origin.line("scores", criterion_id, "rationale")
            check_citations(
                project,
                report,
                score.rationale,
                origin,
                rationale_line,
                diagnostics,
                uncited="score.uncited",
            )
            check_bounds(
                score.rationale, origin, rationale_line, project.settings.limits, diagnostics
            )
        for criterion_id in declared:
            if criterion_id not in scores:
                diagnostics.error(
                    origin.path,
                    origin.line("scores") if scores else 1,
                    "score.missing",
                    f"option '{option.id}' has no score for criterion '{criterion_id}'",
                )


def _weak(project: Project, note_id: str) -> tuple[bool, bool]:
    """Whether a note's evidence is (weak, ungradable) by the configured thresholds."""
    grading = project.settings.grading
    note = project.notes[note_id]
    source = project.sources.get(note.record.source)
    # Unassessed is not yet judged: counted as F (cannot be judged) until it is.
    reliability = (source.record.grade if source else None) or ReliabilityGrade.F
    credibility = note.record.credibility
    ungradable = reliability is ReliabilityGrade.F and credibility == 6
    weak = reliability in grading.weak_reliability or credibility in grading.weak_credibility
    return weak, ungradable


def _check_judgments(project: Project, report: LoadReport, diagnostics: Diagnostics) -> None:
    levels = project.settings.confidence
    for judgment in project.judgments.values():
        record, origin = judgment.record, judgment.origin
        recommendation = record.kind is JudgmentKind.RECOMMENDATION
        if record.confidence is None and not recommendation:
            diagnostics.error(
                origin.path,
                origin.line(),
                "judgment.missing-confidence",
                f"key judgment '{judgment.id}' has no confidence: add `confidence:` "
                f"({', '.join(levels)})",
            )
        elif record.confidence is not None and recommendation:
            diagnostics.error(
                origin.path,
                origin.line("confidence"),
                "judgment.recommendation-confidence",
                f"recommendation '{judgment.id}' carries a confidence level; a "
                "recommendation is not a judgment of evidence: remove `confidence:` (it is "
                "not printed) and say in its text what it depends on",
            )
        elif record.confidence is not None and record.confidence not in levels:
            diagnostics.error(
                origin.path,
                origin.line("confidence"),
                "judgment.unknown-confidence",
                f"confidence '{record.confidence}' is not defined in briefgen.toml "
                f"[confidence] ({', '.join(levels)})",
            )
        check_quotation_marks(
            project, record.text, origin, origin.line("text"), diagnostics, evidence=record.notes
        )
        known = [n for n in record.notes if n in project.notes]
        check_references(
            record.notes,
            project.notes,
            origin,
            "notes",
            ContentKind.NOTES,
            report,
            diagnostics,
            code="judgment.unknown-note",
            message=f"judgment '{judgment.id}' cites unknown note '{{id}}'",
        )
        if not record.notes:
            diagnostics.error(
                origin.path,
                origin.line("notes"),
                "judgment.no-evidence",
                f"judgment '{judgment.id}' names no supporting notes",
            )
        elif known and len(known) == len(record.notes):
            grades = [_weak(project, n) for n in known]
            if all(weak for weak, _ in grades):
                _warn_evidence(origin, judgment.id, "below the grading threshold", diagnostics)
            elif all(ungradable for _, ungradable in grades):
                _warn_evidence(origin, judgment.id, "ungradable (F and 6)", diagnostics)
    for brief in project.briefs.values():
        check_references(
            brief.meta.judgments,
            project.judgments,
            brief.origin,
            "judgments",
            ContentKind.JUDGMENTS,
            report,
            diagnostics,
            code="brief.unknown-judgment",
            message="unknown judgment '{id}'",
        )


def _warn_evidence(origin: Origin, judgment_id: str, why: str, diagnostics: Diagnostics) -> None:
    diagnostics.warning(
        origin.path,
        origin.line("notes"),
        "judgment.weak-evidence",
        f"all the evidence for judgment '{judgment_id}' is {why}",
    )


def _check_markings(project: Project, diagnostics: Diagnostics) -> None:
    levels = project.settings.markings.levels
    items = [(s.record.marking, s.origin) for s in project.sources.values()]
    items += [(n.record.marking, n.origin) for n in project.notes.values()]
    for marking, origin in items:
        if marking is not None and marking not in levels:
            diagnostics.error(
                origin.path,
                origin.line("marking"),
                "marking.unknown",
                f"marking '{marking}' is not in briefgen.toml's vocabulary ({', '.join(levels)})",
            )

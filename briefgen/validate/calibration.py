"""Calibration checks: earned confidence, corroboration, stated conflicts, score anchors.

Each is a located diagnostic with its own code (``docs/content-format.md``,
"Calibration"). Estimative-language lints over brief prose are in ``likelihood.py``.
"""

from __future__ import annotations

from briefgen.diagnostics import Diagnostics, did_you_mean
from briefgen.model.calibration import ConfidenceRule, EvidenceRule, packaged
from briefgen.model.project import Judgment, Note, Project
from briefgen.model.records import JudgmentKind, ReliabilityGrade
from briefgen.text.quotes import find_in
from briefgen.validate.likelihood import check_likelihood


def validate_calibration(project: Project, diagnostics: Diagnostics) -> None:
    for judgment in project.judgments.values():
        _check_confidence(project, judgment, diagnostics)
        _check_reason(project, judgment, diagnostics)
        _check_assumptions(judgment, diagnostics)
    for note in project.notes.values():
        _check_corroboration(project, note, diagnostics)
        _check_conflict(project, note, diagnostics)
    _check_anchors(project, diagnostics)
    _check_split_credibility(project, diagnostics)
    check_likelihood(project, diagnostics)


def _span(project: Project, note: Note) -> tuple[int, int] | None:
    """Where a note's quote lies in its paragraph (characters), if it is found there."""
    source = project.sources.get(note.record.source)
    quote = note.record.quote
    if source is None or quote is None or note.record.paragraph > len(source.paragraphs):
        return None
    paragraph = source.paragraphs[note.record.paragraph - 1]
    found = find_in(quote, paragraph)
    if found is None:
        return None
    start = paragraph.find(found)
    return start, start + len(found)


def _check_split_credibility(project: Project, diagnostics: Diagnostics) -> None:
    """Two notes quoting overlapping words of one paragraph grade those words' truth
    differently: one of the grades is wrong (issue 24)."""
    by_paragraph: dict[tuple[str, int], list[tuple[Note, tuple[int, int]]]] = {}
    for note in project.notes.values():
        span = _span(project, note)
        if span is not None:
            key = (note.record.source, note.record.paragraph)
            by_paragraph.setdefault(key, []).append((note, span))
    for spans in by_paragraph.values():
        for index, (note, (start, end)) in enumerate(spans):
            for other, (other_start, other_end) in spans[:index]:
                overlap = start < other_end and other_start < end
                if overlap and note.record.credibility != other.record.credibility:
                    diagnostics.error(
                        note.origin.path,
                        note.origin.line("credibility"),
                        "note.credibility-split",
                        f"note '{note.id}' (credibility {note.record.credibility}) and "
                        f"'{other.id}' (credibility {other.record.credibility}) quote "
                        f"overlapping words of {note.record.source} "
                        f"¶{note.record.paragraph}: grade the same words the same, or "
                        "quote the part each grade is about",
                    )


def independence_group(project: Project, source_id: str) -> str:
    """Sources sharing an ``independence`` group count as one source."""
    source = project.sources.get(source_id)
    if source is None or source.record.independence is None:
        return source_id
    return source.record.independence


def _grade(project: Project, note: Note) -> ReliabilityGrade:
    source = project.sources.get(note.record.source)
    # Unassessed is not yet judged: counted as F (cannot be judged) until it is.
    return (source.record.grade if source else None) or ReliabilityGrade.F


def meets(project: Project, notes: list[Note], rule: EvidenceRule) -> bool:
    """Whether these notes, together, satisfy one evidence rule."""
    if any(n.record.credibility in rule.exclude_credibility for n in notes):
        return False
    groups = {
        independence_group(project, n.record.source)
        for n in notes
        if (rule.reliability is None or _grade(project, n) in rule.reliability)
        and (rule.credibility is None or n.record.credibility in rule.credibility)
    }
    return len(groups) >= rule.sources


def _weak(project: Project, note: Note) -> bool:
    grading = project.settings.grading
    return (
        _grade(project, note) in grading.weak_reliability
        or note.record.credibility in grading.weak_credibility
    )


def earned(project: Project, notes: list[Note], rule: ConfidenceRule) -> bool:
    """Whether these notes earn a level: its rule is met, and notes that are all weak
    ([grading]) earn only the floor level (the one any evidence meets)."""
    if not any(meets(project, notes, alternative) for alternative in rule.any_of):
        return False
    return rule.floor or not all(_weak(project, n) for n in notes)


def _check_confidence(project: Project, judgment: Judgment, diagnostics: Diagnostics) -> None:
    record, origin = judgment.record, judgment.origin
    if record.confidence is None or record.kind is JudgmentKind.RECOMMENDATION:
        return  # a recommendation's level is reported, not checked, and never printed
    settings = project.settings
    rule = settings.confidence_rule(record.confidence)
    notes = [project.notes[n] for n in record.notes if n in project.notes]
    if rule is None or not notes or len(notes) != len(record.notes):
        return  # unknown levels and notes are reported by the scoring checks
    if earned(project, notes, rule):
        return
    # What 0.2 accepted (its shipped rules, no weak cap) is refused as a warning first.
    old = settings.confidence_rules.get(record.confidence) or (
        packaged().confidence_rules_0_2.get(record.confidence)
    )
    phased = old is not None and any(meets(project, notes, a) for a in old.any_of)
    evidence = ", ".join(
        f"{n.id} ({n.record.source}, {_grade(project, n).value}{n.record.credibility})"
        for n in notes
    )
    diagnostics.error(
        origin.path,
        origin.line("confidence"),
        "judgment.confidence-above-rubric" if phased else "judgment.confidence-unearned",
        f"judgment '{judgment.id}' is rated {record.confidence} confidence, which needs: "
        f"{settings.confidence_words(record.confidence)}; its notes are {evidence}: lower "
        "its confidence, or cite evidence that meets the rule",
    )


# Credibility 4-6 (doubtful, improbable, cannot be judged): at odds with corroboration.
DOUBTED = 4
# A stated reason may explain a level up to this one, never above it.
REASON_CAP = "moderate"


def _check_reason(project: Project, judgment: Judgment, diagnostics: Diagnostics) -> None:
    """A confidence_reason explains a level; it never lifts a judgment above moderate:
    above it, the evidence alone must earn the level."""
    record, origin = judgment.record, judgment.origin
    levels = list(project.settings.confidence)
    if record.confidence_reason is None or record.confidence not in levels:
        return
    if REASON_CAP in levels and levels.index(record.confidence) > levels.index(REASON_CAP):
        diagnostics.error(
            origin.path,
            origin.line("confidence_reason"),
            "judgment.reason-above-moderate",
            f"judgment '{judgment.id}' gives a confidence_reason for {record.confidence} "
            f"confidence; a reason can explain a level up to {REASON_CAP}, not above it: "
            f"remove confidence_reason (the evidence alone must earn {record.confidence}), "
            f"or rate it {REASON_CAP}",
        )


def _check_assumptions(judgment: Judgment, diagnostics: Diagnostics) -> None:
    """A key judgment says what it assumes and what would change it (review 3 P6)."""
    record, origin = judgment.record, judgment.origin
    if record.kind is JudgmentKind.RECOMMENDATION:
        return
    missing = [
        key
        for key, given in (
            ("assumptions", record.assumptions),
            ("would_change", record.would_change or record.indicators),
        )
        if not given
    ]
    if missing:
        diagnostics.error(
            origin.path,
            origin.line(),
            "judgment.unstated-assumptions",
            f"key judgment '{judgment.id}' has no {' and no '.join(f'`{k}:`' for k in missing)}"
            ": state what it assumes (each assumption with `if_wrong:`) and what evidence "
            "would change it",
        )


def _check_corroboration(project: Project, note: Note, diagnostics: Diagnostics) -> None:
    record, origin = note.record, note.origin
    own = independence_group(project, record.source)
    for index, other_id in enumerate(record.corroborated_by):
        other = project.notes.get(other_id)
        if other is None:
            diagnostics.error(
                origin.path,
                origin.line("corroborated_by", index),
                "note.unknown-corroboration",
                f"corroborated_by names unknown note '{other_id}'"
                + did_you_mean(other_id, project.notes),
            )
        elif independence_group(project, other.record.source) == own:
            diagnostics.error(
                origin.path,
                origin.line("corroborated_by", index),
                "note.corroboration-not-independent",
                f"note '{other_id}' comes from the same source (independence group "
                f"'{own}') as '{note.id}', so it cannot corroborate it",
            )
    independent = [
        other_id
        for other_id in record.corroborated_by
        if other_id in project.notes
        and independence_group(project, project.notes[other_id].record.source) != own
    ]
    if record.credibility >= DOUBTED and independent:
        diagnostics.warning(
            origin.path,
            origin.line("credibility"),
            "note.corroborated-but-doubted",
            f"note '{note.id}' is graded credibility {record.credibility} (doubtful or "
            f"worse) but '{independent[0]}', from an independent source, corroborates it: "
            "raise its credibility (2 'probably true', or 1 'confirmed' with corroborated_by), "
            "or remove corroborated_by if the notes do not say the same thing",
        )
    if record.credibility == 1 and not record.corroborated_by:
        diagnostics.error(
            origin.path,
            origin.line("credibility"),
            "note.uncorroborated",
            f"note '{note.id}' is graded credibility 1 (confirmed by other sources) but "
            "names no corroborated_by note from an independent source",
        )


def _check_conflict(project: Project, note: Note, diagnostics: Diagnostics) -> None:
    record, origin = note.record, note.origin
    if not record.conflicts_with:
        return
    if record.conflict is None:
        diagnostics.error(
            origin.path,
            origin.line("conflicts_with"),
            "note.conflict-unstated",
            f"note '{note.id}' conflicts_with {', '.join(record.conflicts_with)} but has "
            "no conflict: line naming the incompatible claims",
        )
    for other_id in record.conflicts_with:
        other = project.notes.get(other_id)
        if other is None or other_id < note.id or record.event is None:
            continue  # each pair once; unknown notes are reported by validation
        if other.record.event is None:
            continue
        mine, theirs = record.event.date, other.record.event.date
        if mine.startswith(theirs) or theirs.startswith(mine):
            diagnostics.warning(
                origin.path,
                origin.line("event", "date"),
                "note.conflict-dates-overlap",
                f"note '{note.id}' ({mine}) and '{other_id}' ({theirs}) are marked as "
                "conflicting, but their event dates overlap: one may contain the other",
            )


def _check_anchors(project: Project, diagnostics: Diagnostics) -> None:
    if project.criteria is None:
        return
    record, origin = project.criteria.record, project.criteria.origin
    criteria = {c.id: c for c in record.criteria}
    for index, criterion in enumerate(record.criteria):
        scale = record.scales.get(criterion.scale)
        for value in criterion.anchors:
            if scale is not None and not scale.min <= value <= scale.max:
                diagnostics.error(
                    origin.path,
                    origin.line("criteria", index, "anchors", value),
                    "criteria.anchor-outside-scale",
                    f"anchor {value} of '{criterion.id}' is outside its scale "
                    f"'{criterion.scale}' ({scale.min}–{scale.max})",
                )
    for option in project.options.values():
        for criterion_id, score in option.record.scores.items():
            scored = criteria.get(criterion_id)
            if scored is None or score.anchor is None:
                continue
            at = option.origin
            if score.anchor not in scored.anchors:
                anchors = ", ".join(str(a) for a in sorted(scored.anchors)) or "none"
                diagnostics.error(
                    at.path,
                    at.line("scores", criterion_id, "anchor"),
                    "score.unknown-anchor",
                    f"'{criterion_id}' has no anchor {score.anchor} (its anchors: {anchors})",
                )
            elif score.score != score.anchor and score.off_anchor is None:
                diagnostics.warning(
                    at.path,
                    at.line("scores", criterion_id, "score"),
                    "score.off-anchor",
                    f"score {score.score} for '{criterion_id}' differs from the anchor it "
                    f"matches ({score.anchor}: {scored.anchors[score.anchor]}); give "
                    "off_anchor: the reason, or score it as the anchor says",
                )

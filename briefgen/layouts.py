"""What each brief type shows, and in which order."""

from __future__ import annotations

from dataclasses import dataclass

from briefgen.model import BriefType


# Which ``## sections`` each brief type takes, and which of them are analysis by nature.
@dataclass(frozen=True)
class BriefLayout:
    order: tuple[str, ...]  # sections and generated parts, in reading order
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    analysis: tuple[str, ...] = ()
    needs_recommended: bool = False
    toc: bool = False
    compact_notes: bool = False  # endnotes as bare source and ¶ (short briefs)
    compact_options: bool = False  # options without their pros/cons/risks lists
    evidence: bool = False  # an evidence appendix for the brief's judgments
    scoring_detail: bool = False  # criteria descriptions and every score rationale


LAYOUTS: dict[BriefType, BriefLayout] = {
    BriefType.ISSUE_BRIEF: BriefLayout(
        order=(
            "bottom-line-up-front",
            "key-points",
            "background",
            "timeline",
            "where-the-sources-disagree",
            "disagreements",
            "judgments",
            "options",
            "matrix",
            "recommendations",
        ),
        required=("bottom-line-up-front", "key-points", "background", "recommendations"),
        optional=("where-the-sources-disagree",),
        analysis=("bottom-line-up-front", "recommendations"),
        toc=True,
        evidence=True,
    ),
    BriefType.DECISION_MEMO: BriefLayout(
        order=("issue", "background", "judgments", "options", "recommendation"),
        required=("issue", "recommendation"),
        optional=("background",),
        analysis=("recommendation",),
        needs_recommended=True,
        compact_notes=True,
        compact_options=True,
    ),
    BriefType.ONE_PAGER: BriefLayout(
        order=("bottom-line-up-front", "key-points", "recommendation"),
        required=("bottom-line-up-front", "key-points", "recommendation"),
        analysis=("bottom-line-up-front", "recommendation"),
        compact_notes=True,
    ),
    BriefType.OPTIONS_PAPER: BriefLayout(
        order=(
            "bottom-line-up-front",
            "background",
            "judgments",
            "matrix",
            "options",
            "recommendation",
        ),
        required=("bottom-line-up-front", "recommendation"),
        optional=("background",),
        analysis=("bottom-line-up-front", "recommendation"),
        needs_recommended=True,
        compact_notes=True,
        compact_options=True,
        scoring_detail=True,
    ),
}

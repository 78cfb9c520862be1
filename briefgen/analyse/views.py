"""Stage 3 — analyse: turn validated content into what each brief's templates see.

Everything a template shows that is computed (endnote numbers, the timeline, the
comparison table, quotes in the source's own characters, percentages and ranks) is
computed here, once, in document order, and handed on as plain frozen data
(``BriefView.values``, documented key by key in docs/templates.md), so templates hold
layout only and the renderer only renders.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from briefgen import __version__
from briefgen.analyse.endnotes import (
    Endnote,
    Endnotes,
    endnote_values,
    grade_key,
    reader_endnote_values,
)
from briefgen.analyse.framing import Framing, framing
from briefgen.analyse.frozen import Plain, fields_of, freeze
from briefgen.analyse.holders import Introducer, holder_roles
from briefgen.analyse.matrix import judgment_values, matrix_values
from briefgen.analyse.meta import meta_values
from briefgen.analyse.options import (
    ComparisonRow,
    OptionSummary,
    OptionView,
    comparison_rows,
    option_view,
    recommended,
)
from briefgen.analyse.scoring import (
    JudgmentView,
    MatrixView,
    Rationale,
    judgment_views,
    matrix_view,
    rationale_views,
)
from briefgen.analyse.sources import SourceView, source_view
from briefgen.analyse.timeline import Account, TimelineEntry, disagreements, timeline
from briefgen.model.layouts import BACK_MATTER, BriefLayout
from briefgen.model.project import Brief
from briefgen.text.csl import Citations
from briefgen.text.direction import direction
from briefgen.text.markdown import Html, render
from briefgen.validate.likelihood import terms_used
from briefgen.validate.resolve import Resolved, ResolvedBrief


@dataclass(frozen=True)
class CitedNote:
    """A note a brief cites, in endnote order, and its source (for the audit)."""

    note: str
    source: str
    assessed: bool  # its source has a reliability grade


@dataclass(frozen=True)
class BriefView:
    """One brief, analysed: what its templates see, and what the audit needs of it.

    ``values`` is the whole template API but the stylesheet: ``view`` and ``meta``, as
    plain frozen data (docs/templates.md). The rest is plain too: no model object.
    """

    id: str
    path: Path  # the brief's file: where a problem rendering it is reported
    values: Mapping[str, Plain]
    cited: tuple[CitedNote, ...]  # every note cited, the reader's edition's first
    reader_notes: int  # how many of them the reader's edition cites

    @property
    def template(self) -> str | None:
        """The template its type names ([types] template), if any."""
        template: str | None = self.values["view"]["layout"]["template"]
        return template


@dataclass(frozen=True)
class SectionView:
    slug: str
    heading: str
    html: Html
    analysis: bool


@dataclass(frozen=True)
class PartView:
    """One part of a brief, in reading order: a ``## section`` or a generated part."""

    kind: str  # "section" or a generated part's name (layouts.GENERATED_PARTS)
    slug: str  # the section's slug or the part's name: its anchor
    toc_label: str | None  # its entry in a table of contents, if it has one
    # "summary" (the executive summary, first), "front" (a table of contents), "main"
    # or "back" (back matter)
    region: str


@dataclass
class Draft:
    """One brief's parts while they are built in reading order; ``analyse`` freezes it."""

    brief: Brief
    layout: BriefLayout
    introduce: Introducer
    sections: dict[str, SectionView] = field(default_factory=dict)
    timeline: list[TimelineEntry] = field(default_factory=list)
    disagreements: list[tuple[Account, Account]] = field(default_factory=list)
    options: list[OptionView] = field(default_factory=list)
    comparison: list[ComparisonRow] = field(default_factory=list)
    judgments: list[JudgmentView] = field(default_factory=list)
    matrix: MatrixView | None = None
    rationales: list[Rationale] = field(default_factory=list)
    recommended: OptionSummary | None = None
    annex_options: list[OptionView] = field(default_factory=list)

    @property
    def informs(self) -> bool:
        """An action memo that looks back prints as an information memo: its purpose,
        no decision lines ([types] information_label)."""
        return self.layout.label_for(self.brief.meta.retrospective) != self.layout.label


def _annex(draft: Draft, resolved: Resolved, brief: ResolvedBrief, notes: Endnotes) -> None:
    """What only the annex shows: the scoring detail and every option whole. Rendered
    after the reader's parts, so the notes only they cite number after the reader's."""
    notes.inline = False  # the annex numbers its notes, whatever the reader's edition does
    if not draft.judgments:  # a type that prints none still shows their evidence here
        _judgments(draft, resolved, brief, notes)
    _matrix(draft, resolved, brief, notes)
    if draft.matrix is not None:
        draft.rationales = rationale_views(resolved.project, brief, notes.cite)
    draft.annex_options = [option_view(o, brief, notes, whole=True) for o in brief.options]


# Table-of-contents entries of generated parts (sections use their heading).
TOC_LABELS = {
    "timeline": "Timeline",
    "judgments": "Key judgments",
    "options": "Options",
    "comparison": "Options compared",
    "matrix": "Options against criteria",
    "sensitivity": "Sensitivity",
    "endnotes": "Notes",
    "evidence": "Evidence appendix",
    "sources": "Sources",
}


def analyse(resolved: Resolved, brief_id: str, citations: Citations) -> BriefView:
    """Build the view of one valid brief, walking its type's parts in reading order.

    Each part renders its own citations as it is reached, so endnotes are numbered
    in the order a reader meets them, by construction.
    """
    linked = resolved.briefs[brief_id]
    brief, layout = linked.brief, linked.layout
    draft = Draft(brief, layout, Introducer(holder_roles(resolved)))
    notes = Endnotes(resolved, citations, inline=layout.citations == "inline")
    for part in layout.parts:
        if part in layout.sections:
            _section(draft, part, notes)
        else:
            PART_BUILDERS.get(part, _nothing)(draft, resolved, linked, notes)
    reader_notes, reader_cited = len(notes.items), list(notes.cited)
    _annex(draft, resolved, linked, notes)
    endnotes = notes.formatted(reader_notes)
    shown = [j.notes for j in draft.judgments]
    framed = framing(resolved.project, brief, reader_cited, shown, "sources" in layout.parts)
    view = _view_values(draft, resolved, citations, endnotes, reader_notes, framed)
    style = resolved.project.settings.project.dates
    values = freeze({"view": view, "meta": meta_values(brief, layout, style)})
    cited = tuple(
        CitedNote(e.note.id, e.source.id, e.source.record.grade is not None) for e in endnotes
    )
    return BriefView(brief.id, brief.origin.path, values, cited, reader_notes)


def _view_values(
    draft: Draft,
    resolved: Resolved,
    citations: Citations,
    endnotes: list[Endnote],
    reader_notes: int,
    framed: Framing,
) -> dict[str, object]:
    """Every key of a template's ``view`` (docs/templates.md), in the order it has always had."""
    settings = resolved.project.settings
    style = settings.project.dates
    cited = {e.source.id: e.source for e in endnotes[:reader_notes]}
    every = {e.source.id: e.source for e in endnotes}
    sources = [source_view(cited[s], citations, style) for s in sorted(cited)]
    by_id = {e.note.id: e for e in endnotes}
    levels = dict.fromkeys(j.confidence for j in draft.judgments if j.confidence)
    meanings = {j.confidence: j.confidence_meaning.rstrip(".") for j in draft.judgments}
    legend = terms_used(resolved.project, draft.brief)
    language = settings.project.language
    return {
        "layout": fields_of(draft.layout),
        "project_title": settings.project.title,
        "language": language,
        "direction": direction(language),  # "rtl" for Arabic, Hebrew, Persian…
        "page_size": settings.pdf.page_size,
        "pdf_standard": settings.pdf.standard,
        "generator": f"briefgen {__version__}",
        "marking_statement": settings.markings.distribution.get(draft.brief.meta.marking, ""),
        "framing": framed,
        "informs": draft.informs,
        "grade_key": grade_key(),
        "parts": _parts(draft, sources, endnotes),
        "sections": draft.sections,
        "timeline": draft.timeline,
        "disagreements": draft.disagreements,
        "options": draft.options,
        "recommended": draft.recommended,
        "dimensions": [d.label for d in settings.comparison],
        "comparison": draft.comparison,
        "endnotes": [endnote_values(e) for e in endnotes],
        "reader_endnotes": [reader_endnote_values(e) for e in endnotes[:reader_notes]],
        "sources": sources,
        "annex_sources": [source_view(every[s], citations, style) for s in sorted(every)],
        "annex_options": draft.annex_options,
        "judgments": [judgment_values(j) for j in draft.judgments],
        "likelihood_legend": [{"term": t, "band": band.label} for t, band in legend],
        "confidence_key": [{"level": level, "meaning": meanings[level]} for level in levels],
        "evidence": [
            {
                "judgment": judgment_values(j),
                "endnotes": [endnote_values(by_id[n]) for n in j.notes],
            }
            for j in draft.judgments
        ],
        "matrix": (
            matrix_values(draft.matrix, draft.brief.meta.options)
            if draft.matrix is not None
            else None
        ),
        "rationales": draft.rationales,
        "lowered_rules": [
            {"code": code, "meaning": meaning, "reason": reason}
            for code, meaning, reason in settings.lowered_protected
        ],
        "loosened_confidence": [
            {"level": level, "rule": rule, "shipped": shipped}
            for level, rule, shipped in settings.loosened_confidence
        ],
    }


Builder = Callable[[Draft, Resolved, ResolvedBrief, Endnotes], None]


def _section(draft: Draft, slug: str, notes: Endnotes) -> None:
    section = draft.brief.section(slug)
    if section is not None:
        analysis = slug in draft.layout.analysis
        draft.sections[slug] = SectionView(
            section.slug,
            section.heading,
            render(draft.introduce(section.text), notes.cite, analysis=analysis),
            analysis,
        )


def _timeline(draft: Draft, resolved: Resolved, _brief: ResolvedBrief, notes: Endnotes) -> None:
    draft.timeline.extend(timeline(resolved, notes))


def _disagreements(
    draft: Draft, resolved: Resolved, _brief: ResolvedBrief, notes: Endnotes
) -> None:
    draft.disagreements.extend(disagreements(resolved, notes))


def _options(draft: Draft, _resolved: Resolved, brief: ResolvedBrief, notes: Endnotes) -> None:
    introduce = draft.introduce
    draft.options = [option_view(o, brief, notes, introduce=introduce) for o in brief.options]


def _comparison(draft: Draft, resolved: Resolved, brief: ResolvedBrief, notes: Endnotes) -> None:
    draft.comparison.extend(comparison_rows(resolved, brief, notes, draft.introduce))


def _judgments(draft: Draft, resolved: Resolved, brief: ResolvedBrief, notes: Endnotes) -> None:
    draft.judgments = judgment_views(resolved.project, brief, notes.cite)


def _matrix(draft: Draft, resolved: Resolved, brief: ResolvedBrief, _notes: Endnotes) -> None:
    if draft.matrix is None:
        draft.matrix = matrix_view(resolved.project, brief)


def _sensitivity(draft: Draft, resolved: Resolved, brief: ResolvedBrief, notes: Endnotes) -> None:
    _matrix(draft, resolved, brief, notes)  # the score rationales are in the annex


def _decision(draft: Draft, _resolved: Resolved, brief: ResolvedBrief, _notes: Endnotes) -> None:
    if brief.recommended is not None:
        draft.recommended = recommended(brief)


def _purpose(draft: Draft, resolved: Resolved, brief: ResolvedBrief, notes: Endnotes) -> None:
    _decision(draft, resolved, brief, notes)


def _nothing(_draft: Draft, _resolved: Resolved, _brief: ResolvedBrief, _notes: Endnotes) -> None:
    """Parts that cite nothing themselves (toc, endnotes, evidence, sources)."""


PART_BUILDERS: dict[str, Builder] = {
    "timeline": _timeline,
    "disagreements": _disagreements,
    "options": _options,
    "comparison": _comparison,
    "judgments": _judgments,
    "matrix": _matrix,
    "sensitivity": _sensitivity,
    "decision": _decision,
    "purpose": _purpose,
}


def _parts(draft: Draft, sources: list[SourceView], endnotes: list[Endnote]) -> list[PartView]:
    """The parts that have something to show, in order, with their TOC labels."""
    present = {
        "toc": True,
        "timeline": bool(draft.timeline),
        "disagreements": bool(draft.disagreements),
        "judgments": bool(draft.judgments),
        "options": bool(draft.options),
        "comparison": bool(draft.comparison),
        "matrix": draft.matrix is not None,
        "sensitivity": draft.matrix is not None,
        "decision": draft.recommended is not None and not draft.informs,
        "purpose": draft.informs,
        "endnotes": bool(endnotes),
        "evidence": bool(draft.judgments),
        "sources": bool(sources),
    }
    parts = []
    region = "front"
    layout = draft.layout
    for name in layout.parts:
        if name in BACK_MATTER:
            region = "back"
        elif name in layout.summary:
            region = "summary"
        elif name == "toc":
            region = "front"
        elif region in ("front", "summary"):
            region = "main"
        if name in layout.sections:
            if name in draft.sections:
                heading = draft.sections[name].heading
                parts.append(PartView("section", name, heading, region))
        elif present[name]:
            parts.append(PartView(name, name, TOC_LABELS.get(name), region))
    return parts

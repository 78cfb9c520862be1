"""Stage 3 — analyse: turn validated content into ready-made views for templates.

Everything a template shows that is computed (endnote numbers, the timeline, the
comparison table, quotes in the source's own characters) is computed here, in
document order, so templates hold layout only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from briefgen import __version__
from briefgen.analyse.framing import Framing, event_order, framing
from briefgen.analyse.scoring import (
    JudgmentView,
    MatrixView,
    Rationale,
    judgment_views,
    matrix_view,
    rationale_views,
)
from briefgen.model.layouts import BACK_MATTER, BriefLayout
from briefgen.model.records import Attested, Brief, BriefMeta, Note, Project, Source
from briefgen.text.markdown import CiteMark, Html, cite_html, escaped, render, render_inline

MONTHS: tuple[str, ...] = ("January", "February", "March", "April", "May", "June", "July")
MONTHS += ("August", "September", "October", "November", "December")


@dataclass(frozen=True)
class Endnote:
    number: int
    note: Note
    source: Source
    quote: str | None  # the source's own characters

    @property
    def anchor(self) -> str:
        return f"note-{self.number}"

    @property
    def grade(self) -> str:
        """Admiralty grade: source reliability and note credibility, e.g. 'B2'."""
        return f"{self.source.record.reliability.grade.value}{self.note.record.credibility}"


@dataclass(frozen=True)
class SectionView:
    slug: str
    heading: str
    html: Html
    analysis: bool


@dataclass(frozen=True)
class OptionView:
    id: str
    title: str
    summary: str
    description: Html
    pros: list[Html]
    cons: list[Html]
    risks: list[Html]
    recommended: bool


@dataclass(frozen=True)
class TimelineEntry:
    date: str
    label: str
    cite: Html
    basis: str | None
    inferred: bool = False  # the date is inferred, not stated by the text


@dataclass(frozen=True)
class Account:
    source: Source
    paragraph: int
    text: Html
    cite: Html


@dataclass(frozen=True)
class FieldView:
    name: str
    value: str
    status: str
    reason: str | None


@dataclass(frozen=True)
class SourceView:
    id: str
    label: str
    kind: str
    fields: list[FieldView]
    paragraphs: int
    sha256: str
    reliability: str
    reliability_reason: str


@dataclass(frozen=True)
class PartView:
    """One part of a brief, in reading order: a ``## section`` or a generated part."""

    kind: str  # "section" or a generated part's name (layouts.GENERATED_PARTS)
    slug: str  # the section's slug or the part's name: its anchor
    toc_label: str | None  # its entry in a table of contents, if it has one
    region: str  # "front" (before the main text), "main" or "back" (back matter)


@dataclass(frozen=True)
class ComparisonRow:
    title: str
    cells: list[Html]  # one per comparison dimension


@dataclass
class BriefView:
    """Everything one brief's template needs, computed."""

    brief: Brief
    layout: BriefLayout
    project_title: str
    language: str
    page_size: str
    generator: str
    parts: list[PartView] = field(default_factory=list)
    sections: dict[str, SectionView] = field(default_factory=dict)
    timeline: list[TimelineEntry] = field(default_factory=list)
    disagreements: list[tuple[Account, Account]] = field(default_factory=list)
    options: list[OptionView] = field(default_factory=list)
    dimensions: list[str] = field(default_factory=list)
    comparison: list[ComparisonRow] = field(default_factory=list)
    endnotes: list[Endnote] = field(default_factory=list)
    sources: list[SourceView] = field(default_factory=list)
    judgments: list[JudgmentView] = field(default_factory=list)
    matrix: MatrixView | None = None
    rationales: list[Rationale] = field(default_factory=list)
    recommended: OptionSummary | None = None
    marking_statement: str = ""
    framing: Framing | None = None

    @property
    def meta(self) -> BriefMeta:
        return self.brief.meta


@dataclass(frozen=True)
class OptionSummary:
    id: str
    title: str


class Endnotes:
    """Numbers notes in order of first citation and renders citation marks."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.numbers: dict[str, int] = {}
        self.items: list[Endnote] = []
        self.cited: list[str] = []  # the note of every citation mark, repeats counted

    def number(self, note_id: str) -> tuple[int, bool]:
        if note_id in self.numbers:
            return self.numbers[note_id], False
        note = self.project.notes[note_id]
        source = self.project.sources[note.record.source]
        quote = self.project.quotes.get(note_id)  # found by validation
        entry = Endnote(len(self.items) + 1, note, source, quote)
        self.items.append(entry)
        self.numbers[note_id] = entry.number
        return entry.number, True

    def cite(self, ids: tuple[str, ...], quote: bool) -> Html:
        marks = []
        for note_id in ids:
            number, first = self.number(note_id)
            self.cited.append(note_id)
            opinion = self.items[number - 1].note.record.opinion
            marks.append(CiteMark(number, first, self.items[number - 1].grade, opinion))
        shown = self.items[self.numbers[ids[0]] - 1].quote or "" if quote else None
        return cite_html(marks, shown)


def format_date(value: str) -> str:
    """'2014-12' → 'December 2014'; '2016-10-14' → '14 October 2016'."""
    parts = value.split("-")
    if len(parts) == 1:
        return parts[0]
    month = MONTHS[int(parts[1]) - 1]
    return f"{month} {parts[0]}" if len(parts) == 2 else f"{int(parts[2])} {month} {parts[0]}"


def _field(name: str, value: Attested) -> FieldView:
    shown = value.value or "unknown"
    if name == "date" and value.value:
        shown = format_date(value.value)
    if value.status.value == "stated" and value.paragraph:
        reason: str | None = f"stated in ¶{value.paragraph}"
    else:
        reason = value.reason
    return FieldView(name, shown, value.status.value, reason)


def _source_view(source: Source) -> SourceView:
    record = source.record
    fields = [_field(name, getattr(record, name)) for name in ("title", "author", "outlet", "date")]
    return SourceView(
        source.id,
        source.label,
        record.kind.value,
        fields,
        len(source.paragraphs),
        record.sha256,
        record.reliability.grade.value,
        record.reliability.reason,
    )


def _option_view(project: Project, option_id: str, brief: Brief, notes: Endnotes) -> OptionView:
    record = project.options[option_id].record

    def inline(text: str) -> Html:
        return render_inline(text, notes.cite)

    # Only what the layout shows is rendered, so endnotes number exactly what is cited.
    full = not project.settings.layouts[brief.meta.type].compact_options
    return OptionView(
        id=option_id,
        title=record.title,
        summary=record.summary,
        description=render(record.description, notes.cite) if full else escaped(""),
        pros=[inline(p) for p in record.pros] if full else [],
        cons=[inline(p) for p in record.cons] if full else [],
        risks=[inline(p) for p in record.risks] if full else [],
        recommended=brief.meta.recommended == option_id,
    )


def _account(note: Note, project: Project, notes: Endnotes) -> Account:
    source = project.sources[note.record.source]
    cite = notes.cite((note.id,), note.record.quote is not None)
    text = escaped(note.record.body)
    return Account(source, note.record.paragraph, text, cite)


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


def analyse(project: Project, brief: Brief) -> BriefView:
    """Build the view of one valid brief, walking its type's parts in reading order.

    Each part renders its own citations as it is reached, so endnotes are numbered
    in the order a reader meets them, by construction.
    """
    layout = project.settings.layouts[brief.meta.type]
    settings = project.settings
    view = BriefView(
        brief=brief,
        layout=layout,
        project_title=settings.project.title,
        language=settings.project.language,
        page_size=settings.pdf.page_size,
        generator=f"briefgen {__version__}",
        dimensions=[d.label for d in settings.comparison],
        marking_statement=settings.markings.distribution.get(brief.meta.marking, ""),
    )
    notes = Endnotes(project)
    for part in layout.parts:
        if part in layout.sections:
            _section(view, brief, part, notes)
        else:
            PART_BUILDERS.get(part, _nothing)(view, project, brief, notes)
    view.endnotes = notes.items
    cited_sources = sorted({e.source.id for e in notes.items})
    view.sources = [_source_view(project.sources[s]) for s in cited_sources]
    view.parts = _parts(view, layout)
    shown = [j.notes for j in view.judgments]
    view.framing = framing(project, brief, notes.cited, shown, "sources" in layout.parts)
    return view


Builder = Callable[[BriefView, Project, Brief, Endnotes], None]


def _section(view: BriefView, brief: Brief, slug: str, notes: Endnotes) -> None:
    section = brief.section(slug)
    if section is not None:
        view.sections[slug] = SectionView(
            section.slug,
            section.heading,
            render(section.text, notes.cite),
            slug in view.layout.analysis,
        )


def _timeline(view: BriefView, project: Project, _brief: Brief, notes: Endnotes) -> None:
    events = sorted(
        (n for n in project.notes.values() if n.record.event is not None),
        key=lambda n: event_order(n.record.event.date if n.record.event else "0", n.id),
    )
    for note in events:
        event = note.record.event
        assert event is not None
        view.timeline.append(
            TimelineEntry(
                format_date(event.date),
                event.label,
                notes.cite((note.id,), False),
                event.basis,
                event.inferred,
            )
        )


def _disagreements(view: BriefView, project: Project, _brief: Brief, notes: Endnotes) -> None:
    seen: set[frozenset[str]] = set()
    for note in project.notes.values():
        for other in note.record.conflicts_with:
            pair = frozenset((note.id, other))
            if pair in seen or other not in project.notes:
                continue
            seen.add(pair)
            view.disagreements.append(
                (_account(note, project, notes), _account(project.notes[other], project, notes))
            )


def _options(view: BriefView, project: Project, brief: Brief, notes: Endnotes) -> None:
    view.options = [_option_view(project, o, brief, notes) for o in brief.meta.options]


def _comparison(view: BriefView, project: Project, brief: Brief, notes: Endnotes) -> None:
    dims = [d.id for d in project.settings.comparison]
    for option_id in brief.meta.options if dims else ():
        record = project.options[option_id].record
        cells = [render_inline(record.compare[d], notes.cite) for d in dims]
        view.comparison.append(ComparisonRow(record.title, cells))


def _judgments(view: BriefView, project: Project, brief: Brief, notes: Endnotes) -> None:
    view.judgments = judgment_views(project, brief, notes.cite)


def _matrix(view: BriefView, project: Project, brief: Brief, _notes: Endnotes) -> None:
    if view.matrix is None:
        view.matrix = matrix_view(project, brief)


def _sensitivity(view: BriefView, project: Project, brief: Brief, notes: Endnotes) -> None:
    _matrix(view, project, brief, notes)
    if view.layout.scoring_detail:
        view.rationales = rationale_views(project, brief, notes.cite)


def _decision(view: BriefView, project: Project, brief: Brief, _notes: Endnotes) -> None:
    option_id = brief.meta.recommended
    if option_id is not None:
        view.recommended = OptionSummary(option_id, project.options[option_id].record.title)


def _nothing(_view: BriefView, _project: Project, _brief: Brief, _notes: Endnotes) -> None:
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
}


def _parts(view: BriefView, layout: BriefLayout) -> list[PartView]:
    """The parts that have something to show, in order, with their TOC labels."""
    present = {
        "toc": True,
        "timeline": bool(view.timeline),
        "disagreements": bool(view.disagreements),
        "judgments": bool(view.judgments),
        "options": bool(view.options),
        "comparison": bool(view.comparison),
        "matrix": view.matrix is not None,
        "sensitivity": view.matrix is not None,
        "decision": view.recommended is not None,
        "endnotes": bool(view.endnotes),
        "evidence": bool(view.judgments),
        "sources": bool(view.sources),
    }
    parts = []
    region = "front"
    for name in layout.parts:
        if name in BACK_MATTER:
            region = "back"
        elif name != "toc" and region == "front":
            region = "main"
        if name in layout.sections:
            if name in view.sections:
                heading = view.sections[name].heading
                parts.append(PartView("section", name, heading, region))
        elif present[name]:
            parts.append(PartView(name, name, TOC_LABELS.get(name), region))
    return parts

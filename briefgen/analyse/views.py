"""Stage 3 — analyse: turn validated content into ready-made views for templates.

Everything a template shows that is computed (endnote numbers, the timeline, the
comparison table, quotes in the source's own characters) is computed here, in
document order, so templates hold layout only.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from briefgen import __version__
from briefgen.analyse.endnotes import Endnote, Endnotes
from briefgen.analyse.framing import Framing, event_order, framing, source_date_text
from briefgen.analyse.scoring import (
    JudgmentView,
    MatrixView,
    Rationale,
    judgment_views,
    matrix_view,
    rationale_views,
)
from briefgen.model.layouts import BACK_MATTER, BriefLayout
from briefgen.model.project import Brief, Option, Source
from briefgen.model.records import Attested, BriefMeta, SourceRecord
from briefgen.model.written_dates import DateStyle
from briefgen.text.csl import Citations
from briefgen.text.dates import date_text
from briefgen.text.markdown import (
    Html,
    escaped,
    render,
    render_inline,
)
from briefgen.validate.likelihood import terms_used
from briefgen.validate.resolve import Resolved, ResolvedBrief, ResolvedNote


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
    entry: Html  # the reader's bibliography entry: only what is known
    genre: str = ""  # the analyst's classification (commentary, advocacy, ...), if given


@dataclass(frozen=True)
class PartView:
    """One part of a brief, in reading order: a ``## section`` or a generated part."""

    kind: str  # "section" or a generated part's name (layouts.GENERATED_PARTS)
    slug: str  # the section's slug or the part's name: its anchor
    toc_label: str | None  # its entry in a table of contents, if it has one
    # "summary" (the executive summary, first), "front" (a table of contents), "main"
    # or "back" (back matter)
    region: str


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
    pdf_standard: str
    generator: str
    date_style: DateStyle = "us"  # how briefgen's own text prints dates ([project] date_style)
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
    likelihood_legend: list[tuple[str, str]] = field(default_factory=list)  # (term, band)
    framing: Framing | None = None
    # The reader's edition lists endnotes[:reader_notes]; the annex cites more (the
    # scoring rationales) and lists them all.
    reader_notes: int = 0
    annex_options: list[OptionView] = field(default_factory=list)
    annex_sources: list[SourceView] = field(default_factory=list)
    # (code, meaning, reason) of each protected check the project lowered ([rules]): the
    # reader's edition says so on its last page.
    lowered_rules: list[tuple[str, str, str]] = field(default_factory=list)
    # (level, the project's rule, briefgen's) for each confidence level the project loosened
    loosened_confidence: list[tuple[str, str, str]] = field(default_factory=list)
    # Holders given a role ([holders]) already introduced with it in this brief.
    introduced: set[str] = field(default_factory=set)

    @property
    def meta(self) -> BriefMeta:
        return self.brief.meta

    @property
    def informs(self) -> bool:
        """An action memo that looks back prints as an information memo: its purpose,
        no decision lines ([types] information_label)."""
        return self.layout.label_for(self.brief.meta.retrospective) != self.layout.label


@dataclass(frozen=True)
class OptionSummary:
    id: str
    title: str


def _field(source: Source, name: str, value: Attested, style: DateStyle) -> FieldView:
    shown = value.shown or "unknown"
    if name == "date" and value.value:
        shown = date_text(value.value, style)
    if value.status.value == "stated" and (value.paragraph or value.line):
        reason: str | None = f"stated in {source.place_of(value)}"
    elif value.status.value == "recorded":
        reason = f"recorded in the file's {value.from_}, not stated in its text"
        if (value.from_ or "").endswith((".bib", ".json")):  # briefgen source import
            reason = f"recorded in the bibliography {value.from_}, not stated in the text"
    else:
        reason = value.reason
    return FieldView(name, shown, value.status.value, reason)


def _reliability(record: SourceRecord) -> tuple[str, str]:
    """The grade and its reason; an unassessed source says so, with no grade."""
    if isinstance(record.reliability, str):
        return "not assessed", ""
    return record.reliability.grade.value, record.reliability.reason


def _source_view(source: Source, citations: Citations, style: DateStyle) -> SourceView:
    record = source.record
    # The Chicago style gives no bibliography entry for a document with neither author
    # nor date (citeproc-js returns none); the reader still sees the source, by its label.
    entries = citations.bibliography([source.id])
    names = ("title", "author", "outlet", "date")
    fields = [_field(source, name, getattr(record, name), style) for name in names]
    return SourceView(
        source.id,
        source.label,
        record.kind.value,
        fields,
        len(source.paragraphs),
        record.sha256,
        *_reliability(record),
        entries[0] if entries else escaped(source.label),
        record.genre.value if record.genre else "",
    )


def _option_view(
    option: Option,
    brief: ResolvedBrief,
    notes: Endnotes,
    *,
    whole: bool = False,
    introduce: Callable[[str], str] = str,
) -> OptionView:
    """An option as the reader's edition shows it, or ``whole`` (the annex's).
    ``introduce`` gives a holder's first mention in the brief its role."""
    record = option.record

    def inline(text: str) -> Html:
        return render_inline(introduce(text), notes.cite)

    # Only what the layout shows is rendered, so endnotes number exactly what is cited.
    full = whole or not brief.layout.compact_options
    points = ("pros", "cons", "risks") if whole else brief.layout.option_points
    return OptionView(
        id=option.id,
        title=record.title,
        summary=record.summary,
        description=render(introduce(record.description), notes.cite) if full else escaped(""),
        pros=[inline(p) for p in record.pros] if "pros" in points else [],
        cons=[inline(p) for p in record.cons] if "cons" in points else [],
        risks=[inline(p) for p in record.risks] if "risks" in points else [],
        recommended=brief.recommended is option,
    )


def _annex(view: BriefView, resolved: Resolved, brief: ResolvedBrief, notes: Endnotes) -> None:
    """What only the annex shows: the scoring detail and every option whole. Rendered
    after the reader's parts, so the notes only they cite number after the reader's."""
    notes.inline = False  # the annex numbers its notes, whatever the reader's edition does
    if not view.judgments:  # a type that prints none still shows their evidence here
        _judgments(view, resolved, brief, notes)
    _matrix(view, resolved, brief, notes)
    if view.matrix is not None:
        view.rationales = rationale_views(resolved.project, brief, notes.cite)
    view.annex_options = [_option_view(o, brief, notes, whole=True) for o in brief.options]


def _account(linked: ResolvedNote, notes: Endnotes) -> Account:
    note, source = linked.note, linked.source
    cite = notes.cite((note.id,), note.record.quote is not None)
    text = escaped(note.record.body, notes.language(note))
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


def analyse(resolved: Resolved, brief_id: str, citations: Citations) -> BriefView:
    """Build the view of one valid brief, walking its type's parts in reading order.

    Each part renders its own citations as it is reached, so endnotes are numbered
    in the order a reader meets them, by construction.
    """
    linked = resolved.briefs[brief_id]
    brief, layout = linked.brief, linked.layout
    settings = resolved.project.settings
    view = BriefView(
        brief=brief,
        layout=layout,
        project_title=settings.project.title,
        language=settings.project.language,
        page_size=settings.pdf.page_size,
        pdf_standard=settings.pdf.standard,
        generator=f"briefgen {__version__}",
        date_style=settings.project.dates,
        dimensions=[d.label for d in settings.comparison],
        marking_statement=settings.markings.distribution.get(brief.meta.marking, ""),
        lowered_rules=settings.lowered_protected,
        loosened_confidence=settings.loosened_confidence,
    )
    notes = Endnotes(resolved, citations, inline=layout.citations == "inline")
    roles = _holder_roles(resolved)
    for part in layout.parts:
        if part in layout.sections:
            _section(view, brief, part, notes, roles)
        else:
            PART_BUILDERS.get(part, _nothing)(view, resolved, linked, notes)
    view.reader_notes, reader_cited = len(notes.items), list(notes.cited)
    _annex(view, resolved, linked, notes)
    view.endnotes = notes.formatted(view.reader_notes)
    cited = {e.source.id: e.source for e in notes.items[: view.reader_notes]}
    style = settings.project.dates
    view.sources = [_source_view(cited[s], citations, style) for s in sorted(cited)]
    every = {e.source.id: e.source for e in notes.items}
    view.annex_sources = [_source_view(every[s], citations, style) for s in sorted(every)]
    view.parts = _parts(view, layout)
    view.likelihood_legend = [
        (term, band.label) for term, band in terms_used(resolved.project, brief)
    ]
    shown = [j.notes for j in view.judgments]
    view.framing = framing(resolved.project, brief, reader_cited, shown, "sources" in layout.parts)
    return view


Builder = Callable[[BriefView, Resolved, ResolvedBrief, Endnotes], None]


def _section(
    view: BriefView, brief: Brief, slug: str, notes: Endnotes, roles: dict[str, HolderRole]
) -> None:
    section = brief.section(slug)
    if section is not None:
        analysis = slug in view.layout.analysis
        view.sections[slug] = SectionView(
            section.slug,
            section.heading,
            render(_introduce(view, section.text, roles), notes.cite, analysis=analysis),
            analysis,
        )


@dataclass(frozen=True)
class HolderRole:
    names: tuple[str, ...]  # the holder's name and aliases, longest first
    text: str  # "Assistant Secretary …, as of c. 2015"


def _holder_roles(resolved: Resolved) -> dict[str, HolderRole]:
    """Each holder given a role, with the date of the source their notes come from."""
    settings = resolved.project.settings
    roles = {}
    for name, holder in settings.holder_roles().items():
        source = next(
            (
                resolved.project.sources.get(n.record.source)
                for n in resolved.project.notes.values()
                if (n.record.holder or "").strip() == name
            ),
            None,
        )
        style = settings.project.dates
        dated = source_date_text(source, style) if source is not None else "undated"
        as_of = f", as of {dated}" if dated != "undated" else ""
        names = sorted({name, *holder.aliases}, key=len, reverse=True)
        # One line: the role goes inside a line of the brief, whose numbering must hold.
        roles[name] = HolderRole(tuple(names), f"{' '.join(holder.role.split())}{as_of}")
    return roles


# Where a name is not a mention to annotate: a citation, link or quotation.
_NOT_PROSE = re.compile(r"\[[^\]]*\]|“[^”]*”|\"[^\"]*\"|`[^`]*`")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")


def _introduce(view: BriefView, text: str, roles: dict[str, HolderRole]) -> str:
    """The first mention of each holder given a role, in this brief's reading order, gets
    the role as of its source's date: "Shear (Assistant Secretary …, as of c. 2015)"."""
    for holder, role in roles.items():
        if holder in view.introduced:
            continue
        skip = [m.span() for m in _NOT_PROSE.finditer(text)]
        found = None
        for name in role.names:
            for match in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text):
                if not any(a <= match.start() < b for a, b in skip):
                    if found is None or match.start() < found.start():
                        found = match
                    break
        if found is not None:
            view.introduced.add(holder)
            note = _MARKDOWN_SPECIAL.sub(r"\\\1", role.text)
            text = f"{text[: found.end()]} ({note}){text[found.end() :]}"
    return text


def _timeline(view: BriefView, resolved: Resolved, _brief: ResolvedBrief, notes: Endnotes) -> None:
    events = sorted(
        (n.note for n in resolved.notes.values() if n.note.record.event is not None),
        key=lambda n: event_order(n.record.event.date if n.record.event else "0", n.id),
    )
    for note in events:
        event = note.record.event
        assert event is not None
        view.timeline.append(
            TimelineEntry(
                date_text(event.date, resolved.project.settings.project.dates),
                event.label,
                notes.cite((note.id,), False),
                event.basis,
                event.inferred,
            )
        )


def _disagreements(
    view: BriefView, resolved: Resolved, _brief: ResolvedBrief, notes: Endnotes
) -> None:
    seen: set[frozenset[str]] = set()
    for linked in resolved.notes.values():
        for other in linked.note.record.conflicts_with:
            pair = frozenset((linked.id, other))
            if pair in seen or other not in resolved.notes:
                continue
            seen.add(pair)
            view.disagreements.append(
                (_account(linked, notes), _account(resolved.notes[other], notes))
            )


def _introducer(view: BriefView, resolved: Resolved) -> Callable[[str], str]:
    """An option's texts, like a section's, give a holder's first mention its role."""
    roles = _holder_roles(resolved)
    return lambda text: _introduce(view, text, roles)


def _options(view: BriefView, resolved: Resolved, brief: ResolvedBrief, notes: Endnotes) -> None:
    introduce = _introducer(view, resolved)
    view.options = [_option_view(o, brief, notes, introduce=introduce) for o in brief.options]


def _comparison(view: BriefView, resolved: Resolved, brief: ResolvedBrief, notes: Endnotes) -> None:
    dims = [d.id for d in resolved.project.settings.comparison]
    introduce = _introducer(view, resolved)
    for option in brief.options if dims else ():
        record = option.record
        cells = [render_inline(introduce(record.compare[d]), notes.cite) for d in dims]
        view.comparison.append(ComparisonRow(record.title, cells))


def _judgments(view: BriefView, resolved: Resolved, brief: ResolvedBrief, notes: Endnotes) -> None:
    view.judgments = judgment_views(resolved.project, brief, notes.cite)


def _matrix(view: BriefView, resolved: Resolved, brief: ResolvedBrief, _notes: Endnotes) -> None:
    if view.matrix is None:
        view.matrix = matrix_view(resolved.project, brief)


def _sensitivity(
    view: BriefView, resolved: Resolved, brief: ResolvedBrief, notes: Endnotes
) -> None:
    _matrix(view, resolved, brief, notes)  # the score rationales are in the annex


def _decision(view: BriefView, _resolved: Resolved, brief: ResolvedBrief, _notes: Endnotes) -> None:
    if brief.recommended is not None:
        option = brief.recommended
        view.recommended = OptionSummary(option.id, option.record.title)


def _purpose(view: BriefView, resolved: Resolved, brief: ResolvedBrief, notes: Endnotes) -> None:
    _decision(view, resolved, brief, notes)


def _nothing(
    _view: BriefView, _resolved: Resolved, _brief: ResolvedBrief, _notes: Endnotes
) -> None:
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
        "decision": view.recommended is not None and not view.informs,
        "purpose": view.informs,
        "endnotes": bool(view.endnotes),
        "evidence": bool(view.judgments),
        "sources": bool(view.sources),
    }
    parts = []
    region = "front"
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
            if name in view.sections:
                heading = view.sections[name].heading
                parts.append(PartView("section", name, heading, region))
        elif present[name]:
            parts.append(PartView(name, name, TOC_LABELS.get(name), region))
    return parts

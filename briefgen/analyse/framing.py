"""The masthead's honest framing: date of information, retrospective wording, approval,
and the evidence-base line, all computed from the content (issue 12)."""

from __future__ import annotations

from dataclasses import dataclass

from briefgen.model.project import Brief, Project, Source
from briefgen.model.records import Status
from briefgen.model.written_dates import DateStyle
from briefgen.text.dates import date_text, month_year
from briefgen.validate.dating import cited_notes, information_date, period_end, period_start


@dataclass(frozen=True)
class Framing:
    information_as_of: str  # "October 14, 2016 (year inferred) or later", or "" if undated
    retrospective: bool
    retrospective_line: str  # masthead line of a retrospective brief, else ""
    decision_as_of: str  # a retrospective memo's decision line, else ""
    approval: str  # "Approved by X on November 20, 2026" when the marking claims approval, else ""
    evidence_base: str
    opinion_key: bool  # the brief cites opinion: print the one-line key


def event_order(date: str, note_id: str) -> tuple[str, int, str]:
    """Timeline order: by the end of each date's period, so an event dated only "2016"
    (any time that year) comes after the dated events of 2016, and "2016-10" after
    "2016-10-14": putting it first would claim it happened first."""
    return (period_end(date).isoformat(), -len(date), note_id)


def _date_text(source: Source, style: DateStyle) -> str:
    date = source.record.date
    if date.value is None:
        return "undated"
    parts = date.value.split("-")
    text = parts[0] if len(parts) == 1 else month_year(period_start(date.value), style)
    return f"c. {text}" if date.status is Status.INFERRED else text


def source_date_text(source: Source, style: DateStyle) -> str:
    """A source's date as prose: '2016', 'October 2016', 'c. 2015', or 'undated'."""
    return _date_text(source, style)


def _byline(source: Source) -> str:
    author = source.record.author
    if author.status is Status.UNKNOWN or author.shown is None:
        return "author not named in our copy"
    return author.shown


def _evidence_base(
    sources: list[Source], opinion: int, cited: int, singles: tuple[int, int], style: DateStyle
) -> str:
    dated = sorted(
        (s for s in sources if s.record.date.value), key=lambda s: s.record.date.value or ""
    )
    count = f"{len(sources)} source{'s' if len(sources) != 1 else ''}"
    if len(dated) > 1:
        count += f", {_date_text(dated[0], style)} to {_date_text(dated[-1], style)}"
    elif dated:
        count += f", {_date_text(dated[0], style)}"
    unnamed = [s for s in sources if s.record.author.status is Status.UNKNOWN]
    parts = [count]
    if unnamed:
        parts.append(f"{len(unnamed)} without a named author in our copy")
    if cited:
        parts.append(
            f"{opinion} of {cited} citations ({opinion * 100 / cited:.0f}%) are to opinion"
        )
    single, total = singles
    if total:
        parts.append(f"{single} of {total} judgments rest on a single source")
    return "; ".join(parts) + "."


def _genre(source: Source) -> str:
    genre = source.record.genre
    return f"; we class it as {genre.value}" if genre else ""


def _source_list(sources: list[Source], style: DateStyle) -> str:
    return "; ".join(
        f"{s.label} ({_byline(s)}, {_date_text(s, style)}{_genre(s)})" for s in sources
    )


def framing(
    project: Project,
    brief: Brief,
    cited: list[str],
    judgment_notes: list[list[str]],
    shows_sources: bool,
) -> Framing:
    """``cited``: the note id of every citation mark, in order (repeats counted);
    ``judgment_notes``: each shown judgment's evidence."""
    meta = brief.meta
    informed = information_date(project, cited_notes(project, brief), meta.date)
    style = project.settings.project.dates
    as_of = informed.text(style) if informed else ""
    source_ids = sorted({project.notes[n].record.source for n in cited})
    sources = [project.sources[s] for s in source_ids]
    opinion = sum(1 for n in cited if project.notes[n].record.opinion)
    single = sum(
        1 for notes in judgment_notes if len({project.notes[n].record.source for n in notes}) == 1
    )
    line = _evidence_base(sources, opinion, len(cited), (single, len(judgment_notes)), style)
    if not shows_sources and sources:
        line += " Sources: " + _source_list(sources, style) + "."
    approval = ""
    if project.settings.markings.claims_approval.get(meta.marking) and meta.approved_by:
        on = date_text(meta.approved_on, style) if meta.approved_on else "an unstated date"
        approval = f"Approved by {meta.approved_by} on {on}"
    retrospective = meta.retrospective
    return Framing(
        information_as_of=as_of,
        retrospective=retrospective,
        retrospective_line=(
            # The "Information as of" line above it gives the date.
            "Retrospective: what the record showed then. Not updated since; later events "
            "are not covered."
            if retrospective and as_of
            else ""
        ),
        # A look-back poses no live decision: it says what the record then supported.
        decision_as_of=f"On the record as of {as_of}" if retrospective and as_of else "",
        approval=approval,
        evidence_base=line,
        opinion_key=opinion > 0,
    )

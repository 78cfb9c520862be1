"""Source records as the sources list and the annex show them: each field with how it
is known, the reliability grade, and the bibliography entry in the citation style."""

from __future__ import annotations

from dataclasses import dataclass

from briefgen.model.project import Source
from briefgen.model.records import Attested, SourceRecord
from briefgen.model.written_dates import DateStyle
from briefgen.text.csl import Citations
from briefgen.text.dates import date_text
from briefgen.text.markdown import Html, escaped


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


def field_view(source: Source, name: str, value: Attested, style: DateStyle) -> FieldView:
    """One field of a source record, with where it was found or why it is not known."""
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


def source_view(source: Source, citations: Citations, style: DateStyle) -> SourceView:
    record = source.record
    # The Chicago style gives no bibliography entry for a document with neither author
    # nor date (citeproc-js returns none); the reader still sees the source, by its label.
    entries = citations.bibliography([source.id])
    names = ("title", "author", "outlet", "date")
    fields = [field_view(source, name, getattr(record, name), style) for name in names]
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

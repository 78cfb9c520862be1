"""The evidence checks: each source's text against its pinned checksum and its line
marks; each note's source, paragraph, quote, event date and conflicts."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from briefgen.diagnostics import Diagnostics, did_you_mean
from briefgen.memo import memoized
from briefgen.model.project import Note, Project
from briefgen.model.report import ContentKind, LoadReport
from briefgen.text.quotes import closest, find_in, locate
from briefgen.text.search import find_passages
from briefgen.validate.lines import check_event_date, check_note_line, check_source_lines
from briefgen.validate.sic import check_sic


@dataclass
class Place:
    """What validation is checking now, so running out of time can say where."""

    path: Path
    line: int
    what: str


def check_sources(project: Project, diagnostics: Diagnostics) -> None:
    for source in project.sources.values():
        origin, record = source.origin, source.record
        digest = _sha256(source.text)
        if digest != record.sha256:
            diagnostics.error(
                origin.path,
                origin.line("sha256"),
                "source.checksum",
                _checksum_problem(record.text, source.text, record.sha256, digest),
            )
        check_source_lines(source, diagnostics)
        if record.grade is None:
            diagnostics.warning(
                origin.path,
                origin.line("reliability"),
                "source.unassessed",
                f"source '{source.id}' is not assessed yet: set reliability (grade A–F and "
                "a reason) before a brief's reader edition cites it",
            )


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _checksum_problem(name: str, text: str, pinned: str, digest: str) -> str:
    """Why a source text's sha256 is not the pinned one, in the terms of the likely cause."""
    if len(set(pinned)) == 1:  # 64 zeros: a placeholder, never a digest
        return f"text '{name}' is not pinned yet: pin it: sha256: {digest}"
    causes = []
    unchanged = text
    if text.startswith("\ufeff"):
        causes.append("starts with a byte-order mark (BOM): save it as UTF-8 without a BOM")
        unchanged = unchanged[1:]
    if "\r" in text:
        causes.append(
            "has Windows line endings (CRLF): convert them to LF (dos2unix, or your editor's "
            "line-ending setting); to keep git from converting them again, add "
            "'content/sources/*.txt -text' to .gitattributes"
        )
        unchanged = unchanged.replace("\r\n", "\n").replace("\r", "\n")
    if causes and _sha256(unchanged) == pinned:
        return f"text '{name}' " + " and ".join(causes) + "; its words are unchanged"
    if causes:
        return (
            f"text '{name}' has changed: sha256 is {digest}; it "
            + " and ".join(causes)
            + ", and a source text must stay verbatim"
        )
    return f"text '{name}' has changed: sha256 is {digest}; a source text must stay verbatim"


def check_notes(
    project: Project, report: LoadReport, diagnostics: Diagnostics, place: Place
) -> None:
    for note in project.notes.values():
        record, origin = note.record, note.origin
        place.path, place.line = origin.path, origin.line("quote")
        place.what = f"the quote of note '{note.id}'"
        source = project.sources.get(record.source)
        if source is None:
            if report.may_hold(ContentKind.SOURCES, record.source):
                continue
            diagnostics.error(
                origin.path,
                origin.line("source"),
                "note.unknown-source",
                f"note '{note.id}' cites unknown source '{record.source}'"
                + did_you_mean(record.source, project.sources),
            )
        elif check_note_line(note, source, diagnostics):
            found = _check_locator(note, source.paragraphs, diagnostics)
            check_event_date(note, source, diagnostics)
            check_sic(note, diagnostics)
            if found is not None:
                project.quotes[note.id] = found
        for other in record.conflicts_with:
            target = project.notes.get(other)
            if target is None:
                diagnostics.error(
                    origin.path,
                    origin.line("conflicts_with"),
                    "note.unknown-conflict",
                    f"conflicts_with names unknown note '{other}'"
                    + did_you_mean(other, project.notes),
                )
            elif note.id not in target.record.conflicts_with:
                diagnostics.warning(
                    origin.path,
                    origin.line("conflicts_with"),
                    "note.conflict-one-sided",
                    f"'{other}' does not list '{note.id}' in its conflicts_with",
                )


def _check_locator(note: Note, paragraphs: list[str], diagnostics: Diagnostics) -> str | None:
    """Check a note's ¶ and quote; returns the quote in the source's own characters."""
    record, origin = note.record, note.origin
    note_id, paragraph, quote, source_id = record.id, record.paragraph, record.quote, record.source
    if paragraph > len(paragraphs):
        diagnostics.error(
            origin.path,
            origin.line("paragraph"),
            "note.paragraph-range",
            f"¶{paragraph} does not exist in source '{source_id}' "
            f"(it has {len(paragraphs)} paragraphs)",
        )
        return None
    if quote is None:
        return None
    within = paragraphs[paragraph - 1]  # a re-check (memo.py) reuses an unchanged match
    found = memoized("quote-in", (quote, within), lambda: find_in(quote, within))
    if found is not None:
        return found
    elsewhere = locate(quote, paragraphs)
    if elsewhere is not None:
        diagnostics.error(
            origin.path,
            origin.line("quote"),
            "quote.wrong-paragraph",
            f"quote of note '{note_id}' is in ¶{elsewhere.paragraph} of source "
            f"'{source_id}', not ¶{paragraph}",
        )
        return None
    crossing = next((f for f in find_passages(quote, paragraphs) if f.crosses), None)
    if crossing is not None:
        diagnostics.error(
            origin.path,
            origin.line("quote"),
            "quote.mismatch",
            f"quote of note '{note_id}' crosses a paragraph break in source '{source_id}', "
            f"from ¶{crossing.first + 1} into ¶{crossing.last + 1} (in a text taken from a "
            "PDF, often a line wrap): a quote sits in one paragraph, so quote the part in "
            f"one, or rejoin the source's wrapped lines and pin the text again",
        )
        return None
    near = closest(quote, paragraphs)
    hint = f"; closest passage is in ¶{near.paragraph}: {near.text.strip()}" if near else ""
    diagnostics.error(
        origin.path,
        origin.line("quote"),
        "quote.mismatch",
        f"quote of note '{note_id}' not found in source '{source_id}'{hint}",
    )
    return None

"""A source record's line marks and attestations, and notes that point at a marked line.

See ``model/lines.py`` for the numbering. Every mistake is located at the key that
makes it: a mark outside the text or on a blank line, a line marked twice, marks whose
notes were never migrated to body numbering, a note whose ¶ is a title, byline or
heading.
"""

from __future__ import annotations

import re

from briefgen.diagnostics import Diagnostics
from briefgen.model.project import Note, Source
from briefgen.model.records import Attested, Dated, Status
from briefgen.model.written_dates import find_date
from briefgen.text.quotes import find_in

ATTESTED = ("title", "author", "outlet", "date")
MIGRATE_HINT = (
    "run 'briefgen migrate-locators' to renumber them (or add 'numbering: body' if they "
    "already count body paragraphs only)"
)


def check_source_lines(source: Source, diagnostics: Diagnostics) -> None:
    """The record's ``lines:`` marks and its stated values' ``paragraph``/``line``."""
    if source.record.lines is not None and not source.migrated:
        diagnostics.error(
            source.origin.path,
            source.origin.line("lines"),
            "source.numbering-unmigrated",
            f"source '{source.id}' marks its non-body lines, but its notes' ¶ still count "
            f"every non-empty line: {MIGRATE_HINT}",
        )
    check_marks(source, diagnostics)
    _check_attested(source, diagnostics)


def check_marks(source: Source, diagnostics: Diagnostics) -> None:
    """Each ``lines:`` mark is a non-blank line of the text, marked once."""
    origin, marks = source.origin, source.record.lines
    if marks is None:
        return
    count = len(source.lines)
    first: dict[int, str] = {}
    for number, _role, place in marks.marked():
        name = "lines." + ".".join(str(p) for p in place[:1])
        line = origin.line("lines", *place)
        if number > count:
            diagnostics.error(
                origin.path,
                line,
                "source.line-range",
                f"{name}: line {number} does not exist (the text has {count} lines)",
            )
        elif not source.lines[number - 1].strip():
            diagnostics.error(
                origin.path, line, "source.line-blank", f"{name}: line {number} is blank"
            )
        elif number in first:
            diagnostics.error(
                origin.path,
                line,
                "source.line-marked-twice",
                f"{name}: line {number} is already marked in {first[number]}",
            )
        first.setdefault(number, name)


def describe_line(source: Source, number: int) -> str:
    """'line 7, a heading (“History Impeded Progress”)' or 'line 9'."""
    role = source.roles.get(number)
    if role is None:
        return f"line {number}"
    return f"line {number}, {role.describe()} (“{source.lines[number - 1].strip()}”)"


def _check_attested(source: Source, diagnostics: Diagnostics) -> None:
    origin, record = source.origin, source.record
    for name in ATTESTED:
        value = getattr(record, name)
        if value.status is not Status.STATED:
            continue
        if value.line is not None:
            key, count = "line", len(source.lines)
            number, text, problem, where = _lines_text(value.line, source.lines)
            problem = problem or f"line {number} does not exist (the text has {count} lines)"
        else:
            number, key = value.paragraph, "paragraph"
            count, where = len(source.paragraphs), f"¶{value.paragraph}"
            text = source.paragraphs[number - 1] if number <= count else None
            problem = f"¶{number} does not exist (the text has {count} paragraphs)"
        if text is None:
            code = "source.line-range" if key == "line" else "source.paragraph-range"
            diagnostics.error(origin.path, origin.line(name, key), code, f"{name}: {problem}")
        elif name == "date" and _date_stated(source, value, text, diagnostics):
            continue
        else:
            for index, missing in enumerate(value.names):
                if find_in(missing, text) is not None:
                    continue
                marked = _marked_hint(source, missing) if key == "paragraph" else ""
                loc = (name, "value", index) if isinstance(value.value, list) else (name, "value")
                diagnostics.error(
                    origin.path,
                    origin.line(*loc),
                    "source.stated-not-found",
                    f"{name} '{missing}' is marked stated but {where} does not contain it" + marked,
                )


def _lines_text(line: int | list[int], lines: list[str]) -> tuple[int, str | None, str, str]:
    """(the last line, the text of the lines joined, a problem or "", 'line 3' or
    'lines 1–2') of a value's ``line``: one line, or the consecutive lines it spans."""
    numbers = line if isinstance(line, list) else [line]
    if not numbers or numbers != list(range(numbers[0], numbers[0] + len(numbers))):
        problem = (
            f"{numbers} are not consecutive lines: name each line a wrapped value spans, in "
            "order, e.g. [1, 2]"
        )
        return 0, None, problem, ""
    last = numbers[-1]
    where = f"line {last}" if len(numbers) == 1 else f"lines {numbers[0]}–{last}"
    if last > len(lines):
        return last, None, "", where
    return last, " ".join(lines[n - 1].strip() for n in numbers), "", where


def _date_stated(source: Source, value: Attested, text: str, diagnostics: Diagnostics) -> bool:
    """Whether ``text`` writes the stated date in a common English form ("August 2, 2024",
    "2 Aug 2024", "Sept. 27"); a day and month without the year need ``year_reason``."""
    if value.value is None or not isinstance(value, Dated):
        return False
    written = find_date(value.value, text)
    if written is None:
        return False
    if written.year is None and value.year_reason is None:
        origin = source.origin
        diagnostics.error(
            origin.path,
            origin.line("date", "value"),
            "source.date-year-unstated",
            f"date '{value.value}': the text writes '{written.text}', without the year: add "
            "`year_reason:` saying why the year is "
            f"{value.value[:4]} (the day and month stay stated, the year is inferred)",
        )
    return True


def _marked_hint(source: Source, value: str) -> str:
    """Where a stated value is, when it is on a marked line (¶ count body lines only)."""
    for number, role in sorted(source.roles.items()):
        if find_in(value, source.lines[number - 1]) is not None:
            return f"; it is on line {number}, {role.describe()}: say 'line: {number}'"
    return ""


def check_note_line(note: Note, source: Source, diagnostics: Diagnostics) -> bool:
    """Whether the note's ¶ is a body paragraph; if not, a located error says what it is.

    Only a source not yet migrated can be pointed at a marked line: once migrated, ¶
    numbers count body paragraphs only.
    """
    paragraph = note.record.paragraph
    if paragraph > len(source.counted):
        return True  # the range check reports it
    number = source.line_of(paragraph)
    if number not in source.roles:
        return True
    diagnostics.error(
        note.origin.path,
        note.origin.line("paragraph"),
        "note.paragraph-not-body",
        f"¶{paragraph} of source '{source.id}' is {describe_line(source, number)}, "
        f"not a body paragraph: point note '{note.id}' at the body paragraph it means",
    )
    return False


def check_event_date(note: Note, source: Source, diagnostics: Diagnostics) -> None:
    """An event date taken as stated (no ``basis``, or ``status: stated``) is written in
    the note's paragraph, in any common English form, as a source's stated date must be;
    otherwise the timeline would print a worked-out date as read (new-user-3 row 26)."""
    event, paragraph = note.record.event, note.record.paragraph
    if event is None or event.inferred or paragraph > len(source.paragraphs):
        return
    text = source.paragraphs[paragraph - 1]
    if len(event.date) == 4:
        found = re.search(rf"(?<!\d){event.date}(?!\d)", text) is not None
    else:
        found = find_date(event.date, text) is not None
    if found:
        return
    diagnostics.error(
        note.origin.path,
        note.origin.line("event", "date"),
        "note.event-date-unstated",
        f"event date '{event.date}' of note '{note.id}' is taken as stated, but ¶{paragraph} "
        f"of source '{source.id}' does not write it: add `basis:` saying how the date is "
        "known (the timeline then says it is inferred), or point the note at the paragraph "
        "that states it",
    )

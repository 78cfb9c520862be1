"""BibTeX / BibLaTeX (``.bib``) → entries, read by ``bibtexparser`` 2 (MIT), which also
decodes LaTeX accents and macros to Unicode (``pylatexenc``) and splits author lists into
names."""

from __future__ import annotations

import calendar
import logging
import re
from collections.abc import Callable
from typing import Any

from briefgen.ingest import ImportFailure
from briefgen.ingest.bibliography.entry import (
    MAX_DEPTH,
    Bibliography,
    Entry,
    Skipped,
    Value,
    author_value,
    clean,
    iso,
    iso_text,
    person,
)

_MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
_MONTHS |= {name.lower(): number for number, name in enumerate(calendar.month_abbr) if name}
_MONTHS["sept"] = 9


def _braces(text: str) -> int:
    """The deepest nesting of braces (a title's "{NATO}" is 2 inside its field)."""
    depth = deepest = 0
    for found in re.finditer(r"[{}]", text):
        depth += 1 if found[0] == "{" else -1
        deepest = max(deepest, depth)
    return deepest


def read_bibtex(text: str, wanted: Callable[[str], bool]) -> Bibliography:
    """The entries of a BibTeX file; only the ``wanted`` keys' fields are decoded."""
    from bibtexparser import middlewares
    from bibtexparser.entrypoint import parse_string
    from bibtexparser.library import Library
    from bibtexparser.model import Block

    if _braces(text) > MAX_DEPTH:
        raise ImportFailure(
            "import.bad-bibliography",
            f"nests braces more than {MAX_DEPTH} deep: this is not a BibTeX export",
        )
    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)  # we report, it needn't
    library = parse_string(text)
    bibliography = Bibliography()
    for block in library.failed_blocks:
        start = block.start_line or 0
        key = getattr(block, "key", None)
        why = (
            f"a second entry with the key '{key}'"
            if "Duplicate" in type(block).__name__
            else "this block is not valid BibTeX"
        )
        bibliography.broken.append((start + 1, why))
    selected = [e for e in library.entries if wanted(e.key)]
    chosen = Library(list[Block](selected), fail_on_duplicate_key=False)
    for middleware in (
        middlewares.LatexDecodingMiddleware(),
        middlewares.SeparateCoAuthors(),
        middlewares.SplitNameParts(),
    ):
        chosen = middleware.transform(chosen)
    decoded = dict(zip(map(id, selected), chosen.entries, strict=True))
    for found in library.entries:
        entry = Entry(found.key, (found.start_line or 0) + 1)
        if wanted(found.key):
            _bibtex_fields(decoded.get(id(found), found), entry)
        bibliography.entries.append(entry)
    return bibliography


_BIBTEX = {
    "title": "title",
    "journal": "outlet",
    "journaltitle": "outlet",
    "booktitle": "outlet",
    "url": "url",
    "publisher": "publisher",
    "institution": "publisher",
    "organization": "publisher",
    "number": "number",
    "version": "version",
    "shorttitle": "short_title",
}


def _bibtex_fields(found: Any, entry: Entry) -> None:
    fields = {f.key.lower(): f for f in found.fields}
    for key, name in _BIBTEX.items():
        bib = fields.get(key)
        if bib is None or name in entry.fields:
            continue
        value = clean(bib.value)
        line = bib.start_line + 1
        if value is None:
            entry.skipped.append(Skipped(name, line, f"'{key}' is empty"))
        else:
            entry.fields[name] = Value(value, line)
    author = fields.get("author")
    if author is not None:
        parsed = author.value if isinstance(author.value, list) else []
        names = [n for n in map(_bibtex_name, parsed) if n and n != "others"]
        line = author.start_line + 1
        if names:
            entry.fields["author"] = author_value(names, line)
        else:
            entry.skipped.append(Skipped("author", line, "'author' names no one"))
    for key, name in (("date", "date"), ("urldate", "accessed")):
        bib = fields.get(key)
        if bib is not None:
            date = iso_text(str(bib.value).split("/")[0]) if isinstance(bib.value, str) else None
            if date is None:
                reason = f"'{key}' is not a date briefgen reads (write YYYY, YYYY-MM or YYYY-MM-DD)"
                entry.skipped.append(Skipped(name, bib.start_line + 1, reason))
            else:
                entry.fields[name] = Value(date, bib.start_line + 1)
    year = fields.get("year")
    if "date" not in entry.fields and year is not None:
        date = _year_month(year.value, fields.get("month"), fields.get("day"))
        if date is None:
            entry.skipped.append(
                Skipped("date", year.start_line + 1, "'year' and 'month' are not a date")
            )
        else:
            entry.fields["date"] = Value(date, year.start_line + 1)


def _bibtex_name(name: Any) -> str | None:
    parts = [
        " ".join(getattr(name, part, []) or []).strip() for part in ("first", "von", "last", "jr")
    ]
    first, von, last, jr = (" ".join(p.split()) for p in parts)
    family = " ".join(p for p in (von, last) if p)
    if not family:
        return first or None
    return person(first or None, family, jr or None)


def _year_month(year: object, month: Any, day: Any) -> str | None:
    year_text = clean(year)
    if year_text is None or not re.fullmatch(r"\d{4}", year_text):
        return None
    if month is None:
        return iso(int(year_text))
    month_text = (clean(month.value) or "").lower().rstrip(".")
    number = int(month_text) if month_text.isdigit() else _MONTHS.get(month_text)
    if number is None:
        return None
    day_text = clean(day.value) if day is not None else None
    day_number = int(day_text) if day_text and day_text.isdigit() else None
    return iso(int(year_text), number, day_number)

"""A reference manager's export → entries of metadata, for ``briefgen source import``.

Two formats, each read by a well-kept parser, never by hand:

* **CSL-JSON** (``.json``; Zotero, Better BibTeX): plain JSON (the standard library),
  a list of items, each with an ``id`` (the citation key);
* **BibTeX / BibLaTeX** (``.bib``): ``bibtexparser`` 2 (MIT), which also decodes LaTeX
  accents and macros to Unicode (``pylatexenc``) and splits author lists into names.

An entry is its key, the line it starts on and the fields briefgen knows (title, author,
outlet, date, url, accessed, publisher, number, version, short_title), each with its
line; a value briefgen cannot use (a date it can't read, an author list that is not a
list) is a ``Skipped`` value with the reason, never a guess. A file that is not valid
JSON or BibTeX, too deep, or not UTF-8 is an ``ImportFailure``, never a traceback.
"""

from __future__ import annotations

import calendar
import datetime
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from briefgen.ingest import ImportFailure
from briefgen.plain import refused

MAX_BIBLIOGRAPHY_BYTES = 5 * 2**20  # some 10,000 entries of a reference manager's export
MAX_DEPTH = 64  # CSL-JSON nests four levels deep (a list of items of dates of parts)
FIELDS = (
    "title",
    "author",
    "outlet",
    "date",
    "url",
    "accessed",
    "publisher",
    "number",
    "version",
    "short_title",
)
_MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
_MONTHS |= {name.lower(): number for number, name in enumerate(calendar.month_abbr) if name}
_MONTHS["sept"] = 9


@dataclass(frozen=True)
class Value:
    value: str | list[str]  # a list for several authors
    line: int


@dataclass(frozen=True)
class Skipped:
    """A field the entry gives but briefgen can't use, and why."""

    name: str
    line: int
    reason: str


@dataclass
class Entry:
    key: str
    line: int
    fields: dict[str, Value] = field(default_factory=dict)
    skipped: list[Skipped] = field(default_factory=list)


@dataclass
class Bibliography:
    entries: list[Entry] = field(default_factory=list)
    # Parts of the file that are not an entry (a BibTeX block that doesn't parse): line, why.
    broken: list[tuple[int, str]] = field(default_factory=list)


def read_bibliography(
    suffix: str, data: bytes, wanted: Callable[[str], bool] = lambda _key: True
) -> Bibliography:
    """The entries of a ``.json`` (CSL-JSON) or ``.bib`` (BibTeX) file's bytes; only the
    ``wanted`` keys' fields are read (LaTeX decoding is slow: a whole library's 10,000
    entries would take a minute; the few a project has, a moment)."""
    if len(data) > MAX_BIBLIOGRAPHY_BYTES:
        raise ImportFailure(
            "import.too-large",
            f"the file is {len(data)} bytes; briefgen reads a bibliography of at most "
            f"{MAX_BIBLIOGRAPHY_BYTES}: export only the items of this project",
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportFailure(
            "import.encoding",
            "is not UTF-8 text: export it again as UTF-8 (Zotero and Better BibTeX do)",
            line=line,
        ) from None
    found = refused(text.replace("\n", "").replace("\r", "").replace("\t", ""))
    if found is not None:
        raise ImportFailure(
            "import.bad-bibliography", f"contains {found}, which no bibliography field holds"
        )
    if suffix == ".json":
        return _csl_json(text, wanted)
    return _bibtex(text, wanted)


def _clean(value: object) -> str | None:
    """A field's text on one line; None when empty or not text."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    return " ".join(value.split()) or None


def _iso(year: int, month: int | None = None, day: int | None = None) -> str | None:
    """'2024', '2024-05' or '2024-05-02' when it is a real date, else None."""
    try:
        datetime.date(year, month or 1, day or 1)
    except (ValueError, OverflowError):
        return None
    if not 1000 <= year <= 9999:
        return None
    text = f"{year:04d}"
    if month is not None:
        text += f"-{month:02d}" + (f"-{day:02d}" if day is not None else "")
    return text


def _iso_text(text: str) -> str | None:
    """An ISO date as written ('2024', '2024-05', '2024-05-02'), checked."""
    match = re.fullmatch(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", text.strip())
    if match is None:
        return None
    year, month, day = (int(p) if p else None for p in match.groups())
    assert year is not None
    if day is not None and month is None:
        return None
    return _iso(year, month, day)


# --- CSL-JSON ------------------------------------------------------------------------


def _depth(text: str) -> int:
    """The deepest nesting of brackets outside strings (json's parser recurses)."""
    depth = deepest = 0
    inside = escaped = False
    for char in text:
        if inside:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                inside = False
        elif char == '"':
            inside = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def _csl_json(text: str, wanted: Callable[[str], bool]) -> Bibliography:
    if _depth(text) > MAX_DEPTH:
        raise ImportFailure(
            "import.bad-bibliography",
            f"nests more than {MAX_DEPTH} levels deep: this is not a CSL-JSON export",
        )
    try:
        items = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFailure(
            "import.bad-bibliography", f"is not valid JSON ({exc.msg})", line=exc.lineno
        ) from None
    except ValueError:  # a number of more than 4,300 digits
        raise ImportFailure(
            "import.bad-bibliography", "holds a number too long to be in a CSL-JSON export"
        ) from None
    if isinstance(items, dict) and "items" in items:  # some exports wrap the list
        items = items["items"]
    if not isinstance(items, list):
        raise ImportFailure(
            "import.bad-bibliography",
            "is not CSL-JSON: it must be a list of items (in Zotero: Export… → CSL JSON)",
            line=1,
        )
    bibliography = Bibliography()
    searched = 0
    for number, item in enumerate(items, start=1):
        # Better BibTeX writes the citation key as the id (and as "citation-key", which
        # Zotero's own export also carries when its items have one).
        key = _clean(item.get("citation-key") or item.get("id")) if isinstance(item, dict) else None
        line, searched = _line_of_id(text, key, searched)
        if not isinstance(item, dict) or key is None:
            bibliography.broken.append((line, f"item {number} has no citation key ('id')"))
            continue
        entry = Entry(key, line)
        if wanted(key):
            _csl_fields(item, entry)
        bibliography.entries.append(entry)
    return bibliography


def _line_of_id(text: str, key: str | None, start: int) -> tuple[int, int]:
    """The line of an item's ``"id": "key"`` (JSON keeps no lines), searched onwards."""
    if key is None:
        return text.count("\n", 0, start) + 1, start
    quoted = re.escape(json.dumps(key, ensure_ascii=False))
    pattern = re.compile(r'"(?:id|citation-key)"\s*:\s*' + quoted)
    found = pattern.search(text, start) or pattern.search(text)
    if found is None:
        return text.count("\n", 0, start) + 1, start
    return text.count("\n", 0, found.start()) + 1, found.end()


def _csl_name(name: object) -> str | None:
    if not isinstance(name, dict):
        return None
    literal = _clean(name.get("literal"))
    if literal:
        return literal
    given = _clean(name.get("given"))
    family = " ".join(
        p
        for p in (
            _clean(name.get("non-dropping-particle")),
            _clean(name.get("family")),
        )
        if p
    )
    if not family:
        return given
    dropping = _clean(name.get("dropping-particle"))
    suffix = _clean(name.get("suffix"))
    first = " ".join(p for p in (given, dropping) if p)
    return person(first, family, suffix)


def person(given: str | None, family: str, suffix: str | None = None) -> str:
    """'Clare Ribando Seelke'; a family name of several words as 'Ribando Seelke, Clare'
    (the split stated, so a citation inverts it right: text/csl/items.py)."""
    if not given:
        return family + (f", {suffix}" if suffix else "")
    if len(family.split()) > 1 or suffix:
        return f"{family}, {given}" + (f", {suffix}" if suffix else "")
    return f"{given} {family}"


def _csl_date(value: object) -> str | None:
    if not isinstance(value, dict):
        return None
    parts = value.get("date-parts")
    if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
        numbers = parts[0][:3]
        if not all(isinstance(p, int | str) and not isinstance(p, bool) for p in numbers):
            return None
        try:
            year, *rest = (int(p) for p in numbers)
        except ValueError:
            return None
        month = rest[0] if rest else None
        day = rest[1] if len(rest) > 1 else None
        return _iso(year, month, day)
    raw = _clean(value.get("raw"))
    return _iso_text(raw) if raw else None


def _csl_fields(item: dict[str, Any], entry: Entry) -> None:
    line = entry.line
    plain = {
        "title": "title",
        "container-title": "outlet",
        "URL": "url",
        "publisher": "publisher",
        "number": "number",
        "version": "version",
        "title-short": "short_title",
    }
    for csl, name in plain.items():
        if csl not in item:
            continue
        value = _clean(item[csl])
        if value is None:
            entry.skipped.append(Skipped(name, line, f"'{csl}' is not text"))
        else:
            entry.fields[name] = Value(value, line)
    if "author" in item:
        authors = item["author"]
        names = [_csl_name(n) for n in authors] if isinstance(authors, list) else [None]
        if not names or any(n is None for n in names):
            entry.skipped.append(Skipped("author", line, "'author' is not a list of names"))
        else:
            entry.fields["author"] = _authors([n for n in names if n], line)
    for csl, name in (("issued", "date"), ("accessed", "accessed")):
        if csl in item:
            date = _csl_date(item[csl])
            if date is None:
                entry.skipped.append(Skipped(name, line, f"'{csl}' is not a date briefgen reads"))
            else:
                entry.fields[name] = Value(date, line)


def _authors(names: list[str], line: int) -> Value:
    return Value(names[0] if len(names) == 1 else names, line)


# --- BibTeX --------------------------------------------------------------------------


def _braces(text: str) -> int:
    """The deepest nesting of braces (a title's "{NATO}" is 2 inside its field)."""
    depth = deepest = 0
    for found in re.finditer(r"[{}]", text):
        depth += 1 if found[0] == "{" else -1
        deepest = max(deepest, depth)
    return deepest


def _bibtex(text: str, wanted: Callable[[str], bool]) -> Bibliography:
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
        value = _clean(bib.value)
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
            entry.fields["author"] = _authors(names, line)
        else:
            entry.skipped.append(Skipped("author", line, "'author' names no one"))
    for key, name in (("date", "date"), ("urldate", "accessed")):
        bib = fields.get(key)
        if bib is not None:
            date = _iso_text(str(bib.value).split("/")[0]) if isinstance(bib.value, str) else None
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
    year_text = _clean(year)
    if year_text is None or not re.fullmatch(r"\d{4}", year_text):
        return None
    if month is None:
        return _iso(int(year_text))
    month_text = (_clean(month.value) or "").lower().rstrip(".")
    number = int(month_text) if month_text.isdigit() else _MONTHS.get(month_text)
    if number is None:
        return None
    day_text = _clean(day.value) if day is not None else None
    day_number = int(day_text) if day_text and day_text.isdigit() else None
    return _iso(int(year_text), number, day_number)

"""CSL-JSON (``.json``; Zotero, Better BibTeX) → entries: plain JSON read by the standard
library, a list of items, each with an ``id`` (the citation key)."""

from __future__ import annotations

import json
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


def read_csl_json(text: str, wanted: Callable[[str], bool]) -> Bibliography:
    """The entries of a CSL-JSON export; only the ``wanted`` keys' fields are read."""
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
        key = clean(item.get("citation-key") or item.get("id")) if isinstance(item, dict) else None
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
    literal = clean(name.get("literal"))
    if literal:
        return literal
    given = clean(name.get("given"))
    family = " ".join(
        p
        for p in (
            clean(name.get("non-dropping-particle")),
            clean(name.get("family")),
        )
        if p
    )
    if not family:
        return given
    dropping = clean(name.get("dropping-particle"))
    suffix = clean(name.get("suffix"))
    first = " ".join(p for p in (given, dropping) if p)
    return person(first, family, suffix)


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
        return iso(year, month, day)
    raw = clean(value.get("raw"))
    return iso_text(raw) if raw else None


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
        value = clean(item[csl])
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
            entry.fields["author"] = author_value([n for n in names if n], line)
    for csl, name in (("issued", "date"), ("accessed", "accessed")):
        if csl in item:
            date = _csl_date(item[csl])
            if date is None:
                entry.skipped.append(Skipped(name, line, f"'{csl}' is not a date briefgen reads"))
            else:
                entry.fields[name] = Value(date, line)

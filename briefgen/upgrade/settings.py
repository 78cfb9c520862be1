"""``briefgen.toml`` as the current briefgen reads it: renamed tables and approval claims.

Edits are made on the exact lines the old keys are on, so comments and layout stay;
the new text is parsed back and must give exactly the data that was meant.
"""

from __future__ import annotations

import copy
import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from briefgen.diagnostics import Diagnostics
from briefgen.load.readers import parse_toml
from briefgen.load.renames import apply_renames
from briefgen.model.document import Document, DocumentError
from briefgen.model.settings import RENAMES, Rename, toml_key

HEADER = re.compile(r"^\s*\[\[?([^\[\]]+)\]\]?\s*(#.*)?$")
HEADER_PART = re.compile(r'"(?:[^"\\]|\\.)*"|[^."\s]+')
KEY_LINE = re.compile(r"^(\s*)(\"(?:[^\"\\]|\\.)*\"|[A-Za-z0-9_-]+)(\s*=\s*)(.*)$")
# A statement that says someone approved, cleared, authorized or released it claims an
# approval; only a statement with none of these words is declared `false`.
APPROVAL_WORDING = re.compile(
    r"\b(approv\w*|releas\w*|clear(?:ed|ance|s)?|authori[sz]\w*|sanction\w*)\b", re.IGNORECASE
)
NEW_APPROVAL_TABLE = [
    "",
    "# Whether a marking's statement claims that someone approved the release (added by",
    "# 'briefgen upgrade'): a brief with such a marking must say who and when",
    "# (approved_by, approved_on).",
    "[markings.claims_approval]",
]


@dataclass
class _Edits:
    """Line edits on one TOML file: lines replaced (by none, one or more) and added."""

    lines: list[str]
    replace: dict[int, list[str]] = field(default_factory=dict)  # 1-based line → new lines
    after: dict[int, list[str]] = field(default_factory=dict)  # 1-based line → lines added

    def add_after(self, line: int, added: list[str]) -> None:
        self.after.setdefault(line, []).extend(added)

    def text(self) -> str:
        out = list(self.after.get(0, []))
        for number, line in enumerate(self.lines, start=1):
            out.extend(self.replace.get(number, [line]))
            out.extend(self.after.get(number, []))
        return "\n".join(out)


def _headers(lines: list[str]) -> dict[tuple[str, ...], int]:
    """Each table header's name → its line."""
    found: dict[tuple[str, ...], int] = {}
    for number, line in enumerate(lines, start=1):
        match = HEADER.match(line)
        if match:
            parts = HEADER_PART.findall(match[1])
            name = tuple(json.loads(p) if p.startswith('"') else p for p in parts)
            found.setdefault(name, number)
    return found


def _table_end(lines: list[str], header: int) -> int:
    """The last key line of the table whose header is on line ``header``."""
    end = header
    for number in range(header + 1, len(lines) + 1):
        line = lines[number - 1].strip()
        if HEADER.match(lines[number - 1]):
            break
        if line and not line.startswith("#"):
            end = number
    return end


def plan_settings(text: str, path: Path, diagnostics: Diagnostics) -> str | None:
    """The upgraded text of ``briefgen.toml``; None after an error."""
    try:
        document = parse_toml(text, path)
    except DocumentError as exc:
        diagnostics.error(path, exc.line, exc.code, exc.message)
        return None
    scratch = Diagnostics(diagnostics.root)
    renamed = apply_renames(document, "0.0.0", scratch)  # the data every rename means
    for problem in scratch.errors:  # both forms of a value: which one is meant is unknown
        diagnostics.error(path, problem.line, problem.code, problem.message)
    if renamed is None:
        return None
    expected: dict[str, Any] = copy.deepcopy(renamed.data)
    edits = _Edits(text.split("\n"))
    for rename in RENAMES:
        if isinstance(document.data.get(rename.old), dict):
            _plan_rename(rename, document, edits, diagnostics)
    _plan_approval(expected, edits, path, diagnostics)
    if diagnostics.errors:
        return None
    new = edits.text()
    if tomllib.loads(new) != expected:
        raise AssertionError(f"upgrading {path} would change more than what was planned")
    return new


def _cannot_edit(diagnostics: Diagnostics, path: Path, line: int, what: str) -> None:
    diagnostics.error(
        path,
        line,
        "upgrade.cannot-edit",
        f"cannot rewrite {what} in place (an inline table, a dotted key or a value over "
        "several lines): write it as a [table] with one key per line, then run the command "
        "again",
    )


def _plan_rename(
    rename: Rename,
    document: Document,
    edits: _Edits,
    diagnostics: Diagnostics,
) -> None:
    """Move each key of ``[old]`` to its new table, on the lines it was on."""
    lines, path = edits.lines, document.path
    headers = _headers(lines)
    header = headers.get((rename.old,))
    table: dict[str, Any] = document.data[rename.old]
    if header is None or document.lines.get((rename.old,)) != header:
        _cannot_edit(diagnostics, path, document.line_of((rename.old,)), f"[{rename.old}]")
        return
    values: dict[str, tuple[int, str]] = {}  # key → its line, and the text after '='
    for key, value in table.items():
        number = document.lines.get((rename.old, key), 0)
        found = KEY_LINE.match(lines[number - 1]) if number > header else None
        parsed = _value_of(found[4]) if found else None
        if found is None or parsed != (value,):
            _cannot_edit(diagnostics, path, number or header, f"[{rename.old}] {key}")
            return
        values[key] = (number, found[4])
    targets = {key: rename.target(key) for key in table}
    tables = {target[:-1] for target in targets.values()}
    same_keys = all(target[-1] == key for key, target in targets.items())
    if len(tables) == 1 and same_keys and next(iter(tables)) not in headers:
        # [analysis] → [sensitivity]: the keys stay as they are, under a renamed header.
        (new_table,) = tables
        comment = HEADER.match(lines[header - 1])[2]  # type: ignore[index]
        dotted = ".".join(toml_key(part) for part in new_table)
        edits.replace[header] = [f"[{dotted}]" + (f"  {comment}" if comment else "")]
        return
    edits.replace[header] = []
    created: dict[tuple[str, ...], int] = {}  # a table this adds → the line it is on
    for key, (number, rest) in values.items():
        new_table, name = targets[key][:-1], targets[key][-1]
        new_line = f"{toml_key(name)} = {rest}"
        if new_table in headers:
            edits.replace[number] = []
            edits.add_after(_table_end(lines, headers[new_table]), [new_line])
        elif new_table in created:
            edits.replace[number] = []
            edits.add_after(created[new_table], [new_line])
        else:
            dotted = ".".join(toml_key(part) for part in new_table)
            gap = [""] if created else []
            edits.replace[number] = [*gap, f"[{dotted}]", new_line]
            created[new_table] = number


def _value_of(text: str) -> tuple[Any] | None:
    """The value a key line's text after '=' holds, if it is complete on that line."""
    try:
        return (tomllib.loads(f"value = {text}")["value"],)
    except tomllib.TOMLDecodeError:
        return None


def _plan_approval(
    expected: dict[str, Any], edits: _Edits, path: Path, diagnostics: Diagnostics
) -> None:
    """Declare ``claims_approval`` for each marking level that lacks it.

    ``false`` only when neither the level nor its statement has approval or release
    wording; any other level gets ``true``, which makes every brief marked with it name
    who approved it and when (the check then lists those briefs).
    """
    markings = expected.get("markings")
    if not isinstance(markings, dict) or not isinstance(markings.get("levels"), list):
        return  # the default markings, or a shape the loader reports
    claims = markings.setdefault("claims_approval", {})
    statements = markings.get("distribution", {})
    if not isinstance(claims, dict) or not isinstance(statements, dict):
        return
    missing = [lv for lv in markings["levels"] if isinstance(lv, str) and lv not in claims]
    if not missing:
        return
    headers = _headers(edits.lines)
    added = []
    for level in missing:
        statement = statements.get(level, "")
        claims[level] = bool(APPROVAL_WORDING.search(f"{level} {statement}"))
        line = f"{json.dumps(level, ensure_ascii=False)} = {'true' if claims[level] else 'false'}"
        if claims[level]:
            line += "  # its statement has approval or release wording"
        added.append(line)
    if ("markings", "claims_approval") in headers:
        end = _table_end(edits.lines, headers[("markings", "claims_approval")])
        edits.add_after(end, added)
    else:
        marking_tables = [number for name, number in headers.items() if name[:1] == ("markings",)]
        if not marking_tables:
            _cannot_edit(diagnostics, path, 1, "[markings]")
            return
        end = max(_table_end(edits.lines, number) for number in marking_tables)
        edits.add_after(end, [*NEW_APPROVAL_TABLE, *added])

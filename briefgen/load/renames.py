"""Renamed settings (``model/settings.RENAMES``) read in their old form, located.

While the running version is below a rename's ``removed_in``, each old key's value is
moved to its new place and a warning names the exact new form; from ``removed_in`` on,
the old key is an error. The old and the new form of one value together are an error
naming both lines: which one the user meant is not ours to guess.
"""

from __future__ import annotations

import copy
from typing import Any

from briefgen.diagnostics import Diagnostics
from briefgen.model.document import Document, Loc
from briefgen.model.settings import RENAMES, Rename

UPGRADE_HINT = "run 'briefgen upgrade'"


def apply_renames(document: Document, version: str, diagnostics: Diagnostics) -> Document | None:
    """``document`` with every renamed setting in its new place (old forms reported);
    None if an old form is an error, as a settings file that fails its schema is."""
    data = document.data
    if not isinstance(data, dict) or not any(rename.old in data for rename in RENAMES):
        return document
    data = copy.deepcopy(data)
    lines = dict(document.lines)
    errors = len(diagnostics.errors)
    for rename in RENAMES:
        if rename.old in data:
            _move(rename, data, lines, document, version, diagnostics)
    if len(diagnostics.errors) > errors:
        return None
    return Document(document.path, data, lines, document.body, document.body_line)


def _move(
    rename: Rename,
    data: dict[str, Any],
    lines: dict[Loc, int],
    document: Document,
    version: str,
    diagnostics: Diagnostics,
) -> None:
    table = data.pop(rename.old)
    path, removed = document.path, rename.removed(version)
    table_line = document.line_of((rename.old,))
    if not isinstance(table, dict) or not table:
        example = rename.new_key("<key>")
        diagnostics.error(
            path,
            table_line,
            "settings.renamed",
            f"[{rename.old}] is now {example}, one per key; {UPGRADE_HINT}",
        )
        return
    for key, value in table.items():
        line = document.line_of((rename.old, key))
        target = rename.target(key)
        parent = _table(data, target[:-1])
        if parent is None or target[-1] in parent:
            where = document.line_of(target) if parent is not None else document.line_of(target[:1])
            diagnostics.error(
                path,
                line,
                "settings.both-forms",
                f"{rename.old_form(key, value)} (line {line}) and its new form "
                f"{rename.new_key(key)} (line {where}) are both set: keep one value, in the "
                "new form",
            )
        elif removed:
            diagnostics.error(
                path, line, "settings.renamed", f"{rename.moved(key, value)}; {UPGRADE_HINT}"
            )
        else:
            diagnostics.warning(
                path,
                line,
                "settings.deprecated",
                f"{rename.moved(key, value)}; {UPGRADE_HINT} (the old form is an error "
                f"from briefgen {rename.removed_in})",
            )
            parent[target[-1]] = value
            for end in range(1, len(target) + 1):  # errors in the moved value point here
                lines.setdefault(target[:end], line)


def _table(data: dict[str, Any], loc: tuple[str, ...]) -> dict[str, Any] | None:
    """The table at ``loc``, created if missing; None if something else is there."""
    for part in loc:
        data = data.setdefault(part, {})
        if not isinstance(data, dict):
            return None
    return data

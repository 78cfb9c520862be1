"""Settings with errors still check the content: one round, not one per file.

A ``briefgen.toml`` table that fails its schema (or a TOML file that does not parse)
is reported once, where it is written; for the rest of the run it falls back to its
default so that sources, notes and briefs are still checked. Only the checks that read
a broken table are left out: what they would find is about the fallback, not about the
project (``DEPENDS``).
"""

from __future__ import annotations

import copy
from typing import Any

from pydantic import ValidationError

from briefgen.model.settings import Settings

# Tables whose keys are entries of their own: a broken entry falls back alone.
KEYED_TABLES = frozenset({"types", "confidence", "confidence_rules", "holders", "rules"})
# A required table's stand-in while it is broken.
REQUIRED: dict[str, dict[str, Any]] = {"project": {"title": "untitled"}}
# The checks that read each table: left out while it is broken.
_LAYOUT = frozenset(
    {
        "brief.unknown-type",
        "brief.unknown-section",
        "brief.missing-section",
        "brief.duplicate-section",
        "brief.missing-recommended",
        "brief.unsourced",
        "brief.stale",
        "memo.principal",
        "memo.that-you",
        "memo.decide-by",
        "template.unused",
    }
)
_CONFIDENCE = frozenset(
    {
        "judgment.unknown-confidence",
        "judgment.confidence-unearned",
        "likelihood.with-confidence",
        "judgment.weak-evidence",
    }
)
DEPENDS: dict[str, frozenset[str]] = {
    "types": _LAYOUT,
    "markings": frozenset({"brief.unknown-marking", "brief.unapproved", "marking.unknown"}),
    "comparison": frozenset({"option.compare-unknown", "option.compare-missing"}),
    "holders": frozenset({"brief.unattributed-opinion"}),
    "confidence": _CONFIDENCE,
    "confidence_rules": _CONFIDENCE,
    "grading": frozenset({"judgment.weak-evidence"}),
    "likelihood": frozenset(
        {"judgment.unknown-likelihood", "likelihood.mixed-rows", "likelihood.outside-band"}
    ),
    "limits": frozenset({"markdown.too-deep", "markdown.wide-table", "validate.timeout"}),
}
EVERY_TABLE = "*"


def hidden_codes(broken: frozenset[str]) -> frozenset[str]:
    """The codes of every check that reads one of the ``broken`` tables."""
    if EVERY_TABLE in broken:
        return frozenset().union(*DEPENDS.values())
    return frozenset().union(*(DEPENDS.get(table, frozenset()) for table in broken))


def _drop(data: dict[str, Any], loc: tuple[str, ...]) -> str:
    """Remove the broken part of ``data`` at ``loc``; returns the table it was in."""
    table = loc[0]
    if table in REQUIRED:
        data[table] = copy.deepcopy(REQUIRED[table])
    elif table in KEYED_TABLES and len(loc) > 1 and isinstance(data.get(table), dict):
        data[table].pop(loc[1], None)
    else:
        data.pop(table, None)
    return table


def fallback_settings(data: Any) -> tuple[Settings, frozenset[str]]:
    """Settings from ``data`` with each broken table (or keyed entry) at its default, and
    the names of the broken tables. Errors were reported already; none is reported here."""
    if not isinstance(data, dict):
        return Settings.model_validate({"project": REQUIRED["project"]}), frozenset({EVERY_TABLE})
    data = copy.deepcopy(data)
    broken: set[str] = set()
    for _ in range(len(data) + 2):  # each round drops at least one part
        try:
            return Settings.model_validate(data), frozenset(broken)
        except ValidationError as exc:
            for error in exc.errors():
                loc = tuple(str(p) for p in error["loc"] if not str(p).startswith("function-"))
                if not loc:
                    break
                broken.add(_drop(data, loc))
            else:
                continue
            break
    return Settings.model_validate({"project": REQUIRED["project"]}), frozenset({EVERY_TABLE})

"""Settings that moved: each ``Rename`` says where an old table's keys now live and
from which version the old form is refused; ``RENAMES`` lists them all, oldest first."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from briefgen.rules import version_tuple

BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def toml_key(key: str) -> str:
    return key if BARE_KEY.fullmatch(key) else json.dumps(key, ensure_ascii=False)


def toml_value(value: object) -> str:
    """A value as TOML writes it (the scalars and lists settings hold)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


@dataclass(frozen=True)
class Rename:
    """A settings table that moved: each key ``k = v`` of ``[old]`` is now ``v`` at ``new``
    with ``{key}`` replaced by ``k``.

    Below ``removed_in`` the old form still works, with a warning naming the new form
    (``settings.deprecated``); from ``removed_in`` on it is an error (``settings.renamed``).
    """

    old: str
    new: tuple[str, ...]
    deprecated_in: str
    removed_in: str

    def target(self, key: str) -> tuple[str, ...]:
        return tuple(part.replace("{key}", key) for part in self.new)

    def removed(self, version: str) -> bool:
        return version_tuple(version) >= version_tuple(self.removed_in)

    def old_form(self, key: str, value: object) -> str:
        return f"[{self.old}] {toml_key(key)} = {toml_value(value)}"

    def new_key(self, key: str) -> str:
        """'[types.issue-brief] budget': the table and key the value now has."""
        *table, name = self.target(key)
        return f"[{'.'.join(toml_key(part) for part in table)}] {toml_key(name)}"

    def new_form(self, key: str, value: object) -> str:
        return f"{self.new_key(key)} = {toml_value(value)}"

    def moved(self, key: str, value: object) -> str:
        return f"{self.old_form(key, value)} is now {self.new_form(key, value)}"


# Every setting that moved, oldest first. [budgets] and [analysis] were hard errors from
# their rename on, without a deprecation window, so both keep working until 0.3.0.
RENAMES: tuple[Rename, ...] = (
    Rename("budgets", ("types", "{key}", "budget"), deprecated_in="0.2.0", removed_in="0.3.0"),
    Rename("analysis", ("sensitivity", "{key}"), deprecated_in="0.2.0", removed_in="0.3.0"),
)

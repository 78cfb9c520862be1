"""Holders given a role ([holders]): their first mention in a brief, in reading order,
carries the role as of the date of the source their notes come from."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from briefgen.analyse.framing import source_date_text
from briefgen.validate.resolve import Resolved


@dataclass(frozen=True)
class HolderRole:
    names: tuple[str, ...]  # the holder's name and aliases, longest first
    text: str  # "Assistant Secretary …, as of c. 2015"


def holder_roles(resolved: Resolved) -> dict[str, HolderRole]:
    """Each holder given a role, with the date of the source their notes come from."""
    settings = resolved.project.settings
    roles = {}
    for name, holder in settings.holder_roles().items():
        source = next(
            (
                resolved.project.sources.get(n.record.source)
                for n in resolved.project.notes.values()
                if (n.record.holder or "").strip() == name
            ),
            None,
        )
        style = settings.project.dates
        dated = source_date_text(source, style) if source is not None else "undated"
        as_of = f", as of {dated}" if dated != "undated" else ""
        names = sorted({name, *holder.aliases}, key=len, reverse=True)
        # One line: the role goes inside a line of the brief, whose numbering must hold.
        roles[name] = HolderRole(tuple(names), f"{' '.join(holder.role.split())}{as_of}")
    return roles


# Where a name is not a mention to annotate: a citation, link or quotation.
_NOT_PROSE = re.compile(r"\[[^\]]*\]|“[^”]*”|\"[^\"]*\"|`[^`]*`")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")


@dataclass
class Introducer:
    """Gives the first mention of each holder with a role, in the order texts are passed
    (the brief's reading order), its role: "Shear (Assistant Secretary …, as of c. 2015)"."""

    roles: dict[str, HolderRole]
    introduced: set[str] = field(default_factory=set)  # holders already introduced

    def __call__(self, text: str) -> str:
        for holder, role in self.roles.items():
            if holder in self.introduced:
                continue
            skip = [m.span() for m in _NOT_PROSE.finditer(text)]
            found = None
            for name in role.names:
                for match in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text):
                    if not any(a <= match.start() < b for a, b in skip):
                        if found is None or match.start() < found.start():
                            found = match
                        break
            if found is not None:
                self.introduced.add(holder)
                note = _MARKDOWN_SPECIAL.sub(r"\\\1", role.text)
                text = f"{text[: found.end()]} ({note}){text[found.end() :]}"
        return text

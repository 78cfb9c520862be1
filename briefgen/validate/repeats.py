"""Repetition: one note's claim restated across a brief (issue 24 item 8).

A brief that cites the same note in three or more of its sections is telling the reader
the same thing again; the editor counted the 2014 arrangement six times in one issue
brief. An advisory warning names the sections, so the author can say it once.
"""

from __future__ import annotations

from briefgen.diagnostics import Diagnostics
from briefgen.model.layouts import BriefLayout
from briefgen.model.project import Brief, Project
from briefgen.text.citations import find_citations

# A note cited in this many sections of one brief is restated.
REPEATS = 3


def check_repeats(
    project: Project, brief: Brief, layout: BriefLayout, diagnostics: Diagnostics
) -> None:
    # note id → [(section heading, line of its first citation there)], in reading order
    where: dict[str, list[tuple[str, int]]] = {}
    for part in layout.parts:
        if part == "judgments":
            for judgment_id in brief.meta.judgments:
                judgment = project.judgments.get(judgment_id)
                for note_id in judgment.record.notes if judgment else ():
                    _add(where, note_id, "Key judgments", brief.origin.line("judgments"))
            continue
        section = brief.section(part) if part in layout.sections else None
        if section is None:
            continue
        for citation in find_citations(section.text):
            for note_id in citation.ids:
                _add(where, note_id, section.heading, section.line + citation.line_offset)
    for note_id, places in where.items():
        if len(places) < REPEATS or note_id not in project.notes:
            continue
        names = ", ".join(f"'{heading}'" for heading, _ in places)
        diagnostics.warning(
            brief.origin.path,
            places[REPEATS - 1][1],
            "brief.repeats",
            f"note '{note_id}' is cited in {len(places)} sections of this brief ({names}): "
            "a reader meets the same claim again; state it once and cite it only where it "
            "adds something",
        )


def _add(where: dict[str, list[tuple[str, int]]], note_id: str, heading: str, line: int) -> None:
    places = where.setdefault(note_id, [])
    if heading not in (h for h, _ in places):
        places.append((heading, line))

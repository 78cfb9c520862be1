"""Validation's last step: ids resolved into typed links ("parse, don't validate").

``analyse`` accepts only a ``Resolved`` project, which exists only once every
cross-check has passed: a note holds its source, a brief its layout, options,
judgments and recommended option, so nothing later looks an id up by string.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from briefgen.model.layouts import BriefLayout
from briefgen.model.project import Brief, Judgment, Note, Option, Project, Source


@dataclass(frozen=True)
class ResolvedNote:
    note: Note
    source: Source

    @property
    def id(self) -> str:
        return self.note.id


@dataclass(frozen=True)
class ResolvedBrief:
    brief: Brief
    layout: BriefLayout
    options: tuple[Option, ...]
    judgments: tuple[Judgment, ...]
    recommended: Option | None


@dataclass(frozen=True)
class Resolved:
    """A project every cross-check passed, with its references as typed links."""

    project: Project
    notes: Mapping[str, ResolvedNote]
    briefs: Mapping[str, ResolvedBrief]


def resolve(project: Project) -> Resolved:
    """Typed links for a project whose references were all checked (a bug otherwise)."""
    notes = {
        note_id: ResolvedNote(note, project.sources[note.record.source])
        for note_id, note in project.notes.items()
    }
    briefs = {}
    for brief_id, brief in project.briefs.items():
        meta = brief.meta
        briefs[brief_id] = ResolvedBrief(
            brief,
            project.settings.layouts[meta.type],
            tuple(project.options[o] for o in meta.options),
            tuple(project.judgments[j] for j in meta.judgments),
            project.options[meta.recommended] if meta.recommended is not None else None,
        )
    return Resolved(project, MappingProxyType(notes), MappingProxyType(briefs))

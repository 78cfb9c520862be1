"""Stage 3b — audit: checks that need the analysed briefs.

What a brief shows is known exactly once its view is built (every endnote is a note
it cites), so unused notes and the marking high-water mark are checked here, on the
views themselves, rather than by re-deriving what each template shows.
"""

from __future__ import annotations

from collections.abc import Iterable

from briefgen.analyse.views import BriefView
from briefgen.diagnostics import Diagnostics
from briefgen.model.project import Project


def audit(project: Project, views: Iterable[BriefView], diagnostics: Diagnostics) -> None:
    markings = project.settings.markings
    shown: set[str] = set()
    for view in views:
        brief = project.briefs[view.id]
        _check_citation_count(project, view, diagnostics)
        shown.update(c.note for c in view.cited)
        if brief.meta.marking not in markings.levels:
            continue  # reported by validate
        floor = markings.rank(brief.meta.marking)
        above: dict[str, str] = {}
        for cited in view.cited:
            for kind, item_id, marking in (
                ("source", cited.source, project.sources[cited.source].record.marking),
                ("note", cited.note, project.notes[cited.note].record.marking),
            ):
                if marking in markings.levels and markings.rank(marking) > floor:
                    above[f"{kind} '{item_id}'"] = marking
        for item, marking in sorted(above.items()):
            diagnostics.error(
                brief.origin.path,
                brief.origin.line("marking"),
                "brief.marking-too-low",
                f"marking '{brief.meta.marking}' is less restrictive than {item}, "
                f"which is marked '{marking}'",
            )
    for note in project.notes.values():
        if note.id not in shown:
            diagnostics.warning(
                note.origin.path,
                note.origin.line("id"),
                "note.unused",
                f"note '{note.id}' is cited by no brief",
            )


def check_assessed(views: Iterable[BriefView], diagnostics: Diagnostics) -> None:
    """A reader's edition never cites a source nobody has graded: its endnotes would
    grade the evidence, and no grade stands for "not assessed yet"."""
    for view in views:
        reader = view.cited[: view.reader_notes]
        unassessed = sorted({c.source for c in reader if not c.assessed})
        for source_id in unassessed:
            diagnostics.error(
                view.path,
                1,
                "brief.unassessed-source",
                f"this brief cites source '{source_id}', whose reliability is not assessed: "
                f"set reliability (grade A–F and a reason) in content/sources/{source_id}.yaml",
            )


def _check_citation_count(project: Project, view: BriefView, diagnostics: Diagnostics) -> None:
    """A type with compact references in the text (a one-pager) allows only a few."""
    brief = project.briefs[view.id]
    limit = project.settings.layouts[brief.meta.type].max_citations
    if limit is not None and view.reader_notes > limit:
        diagnostics.error(
            brief.origin.path,
            brief.origin.document.body_line,
            "brief.too-many-citations",
            f"this {brief.meta.type} cites {view.reader_notes} notes; it prints at most "
            f"{limit} references: cite fewer, choose a longer type, or raise the limit in "
            f"briefgen.toml ([types.{brief.meta.type}] max_citations = {view.reader_notes})",
        )

"""The example ``briefgen init`` writes must not reach a reader: ``project.example-content``.

It builds, so a new project builds at once; while any of its ids remain, each file that
holds them draws a warning naming it, so ``build --strict`` fails until it is gone.
"""

from __future__ import annotations

from pathlib import Path

from briefgen.diagnostics import Diagnostics
from briefgen.model.project import Project

EXAMPLE_SOURCE = "example-us-constitution"
EXAMPLE_NOTES = ("example-preamble-purposes", "example-first-amendment")
EXAMPLE_BRIEF = "example-one-pager"
EXAMPLE_MARKING = "EXAMPLE — NOT FOR DISTRIBUTION"
CODE = "project.example-content"


def check_example_content(project: Project, diagnostics: Diagnostics) -> None:
    """One warning per file that still holds an id of the example."""
    held: dict[Path, list[str]] = {}
    source = project.sources.get(EXAMPLE_SOURCE)
    if source is not None:
        text = source.origin.path.parent / source.record.text
        held.setdefault(source.origin.path, []).append(
            f"the example source '{EXAMPLE_SOURCE}' (delete it with its text, "
            f"{diagnostics.relative(text)})"
        )
    for note_id in EXAMPLE_NOTES:
        note = project.notes.get(note_id)
        if note is not None:
            held.setdefault(note.origin.path, []).append(f"the example note '{note_id}'")
    brief = project.briefs.get(EXAMPLE_BRIEF)
    if brief is not None:
        held.setdefault(brief.origin.path, []).append(f"the example brief '{EXAMPLE_BRIEF}'")
    for path, what in sorted(held.items()):
        diagnostics.warning(
            path,
            1,
            CODE,
            f"holds {', '.join(what)} that 'briefgen init' wrote: delete or replace it "
            "with your own before the brief goes out",
        )

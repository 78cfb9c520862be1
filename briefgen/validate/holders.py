"""``[holders]`` in briefgen.toml: each key is a holder some note names."""

from __future__ import annotations

from briefgen.diagnostics import Diagnostics, did_you_mean
from briefgen.model.records import Project


def check_holder_aliases(project: Project, diagnostics: Diagnostics) -> None:
    """A ``[holders]`` key that is no note's ``holder:`` aliases nobody: a typo, most often."""
    held = {note.record.holder for note in project.notes.values() if note.record.holder}
    for holder in sorted(project.settings.holders):
        if holder not in held:
            diagnostics.warning(
                project.root / "briefgen.toml",
                project.settings.line_of("holders", holder),
                "settings.unknown-holder",
                f"[holders] names '{holder}', whom no note's `holder:` names, so its other "
                "names attribute nothing" + did_you_mean(holder, held),
            )

"""Cross-references: citations in a text, and lists of ids, checked against the project."""

from __future__ import annotations

from collections.abc import Collection

from briefgen.diagnostics import Diagnostics, did_you_mean
from briefgen.model.project import Origin, Project
from briefgen.model.report import ContentKind, LoadReport
from briefgen.text.citations import find_citations


def check_citations(
    project: Project,
    report: LoadReport,
    text: str,
    origin: Origin,
    first_line: int,
    diagnostics: Diagnostics,
    *,
    uncited: str | None = None,
) -> set[str]:
    """Check the citations in one text; returns the note ids it cites.

    With ``uncited`` (a diagnostic code), a text that cites nothing is an error.
    """
    cited: set[str] = set()
    found = False
    for citation in find_citations(text):
        found = True
        line = first_line + citation.line_offset
        if citation.malformed:
            diagnostics.error(origin.path, line, "cite.malformed", citation.malformed)
            continue
        for note_id in citation.ids:
            note = project.notes.get(note_id)
            if note is None and report.may_hold(ContentKind.NOTES, note_id):
                continue  # it may be in a notes file that could not be read
            if note is None:
                diagnostics.error(
                    origin.path,
                    line,
                    "cite.unknown-note",
                    f"citation of unknown note '{note_id}'{did_you_mean(note_id, project.notes)}",
                )
            elif citation.quote and note.record.quote is None:
                diagnostics.error(
                    origin.path,
                    line,
                    "cite.no-quote",
                    f"[>@{note_id}] prints the note's quote, but note '{note_id}' has none: "
                    f"cite it as [@{note_id}], or give the note a quote",
                )
            cited.add(note_id)
    if uncited and not found:
        diagnostics.error(origin.path, first_line, uncited, "this point cites no note")
    return cited


def check_references(
    ids: list[str],
    known: Collection[str],
    origin: Origin,
    key: str,
    kind: ContentKind,
    report: LoadReport,
    diagnostics: Diagnostics,
    *,
    code: str,
    message: str,
) -> None:
    """Report each id in the list ``key`` that is not ``known``, at its own line.

    ``kind`` is the content the ids point into: an id that may be in a file of that
    kind that could not be read is not reported again. ``message`` takes ``{id}``; the
    closest known id follows it as "did you mean".
    """
    for index, item in enumerate(ids):
        if item not in known and not report.may_hold(kind, item):
            text = message.format(id=item) + did_you_mean(item, known)
            diagnostics.error(origin.path, origin.line(key, index), code, text)

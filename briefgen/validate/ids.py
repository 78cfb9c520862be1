"""One duplicate-id check, one message, for notes, judgments and criteria."""

from __future__ import annotations

from collections.abc import Iterable

from briefgen.diagnostics import Diagnostics
from briefgen.model.project import Origin, Project
from briefgen.model.report import Duplicate, LoadReport


def check_unique_ids(project: Project, report: LoadReport, diagnostics: Diagnostics) -> None:
    """Every id names one record: a later record with a used id is an error at its line."""
    for duplicate in (*report.duplicates, *_criteria_duplicates(project)):
        _report(duplicate, diagnostics)


def _criteria_duplicates(project: Project) -> Iterable[Duplicate]:
    if project.criteria is None:
        return
    origin = project.criteria.origin
    first: dict[str, Origin] = {}
    for index, criterion in enumerate(project.criteria.record.criteria):
        here = Origin(origin.document, ("criteria", index))
        if criterion.id in first:
            yield Duplicate("criterion", criterion.id, here, first[criterion.id])
        else:
            first[criterion.id] = here


def _report(duplicate: Duplicate, diagnostics: Diagnostics) -> None:
    first = duplicate.first
    diagnostics.error(
        duplicate.origin.path,
        duplicate.origin.line("id"),
        "id.duplicate",
        f"{duplicate.kind} id '{duplicate.id}' is already used at "
        f"{diagnostics.relative(first.path)}:{first.line('id')}",
    )

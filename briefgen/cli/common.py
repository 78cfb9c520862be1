"""What every command shares: the --root and --strict options, and how it shows the
diagnostics a run returned (and the exit status they deserve)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from briefgen.diagnostics import Diagnostics, Severity

if TYPE_CHECKING:
    from briefgen.write.project_files import Recovery


root_option = click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Project directory (holds briefgen.toml).",
)
strict_option = click.option("--strict", is_flag=True, help="Treat warnings as errors.")


def report(diagnostics: Diagnostics, strict: bool) -> int:
    """Print every diagnostic; the exit status the run deserves."""
    shown = diagnostics.sorted()
    for diagnostic in shown:
        click.echo(diagnostic.format(), err=True)
    # Counted as printed: the same problem found twice (once per edition) is one line.
    errors = sum(d.severity is Severity.ERROR for d in shown)
    notes = sum(d.severity is Severity.NOTE for d in shown)
    warnings = len(shown) - errors - notes
    if errors or warnings:
        also = f", {notes} note(s)" if notes else ""
        click.echo(f"{errors} error(s), {warnings} warning(s){also}", err=True)
    lowered = sorted({d.code for d in diagnostics.lowered})
    if strict and lowered:
        click.echo(
            f"--strict: {', '.join(lowered)} lowered to warning(s) by [rules] in "
            "briefgen.toml, so they do not fail the run",
            err=True,
        )
    return 1 if diagnostics.failed(strict=strict) else 0


def finished(recovery: Recovery, diagnostics: Diagnostics) -> None:
    """Say what became of a change an interrupted command left."""
    for line in recovery.lines(diagnostics):
        click.echo(line, err=True)


def errors_only(diagnostics: Diagnostics) -> Diagnostics:
    """A query, not a check: only errors are shown."""
    return Diagnostics(diagnostics.root, diagnostics.errors)

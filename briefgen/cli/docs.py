"""Commands that print what briefgen documents about itself: its diagnostic codes
(docs/rules.md) and the reference of every content file and setting (docs/reference/)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click


@click.command("rules")
@click.option("--markdown", is_flag=True, help="Print the reference page (docs/rules.md).")
def rules_command(markdown: bool) -> None:
    """List every diagnostic code with its default level, class, meaning and fix."""
    from briefgen.rules import reference, registry

    if markdown:
        click.echo(reference(), nl=False)
        return
    for found in registry().values():
        phase = f", error from {found.error_from}" if found.error_from else ""
        click.echo(
            f"{found.code}  {found.level.value} ({found.rule_class.value}, since "
            f"{found.since}{phase}): {found.meaning} Fix: {found.fix}"
        )


@click.command("reference")
@click.option(
    "--out",
    "directory",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write the Markdown into (the repository's is docs/reference).",
)
def reference_command(directory: Path) -> None:
    """Write the reference of every content file, setting and key (docs/reference/)."""
    from briefgen.model.reference import reference_files
    from briefgen.write.confined import WriteError, outside_base
    from briefgen.write.project_files import recover, write_files

    destination = Path(os.path.abspath(directory))
    try:
        base, folder = outside_base(destination)  # never through a link, from /
        recover(base)
        files: dict[Path, str | bytes] = {folder / n: t for n, t in reference_files().items()}
        written = write_files(base, files)  # all the files, or none
    except WriteError as exc:
        click.echo(f"{exc.path}: error: {exc.reason}; {exc.hint} [write.failed]", err=True)
        sys.exit(1)
    for path in written:
        click.echo(f"wrote {base / path}")

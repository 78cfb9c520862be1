"""Commands that make or rewrite a project's own files: start one (init), bring it to
the current format (upgrade, migrate-locators), write its JSON Schemas (schema)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from briefgen import pipeline
from briefgen.cli.common import finished, report, root_option


@click.command()
@click.argument(
    "directory", type=click.Path(file_okay=False, path_type=Path), default=".", required=False
)
@click.option(
    "--force",
    is_flag=True,
    help="Also in a folder that is not empty: add the missing files, keep every existing one.",
)
def init(directory: Path, force: bool) -> None:
    """Start a project in DIRECTORY: settings, .gitignore, .gitattributes and a small
    example (one public-domain source, two notes, a one-pager) that builds at once."""
    from briefgen.scaffold import EXAMPLE_FILES, InitRefused, init_project
    from briefgen.write.confined import WriteError

    try:
        result = init_project(directory, force=force)
    except InitRefused as exc:
        raise click.ClickException(f"{exc}; nothing was written") from exc
    except WriteError as exc:
        raise click.ClickException(f"{exc.path}: {exc.message}") from exc
    for name in result.written:
        click.echo(f"wrote {(directory / name).as_posix()}")
    for name in result.kept:
        click.echo(f"kept {(directory / name).as_posix()}: it exists; not overwritten")
    example = [name for name in EXAMPLE_FILES if name in result.written]
    if example:
        click.echo(
            "\nThe example builds as it is, but 'briefgen build --strict' fails "
            "(project.example-content) until you delete or replace its files:"
        )
        for name in example:
            click.echo(f"  {(directory / name).as_posix()}")
    root = "" if directory == Path(".") else f" --root {directory.as_posix()}"
    click.echo("\nNext:")
    click.echo(f"  briefgen build{root}                 # output/<brief>.pdf and .html")
    click.echo(f"  briefgen source show example-us-constitution{root}   # its ¶ numbered")
    click.echo(f'  briefgen quote find "freedom of speech"{root}   # a note to paste')


@click.command()
@root_option
@click.argument(
    "directory", type=click.Path(file_okay=False, path_type=Path), required=False, default=None
)
def schema(root: Path, directory: Path | None) -> None:
    """Write JSON Schemas for every content file type into DIRECTORY (default: the
    project's schemas/ folder)."""
    result = pipeline.write_schemas(root, directory)
    finished(result.recovery, result.diagnostics)
    status = report(result.diagnostics, False)
    if status:
        click.echo("nothing written", err=True)
        sys.exit(status)
    for path in result.written:
        click.echo(f"wrote {path}")


@click.command()
@root_option
@click.option(
    "--check", "dry_run", is_flag=True, help="Change nothing; exit 1 if anything would change."
)
def upgrade(root: Path, dry_run: bool) -> None:
    """Rewrite a project made for an earlier briefgen; list what only you can decide.

    Prints a unified diff of every change (with --check, of every change it would make),
    then one located to-do per decision left to you.
    """
    from briefgen.upgrade import upgrade as run_upgrade

    result = run_upgrade(
        root, dry_run=dry_run, waiting=lambda: click.echo(pipeline.WAITING, err=True)
    )
    finished(result.recovery, result.diagnostics)
    status = report(result.diagnostics, False)
    if status:
        click.echo("nothing written: fix the errors above, then run the command again", err=True)
        sys.exit(status)
    click.echo(result.diff, nl=False)
    for todo in result.todos:
        click.echo(todo.format())
    todos = f"{len(result.todos)} to-do(s)"
    if not result.changed:
        click.echo(f"nothing to upgrade: the project is in the current format; {todos}")
        sys.exit(0)
    files = f"{len(result.changed)} file(s)"
    if dry_run:
        click.echo(f"would upgrade {files}; nothing written; {todos}")
        sys.exit(1)
    click.echo(f"upgraded {files}; {todos}")
    sys.exit(0)


@click.command("migrate-locators")
@root_option
@click.argument("path", type=click.Path(file_okay=False, path_type=Path), required=False)
@click.option("--check", "dry_run", is_flag=True, help="Change nothing; exit 1 if anything would.")
def migrate_locators(root: Path, path: Path | None, dry_run: bool) -> None:
    """Renumber notes' ¶ to count body paragraphs only, for sources that mark their lines.

    One step of 'briefgen upgrade', on its own. PATH, if given, is the project directory
    (as --root).
    """
    from briefgen.migrate import migrate_locators as migrate

    root = path if path is not None else root
    result = migrate(root, dry_run=dry_run, waiting=lambda: click.echo(pipeline.WAITING, err=True))
    diagnostics = result.diagnostics
    finished(result.recovery, diagnostics)
    status = report(diagnostics, False)
    if status:
        click.echo("nothing written: fix the errors above, then run the command again", err=True)
        sys.exit(status)
    for change in result.changes:
        old = f"{change.old} → " if change.old else ""
        click.echo(f"{diagnostics.relative(change.path)}:{change.line}: {old}{change.new}")
    if not result.sources:
        click.echo("nothing to migrate: no source marks its lines without 'numbering: body'")
        sys.exit(0)
    names = ", ".join(result.sources)
    if dry_run:
        click.echo(f"would migrate {names}: {len(result.changes)} change(s); nothing written")
        sys.exit(1)
    written = len(result.written)
    click.echo(f"migrated {names}: {len(result.changes)} change(s) in {written} file(s)")
    sys.exit(0)

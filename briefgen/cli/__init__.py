"""Command line: parses arguments, calls the pipeline, shows what it returned."""

from __future__ import annotations

import os
import select
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

import click

from briefgen import __version__, pipeline
from briefgen.diagnostics import Diagnostics, Severity
from briefgen.model.records import SourceKind
from briefgen.write.project_files import Recovery

root_option = click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Project directory (holds briefgen.toml).",
)
strict_option = click.option("--strict", is_flag=True, help="Treat warnings as errors.")


def _report(diagnostics: Diagnostics, strict: bool) -> int:
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


def _terminate(_signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt


@contextmanager
def _sigterm_aborts() -> Iterator[None]:
    """SIGTERM is a clean abort, exactly like Ctrl-C: the stage is removed, workers
    are ended and output/ is left as it was."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can only be set from the main thread
        return
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _show_version(context: click.Context, _param: click.Parameter, value: bool) -> None:
    """briefgen's version, then the renderer's: a bug report needs all four."""
    if not value or context.resilient_parsing:
        return
    # Read as the PDF cache key reads them (the libraries WeasyPrint loads), without
    # importing WeasyPrint.
    from briefgen.render.toolchain import library_versions, package_version

    libraries = dict(library_versions())
    click.echo(f"briefgen {__version__}")
    click.echo(
        f"WeasyPrint {package_version('weasyprint')}, Pango {libraries['pango']}, "
        f"HarfBuzz {libraries['harfbuzz']}"
    )
    context.exit()


def _stdout_gone() -> bool:
    """Whether standard output is a pipe or socket whose reader has gone away."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, ValueError, OSError):  # no descriptor (a test runner's buffer)
        return False
    poller = select.poll()
    poller.register(fd, select.POLLOUT)
    return any(events & (select.POLLERR | select.POLLHUP) for _, events in poller.poll(0))


class InternalError(RuntimeError):
    """A bug in briefgen: shown with its traceback, never as a quiet exit."""


class _Main(click.Group):
    """click's standalone mode ends the process quietly with status 1 on *any* EPIPE,
    meant for a reader of standard output that went away (``briefgen rules | head``).
    Any other broken pipe (a child process's, a socket's) is a bug and keeps its
    traceback."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except BrokenPipeError as exc:
            if _stdout_gone():
                raise  # click's quiet exit
            raise InternalError(
                "a pipe other than standard output broke (a bug in briefgen)"
            ) from exc


@click.group(cls=_Main)
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_show_version,
    help="Show briefgen's version and the WeasyPrint, Pango and HarfBuzz it renders with.",
)
def main() -> None:
    """Build trusted policy briefs (PDF and HTML) from structured research notes."""


@main.command()
@root_option
@strict_option
@click.option("--brief", "briefs", multiple=True, metavar="ID", help="Build only this brief.")
@click.option(
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(pipeline.FORMATS),
    help="Build only this format (repeatable). Default: pdf and html.",
)
@click.option("--force", is_flag=True, help="Rebuild everything, ignoring the cache.")
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes rendering PDFs.  [default: number of cores]",
)
@click.option(
    "--no-wait",
    is_flag=True,
    help="If another build of this project is running, fail at once instead of waiting.",
)
def build(
    root: Path,
    strict: bool,
    briefs: tuple[str, ...],
    formats: tuple[str, ...],
    force: bool,
    jobs: int | None,
    no_wait: bool,
) -> None:
    """Check the content, then build briefs into output/ (only what changed)."""
    with _sigterm_aborts():
        result = pipeline.build(
            root,
            briefs=briefs,
            formats=formats or pipeline.FORMATS,  # type: ignore[arg-type]
            strict=strict,
            force=force,
            jobs=jobs,
            wait=not no_wait,
            progress=lambda message: click.echo(message, err=True),
        )
    if result.up_to_date:
        click.echo("output/ is up to date: nothing changed since the last build")
        sys.exit(0)
    status = _report(result.diagnostics, strict)
    if not result.written:
        click.echo("build failed: output/ left as it was", err=True)
        sys.exit(status or 1)
    for artifact in result.artifacts:
        pages = f", {artifact.pages} page(s)" if artifact.pages is not None else ""
        pages += ", from cache" if artifact.cached else ""
        rel = (
            artifact.path.relative_to(root.resolve())
            if artifact.path.is_absolute()
            else artifact.path
        )
        click.echo(f"wrote {rel} ({artifact.size:,} bytes{pages})")
    sys.exit(status)


@main.command()
@root_option
@strict_option
def check(root: Path, strict: bool) -> None:
    """Validate content: schemas, references, quotes."""
    result = pipeline.check(root)
    status = _report(result.diagnostics, strict)
    if status == 0:
        project = result.project
        assert project is not None
        click.echo(
            f"ok: {len(project.sources)} sources, {len(project.notes)} notes, "
            f"{len(project.options)} options, {len(project.briefs)} briefs"
        )
    sys.exit(status)


@main.command()
@root_option
@click.argument("source_id")
def impact(root: Path, source_id: str) -> None:
    """List every note (its own, and those it corroborates), judgment, option, score, brief
    and sentence resting on a source."""
    result = pipeline.impact(root, source_id)
    # A query, not a check: only errors (which stop it) are shown.
    errors = Diagnostics(result.diagnostics.root, result.diagnostics.errors)
    status = _report(errors, False)
    if status == 0:
        for d in result.dependents:
            where = result.diagnostics.relative(d.path)
            click.echo(f"{where}:{d.line}: {d.kind} {d.id}: {d.text}")
        click.echo(f"{len(result.dependents)} item(s) depend on source '{source_id}'")
    sys.exit(status)


@main.command("rules")
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


@main.command("reference")
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
    from briefgen.write.project_files import WriteError, outside_base, recover, write_files

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


@main.command("list")
@root_option
def list_briefs(root: Path) -> None:
    """List the briefs: id, type, marking, title."""
    result = pipeline.check(root)
    interrupted = [d for d in result.diagnostics.errors if d.code == "write.interrupted"]
    if result.project is None or interrupted:
        sys.exit(_report(result.diagnostics, False) or 1)
    for brief_id, brief in sorted(result.project.briefs.items()):
        meta = brief.meta
        click.echo(f"{brief_id}\t{meta.type}\t{meta.marking}\t{meta.title}")


@main.command()
@root_option
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Loopback address (127.0.0.1 or ::1)."
)
@click.option(
    "--port",
    default=8000,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port; 0 picks any free one.",
)
def serve(root: Path, host: str, port: int) -> None:
    """Preview briefs in a browser; rebuild and reload on every save."""
    from briefgen.serve import NotLoopbackError, ServeError
    from briefgen.serve import serve as run_server

    try:
        run_server(root, host, port, lambda message: click.echo(message, err=True))
    except NotLoopbackError as exc:
        raise click.UsageError(str(exc)) from exc
    except ServeError as exc:
        raise click.ClickException(str(exc)) from exc


@main.command()
@root_option
@click.argument(
    "directory", type=click.Path(file_okay=False, path_type=Path), required=False, default=None
)
def schema(root: Path, directory: Path | None) -> None:
    """Write JSON Schemas for every content file type into DIRECTORY (default: the
    project's schemas/ folder)."""
    result = pipeline.write_schemas(root, directory)
    _finished(result.recovery, result.diagnostics)
    status = _report(result.diagnostics, False)
    if status:
        click.echo("nothing written", err=True)
        sys.exit(status)
    for path in result.written:
        click.echo(f"wrote {path}")


def _finished(recovery: Recovery, diagnostics: Diagnostics) -> None:
    """Say what became of a change an interrupted command left."""
    for line in recovery.lines(diagnostics):
        click.echo(line, err=True)


@main.command()
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
    _finished(result.recovery, result.diagnostics)
    status = _report(result.diagnostics, False)
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


@main.command("migrate-locators")
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
    _finished(result.recovery, diagnostics)
    status = _report(diagnostics, False)
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


@main.group()
def source() -> None:
    """Add a source from your own file, fill sources from a bibliography, show a source's
    paragraphs, re-check an imported one."""


@source.command("add")
@root_option
@click.argument("file", type=click.Path(path_type=Path, dir_okay=True, exists=False))
@click.option("--id", "source_id", metavar="ID", help="The new source's id. Default: from FILE.")
@click.option(
    "--kind",
    type=click.Choice([k.value for k in SourceKind]),
    help="What the source is. Default: article for .html, report for .pdf and .docx, "
    "other for .txt and .md.",
)
@click.option("--max-bytes", type=click.IntRange(min=1), hidden=True, help="Size limit (tests).")
def source_add(
    root: Path, file: Path, source_id: str | None, kind: str | None, max_bytes: int | None
) -> None:
    """Import FILE (.txt, .md, .html, .pdf, .docx) as a new source in content/sources/.

    Writes <id>.txt (one paragraph a line), <id>.yaml (its record, reliability
    'unassessed') and <id>.orig.<ext> (the original, to verify against); all or nothing.
    """
    from briefgen.ingest import Limits
    from briefgen.sources.add import add_source

    limits = Limits(max_bytes=max_bytes) if max_bytes else Limits()
    result = add_source(
        root,
        file,
        source_id=source_id,
        kind=SourceKind(kind) if kind else None,
        limits=limits,
        waiting=lambda: click.echo(pipeline.WAITING, err=True),
    )
    diagnostics = result.diagnostics
    _finished(result.recovery, diagnostics)
    status = _report(diagnostics, False)
    if status or not result.written:
        click.echo("nothing written", err=True)
        sys.exit(status or 1)
    for path in result.written:
        click.echo(f"wrote {diagnostics.relative(path)}")
    sid = result.source_id
    assert result.kind is not None
    if result.kind_defaulted:
        click.echo(
            f"kind: {result.kind.value} (the default for {file.suffix.lower()} files; "
            "choose another with --kind)"
        )
    if result.original_chars:
        share = result.kept_chars * 100 / result.original_chars
        click.echo(
            f"kept {result.kept_chars:,} of {result.original_chars:,} characters of the "
            f"original's text ({share:.0f} %)"
        )
    click.echo(f"{len(result.body)} body paragraph(s):")
    for number, text in enumerate(result.body, start=1):
        short = text if len(text) <= 60 else text[:59] + "…"
        click.echo(f"  ¶{number}  {short}")
    click.echo('next: cite a passage: briefgen quote find "…"')
    click.echo(
        f"      set reliability: A–F in content/sources/{sid}.yaml when you have assessed "
        "the source"
    )
    sys.exit(0)


@source.command("import")
@root_option
@click.argument("file", type=click.Path(path_type=Path, dir_okay=True, exists=False))
def source_import(root: Path, file: Path) -> None:
    """Fill existing sources' metadata from a bibliography: FILE is a BibTeX (.bib) or
    Zotero / Better BibTeX CSL-JSON (.json) export inside the project.

    An entry fills the source whose id is its citation key: title, author(s), outlet,
    date, url, accessed, publisher, number, version, short title, each recorded
    `from:` FILE. A value the source's text states is kept; a contradiction is a
    warning. The texts are never changed; the records are written all or nothing.
    """
    from briefgen.sources.bibliography import import_bibliography

    result = import_bibliography(root, file, waiting=lambda: click.echo(pipeline.WAITING, err=True))
    diagnostics = result.diagnostics
    _finished(result.recovery, diagnostics)
    status = _report(diagnostics, False)
    if status:
        click.echo("nothing written", err=True)
        sys.exit(status)
    by_source: dict[str, list[str]] = {}
    for filled in result.filled:
        was = f" (was '{filled.was}')" if filled.was else ""
        by_source.setdefault(filled.source_id, []).append(filled.name + was)
    for path in result.written:
        names = ", ".join(by_source.get(path.stem, []))
        click.echo(f"filled {diagnostics.relative(path)}: {names}")
    click.echo(f"{len(result.written)} source(s) filled from {result.entries} entry(ies)")
    sys.exit(0)


@source.command("verify")
@root_option
@click.argument("source_id", metavar="ID")
def source_verify(root: Path, source_id: str) -> None:
    """Extract source ID's original again and compare it with its text; exit 1 if they differ."""
    from briefgen.sources.verify import verify_source

    result = verify_source(root, source_id)
    click.echo(result.diff, nl=False)
    if result.current and result.pinned != result.current:
        click.echo(f"the record pins {result.pinned}; this is {result.current}")
    status = _report(result.diagnostics, False)
    if status:
        sys.exit(status)
    click.echo(
        f"ok: {source_id}: {result.paragraphs} line(s), the same as {result.current} extracts"
    )
    sys.exit(0)


@source.command("show")
@root_option
@click.argument("source_id", metavar="ID")
def source_show(root: Path, source_id: str) -> None:
    """Print a source's body paragraphs numbered as notes cite them (¶N), and its marked
    lines (title, byline, headings, other) apart, labelled."""
    from briefgen.lookup import show_source

    result = show_source(root, source_id)
    status = _report(_errors(result.diagnostics), False)
    if result.source is None or result.text_path is None:
        sys.exit(status or 1)
    click.echo(f"{result.diagnostics.relative(result.text_path)}:")
    for line in result.lines:
        if line.paragraph is None:
            role = line.role.value if line.role else "not counted"
            click.echo(f"  [{role}, line {line.line}]  {line.text}")
        else:
            mark = f" [{line.role.value}]" if line.role else ""
            click.echo(f"¶{line.paragraph}{mark}  {line.text}")
    if not result.source.migrated and result.source.roles:
        click.echo(
            "(¶ still counts every non-empty line, marked ones too: run "
            "'briefgen migrate-locators' to count body paragraphs only)"
        )
    sys.exit(status)


def _errors(diagnostics: Diagnostics) -> Diagnostics:
    """A query, not a check: only errors are shown."""
    return Diagnostics(diagnostics.root, diagnostics.errors)


@main.group()
def quote() -> None:
    """Find passages in a project's sources."""


@quote.command("find")
@root_option
@click.argument("text")
@click.option("--source", "source_id", metavar="ID", help="Search only this source.")
@click.option("--ignore-case", is_flag=True, help="Also ignore letter case.")
def quote_find(root: Path, text: str, source_id: str | None, ignore_case: bool) -> None:
    """Find TEXT in every source's paragraphs and print a note ready to paste.

    Whitespace and line wraps, quotation-mark styles, dashes and a word hyphenated at a
    line end are ignored; each match is printed as the source holds it, which is what a
    note's quote must be.
    """
    from briefgen.lookup import Passage, find_quote

    result = find_quote(root, text, source_id=source_id, ignore_case=ignore_case)
    status = _report(_errors(result.diagnostics), False)
    if result.diagnostics.errors and not result.passages:
        sys.exit(status)

    def where(passage: Passage) -> str:
        return f"{result.diagnostics.relative(passage.path)}:{passage.line}: ¶{passage.paragraph}"

    def excerpt(passage: Passage) -> str:
        before = "…" if passage.before else ""
        after = "…" if passage.after else ""
        return f"{before}{passage.text}{after}"

    for passage in result.passages:
        if passage.crosses:
            click.echo(
                f"{where(passage)}: crosses ¶{passage.paragraph}–¶{passage.last}: a quote "
                f"must sit in one paragraph: {excerpt(passage)}"
            )
        else:
            click.echo(f"{where(passage)}: {excerpt(passage)}")
    if result.skeletons:
        click.echo("\nA note to paste under 'notes:' (fill in each TODO):\n")
        click.echo("\n\n".join(result.skeletons))
    if not result.passages:
        near = result.closest
        hint = f"; closest passage is {where(near)}: {excerpt(near)}" if near else ""
        click.echo(f"not found in {source_id or 'any source'}{hint}")
        sys.exit(1)
    if not result.skeletons:
        sys.exit(1)  # every match crosses paragraphs: nothing a note can quote
    sys.exit(status)


@main.command()
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
    from briefgen.write.project_files import WriteError

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

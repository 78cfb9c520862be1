"""Commands on a project's briefs: build them, check the content, list them, show what
rests on a source, preview them while editing (serve)."""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

import click

from briefgen import pipeline
from briefgen.cli.common import errors_only, report, root_option, strict_option


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


@click.command()
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
    status = report(result.diagnostics, strict)
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


@click.command()
@root_option
@strict_option
def check(root: Path, strict: bool) -> None:
    """Validate content: schemas, references, quotes."""
    result = pipeline.check(root)
    status = report(result.diagnostics, strict)
    if status == 0:
        project = result.project
        assert project is not None
        click.echo(
            f"ok: {len(project.sources)} sources, {len(project.notes)} notes, "
            f"{len(project.options)} options, {len(project.briefs)} briefs"
        )
    sys.exit(status)


@click.command()
@root_option
@click.argument("source_id")
def impact(root: Path, source_id: str) -> None:
    """List every note (its own, and those it corroborates), judgment, option, score, brief
    and sentence resting on a source."""
    result = pipeline.impact(root, source_id)
    status = report(errors_only(result.diagnostics), False)  # errors stop it
    if status == 0:
        for d in result.dependents:
            where = result.diagnostics.relative(d.path)
            click.echo(f"{where}:{d.line}: {d.kind} {d.id}: {d.text}")
        click.echo(f"{len(result.dependents)} item(s) depend on source '{source_id}'")
    sys.exit(status)


@click.command("list")
@root_option
def list_briefs(root: Path) -> None:
    """List the briefs: id, type, marking, title."""
    result = pipeline.check(root)
    interrupted = [d for d in result.diagnostics.errors if d.code == "write.interrupted"]
    if result.project is None or interrupted:
        sys.exit(report(result.diagnostics, False) or 1)
    for brief_id, brief in sorted(result.project.briefs.items()):
        meta = brief.meta
        click.echo(f"{brief_id}\t{meta.type}\t{meta.marking}\t{meta.title}")


@click.command()
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

"""The build, as a short sequence of named stages: load → validate → analyse → render → write.

The pipeline never prints: it returns results and diagnostics, and reports progress
through an optional callback, so the CLI decides what the user sees.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from briefgen.diagnostics import Diagnostics

# check and its kin live in queries.py; they are named here too, as the commands and
# tests have always called them (pipeline.check, pipeline.Result).
from briefgen.queries import RESOLVABLE as RESOLVABLE
from briefgen.queries import Artifact as Artifact
from briefgen.queries import ImpactResult as ImpactResult
from briefgen.queries import Result as Result
from briefgen.queries import brief_types as brief_types
from briefgen.queries import check as check
from briefgen.queries import impact as impact
from briefgen.render.cache import CACHE_DIR, project_fingerprint
from briefgen.write.confined import HINTS, WriteError, outside_base
from briefgen.write.journal import interrupted
from briefgen.write.lock import LOCK_FILE, Busy, project_lock
from briefgen.write.manifest import MANIFEST, Entry, manifest_bytes, read_manifest, up_to_date
from briefgen.write.project_files import Recovery, recover, start_writing, write_files
from briefgen.write.project_files import report as report_write_error
from briefgen.write.staging import WRITE_ERRORS, Stage, output_problems, sweep

if TYPE_CHECKING:  # the stages are imported where used: a no-op build loads none of them
    from briefgen.model.project import Project
    from briefgen.model.records import Format
    from briefgen.render.editions import Edition
    from briefgen.render.workers import WorkerPool

OUTPUT_DIR = "output"
FORMATS: tuple[Format, ...] = ("pdf", "html")

Progress = Callable[[str], None]
WAITING = f"waiting for another briefgen build of this project to finish ({LOCK_FILE})"


@dataclass
class Schemas:
    """What ``briefgen schema`` wrote."""

    diagnostics: Diagnostics
    written: list[Path] = field(default_factory=list)
    recovery: Recovery = field(default_factory=Recovery)


def write_schemas(root: Path, directory: Path | None) -> Schemas:
    """Write the JSON Schemas into ``directory`` (default: ``schemas`` in the project).

    A folder inside the project is written like any project file (under the lock, never
    through a link from the root); one outside it is the user's to name, but none of its
    parts, from ``/``, may be a link. All seven files, or none.
    """
    from briefgen.model.schema import schema_texts

    result = Schemas(Diagnostics(root))
    texts = schema_texts(brief_types(root))
    destination = Path(os.path.abspath(directory if directory is not None else root / "schemas"))
    project = Path(os.path.abspath(root))
    try:
        with project_lock(root, wait=True, waiting=lambda: None):
            if not start_writing(root, result.diagnostics, result.recovery):
                return result
            if destination.is_relative_to(project):
                base, folder = project, destination.relative_to(project)
            else:
                base, folder = outside_base(destination)
                done = recover(base)
                result.recovery.completed.extend(done.completed)
                result.recovery.rolled_back.extend(done.rolled_back)
            files: dict[Path, str | bytes] = {folder / n: t for n, t in texts.items()}
            result.written = [base / p for p in write_files(base, files)]
    except WriteError as exc:
        report_write_error(result.diagnostics, exc)
    return result


@dataclass(frozen=True)
class Plan:
    """What a build was asked to do."""

    root: Path
    selected: tuple[str, ...]  # brief ids; empty for all
    formats: tuple[Format, ...]
    strict: bool
    force: bool

    @property
    def full(self) -> bool:
        """Every brief in every format: the output is replaced, not patched."""
        return not self.selected and self.formats == FORMATS

    @property
    def output(self) -> Path:
        return self.root / OUTPUT_DIR


def build(
    root: Path,
    *,
    briefs: Iterable[str] = (),
    formats: Iterable[Format] = FORMATS,
    strict: bool = False,
    force: bool = False,
    jobs: int | None = None,
    wait: bool = True,
    progress: Progress | None = None,
    pool: WorkerPool | None = None,
) -> Result:
    """Check, render what changed, and swap the new output in all at once.

    ``pool`` lends the build warm render workers (else it makes ``jobs`` of its own):
    a process that builds again and again passes ``render.workers.warm_pool()``, whose
    workers are recycled when the project's font set changes. Workers start only when a
    PDF must be rendered, at most one per such brief.

    0. take the project lock (one build at a time; wait for it, or fail if ``wait``
       is false) and sweep what a killed build left;
    1. nothing changed since the last full build → done, output/ untouched;
    2. load, validate, analyse, audit (``check``);
    3. render each brief's HTML; PDFs whose HTML is unchanged come from the cache;
    4. render the other PDFs in worker processes (each success is cached at once,
       so a build that fails elsewhere still saves its work);
    5. on any error, stop with output/ untouched; else stage everything and swap.
    """
    report = progress or (lambda _message: None)
    chosen = tuple(f for f in FORMATS if f in set(formats))
    plan = Plan(root, tuple(briefs), chosen, strict, force)
    try:
        with project_lock(root, wait=wait, waiting=lambda: report(WAITING)):
            sweep(root)
            recovered = _recover(root, report)
            if recovered is not None:
                return Result(recovered)
            fingerprint = project_fingerprint(root, f"strict={strict}") if plan.full else None
            if fingerprint and not force and up_to_date(plan.output, fingerprint):
                return Result(Diagnostics(root), up_to_date=True)
            if pool is not None:
                return _build(plan, fingerprint, pool, report)
            from briefgen.render.workers import WorkerPool  # past the no-op return

            with WorkerPool(jobs or os.cpu_count() or 1) as own:
                return _build(plan, fingerprint, own, report)
    except Busy:
        diagnostics = Diagnostics(root)
        diagnostics.error(
            root / LOCK_FILE,
            0,
            "build.locked",
            "another briefgen build of this project is running "
            "(run without --no-wait to wait for it)",
        )
        return Result(diagnostics)


def finish_interrupted(root: Path, report: Progress) -> Diagnostics | None:
    """Finish or undo a change an interrupted command left, under the project lock, and
    say so in one progress line (what ``serve`` does before each preview, where the
    check would only report it); the error if that failed."""
    if interrupted(root) is None:
        return None
    with project_lock(root, wait=True, waiting=lambda: report(WAITING)):
        return _recover(root, report)


def _recover(root: Path, report: Progress) -> Diagnostics | None:
    """Finish or undo a change an interrupted command left, and say so; the error if
    that failed."""
    diagnostics = Diagnostics(root)
    done = Recovery()
    if not start_writing(root, diagnostics, done):
        return diagnostics
    for line in done.lines(diagnostics):
        report(line)
    return None


def _build(plan: Plan, fingerprint: str | None, pool: WorkerPool, report: Progress) -> Result:
    """check → render each edition (HTML, PDF, post-render checks) → stage it → commit."""
    from briefgen.analyse.audit import check_assessed
    from briefgen.render.editions import Request, editions

    result = check(plan.root)
    diagnostics, project = result.diagnostics, result.project
    _check_request(plan, project, diagnostics)
    built = [v for i, v in sorted(result.views.items()) if i in plan.selected or not plan.selected]
    check_assessed(built, diagnostics)  # the reader's edition is built: check preview does not
    if project is None or diagnostics.failed(strict=plan.strict):
        return result
    stage: Stage | None = None
    try:
        stage = Stage(plan.output, keep_existing=not plan.full)
        briefs = plan.selected or tuple(sorted(project.briefs))
        request = Request(briefs, plan.formats, force=plan.force, full=plan.full)
        staged: dict[str, tuple[Entry, bool]] = {}  # output name → its entry, cached
        for made in editions(
            project, result.views, request, pool, diagnostics, result.fonts, report
        ):
            staged[made.name] = (_stage(stage, made), made.cached)
        if not diagnostics.failed(strict=plan.strict):
            _commit(plan, fingerprint, result, stage, staged)
    except OSError as exc:
        if exc.errno not in WRITE_ERRORS:
            raise  # not something the user can fix: a bug, with its traceback
        where = exc.filename if isinstance(exc.filename, str) else plan.output
        hint = HINTS.get(exc.errno or 0, "fix it, then build again")
        message = f"could not write: {exc.strerror}; {hint}"
        diagnostics.error(where, 0, "output.write-failed", message)
    finally:
        if stage is not None and not result.written:
            stage.discard()
    return result


def _check_request(plan: Plan, project: Project | None, diagnostics: Diagnostics) -> None:
    """Problems with the request itself: unknown briefs, an output/ it can't replace."""
    for path in (plan.output, plan.root / CACHE_DIR):
        if path.is_symlink():
            diagnostics.error(
                path, 0, "output.symlink", "is a symbolic link; briefgen never writes through one"
            )
    for path, code, message in output_problems(plan.output):
        diagnostics.error(path, 0, code, message)
    for brief_id in plan.selected:
        if project is not None and brief_id not in project.briefs:
            diagnostics.error(
                plan.root / "content" / "briefs",
                0,
                "cli.unknown-brief",
                f"no brief '{brief_id}' (see 'briefgen list')",
            )


def _stage(stage: Stage, made: Edition) -> Entry:
    """Write one edition into the stage; its manifest entry."""
    stage.write(made.name, made.data)
    digest = hashlib.sha256(made.data).hexdigest()
    return Entry(made.brief, digest, len(made.data), made.pages, made.key)


def _commit(
    plan: Plan,
    fingerprint: str | None,
    result: Result,
    stage: Stage,
    staged: dict[str, tuple[Entry, bool]],
) -> None:
    """Step 5: write the manifest and swap the stage into output/."""
    written = {name: entry for name, (entry, _cached) in staged.items()}
    _, previous = read_manifest(plan.output)
    entries = {**({} if plan.full else previous), **written}
    stage.write(MANIFEST, manifest_bytes(fingerprint, entries))
    stage.commit()
    for name, entry in sorted(written.items(), key=lambda item: (item[0].count("/"), item[0])):
        fmt: Format = "pdf" if name.endswith(".pdf") else "html"
        cached = staged[name][1]
        result.artifacts.append(
            Artifact(entry.brief, fmt, plan.output / name, entry.size, entry.pages, cached)
        )
    result.written = True

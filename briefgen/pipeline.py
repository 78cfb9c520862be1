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
from briefgen.limits import TimeLimitExceeded, time_limit
from briefgen.render.cache import CACHE_DIR, project_fingerprint
from briefgen.write.lock import LOCK_FILE, Busy, project_lock
from briefgen.write.manifest import MANIFEST, Entry, manifest_bytes, read_manifest, up_to_date
from briefgen.write.project_files import (
    HINTS,
    Recovery,
    WriteError,
    interrupted,
    outside_base,
    recover,
    report_interrupted,
    start_writing,
    write_files,
)
from briefgen.write.project_files import report as report_write_error
from briefgen.write.staging import WRITE_ERRORS, Stage, output_problems, sweep

if TYPE_CHECKING:  # the stages are imported where used: a no-op build loads none of them
    from briefgen.analyse.impact import Dependent
    from briefgen.analyse.views import BriefView
    from briefgen.load.fonts import FontSet
    from briefgen.model.project import Project
    from briefgen.model.records import Format
    from briefgen.render.editions import Edition
    from briefgen.render.workers import WorkerPool
    from briefgen.text.csl import Citations
    from briefgen.validate.resolve import Resolved

OUTPUT_DIR = "output"
FORMATS: tuple[Format, ...] = ("pdf", "html")

Progress = Callable[[str], None]
WAITING = f"waiting for another briefgen build of this project to finish ({LOCK_FILE})"


@dataclass(frozen=True)
class Artifact:
    brief: str
    format: Format
    path: Path
    size: int
    pages: int | None
    cached: bool = False

    def name_is(self, name: str) -> bool:
        return self.path.name == name


@dataclass
class Result:
    diagnostics: Diagnostics
    project: Project | None = None
    views: dict[str, BriefView] = field(default_factory=dict)
    artifacts: list[Artifact] = field(default_factory=list)
    written: bool = False
    up_to_date: bool = False
    fonts: FontSet | None = None  # the fonts briefgen.toml declares, checked


# Validation errors that leave every reference resolvable, so analysis can still run:
# what an old project lacks (a holder, a principal, a section). `upgrade` looks past them
# to list the analysis's errors in the same run, not in a later round.
RESOLVABLE = frozenset(
    {
        "brief.author",
        "brief.missing-section",
        "brief.stale",
        "brief.stale-evidence",
        "brief.unapproved",
        "judgment.confidence-above-rubric",
        "judgment.confidence-unearned",
        "judgment.recommendation-confidence",
        "memo.principal",
        "memo.that-you",
        "note.conflict-unstated",
        "note.missing-holder",
    }
)


def check(
    root: Path, *, settings_text: str | None = None, look_past_resolvable: bool = False
) -> Result:
    """Load, validate, analyse and audit the project; nothing is rendered.

    ``settings_text`` is read instead of briefgen.toml; with ``look_past_resolvable``,
    analysis runs despite validation errors that are all ``RESOLVABLE``.
    """
    from briefgen.analyse.audit import audit
    from briefgen.load.citestyle import load_style
    from briefgen.load.fonts import load_fonts
    from briefgen.load.project import load_project
    from briefgen.text.csl import (
        CitationProcessorError,
        Citations,
        CitationStyleError,
        csl_item,
    )
    from briefgen.validate.content import validate
    from briefgen.validate.resolve import resolve

    diagnostics = Diagnostics(root)
    report_interrupted(root, diagnostics)  # a command that writes finishes it first
    project, report = load_project(root, diagnostics, settings_text=settings_text)
    result = Result(diagnostics, project)
    if project is None:
        return result
    result.fonts = load_fonts(root, project.settings, diagnostics)
    resolved = validate(project, report, diagnostics)
    past = look_past_resolvable and all(d.code in RESOLVABLE for d in diagnostics.errors)
    if resolved is None and past:
        resolved = resolve(project)
    if resolved is None:
        return result  # analysis needs every reference resolved
    style = load_style(root, project.settings, diagnostics)
    if style is None:
        return result
    items = {sid: csl_item(sid, source.record) for sid, source in project.sources.items()}
    seconds = project.settings.limits.citation_seconds
    # The first failure of the processor stops every brief's analysis: one error a build.
    try:
        with Citations(items, style, seconds) as citations:
            _analyse_briefs(resolved, citations, result)
    except CitationStyleError as exc:
        where, line = (root / style.name, 1) if not style.shipped else _style_setting(root)
        diagnostics.error(where, line, exc.code, exc.message)
    except CitationProcessorError as exc:
        diagnostics.error(*_style_setting(root), "citations.processor-failed", exc.message)
    if diagnostics.errors and not look_past_resolvable:
        return result
    audit(project, result.views.values(), diagnostics)
    return result


def _style_setting(root: Path) -> tuple[Path, int]:
    """Where a failure of the processor that no project file caused is reported."""
    from briefgen.load.citestyle import SETTINGS_FILE, setting_line

    return root / SETTINGS_FILE, setting_line(root)


def _analyse_briefs(resolved: Resolved, citations: Citations, result: Result) -> None:
    """Each brief's view, its Markdown converted within the time limit."""
    from briefgen.analyse.views import analyse

    project, diagnostics = resolved.project, result.diagnostics
    seconds = project.settings.limits.markdown_seconds
    for brief_id in sorted(project.briefs):
        try:
            with time_limit(seconds):
                result.views[brief_id] = analyse(resolved, brief_id, citations)
        except TimeLimitExceeded:
            diagnostics.error(
                project.briefs[brief_id].origin.path,
                1,
                "markdown.timeout",
                f"converting this brief's Markdown took longer than {seconds:g} s "
                "(pathological input such as thousands of unclosed '['?)",
            )


@dataclass
class ImpactResult:
    diagnostics: Diagnostics
    dependents: list[Dependent] = field(default_factory=list)


def impact(root: Path, source_id: str) -> ImpactResult:
    """Everything in the project that depends on one source (``briefgen impact``)."""
    from briefgen.analyse.impact import impact as find_dependents

    result = check(root)
    project = result.project
    if project is not None and source_id not in project.sources:
        result.diagnostics.error(
            root / "content" / "sources",
            0,
            "impact.unknown-source",
            f"no source '{source_id}' (known: {', '.join(sorted(project.sources)) or 'none'})",
        )
    if project is None or result.diagnostics.errors:
        return ImpactResult(result.diagnostics)
    return ImpactResult(result.diagnostics, find_dependents(project, source_id))


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


def brief_types(root: Path) -> list[str]:
    """The brief types a project can use: the packaged ones and its own."""
    from briefgen.load.project import load_settings
    from briefgen.model.layouts import merge

    settings = load_settings(root, Diagnostics(root))
    layouts = settings.layouts if settings is not None else merge({})[0]
    return sorted(layouts)


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

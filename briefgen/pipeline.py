"""The build, as a short sequence of named stages: load → validate → analyse → render → write.

The pipeline never prints: it returns results and diagnostics, and reports progress
through an optional callback, so the CLI decides what the user sees.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from briefgen.analyse.audit import audit
from briefgen.analyse.impact import Dependent
from briefgen.analyse.impact import impact as find_dependents
from briefgen.analyse.views import BriefView, analyse
from briefgen.diagnostics import Diagnostics, RenderError
from briefgen.limits import TimeLimitExceeded, time_limit
from briefgen.load.project import load_project, load_settings
from briefgen.model.layouts import merge
from briefgen.model.records import Format, Project
from briefgen.render.html import TemplateLimits, render_html
from briefgen.render.sandbox import Sandbox, template_environment
from briefgen.render.workers import Job, Outcome, WorkerPool
from briefgen.validate.content import validate
from briefgen.write.cache import (
    CACHE_DIR,
    MANIFEST,
    Entry,
    PdfCache,
    manifest_bytes,
    pdf_key,
    project_fingerprint,
    read_manifest,
    up_to_date,
)
from briefgen.write.lock import LOCK_FILE, Busy, project_lock
from briefgen.write.staging import WRITE_ERRORS, Stage, output_problems, sweep

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


def check(root: Path) -> Result:
    """Load, validate, analyse and audit the project; nothing is rendered."""
    diagnostics = Diagnostics(root)
    project = load_project(root, diagnostics)
    result = Result(diagnostics, project)
    if project is None:
        return result
    validate(project, diagnostics)
    if diagnostics.errors:
        return result  # analysis needs valid references
    seconds = project.settings.limits.markdown_seconds
    for brief_id in sorted(project.briefs):
        brief = project.briefs[brief_id]
        try:
            with time_limit(seconds):
                result.views[brief_id] = analyse(project, brief)
        except TimeLimitExceeded:
            diagnostics.error(
                brief.origin.path,
                1,
                "markdown.timeout",
                f"converting this brief's Markdown took longer than {seconds:g} s "
                "(pathological input such as thousands of unclosed '['?)",
            )
    if diagnostics.errors:
        return result
    audit(project, result.views.values(), diagnostics)
    return result


@dataclass
class ImpactResult:
    diagnostics: Diagnostics
    dependents: list[Dependent] = field(default_factory=list)


def impact(root: Path, source_id: str) -> ImpactResult:
    """Everything in the project that depends on one source (``briefgen impact``)."""
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


def brief_types(root: Path) -> list[str]:
    """The brief types a project can use: the packaged ones and its own."""
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
) -> Result:
    """Check, render what changed, and swap the new output in all at once.

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
            fingerprint = project_fingerprint(root, f"strict={strict}") if plan.full else None
            if fingerprint and not force and up_to_date(plan.output, fingerprint):
                return Result(Diagnostics(root), up_to_date=True)
            with WorkerPool(jobs or os.cpu_count() or 1) as pool:
                if "pdf" in chosen:
                    pool.start()  # workers import WeasyPrint while the content is checked
                return _build(plan, fingerprint, pool, report)
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


def _build(plan: Plan, fingerprint: str | None, pool: WorkerPool, report: Progress) -> Result:
    result = check(plan.root)
    diagnostics, project = result.diagnostics, result.project
    _check_request(plan, project, diagnostics)
    if project is None or diagnostics.failed(strict=plan.strict):
        return result
    stage: Stage | None = None
    try:
        stage = Stage(plan.output, keep_existing=not plan.full)
        written, fresh = _stream(plan, project, result, stage, pool, report)
        if not diagnostics.failed(strict=plan.strict):
            _finish(plan, fingerprint, result, stage, written, fresh)
    except OSError as exc:
        if exc.errno not in WRITE_ERRORS:
            raise  # not something the user can fix: a bug, with its traceback
        where = exc.filename if isinstance(exc.filename, str) else plan.output
        diagnostics.error(where, 0, "output.write-failed", f"could not write: {exc.strerror}")
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


def _stream(
    plan: Plan,
    project: Project,
    result: Result,
    stage: Stage,
    pool: WorkerPool,
    report: Progress,
) -> tuple[dict[str, Entry], set[str]]:
    """Render every wanted brief into the stage, one at a time; returns the entries
    staged and the briefs whose PDF was rendered now (the others came from the cache).

    Each brief's HTML is rendered, written to the stage and dropped; its PDF comes
    from the cache or is rendered by a worker and cached at once. Nothing is held for
    all briefs at once, so memory stays flat however many briefs there are.
    """
    diagnostics = result.diagnostics
    wanted = list(plan.selected) or sorted(project.briefs)
    environment = template_environment(plan.root)
    cache = PdfCache(plan.root)
    keys: dict[str, str] = {}
    entries: dict[str, Entry] = {}
    progress = {"done": 0, "cached": 0}
    fresh: set[str] = set()

    def stage_pdf(brief_id: str, data: bytes, pages: int) -> None:
        _check_budget(project, brief_id, pages, diagnostics)
        entries[f"{brief_id}.pdf"] = _stage(stage, brief_id, "pdf", data, keys[brief_id], pages)

    def jobs() -> Iterator[Job]:
        for brief_id in wanted:
            text = render_page(project, result.views[brief_id], environment, diagnostics)
            if text is None:
                continue
            keys[brief_id] = key = pdf_key(text)
            if "html" in plan.formats:
                entries[f"{brief_id}.html"] = _stage(stage, brief_id, "html", text.encode(), key)
            if "pdf" not in plan.formats:
                continue
            # A cached PDF is staged from the bytes read now, never looked up again.
            hit = None if plan.force else cache.get(key)
            if hit is not None:
                progress["done"] += 1
                progress["cached"] += 1
                stage_pdf(brief_id, *hit)
            else:
                yield Job(brief_id, text)

    def done(outcome: Outcome) -> None:
        progress["done"] += 1
        brief = project.briefs[outcome.key]
        where = f"[{progress['done']}/{len(wanted)}] {outcome.key}"
        if outcome.error is not None:
            diagnostics.error(brief.origin.path, 1, outcome.error.code, outcome.error.message)
            report(f"{where}: failed")
            return
        assert outcome.pdf is not None
        cache.put(keys[outcome.key], outcome.pdf.data, outcome.pdf.pages)
        stage_pdf(outcome.key, outcome.pdf.data, outcome.pdf.pages)
        fresh.add(outcome.key)
        report(f"{where}: {outcome.pdf.pages} page(s)")

    limits = project.settings.limits
    pool.run(
        jobs(),
        done,
        seconds=limits.render_seconds,
        memory_bytes=limits.render_memory_mb * 2**20,
    )
    if "pdf" in plan.formats:
        report(f"PDFs: {len(fresh)} rendered, {progress['cached']} from cache")
    missing = [f"{b}.{f}" for b in wanted for f in plan.formats if f"{b}.{f}" not in entries]
    if missing and not diagnostics.errors:  # a wanted file may only be missing with an error
        raise RuntimeError(f"internal error: nothing staged for {', '.join(missing)}")
    if "pdf" in plan.formats and plan.full and not diagnostics.failed():
        cache.keep_only(set(keys.values()))  # safe: the project lock is held
    return entries, fresh


def render_page(
    project: Project, view: BriefView, environment: Sandbox, diagnostics: Diagnostics
) -> str | None:
    """One brief's HTML, or None with its problem reported where the user can fix it."""
    limits = project.settings.limits
    bounds = TemplateLimits(limits.template_seconds, limits.template_memory_mb * 2**20)
    try:
        return render_html(view, environment, bounds)
    except RenderError as exc:
        if exc.path is not None:  # a template's own problem, located in it
            diagnostics.error(exc.path, exc.line, exc.code, exc.message)
        else:
            diagnostics.error(view.brief.origin.path, 1, exc.code, exc.message)
        return None


def _stage(
    stage: Stage, brief_id: str, fmt: Format, data: bytes, key: str, pages: int | None = None
) -> Entry:
    stage.write(f"{brief_id}.{fmt}", data)
    return Entry(brief_id, hashlib.sha256(data).hexdigest(), len(data), pages, key)


def _check_budget(project: Project, brief_id: str, pages: int, diagnostics: Diagnostics) -> None:
    brief = project.briefs[brief_id]
    budget = project.settings.layouts[brief.meta.type].budget
    if pages > budget:
        diagnostics.error(
            brief.origin.path,
            1,
            "brief.over-budget",
            f"{brief.meta.type} '{brief_id}' is {pages} pages; "
            f"its budget is {budget} ([types.{brief.meta.type}] budget)",
        )


def _finish(
    plan: Plan,
    fingerprint: str | None,
    result: Result,
    stage: Stage,
    written: dict[str, Entry],
    fresh: set[str],
) -> None:
    """Write the manifest and swap the stage into output/."""
    _, previous = read_manifest(plan.output)
    entries = {**({} if plan.full else previous), **written}
    stage.write(MANIFEST, manifest_bytes(fingerprint, entries))
    stage.commit()
    for name, entry in sorted(written.items()):
        fmt: Format = "pdf" if name.endswith(".pdf") else "html"
        cached = fmt == "pdf" and entry.brief not in fresh
        result.artifacts.append(
            Artifact(entry.brief, fmt, plan.output / name, entry.size, entry.pages, cached)
        )
    result.written = True

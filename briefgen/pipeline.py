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

from briefgen.analyse import BriefView, analyse
from briefgen.audit import audit
from briefgen.cache import (
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
from briefgen.diagnostics import Diagnostics
from briefgen.limits import TimeLimitExceeded, time_limit
from briefgen.load import load_project
from briefgen.model import Format, Project
from briefgen.render import RenderError, render_html, template_environment
from briefgen.validate import validate
from briefgen.workers import Job, Outcome, WorkerPool
from briefgen.write import Stage

OUTPUT_DIR = "output"
TEMPLATES_DIR = "templates"
FORMATS: tuple[Format, ...] = ("pdf", "html")

Progress = Callable[[str], None]


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


def build(
    root: Path,
    *,
    briefs: Iterable[str] = (),
    formats: Iterable[Format] = FORMATS,
    strict: bool = False,
    force: bool = False,
    jobs: int | None = None,
    progress: Progress | None = None,
) -> Result:
    """Check, render what changed, and swap the new output in all at once.

    1. nothing changed since the last full build → done, output/ untouched;
    2. load, validate, analyse, audit (``check``);
    3. render each brief's HTML; PDFs whose HTML is unchanged come from the cache;
    4. render the other PDFs in worker processes (each success is cached at once,
       so a build that fails elsewhere still saves its work);
    5. on any error, stop with output/ untouched; else stage everything and swap.
    """
    report = progress or (lambda _message: None)
    selected = list(briefs)
    chosen = tuple(f for f in FORMATS if f in set(formats))
    output = root / OUTPUT_DIR
    full = not selected and chosen == FORMATS
    fingerprint = project_fingerprint(root, f"strict={strict}") if full else None
    if fingerprint and not force and up_to_date(output, fingerprint):
        return Result(Diagnostics(root), up_to_date=True)

    with WorkerPool(jobs or os.cpu_count() or 1) as pool:
        if "pdf" in chosen:
            pool.start()  # workers import WeasyPrint while the content is checked
        return _build(root, selected, chosen, full, fingerprint, strict, force, pool, report)


def _build(
    root: Path,
    selected: list[str],
    chosen: tuple[Format, ...],
    full: bool,
    fingerprint: str | None,
    strict: bool,
    force: bool,
    pool: WorkerPool,
    report: Progress,
) -> Result:
    output = root / OUTPUT_DIR
    result = check(root)
    diagnostics, project = result.diagnostics, result.project
    for path in (output, root / CACHE_DIR):
        if path.is_symlink():
            diagnostics.error(
                path, 0, "output.symlink", "is a symbolic link; briefgen never writes through one"
            )
    if project is None or diagnostics.failed(strict=strict):
        return result
    for brief_id in selected:
        if brief_id not in project.briefs:
            diagnostics.error(
                root / "content" / "briefs",
                0,
                "cli.unknown-brief",
                f"no brief '{brief_id}' (see 'briefgen list')",
            )
    if diagnostics.failed():
        return result
    wanted = selected or sorted(project.briefs)

    environment = template_environment(root / TEMPLATES_DIR)
    html: dict[str, str] = {}
    for brief_id in wanted:
        try:
            html[brief_id] = render_html(result.views[brief_id], environment)
        except RenderError as exc:
            diagnostics.error(project.briefs[brief_id].origin.path, 1, exc.code, exc.message)
    if diagnostics.failed():
        return result
    keys = {b: pdf_key(html[b]) for b in wanted}
    cache = PdfCache(root)
    pdfs: dict[str, tuple[bytes, int]] = {}
    pending: list[Job] = []
    if "pdf" in chosen:
        for brief_id in wanted:
            hit = None if force else cache.get(keys[brief_id])
            if hit is not None:
                pdfs[brief_id] = hit
            else:
                pending.append(Job(brief_id, html[brief_id]))
    if "pdf" in chosen:
        report(f"{len(wanted)} brief(s): {len(pending)} PDF(s) to render, {len(pdfs)} from cache")
    else:
        report(f"{len(wanted)} brief(s): HTML only")
    if pending:
        _render_pdfs(project, pool, pending, keys, cache, pdfs, diagnostics, report)
    for brief_id, (_, page_count) in sorted(pdfs.items()):
        brief = project.briefs[brief_id]
        budget = project.settings.budgets.for_type(brief.meta.type)
        if page_count > budget:
            diagnostics.error(
                brief.origin.path,
                1,
                "brief.over-budget",
                f"{brief.meta.type.value} '{brief_id}' is {page_count} pages; "
                f"its budget is {budget} (briefgen.toml [budgets])",
            )
    if diagnostics.failed(strict=strict):
        return result

    from_cache = {b for b in wanted if "pdf" in chosen} - {j.key for j in pending}
    _, previous = read_manifest(output)
    entries = {} if full else dict(previous)
    stage = Stage(output, keep_existing=not full)
    try:
        for brief_id in wanted:
            files: list[tuple[Format, bytes, int | None]] = []
            if "html" in chosen:
                files.append(("html", html[brief_id].encode("utf-8"), None))
            if "pdf" in chosen:
                files.append(("pdf", *pdfs[brief_id]))
            for fmt, data, pages in files:
                name = f"{brief_id}.{fmt}"
                stage.write(name, data)
                digest = hashlib.sha256(data).hexdigest()
                entries[name] = Entry(brief_id, digest, len(data), pages, keys[brief_id])
                cached = fmt == "pdf" and brief_id in from_cache
                result.artifacts.append(
                    Artifact(brief_id, fmt, output / name, len(data), pages, cached)
                )
        stage.write(MANIFEST, manifest_bytes(fingerprint, entries))
        stage.commit()
    except BaseException:
        stage.discard()
        raise
    if full:
        cache.keep_only(set(keys.values()))
    result.written = True
    return result


def _render_pdfs(
    project: Project,
    pool: WorkerPool,
    pending: list[Job],
    keys: dict[str, str],
    cache: PdfCache,
    pdfs: dict[str, tuple[bytes, int]],
    diagnostics: Diagnostics,
    report: Progress,
) -> None:
    """Render PDFs in worker processes; failures become diagnostics of their brief."""
    limits = project.settings.limits
    finished = 0

    def done(outcome: Outcome) -> None:
        nonlocal finished
        finished += 1
        brief = project.briefs[outcome.key]
        if outcome.error is not None:
            diagnostics.error(brief.origin.path, 1, outcome.error.code, outcome.error.message)
            report(f"rendered [{finished}/{len(pending)}] {outcome.key}: failed")
            return
        assert outcome.pdf is not None
        cache.put(keys[outcome.key], outcome.pdf.data, outcome.pdf.pages)
        pdfs[outcome.key] = (outcome.pdf.data, outcome.pdf.pages)
        report(f"rendered [{finished}/{len(pending)}] {outcome.key}: {outcome.pdf.pages} page(s)")

    pool.run(
        pending, done, seconds=limits.render_seconds, memory_bytes=limits.render_memory_mb * 2**20
    )

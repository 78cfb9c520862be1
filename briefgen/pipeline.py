"""The build, as a short sequence of named stages: load → validate → analyse → render → write.

The pipeline never prints: it returns results and diagnostics, and reports progress
through an optional callback, so the CLI decides what the user sees.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from briefgen.diagnostics import Diagnostics, RenderError
from briefgen.limits import TimeLimitExceeded, time_limit
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
    from briefgen.model.records import Format, Project
    from briefgen.render.pdfspec import Pdf
    from briefgen.render.sandbox import Sandbox
    from briefgen.render.workers import Reply, WorkerPool
    from briefgen.text.csl import Citations
    from briefgen.validate.resolve import Resolved

OUTPUT_DIR = "output"
FORMATS: tuple[Format, ...] = ("pdf", "html")
# Each brief is written twice: the reader's edition as output/<id>, and its audit
# annex (every note with its id, grade and quote; evidence; scoring; source records)
# as output/annex/<id>, from the template named here.
ANNEX = "annex"
EDITIONS: tuple[tuple[str, str | None], ...] = (("", None), (f"{ANNEX}/", "annex.html.j2"))

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

    ``pool`` lends the build warm render workers (else it makes ``jobs`` of its own);
    workers start only when a PDF must be rendered, at most one per such brief.

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
    """check → HTML pages → PDFs → post-render checks → stage and commit."""
    from briefgen.analyse.audit import check_assessed

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
        pages = _html_pages(plan, project, result, stage)
        pdfs = _render_pdfs(plan, project, pages, stage, pool, report, result.fonts)
        _post_render_checks(plan, project, pdfs, diagnostics)
        if not diagnostics.failed(strict=plan.strict):
            _commit(plan, fingerprint, result, stage, pdfs)
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


@dataclass(frozen=True)
class HtmlPage:
    """One edition of a brief, rendered and staged; ``key`` names its PDF in the cache."""

    brief: str
    name: str  # its output name without suffix: the brief's id, or annex/<id>
    key: str
    entry: Entry | None  # its staged HTML file, when HTML was asked for
    html: str  # held only until its PDF job is handed out (the steps stream)
    # Some character is in no declared font: in fonts.uncovered's warning phase the
    # machine's fonts join the project's ("machine"); once it is an error, no PDF ("none").
    fallback: str = ""


@dataclass(frozen=True)
class RenderedPdf:
    """One edition's PDF, staged, or why it failed."""

    brief: str
    name: str
    key: str
    entry: Entry | None
    cached: bool
    pdf: Pdf | None = None  # its page counts are read; its bytes are already staged
    error: RenderError | None = None


@dataclass(frozen=True)
class Rendered:
    """What the render steps made: every brief's staged files, in brief order."""

    pages: tuple[HtmlPage, ...]
    pdfs: tuple[RenderedPdf, ...]


def _html_pages(plan: Plan, project: Project, result: Result, stage: Stage) -> Iterator[HtmlPage]:
    """Step 2: each wanted brief's HTML, rendered and staged one at a time (lazily, so
    PDF workers start on the first page while the rest are still being rendered)."""
    from briefgen.load.fonts import FontSet
    from briefgen.render.fonts import fonts_css
    from briefgen.render.sandbox import template_environment

    environment = template_environment(plan.root)
    fonts = result.fonts or FontSet()
    families = fonts_css(fonts)
    coverage = _Coverage(plan.root, fonts, result.diagnostics)
    for brief_id in plan.selected or sorted(project.briefs):
        for prefix, template in EDITIONS:
            view = result.views[brief_id]
            text = render_page(
                project, view, environment, result.diagnostics, template, families=families
            )
            if text is None:
                continue
            fallback = coverage.check(text)
            name, key = f"{prefix}{brief_id}", pdf_key(text, fonts=f"{fonts.digest} {fallback}")
            entry = None
            if "html" in plan.formats:
                entry = _stage(stage, brief_id, f"{name}.html", text.encode(), key)
            yield HtmlPage(brief_id, name, key, entry, text, fallback)


@dataclass
class _Coverage:
    """Checks each page's characters against the fonts before its PDF is laid out; a
    character no font covers is reported once per build, where it first occurs."""

    root: Path
    fonts: FontSet
    diagnostics: Diagnostics
    reported: set[str] = field(default_factory=set)
    unreadable: bool = False

    def check(self, page: str) -> str:
        """ "" when every character is covered, else the page's fallback (HtmlPage)."""
        from briefgen.load.fonts import FontUnreadable
        from briefgen.render.fonts import printed_characters, uncovered
        from briefgen.rules import Level, rule

        if self.unreadable:
            return "none"
        try:
            missing = uncovered(printed_characters(page), self.fonts)
        except FontUnreadable as exc:
            self.unreadable = True
            where = self.root / "briefgen.toml"
            message = f"font file '{exc.font.path}' cannot be read as a font ({exc.problem})"
            self.diagnostics.error(where, exc.font.line, "fonts.invalid", message)
            return "none"
        if not missing:
            return ""
        self._report([c for c in missing if c not in self.reported])
        level = rule("fonts.uncovered").default_level(self.diagnostics.version)
        return "machine" if level is Level.WARNING else "none"

    def _report(self, characters: list[str]) -> None:
        from briefgen.load.fonts import DOCS, FONTS_SETTING
        from briefgen.render.fonts import describe, locate

        self.reported.update(characters)
        for (path, line), found in locate(self.root, characters, self.fonts.line).items():
            named = ", ".join(describe(c) for c in found[:8])
            more = f" and {len(found) - 8} more" if len(found) > 8 else ""
            subject = (
                f"character {named} is" if len(found) == 1 else f"characters {named}{more} are"
            )
            message = (
                f"{subject} in no font briefgen has: declare a font file that covers "
                f"{'it' if len(found) == 1 else 'them'} in {FONTS_SETTING} of briefgen.toml "
                f"({DOCS} says how)"
            )
            self.diagnostics.error(path, line, "fonts.uncovered", message)


def _render_pdfs(
    plan: Plan,
    project: Project,
    pages: Iterator[HtmlPage],
    stage: Stage,
    pool: WorkerPool,
    report: Progress,
    fonts_of: FontSet | None = None,
) -> Rendered:
    """Step 3: each page's PDF from the cache or a worker, cached and staged at once.

    Nothing is held for all briefs at once, so memory stays flat however many there
    are; a cached PDF is staged from the bytes read now, never looked up again.
    """
    from briefgen.load.fonts import FontSet
    from briefgen.render.workers import Job
    from briefgen.write.fonts import font_configs

    fonts = fonts_of or FontSet()
    cache = PdfCache(plan.root)
    configs: list[Path] = []  # the private fontconfig files, written with the first job
    seen: dict[str, HtmlPage] = {}  # name → its page, without its HTML once handed out
    pdfs: dict[str, RenderedPdf] = {}
    total = len(plan.selected or project.briefs) * len(EDITIONS)

    def jobs() -> Iterator[Job]:
        for page in pages:
            seen[page.name] = replace(page, html="")
            if "pdf" not in plan.formats:
                continue
            if page.fallback == "none":  # its characters are reported: no .notdef wall
                continue
            hit = None if plan.force else cache.get(page.key)
            if hit is not None:
                staged = _stage_pdf(stage, page, hit)
                pdfs[page.name] = RenderedPdf(page.brief, page.name, page.key, staged, True, hit)
            else:
                if not configs:
                    configs.extend(font_configs(plan.root / CACHE_DIR, fonts))
                conf = configs[1] if page.fallback == "machine" else configs[0]
                yield Job(page.name, page.html, str(conf))

    def done(reply: Reply) -> None:
        page = seen[reply.key]
        where = f"[{len(pdfs) + 1}/{total}] {reply.key}"
        if reply.pdf is None:
            failed = RenderedPdf(page.brief, page.name, page.key, None, False, None, reply.error)
            pdfs[reply.key] = failed
            report(f"{where}: failed")
            return
        cache.put(page.key, reply.pdf)
        staged = _stage_pdf(stage, page, reply.pdf)
        pdfs[reply.key] = RenderedPdf(page.brief, page.name, page.key, staged, False, reply.pdf)
        report(f"{where}: {reply.pdf.pages} page(s)")

    limits = project.settings.limits
    pool.run(
        jobs(),
        done,
        seconds=limits.render_seconds,
        memory_bytes=limits.render_memory_mb * 2**20,
        at_most=total,
    )
    if "pdf" in plan.formats:
        fresh = sum(1 for p in pdfs.values() if p.entry is not None and not p.cached)
        cached = sum(1 for p in pdfs.values() if p.cached)
        report(f"PDFs: {fresh} rendered, {cached} from cache")
    ordered = tuple(pdfs[name] for name in seen if name in pdfs)
    return Rendered(tuple(seen.values()), ordered)


def _stage_pdf(stage: Stage, page: HtmlPage, pdf: Pdf) -> Entry:
    return _stage(stage, page.brief, f"{page.name}.pdf", pdf.data, page.key, pdf.pages)


def _post_render_checks(
    plan: Plan, project: Project, rendered: Rendered, diagnostics: Diagnostics
) -> None:
    """Step 4: failed renders and page budgets are diagnostics; nothing wanted is lost."""
    for pdf in rendered.pdfs:
        brief = project.briefs[pdf.brief]
        if pdf.error is not None:
            diagnostics.error(brief.origin.path, 1, pdf.error.code, pdf.error.message)
        elif pdf.pdf is not None and pdf.name == pdf.brief:  # budgets count the reader's
            _check_budget(project, pdf.brief, pdf.pdf, diagnostics)
    staged = (
        {p.name for p in rendered.pages if p.entry is not None} if "html" in plan.formats else set()
    )
    staged_pdfs = {p.name for p in rendered.pdfs if p.entry is not None}
    wanted = [
        f"{prefix}{b}" for b in plan.selected or sorted(project.briefs) for prefix, _ in EDITIONS
    ]
    missing = [
        f"{name}.{f}"
        for name in wanted
        for f in plan.formats
        if name not in (staged if f == "html" else staged_pdfs)
    ]
    if missing and not diagnostics.errors:  # a wanted file may only be missing with an error
        raise RuntimeError(f"internal error: nothing staged for {', '.join(missing)}")
    if "pdf" in plan.formats and plan.full and not diagnostics.failed():
        keys = {p.key for p in rendered.pages}
        PdfCache(plan.root).keep_only(keys)  # safe: the project lock is held


def render_page(
    project: Project,
    view: BriefView,
    environment: Sandbox,
    diagnostics: Diagnostics,
    template: str | None = None,
    *,
    families: str = "",
) -> str | None:
    """One brief's HTML (its own template, or ``template``: e.g. the annex's), or None
    with its problem reported where the user can fix it."""
    from briefgen.render.html import TemplateLimits, render_html

    limits = project.settings.limits
    bounds = TemplateLimits(limits.template_seconds, limits.template_memory_mb * 2**20)
    try:
        return render_html(view, environment, bounds, template, families)
    except RenderError as exc:
        if exc.path is not None:  # a template's own problem, located in it
            diagnostics.error(exc.path, exc.line, exc.code, exc.message)
        else:
            diagnostics.error(view.brief.origin.path, 1, exc.code, exc.message)
        return None


def _stage(
    stage: Stage, brief_id: str, name: str, data: bytes, key: str, pages: int | None = None
) -> Entry:
    stage.write(name, data)
    return Entry(brief_id, hashlib.sha256(data).hexdigest(), len(data), pages, key)


def _check_budget(project: Project, brief_id: str, pdf: Pdf, diagnostics: Diagnostics) -> None:
    """A page budget counts the body of the reader's edition (its back matter and the
    annex are not counted); a type with a summary limit bounds the summary too."""
    brief = project.briefs[brief_id]
    kind = brief.meta.type
    layout = project.settings.layouts[kind]
    if pdf.body_pages > layout.budget:
        whole = "" if pdf.body_pages == pdf.pages else f" (of {pdf.pages} with its notes)"
        diagnostics.error(
            brief.origin.path,
            1,
            "brief.over-budget",
            f"{kind} '{brief_id}' has {pdf.body_pages} pages of body{whole}; "
            f"its budget is {layout.budget} ([types.{kind}] budget)",
        )
    limit = layout.summary_pages
    if limit is not None and pdf.summary_pages is not None and pdf.summary_pages > limit:
        diagnostics.error(
            brief.origin.path,
            1,
            "brief.summary-too-long",
            f"the executive summary of '{brief_id}' runs to {pdf.summary_pages:g} pages of "
            f"text; {kind} allows {limit} ([types.{kind}] summary_pages)",
        )


def _commit(
    plan: Plan, fingerprint: str | None, result: Result, stage: Stage, rendered: Rendered
) -> None:
    """Step 5: write the manifest and swap the stage into output/."""
    written = {
        **{f"{p.name}.html": p.entry for p in rendered.pages if p.entry is not None},
        **{f"{p.name}.pdf": p.entry for p in rendered.pdfs if p.entry is not None},
    }
    fresh = {f"{p.name}.pdf" for p in rendered.pdfs if not p.cached}
    _, previous = read_manifest(plan.output)
    entries = {**({} if plan.full else previous), **written}
    stage.write(MANIFEST, manifest_bytes(fingerprint, entries))
    stage.commit()
    for name, entry in sorted(written.items(), key=lambda item: (item[0].count("/"), item[0])):
        fmt: Format = "pdf" if name.endswith(".pdf") else "html"
        cached = fmt == "pdf" and name not in fresh
        result.artifacts.append(
            Artifact(entry.brief, fmt, plan.output / name, entry.size, entry.pages, cached)
        )
    result.written = True

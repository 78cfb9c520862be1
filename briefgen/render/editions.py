"""Stage 4 — render, one edition at a time: each brief's HTML, then its PDF (from the
cache or a worker), then the checks only a laid-out PDF allows (failed renders, page
budgets)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from briefgen.diagnostics import Diagnostics, RenderError
from briefgen.render.cache import CACHE_DIR, PdfCache, pdf_key
from briefgen.write.manifest import Entry
from briefgen.write.staging import Stage

if TYPE_CHECKING:
    from briefgen.analyse.views import BriefView
    from briefgen.load.fonts import FontSet
    from briefgen.model.records import Project
    from briefgen.pipeline import Plan, Progress, Result
    from briefgen.render.pdfspec import Pdf
    from briefgen.render.sandbox import Sandbox
    from briefgen.render.workers import Reply, WorkerPool

# Each brief is written twice: the reader's edition as output/<id>, and its audit
# annex (every note with its id, grade and quote; evidence; scoring; source records)
# as output/annex/<id>, from the template named here.
ANNEX = "annex"
EDITIONS: tuple[tuple[str, str | None], ...] = (("", None), (f"{ANNEX}/", "annex.html.j2"))


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

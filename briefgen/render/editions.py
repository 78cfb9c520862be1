"""Stage 4 — render, one edition at a time: each brief's HTML, then its PDF (from the
cache or a worker), then the checks only a laid-out PDF allows (failed renders, page
budgets, nothing wanted missing).

``editions`` yields each file as it is made, as an ``Edition`` (name, bytes, pages,
key, cached); the caller stages it (pipeline → write/staging). Nothing here writes
output/: only the PDF cache and the private font configuration under the cache folder.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from briefgen.diagnostics import Diagnostics, RenderError
from briefgen.render.cache import CACHE_DIR, PdfCache, pdf_key

if TYPE_CHECKING:
    from briefgen.analyse.views import BriefView
    from briefgen.load.fonts import FontSet
    from briefgen.model.project import Project
    from briefgen.model.records import Format
    from briefgen.render.pdfspec import Pdf
    from briefgen.render.sandbox import Sandbox
    from briefgen.render.workers import Job, Reply, WorkerPool

# Each brief is written twice: the reader's edition as output/<id>, and its audit
# annex (every note with its id, grade and quote; evidence; scoring; source records)
# as output/annex/<id>, from the template named here.
ANNEX = "annex"
EDITIONS: tuple[tuple[str, str | None], ...] = (("", None), (f"{ANNEX}/", "annex.html.j2"))


@dataclass(frozen=True)
class Edition:
    """One output file of one brief, made: what the caller stages, as it comes."""

    brief: str
    name: str  # its path in output/: <id>.html, annex/<id>.pdf, …
    data: bytes
    pages: int | None  # a PDF's
    key: str  # the cache key of the edition's PDF (its HTML's too)
    cached: bool = False  # a PDF taken from the cache, not rendered now


@dataclass(frozen=True)
class Request:
    """What to render: these briefs (in this order), in these formats."""

    briefs: tuple[str, ...]
    formats: tuple[Format, ...]
    force: bool = False  # render every PDF, cached or not
    full: bool = False  # every brief of the project: cache entries nobody uses are dropped


@dataclass(frozen=True)
class HtmlPage:
    """One edition of a brief as HTML; ``key`` names its PDF in the cache."""

    brief: str
    name: str  # its output name without suffix: the brief's id, or annex/<id>
    key: str
    html: str  # held only until its PDF job is handed out (the steps stream)
    # Some character is in no declared font: in fonts.uncovered's warning phase the
    # machine's fonts join the project's ("machine"); once it is an error, no PDF ("none").
    fallback: str = ""


@dataclass(frozen=True)
class RenderedPdf:
    """One edition's PDF (already yielded), or why it failed."""

    brief: str
    name: str
    cached: bool
    pdf: Pdf | None = None  # its page counts are read; its bytes are already handed on
    error: RenderError | None = None


def editions(
    project: Project,
    views: Mapping[str, BriefView],
    request: Request,
    pool: WorkerPool,
    diagnostics: Diagnostics,
    fonts: FontSet | None = None,
    report: Callable[[str], None] = lambda _message: None,
) -> Iterator[Edition]:
    """Every wanted edition of every requested brief, as each is made.

    HTML comes first for each page, then its PDF from the cache or a worker (workers
    start only when a PDF must be rendered). Nothing is held for all briefs at once, so
    memory stays flat however many there are. Once every edition is out, the checks that
    need the laid-out PDFs run; their problems go to ``diagnostics``.
    """
    pages: list[HtmlPage] = []  # each without its HTML, once handed out
    pdfs: dict[str, RenderedPdf] = {}
    yield from _made(project, views, request, pool, diagnostics, fonts, report, pages, pdfs)
    if "pdf" in request.formats:
        fresh = sum(1 for p in pdfs.values() if p.pdf is not None and not p.cached)
        cached = sum(1 for p in pdfs.values() if p.cached)
        report(f"PDFs: {fresh} rendered, {cached} from cache")
    ordered = [pdfs[p.name] for p in pages if p.name in pdfs]  # in brief order
    _post_render_checks(project, request, pages, ordered, diagnostics)


def _made(
    project: Project,
    views: Mapping[str, BriefView],
    request: Request,
    pool: WorkerPool,
    diagnostics: Diagnostics,
    fonts_of: FontSet | None,
    report: Callable[[str], None],
    seen: list[HtmlPage],
    pdfs: dict[str, RenderedPdf],
) -> Iterator[Edition]:
    """The HTML pages, then each page's PDF from the cache (in page order) or a worker (as
    each finishes); ``seen`` and ``pdfs`` record what was made, for the checks."""
    from briefgen.load.fonts import FontSet
    from briefgen.render.workers import Job, Reply
    from briefgen.write.fonts import font_configs

    root, fonts = project.root, fonts_of or FontSet()
    cache = PdfCache(root)
    configs: list[Path] = []  # the private fontconfig files, written with the first job
    by_name: dict[str, HtmlPage] = {}
    total = len(request.briefs) * len(EDITIONS)
    pool.use_fonts(fonts.digest)  # workers that laid out another font set are recycled

    def work() -> Iterator[Job | Edition]:
        for page in _html_pages(project, views, request, diagnostics, fonts):
            bare = replace(page, html="")
            seen.append(bare)
            by_name[page.name] = bare
            if "html" in request.formats:
                yield Edition(page.brief, f"{page.name}.html", page.html.encode(), None, page.key)
            if "pdf" not in request.formats:
                continue
            if page.fallback == "none":  # its characters are reported: no .notdef wall
                continue
            hit = None if request.force else cache.get(page.key)
            if hit is not None:
                pdfs[page.name] = RenderedPdf(page.brief, page.name, True, hit)
                yield Edition(page.brief, f"{page.name}.pdf", hit.data, hit.pages, page.key, True)
            else:
                if not configs:
                    configs.extend(font_configs(root / CACHE_DIR, fonts))
                conf = configs[1] if page.fallback == "machine" else configs[0]
                yield Job(page.name, page.html, str(conf))

    def done(reply: Reply) -> Edition | None:
        page = by_name[reply.key]
        where = f"[{len(pdfs) + 1}/{total}] {reply.key}"
        if reply.pdf is None:
            pdfs[reply.key] = RenderedPdf(page.brief, page.name, False, None, reply.error)
            report(f"{where}: failed")
            return None
        cache.put(page.key, reply.pdf)
        pdfs[reply.key] = RenderedPdf(page.brief, page.name, False, reply.pdf)
        report(f"{where}: {reply.pdf.pages} page(s)")
        pdf = reply.pdf
        return Edition(page.brief, f"{page.name}.pdf", pdf.data, pdf.pages, page.key)

    limits = project.settings.limits
    for item in pool.stream(
        work(),
        seconds=limits.render_seconds,
        memory_bytes=limits.render_memory_mb * 2**20,
        at_most=total,
    ):
        made = done(item) if isinstance(item, Reply) else item
        if made is not None:
            yield made


def _html_pages(
    project: Project,
    views: Mapping[str, BriefView],
    request: Request,
    diagnostics: Diagnostics,
    fonts: FontSet,
) -> Iterator[HtmlPage]:
    """Each wanted brief's HTML, rendered one at a time (lazily, so PDF workers start on
    the first page while the rest are still being rendered)."""
    from briefgen.render.fonts import fonts_css
    from briefgen.render.sandbox import template_environment

    environment = template_environment(project.root)
    families = fonts_css(fonts)
    coverage = _Coverage(project.root, fonts, diagnostics)
    for brief_id in request.briefs:
        for prefix, template in EDITIONS:
            view = views[brief_id]
            text = render_page(project, view, environment, diagnostics, template, families=families)
            if text is None:
                continue
            fallback = coverage.check(text)
            name, key = f"{prefix}{brief_id}", pdf_key(text, fonts=f"{fonts.digest} {fallback}")
            yield HtmlPage(brief_id, name, key, text, fallback)


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


def _post_render_checks(
    project: Project,
    request: Request,
    pages: Sequence[HtmlPage],
    pdfs: Sequence[RenderedPdf],
    diagnostics: Diagnostics,
) -> None:
    """Failed renders and page budgets are diagnostics; nothing wanted is lost."""
    for pdf in pdfs:
        brief = project.briefs[pdf.brief]
        if pdf.error is not None:
            diagnostics.error(brief.origin.path, 1, pdf.error.code, pdf.error.message)
        elif pdf.pdf is not None and pdf.name == pdf.brief:  # budgets count the reader's
            _check_budget(project, pdf.brief, pdf.pdf, diagnostics)
    made = {
        "html": {p.name for p in pages} if "html" in request.formats else set(),
        "pdf": {p.name for p in pdfs if p.pdf is not None},
    }
    wanted = [f"{prefix}{b}" for b in request.briefs for prefix, _ in EDITIONS]
    missing = [f"{n}.{f}" for n in wanted for f in request.formats if n not in made[f]]
    if missing and not diagnostics.errors:  # a wanted file may only be missing with an error
        raise RuntimeError(f"internal error: nothing made for {', '.join(missing)}")
    if "pdf" in request.formats and request.full and not diagnostics.failed():
        keys = {p.key for p in pages}
        PdfCache(project.root).keep_only(keys)  # safe: the project lock is held


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
            diagnostics.error(view.path, 1, exc.code, exc.message)
        return None


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

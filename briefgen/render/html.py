"""Stage 4 — render: views → standalone HTML (Jinja2) → PDF (WeasyPrint).

The HTML is rendered once and used twice: written as the HTML brief and laid out
as the PDF, so both carry the same content. The packaged fonts are embedded as data
URLs; the project's own fonts reach the PDF renderer through a private fontconfig
configuration (render/fonts.py), so the PDF never depends on the machine's fonts.
"""

from __future__ import annotations

import base64
import logging
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import jinja2

from briefgen.analyse.views import BriefView
from briefgen.diagnostics import RenderError
from briefgen.limits import TimeLimitExceeded
from briefgen.render import pdfua
from briefgen.render.fonts import (
    PACKAGED_FACES,
    families_needed,
    packaged_font,
    printed_characters,
)
from briefgen.render.layout import check_depth, check_overflow
from briefgen.render.page import FACES_MARK, page_context, page_stylesheet
from briefgen.render.pdfspec import BODY_END, SUMMARY_END, SUMMARY_START
from briefgen.render.pdfspec import PDF_VARIANT as PDF_VARIANT
from briefgen.render.pdfspec import Pdf as Pdf
from briefgen.render.pdfspec import pdf_css as pdf_css
from briefgen.render.safety import check_page
from briefgen.render.sandbox import MemoryLimitExceeded, Sandbox, TemplateRefused, bounded

MAX_DATA_URL = 2_000_000


@cache
def font_faces(needed: frozenset[str] | None = None) -> str:
    """``@font-face`` rules with the packaged fonts inlined as data URLs: every family,
    or those ``needed``."""
    rules = []
    for filename, family, style, weight in PACKAGED_FACES:
        if needed is not None and family not in needed:
            continue
        data = base64.b64encode(packaged_font(filename).read_bytes()).decode("ascii")
        rules.append(
            f"@font-face {{ font-family: '{family}'; "
            f"font-style: {style}; font-weight: {weight}; "
            f"src: url(data:font/ttf;base64,{data}) format('truetype'); }}"
        )
    return "\n".join(rules)


@dataclass(frozen=True)
class TemplateLimits:
    seconds: float
    memory_bytes: int


def render_html(
    view: BriefView,
    environment: Sandbox,
    limits: TemplateLimits,
    template: str | None = None,
    families: str = "",
) -> str:
    """The standalone HTML of one brief, rendered in the sandbox within ``limits``.

    ``families`` is the rule naming the project's font families (fonts.fonts_css).
    Whatever goes wrong inside a template (a sandbox violation, an exception it
    raises, a limit) is the template's problem, located at its file and line; a fault
    in building the context is ours and keeps its traceback.
    """
    template_name = location = template or view.template or "brief.html.j2"
    try:
        with bounded(limits.seconds, limits.memory_bytes):
            css, _, _ = environment.templates.get_source(environment, "brief.css")
            house, _, _ = environment.templates.get_source(environment, "house.css")
            # Errors while compiling have no template frame: they are located here.
            location = str(environment.templates.locate(template_name) or template_name)
            compiled = environment.get_template(template_name)
            styles = page_stylesheet(view, css=css, house=house, families=families)
            context = page_context(view, stylesheet=styles)
            page = compiled.render(context)
            faces = font_faces(families_needed(printed_characters(page)))
            page = page.replace(FACES_MARK, faces)
    except TemplateRefused as exc:
        raise RenderError(exc.code, exc.message or "", exc.path) from exc
    except TimeLimitExceeded as exc:
        message = (
            f"rendering the template took more than {limits.seconds:g} s of processor time "
            "([limits] template_seconds)"
        )
        raise RenderError("template.timeout", message, *_where(exc, location)) from exc
    except MemoryLimitExceeded as exc:
        message = (
            f"rendering the template needed more than {limits.memory_bytes // 2**20} MB of memory "
            "([limits] template_memory_mb)"
        )
        cause = exc.__cause__ or exc
        raise RenderError("template.memory", message, *_where(cause, location)) from exc
    except jinja2.TemplateNotFound as exc:
        message = (
            f"template '{exc.name}' not found in templates/ or the package's defaults "
            "(names are relative to templates/; '..' is not allowed)"
        )
        raise RenderError("template.not-found", message, *_where(exc, location)) from exc
    except jinja2.TemplateError as exc:
        message = exc.message or type(exc).__name__
        raise RenderError("template.error", message, *_where(exc, location)) from exc
    except Exception as exc:
        if not _raised_in_template(exc):
            raise
        message = f"{type(exc).__name__}: {exc}"
        raise RenderError("template.error", message, *_where(exc, location)) from exc
    check_page(page)
    return page


def _raised_in_template(exc: BaseException) -> bool:
    """True when a template frame is on the traceback (Jinja maps them to .j2 files)."""
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith(".j2"):
            return True
        tb = tb.tb_next
    return False


def _where(exc: BaseException, default: str) -> tuple[Path, int]:
    """The template file and line of an error: from the error, or its traceback.

    A syntax error carries its file and line. Otherwise Jinja maps template frames to
    their source lines, so a sandbox violation, a time limit or a memory limit is
    located at the innermost template line that was running; failing that, at
    ``default`` (the template being loaded).
    """
    name: str | None = getattr(exc, "filename", None)
    line: int | None = getattr(exc, "lineno", None) if name else None
    if name is None:
        tb = exc.__traceback__
        while tb is not None:
            filename = tb.tb_frame.f_code.co_filename
            if filename.endswith(".j2"):
                name, line = filename, tb.tb_lineno
            tb = tb.tb_next
    return Path(name or default), line or 0


@dataclass
class GuardedFetcher:
    """Refuses every resource but small inline data; records what it refused."""

    refused: list[str] = field(default_factory=list)

    def make(self) -> Any:
        from weasyprint.urls import URLFetcher, URLFetcherResponse

        outer = self

        class Fetcher(URLFetcher):  # type: ignore[misc]
            def fetch(self, url: str, headers: Any = None) -> Any:
                if url.startswith("data:") and len(url) <= MAX_DATA_URL:
                    header, _, payload = url.partition(",")
                    mime = header[5:].split(";")[0] or "application/octet-stream"
                    body = base64.b64decode(payload) if header.endswith(";base64") else payload
                    return URLFetcherResponse(url, body, {"Content-Type": mime})
                outer.refused.append(url[:200])
                raise ValueError(f"briefgen refuses to fetch {url[:200]}")

        return Fetcher()


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def pdf_stylesheet(fetcher: GuardedFetcher) -> Any:
    """WeasyPrint's own CSS (``assets/pdf.css``), kept out of the HTML (see that file)."""
    import weasyprint

    return weasyprint.CSS(string=pdf_css(), url_fetcher=fetcher.make())


def render_pdf(html_text: str) -> Pdf:
    """Lay out and write one PDF; any WeasyPrint warning is an error."""
    import weasyprint

    fetcher = GuardedFetcher()
    collector = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collector)
    try:
        page = weasyprint.HTML(string=html_text, url_fetcher=fetcher.make())
        check_depth(page.etree_element)  # before anything recursive walks the tree
        stylesheets = [pdf_stylesheet(fetcher)]
        at_least = _min_pages(page.etree_element)
        hide = weasyprint.CSS(string=f"[{MIN_PAGES}] {{ display: none; }}")
        document = page.render(stylesheets=[*stylesheets, hide] if at_least else stylesheets)
        if at_least and len(document.pages) >= at_least:  # long enough: show what waited
            document = page.render(stylesheets=stylesheets)
        standard = pdfua.standard_of(page.etree_element)
        variant = pdfua.STANDARDS[standard]
        data = document.write_pdf(pdf_variant=variant, pdf_tags=True, custom_metadata=True)
    finally:
        logger.removeHandler(collector)
    if fetcher.refused:
        raise RenderError("render.fetch-refused", f"refused to fetch: {', '.join(fetcher.refused)}")
    if collector.messages:
        raise RenderError("render.warning", "; ".join(collector.messages))
    check_overflow(document.pages)
    repaired = pdfua.repair(bytes(data), html_text, ua_in_xmp=standard != "ua-1")
    marks = _mark_pages(document.pages)  # read once: the body's end and the summary's
    summary = _summary_length(document.pages, marks)
    return Pdf(repaired, len(document.pages), marks.get(BODY_END, 0), summary)


# An element with this attribute (e.g. a table of contents) is printed only when the
# PDF is at least that many pages long without it (docs/templates.md).
MIN_PAGES = "data-min-pages"


def _min_pages(root: Any) -> int:
    """The smallest ``data-min-pages`` in the page, or 0 when there is none."""
    values = [element.get(MIN_PAGES, "") for element in root.iter() if element.get(MIN_PAGES)]
    numbers = [int(v) for v in values if v.isdigit() and 0 < int(v) < 10_000]
    return min(numbers, default=0)


def _mark_pages(pages: Any) -> dict[str, int]:
    """The 1-based page on which each of the part marks lies."""
    found: dict[str, int] = {}
    for number, laid_out in enumerate(pages, start=1):
        for mark in (BODY_END, SUMMARY_START, SUMMARY_END):
            if mark in laid_out.anchors and mark not in found:
                found[mark] = number
    return found


def _summary_length(pages: Any, found: dict[str, int]) -> float | None:
    """How much text area the summary fills, in pages (0.8 = four fifths of a page's
    text area), from its start mark to its end mark; None without both marks."""
    if SUMMARY_START not in found or SUMMARY_END not in found:
        return None
    first, last = found[SUMMARY_START] - 1, found[SUMMARY_END] - 1

    def area(index: int) -> tuple[float, float]:  # the text area's top and height
        box = pages[index]._page_box  # WeasyPrint's laid-out page: its content box
        return float(box.content_box_y()), float(box.height)

    start_y = float(pages[first].anchors[SUMMARY_START][1])
    end_y = float(pages[last].anchors[SUMMARY_END][1])
    top, height = area(first)
    if first == last:
        return round((end_y - start_y) / height, 2)
    used = top + height - start_y
    used += sum(area(index)[1] for index in range(first + 1, last))
    used += end_y - area(last)[0]
    return round(used / height, 2)

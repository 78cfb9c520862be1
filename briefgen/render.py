"""Stage 4 — render: views → standalone HTML (Jinja2) → PDF (WeasyPrint).

The HTML is rendered once and used twice: written as the HTML brief and laid out
as the PDF, so both carry the same content. Fonts ship inside the package and are
embedded as data URLs, so neither output depends on the machine's fonts.
"""

from __future__ import annotations

import base64
import logging
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from briefgen.analyse import BriefView
from briefgen.errors import RenderError
from briefgen.pagecheck import check_page
from briefgen.pagelayout import check_depth, check_overflow

FONT_FACES = (
    ("Caladea-Regular.ttf", "normal", 400),
    ("Caladea-Italic.ttf", "italic", 400),
    ("Caladea-Bold.ttf", "normal", 700),
    ("Caladea-BoldItalic.ttf", "italic", 700),
)
MAX_DATA_URL = 2_000_000
PDF_VARIANT = "pdf/ua-1"


def template_environment(project_templates: Path) -> SandboxedEnvironment:
    """Project templates first, package defaults second; strict and autoescaped."""
    loader = jinja2.ChoiceLoader(
        [
            jinja2.FileSystemLoader(str(project_templates)),
            jinja2.PackageLoader("briefgen", "templates"),
        ]
    )
    return SandboxedEnvironment(
        loader=loader,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


@cache
def font_faces() -> str:
    """``@font-face`` rules with the packaged fonts inlined as data URLs."""
    fonts = resources.files("briefgen") / "assets" / "fonts"
    rules = []
    for filename, style, weight in FONT_FACES:
        data = base64.b64encode((fonts / filename).read_bytes()).decode("ascii")
        rules.append(
            "@font-face { font-family: 'Caladea'; "
            f"font-style: {style}; font-weight: {weight}; "
            f"src: url(data:font/ttf;base64,{data}) format('truetype'); }}"
        )
    return "\n".join(rules)


def render_html(view: BriefView, environment: SandboxedEnvironment) -> str:
    """The standalone HTML of one brief."""
    template_name = f"{view.brief.meta.type.value}.html.j2"
    try:
        css_source, _, _ = environment.loader.get_source(environment, "brief.css")  # type: ignore[union-attr]
        template = environment.get_template(template_name)
        page = template.render(
            view=view, meta=view.brief.meta, fonts=Markup(font_faces()), css=Markup(css_source)
        )
    except jinja2.TemplateError as exc:
        raise RenderError(
            "template.error", f"template {_where(exc, template_name)}: {exc}"
        ) from exc
    check_page(page)
    return page


def _where(exc: jinja2.TemplateError, default: str) -> str:
    """'name.html.j2:LINE' of a template error: from the error, or its traceback."""
    name = getattr(exc, "name", None) or getattr(exc, "filename", None)
    line = getattr(exc, "lineno", None)
    if line is None:  # e.g. a sandbox SecurityError: Jinja maps template frames to lines
        tb = exc.__traceback__
        while tb is not None:
            filename = tb.tb_frame.f_code.co_filename
            if filename.endswith(".j2"):
                name, line = filename, tb.tb_lineno
            tb = tb.tb_next
    name = Path(name).name if name else default
    return f"{name}:{line}" if line else name


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


@dataclass(frozen=True)
class Pdf:
    data: bytes
    pages: int


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
        document = page.render()
        data = document.write_pdf(pdf_variant=PDF_VARIANT, pdf_tags=True, custom_metadata=True)
    finally:
        logger.removeHandler(collector)
    if fetcher.refused:
        raise RenderError("render.fetch-refused", f"refused to fetch: {', '.join(fetcher.refused)}")
    if collector.messages:
        raise RenderError("render.warning", "; ".join(collector.messages))
    check_overflow(document.pages)
    return Pdf(bytes(data), len(document.pages))

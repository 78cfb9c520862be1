"""What shapes a PDF's bytes besides its HTML, and the ``Pdf`` value itself.

Kept apart from the renderer so that the PDF cache key (and the no-op build, which
only compares it) can be computed without importing Jinja, WeasyPrint or pikepdf.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

PDF_VARIANT = "pdf/ua-1"  # the default; [pdf] standard picks (render/pdfua.py)
# The version of the PDF/UA repair pass (render/pdfua.py): change it when its output does.
REPAIR_VERSION = "pdfua-2"


@dataclass(frozen=True)
class Pdf:
    data: bytes
    pages: int
    # Pages up to the end of the main text (the page holding the "body-end" mark), which
    # is what a page budget counts; all pages when the document has no such mark.
    body_pages: int = 0
    # The length of the executive summary ("summary-start" to "summary-end"), in pages of
    # text area (0.8: four fifths of a page), if it has one.
    summary_pages: float | None = None

    def __post_init__(self) -> None:
        if not self.body_pages:
            object.__setattr__(self, "body_pages", self.pages)


# Marks a template places so the renderer can tell where parts of a brief end.
BODY_END = "body-end"
SUMMARY_START = "summary-start"
SUMMARY_END = "summary-end"


@cache
def pdf_css() -> str:
    """The text of `assets/pdf.css` (read once; its hash is in the PDF cache key)."""
    return (resources.files("briefgen") / "assets" / "pdf.css").read_text(encoding="utf-8")

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


@cache
def pdf_css() -> str:
    """The text of `assets/pdf.css` (read once; its hash is in the PDF cache key)."""
    return (resources.files("briefgen") / "assets" / "pdf.css").read_text(encoding="utf-8")

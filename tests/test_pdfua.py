"""The PDF/UA repair pass (briefgen/render/pdfua.py): deterministic and in the cache key."""

from __future__ import annotations

import hashlib

import pikepdf
import pytest
import weasyprint

from briefgen import pipeline
from briefgen.render import pdfua
from briefgen.render.cache import renderer_stamp
from briefgen.render.html import GuardedFetcher, pdf_css, pdf_stylesheet

pytestmark = pytest.mark.build  # every test here renders a PDF (or checks one)


def raw_pdf(html: str) -> bytes:
    fetcher = GuardedFetcher()
    page = weasyprint.HTML(string=html, url_fetcher=fetcher.make())
    document = page.render(stylesheets=[pdf_stylesheet(fetcher)])
    return bytes(document.write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True, custom_metadata=True))


def test_repair_is_deterministic_and_marks_every_running_head(
    minimal_build: pipeline.Result,
) -> None:
    html = next(a.path for a in minimal_build.artifacts if a.path.name == "issue.html")
    text = html.read_text(encoding="utf-8")
    raw = raw_pdf(text)
    first, second = pdfua.repair(raw, text), pdfua.repair(raw, text)
    assert first == second
    with pikepdf.open(html.with_suffix(".pdf")) as pdf:
        for page in pdf.pages:
            operands = [
                list(i.operands)
                for i in pikepdf.parse_content_stream(page)
                if str(i.operator) == "BDC"
            ]
            artifacts = [
                o
                for o in operands
                if o[0] == pikepdf.Name.Artifact and o[1].get("/Type") == "/Pagination"
            ]
            # title, marking top and bottom, "page N of M"
            assert len(artifacts) == 4


def test_the_pdf_stylesheet_and_the_repair_version_are_in_the_cache_key() -> None:
    stamp = renderer_stamp()
    assert f"pdf.css {hashlib.sha256(pdf_css().encode()).hexdigest()[:16]}" in stamp
    assert stamp.endswith(f"; {pdfua.VERSION}")


def test_link_names_follow_the_page_in_document_order() -> None:
    html = (
        '<a class="skip-link" href="#content">Skip</a> '
        '<a href="#note-1" aria-label="Endnote 1">1</a> <a href="#note-1">[1]</a> '
        '<a href="#x">Two\n  words</a>'
    )
    assert pdfua.links(html) == [
        ("#content", "Skip"),
        ("#note-1", "Endnote 1"),
        ("#note-1", "[1]"),
        ("#x", "Two words"),
    ]

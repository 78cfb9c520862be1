"""Layout bounds around WeasyPrint: too-deep pages and cut-off content are errors."""

from __future__ import annotations

from pathlib import Path

import pypdf
import pytest

from briefgen.diagnostics import RenderError
from briefgen.render.html import render_pdf

pytestmark = pytest.mark.build  # every test here renders a PDF (or checks one)


def page(body: str) -> str:
    return f'<!doctype html><html lang="en"><head><title>t</title></head><body>{body}</body></html>'


def test_bomb_nested_template_markup_is_refused_before_layout() -> None:
    """M1 for templates: 3000 nested blockquotes never reach WeasyPrint's recursion."""
    with pytest.raises(RenderError) as caught:
        render_pdf(page("<blockquote>" * 3000 + "x" + "</blockquote>" * 3000))
    assert caught.value.code == "render.too-deep"
    assert caught.value.message.startswith("the page nests 3002 elements deep;")


def test_long_unbreakable_word_clipped() -> None:
    """L3: a 5000-character word is an error, not 94 characters and silence."""
    with pytest.raises(RenderError) as caught:
        render_pdf(page("<p>" + "Q" * 5000 + "</p>"))
    assert caught.value.code == "render.overflow"
    assert caught.value.message.startswith("page 1: text runs ")
    assert "past the right edge of the text area and is cut off: 'QQQQ" in caught.value.message


def test_wide_table_clipped_and_slow() -> None:
    """L3: a table wider than the page is an error naming its first cells."""
    row = "<tr>" + "".join(f"<td>cell{i}</td>" for i in range(60)) + "</tr>"
    with pytest.raises(RenderError) as caught:
        render_pdf(page(f"<table><tbody>{row}</tbody></table>"))
    assert caught.value.code == "render.overflow"
    assert "page 1: a table runs " in caught.value.message
    assert "'cell0 cell1 cell2" in caught.value.message


def test_a_page_that_fits_renders_all_its_text(tmp_path: Path) -> None:
    words = " ".join(f"word{i}" for i in range(400))
    pdf = render_pdf(page(f"<p>{words}</p><ul><li><ul><li>nested</li></ul></li></ul>"))
    path = tmp_path / "x.pdf"
    path.write_bytes(pdf.data)
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(path).pages)
    assert "word0" in text and "word399" in text and "nested" in text

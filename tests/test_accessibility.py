"""Validated output: every HTML and PDF of the seed project and the fixtures passes the
Nu HTML Checker, axe-core in Chromium at 1280 and 390 px, pdfua and our own PDF/UA
structure checks (tests/pdf_structure.py), with zero findings. A deliberately broken
page (tests/fixtures/inaccessible/) shows that each checker fails when it should.

Each project is built once per session and the session's one Chromium (``browser``,
tests/conftest.py) serves every page. A missing
checker fails the test (tests/checkers.py); nothing is skipped.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import weasyprint

from briefgen import pipeline
from briefgen.diagnostics import RenderError
from briefgen.render import pdfua as repairs
from briefgen.render.html import render_pdf
from briefgen.render.running import css_string
from tests.checkers import WIDTHS, Chromium, axe, pdfua, print_pdf, vnu
from tests.conftest import FIXTURES, overlay_build
from tests.pdf_structure import findings

pytestmark = pytest.mark.build  # every test here renders a PDF (or checks one)

BROKEN = FIXTURES / "inaccessible" / "page.html"
HOSTILE_MARKING = Path(__file__).resolve().parent / "hostile" / "marking-css-breakout"
MARKING = '"}</style><script>alert(1)</script>'


@pytest.fixture(scope="session")
def marking_build(tmp_path_factory: pytest.TempPathFactory) -> pipeline.Result:
    return overlay_build(HOSTILE_MARKING, tmp_path_factory)


@pytest.fixture(scope="session")
def outputs(
    seed_build: pipeline.Result,
    minimal_build: pipeline.Result,
    scoring_build: pipeline.Result,
    types_build: pipeline.Result,
    marking_build: pipeline.Result,
) -> dict[str, list[Path]]:
    """Every HTML and PDF file the seed project and the fixtures build, by format."""
    builds = (seed_build, minimal_build, scoring_build, types_build, marking_build)
    found: dict[str, list[Path]] = {"html": [], "pdf": []}
    for build in builds:
        for artifact in build.artifacts:
            found[artifact.format].append(artifact.path)
    assert len(found["html"]) == len(found["pdf"]) >= 12
    return found


def label(path: Path) -> str:
    return f"{path.parent.parent.parent.name}/{path.name}"


# --- every output, zero findings -------------------------------------------------------


def test_every_page_passes_the_nu_html_checker(outputs: dict[str, list[Path]]) -> None:
    assert vnu(outputs["html"]) == []


def test_every_page_passes_axe_at_desktop_and_phone_width(
    outputs: dict[str, list[Path]], browser: Chromium
) -> None:
    violations, passes = {}, {}
    for page in outputs["html"]:
        for width in WIDTHS:
            result = axe(browser, page, width)
            violations[label(page), width] = result["violations"]
            passes[label(page), width] = result["passes"]
    assert {k: v for k, v in violations.items() if v} == {}
    # A page that failed to load would have no violations either: axe must have run.
    assert min(passes.values()) >= 25, passes


def test_every_pdf_passes_pdfua(outputs: dict[str, list[Path]]) -> None:
    assert [finding for pdf in outputs["pdf"] for finding in pdfua(pdf)] == []


def test_every_pdf_passes_the_structure_checks(outputs: dict[str, list[Path]]) -> None:
    """Artifacts, TH scope, IDTree, no layout table, link names, figure alt, no empty heading."""
    assert [finding for pdf in outputs["pdf"] for finding in findings(pdf)] == []


# --- the checks can fail -------------------------------------------------------------


def test_vnu_fails_on_an_image_without_alt() -> None:
    assert [m.split(": error: ")[1][:45] for m in vnu([BROKEN])] == [
        "An “img” element must have an “alt” attribute"
    ]


def test_axe_fails_on_a_colour_only_link_and_an_image_without_alt(browser: Chromium) -> None:
    for width in WIDTHS:
        result = axe(browser, BROKEN, width)
        assert sorted(v["rule"] for v in result["violations"]) == [
            "image-alt",
            "link-in-text-block",
        ]


@pytest.fixture(scope="module")
def raw_broken_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """WeasyPrint's own tagged PDF of the broken page, before our repairs."""
    path = tmp_path_factory.mktemp("broken") / "raw.pdf"
    html = weasyprint.HTML(string=BROKEN.read_text(encoding="utf-8"))
    path.write_bytes(html.write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True))
    return path


def test_structure_checks_fail_on_weasyprints_raw_pdf(raw_broken_pdf: Path) -> None:
    got = findings(raw_broken_pdf)
    assert got[0] == "raw.pdf: p.1: content neither in the tree nor artifact: [10]"
    assert got[1:4] == [
        "raw.pdf: 2 element /ID(s) but no /IDTree",
        "raw.pdf: a TH has no /Scope",
        "raw.pdf: a TH has no /Scope",
    ]
    assert "raw.pdf: a Figure without /Alt" in got
    assert "raw.pdf: p.1: link /Contents 'figures' is no name" in got


def test_repairs_fix_what_they_can_and_the_missing_alt_still_fails(
    raw_broken_pdf: Path, tmp_path: Path
) -> None:
    repaired = tmp_path / "repaired.pdf"
    html = BROKEN.read_text(encoding="utf-8")
    repaired.write_bytes(repairs.repair(raw_broken_pdf.read_bytes(), html))
    assert findings(repaired) == ["repaired.pdf: a Figure without /Alt"]
    assert [f.split(" p.1:")[0] for f in pdfua(repaired)] == ["repaired.pdf: ERROR UA-13-004"]


def test_pdfua_fails_on_a_figure_without_alt_and_unscoped_headers(raw_broken_pdf: Path) -> None:
    assert [f.split(" p.1:")[0] for f in pdfua(raw_broken_pdf)] == [
        "raw.pdf: ERROR UA-13-004",
        "raw.pdf: WARNING UA-15-003",
    ]


def test_render_pdf_refuses_an_image_without_alt() -> None:
    with pytest.raises(RenderError) as caught:
        render_pdf(BROKEN.read_text(encoding="utf-8"))
    assert caught.value.code == "render.warning"
    assert "has no required alt description" in str(caught.value)


def test_render_pdf_fetches_nothing_but_small_data_urls(tmp_path: Path) -> None:
    """The renderer's own guard, behind the page safety check that refuses such links
    first: a file or network address in the HTML is refused and named, never read."""
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"not an image")
    html = f'<html lang="en"><body><img src="{secret.as_uri()}" alt="x"></body></html>'
    with pytest.raises(RenderError) as caught:
        render_pdf(html)
    assert caught.value.code == "render.fetch-refused"
    assert str(caught.value) == f"refused to fetch: {secret.as_uri()}"


# --- browser printing ------------------------------------------------------------------


def printed_pages(pdf: bytes, folder: Path) -> list[str]:
    path = folder / "printed.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [page for page in text.split("\f") if page.strip()]


def test_browser_printing_shows_title_and_marking_on_every_page(
    seed_build: pipeline.Result, browser: Chromium, tmp_path: Path
) -> None:
    page = next(a.path for a in seed_build.artifacts if a.path.name.endswith("issue-brief.html"))
    printed = printed_pages(print_pdf(browser, page), tmp_path)
    assert len(printed) >= 5
    for number, text in enumerate(printed, 1):
        assert "Trilateral" in text.splitlines()[0], number
        assert text.count("DRAFT — NOT FOR DISTRIBUTION") >= 2, number  # the seed's marking
        assert f"page {number} of {len(printed)}" in text, number


def test_a_hostile_marking_prints_literally_on_every_page(
    marking_build: pipeline.Result, browser: Chromium, tmp_path: Path
) -> None:
    page = next(a.path for a in marking_build.artifacts if a.path.name == "memo.html")
    html = page.read_text(encoding="utf-8")
    assert html.count("<script") == 0 and html.count("</style>") == 1
    printed = printed_pages(print_pdf(browser, page), tmp_path)
    assert printed and all(text.count(MARKING) >= 2 for text in printed)


def test_css_strings_escape_everything_that_could_end_them() -> None:
    assert css_string(MARKING) == (
        '"\\000022\\00007d\\00003c\\00002fstyle\\00003e\\00003cscript\\00003ealert'
        '\\0000281\\000029\\00003c\\00002fscript\\00003e"'
    )
    assert css_string("Japan–South Korea, 2026") == '"Japan–South Korea, 2026"'
    assert css_string("a\nb\\c\u2028") == '"a\\00000ab\\00005cc\\002028"'

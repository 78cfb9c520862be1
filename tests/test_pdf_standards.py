"""``[pdf] standard``: PDF/UA-1 alone (default) or PDF/A-3b with PDF/UA-1.

No PDF/A validator runs here (veraPDF is in no reachable registry): these tests check
what can be checked without one: the identification in the single XMP packet, the
extension schema for the pdfuaid namespace, the output intent, the same structure
checks and pdfua findings as PDF/UA-1 alone, and byte-identical rebuilds.
"""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest

from briefgen import pipeline
from briefgen.render.workers import WorkerPool
from tests.checkers import pdfua
from tests.conftest import MINIMAL, copy_project
from tests.pdf_structure import findings

pytestmark = pytest.mark.build  # every test here renders a PDF (or checks one)


@pytest.fixture(scope="module")
def archived(tmp_path_factory: pytest.TempPathFactory, render_pool: WorkerPool) -> pipeline.Result:
    root = copy_project(MINIMAL, tmp_path_factory.mktemp("pdfa") / "project")
    settings = root / "briefgen.toml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(text.replace("[pdf]\n", '[pdf]\nstandard = "a-3b+ua-1"\n'))
    result = pipeline.build(root, pool=render_pool)
    assert result.written, [d.format() for d in result.diagnostics.sorted()]
    return result


def pdfs(result: pipeline.Result) -> list[pikepdf.Pdf]:
    return [pikepdf.open(a.path) for a in result.artifacts if a.format == "pdf"]


def test_pdfa_3b_identifies_both_standards_in_one_xmp_packet(archived: pipeline.Result) -> None:
    for pdf in pdfs(archived):
        xmp = pdf.Root.Metadata.read_bytes().decode("utf-8")
        assert xmp.count("<rdf:RDF") == 1
        meta = pdf.open_metadata()
        assert (meta["pdfaid:part"], meta["pdfaid:conformance"], meta["pdfuaid:part"]) == (
            "3",
            "B",
            "1",
        )
        assert "<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/<" in xmp
        assert pdf.Root.OutputIntents[0].S == "/GTS_PDFA1"
        assert pdf.Root.MarkInfo.Marked and pdf.Root.Lang == "en"


def test_pdfa_3b_passes_the_same_pdfua_and_structure_checks(archived: pipeline.Result) -> None:
    paths = [a.path for a in archived.artifacts if a.format == "pdf"]
    assert [f for path in paths for f in pdfua(path) + findings(path)] == []


def test_pdfa_3b_rebuilds_byte_identical(
    archived: pipeline.Result, render_pool: WorkerPool
) -> None:
    before = {a.path: a.path.read_bytes() for a in archived.artifacts if a.format == "pdf"}
    root = next(iter(before)).parent.parent
    again = pipeline.build(root, force=True, pool=render_pool)
    assert again.written
    assert {path: path.read_bytes() for path in before} == before


def test_the_default_is_pdf_ua_1_alone(minimal_build: pipeline.Result) -> None:
    for pdf in pdfs(minimal_build):
        meta = pdf.open_metadata()
        assert meta.get("pdfaid:part") is None and meta["pdfuaid:part"] == "1"


def test_an_unknown_standard_is_a_located_error(minimal: Path) -> None:
    settings = minimal / "briefgen.toml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(text.replace("[pdf]\n", '[pdf]\nstandard = "a-1b"\n'))
    got = [d.format() for d in pipeline.check(minimal).diagnostics.sorted()]
    assert got == [
        "briefgen.toml:6: error: pdf.standard: Input should be 'ua-1' or 'a-3b+ua-1' "
        "[schema.invalid]"
    ]

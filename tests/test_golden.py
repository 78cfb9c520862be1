"""Golden outputs of the minimal project: HTML (without its inlined CSS and fonts) and
the PDF's text, page by page. Regenerate on purpose with ``pytest --update-golden``."""

from __future__ import annotations

import re
from pathlib import Path

import pypdf
import pytest

from briefgen import pipeline

pytestmark = pytest.mark.build  # every test here renders a PDF (or checks one)

GOLDEN = Path(__file__).resolve().parent / "golden" / "minimal"


def html_without_style(path: Path) -> str:
    return re.sub(r"<style>.*?</style>", "<style>…</style>", path.read_text("utf-8"), flags=re.S)


def pdf_pages_text(path: Path) -> str:
    pages = pypdf.PdfReader(path).pages
    return "".join(
        f"--- page {number} ---\n{page.extract_text()}\n" for number, page in enumerate(pages, 1)
    )


def rendered(result: pipeline.Result) -> dict[str, str]:
    outputs = {}
    for artifact in result.artifacts:
        # the reader's edition as <id>, its audit annex as annex-<id>
        name = ("annex-" if artifact.path.parent.name == "annex" else "") + artifact.brief
        if artifact.format == "html":
            outputs[f"{name}.html"] = html_without_style(artifact.path)
        else:
            outputs[f"{name}.pdf.txt"] = pdf_pages_text(artifact.path)
    return outputs


def test_minimal_outputs_match_golden_files(
    minimal_build: pipeline.Result, request: pytest.FixtureRequest
) -> None:
    outputs = rendered(minimal_build)
    if request.config.getoption("--update-golden"):
        GOLDEN.mkdir(parents=True, exist_ok=True)
        for stale in GOLDEN.iterdir():
            stale.unlink()
        for name, text in outputs.items():
            (GOLDEN / name).write_text(text, encoding="utf-8")
    expected = {p.name: p.read_text(encoding="utf-8") for p in sorted(GOLDEN.iterdir())}
    assert sorted(outputs) == sorted(expected)
    for name, text in outputs.items():
        assert text == expected[name], f"{name} differs from tests/golden/minimal/{name}"

"""The build as named steps: a pool lent by the caller, workers only when needed,
one shape for a PDF, a picklable worker protocol."""

from __future__ import annotations

import json
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

from briefgen import pipeline
from briefgen.diagnostics import RenderError
from briefgen.render.cache import PdfCache
from briefgen.render.html import Pdf
from briefgen.render.workers import Job, Reply, WorkerPool
from tests.conftest import FIXTURES, MINIMAL, copy_project


def test_a_lent_pool_starts_at_most_one_worker_per_pdf_brief(minimal: Path) -> None:
    with WorkerPool(4) as pool:
        result = pipeline.build(minimal, briefs=["one"], pool=pool)
        assert result.written
        # one brief needed its two PDFs (the reader's and the annex): two workers, not four
        assert len(pool.workers) == 2
        again = pipeline.build(minimal, pool=pool)  # a pool serves several builds
        assert again.written and len(pool.workers) <= 4


def test_no_worker_starts_when_check_fails_or_nothing_needs_rendering(
    minimal: Path, tmp_path: Path
) -> None:
    broken = copy_project(MINIMAL, tmp_path / "broken")
    shutil.copytree(FIXTURES / "bad" / "misquote", broken, dirs_exist_ok=True)
    with WorkerPool(2) as pool:
        failed = pipeline.build(broken, pool=pool)
        assert not failed.written and failed.diagnostics.errors
        assert pool.workers == []
        html_only = pipeline.build(minimal, formats=["html"], pool=pool)
        assert html_only.written and pool.workers == []


def test_the_cache_returns_the_pdf_the_renderer_made(minimal: Path) -> None:
    result = pipeline.build(minimal)
    manifest = json.loads((minimal / "output" / "manifest.json").read_text("utf-8"))
    entry = manifest["files"]["one.pdf"]
    pdf = PdfCache(minimal).get(entry["inputs"])
    assert pdf == Pdf((minimal / "output" / "one.pdf").read_bytes(), entry["pages"])
    assert result.written


def test_the_worker_protocol_is_picklable_dataclasses() -> None:
    job = Job("one", "<p>x</p>")
    ok = Reply("one", pdf=Pdf(b"%PDF", 1))
    failed = Reply("one", code="render.timeout", message="too slow", retire=True)
    for value in (job, ok, failed):
        assert pickle.loads(pickle.dumps(value)) == value
    assert ok.error is None
    error = failed.error
    assert isinstance(error, RenderError) and (error.code, error.message) == (
        "render.timeout",
        "too slow",
    )


NO_OP = """
import sys
from pathlib import Path
from briefgen import pipeline
result = pipeline.build(Path(sys.argv[1]))
assert result.up_to_date, "not a no-op"
heavy = ("weasyprint", "jinja2", "pydantic", "markdown", "pikepdf", "briefgen.load",
         "briefgen.validate", "briefgen.analyse", "briefgen.render.html")
print(sorted(m for m in sys.modules if m.split(".")[0] in heavy or m.startswith(heavy)))
"""


def test_a_no_op_build_loads_none_of_the_stages(minimal: Path) -> None:
    """Nothing changed: one fingerprint is compared, and no stage, template engine,
    content model or renderer is even imported."""
    assert pipeline.build(minimal).written
    out = subprocess.run(
        [sys.executable, "-c", NO_OP, str(minimal)], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"

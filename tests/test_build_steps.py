"""The build as named steps: a pool lent by the caller, workers only when needed,
one shape for a PDF, a picklable worker protocol."""

from __future__ import annotations

import hashlib
import json
import pickle
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from briefgen import pipeline
from briefgen.diagnostics import RenderError
from briefgen.render.cache import PdfCache
from briefgen.render.html import Pdf
from briefgen.render.workers import Job, Reply, WorkerPool, warm_pool
from tests.conftest import FIXTURES, MINIMAL, copy_project
from tests.test_fonts import NASKH, pdf_fonts

pytestmark = pytest.mark.build  # every test here renders a PDF (or checks one)


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


def test_the_cache_returns_the_pdf_the_renderer_made(minimal_build: pipeline.Result) -> None:
    result = minimal_build  # read only
    minimal = result.diagnostics.root
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


def test_a_no_op_build_loads_none_of_the_stages(minimal_built: Path) -> None:
    """Nothing changed: one fingerprint is compared, and no stage, template engine,
    content model or renderer is even imported. (``minimal_built``: a copy of the
    session's first build, output and cache included.)"""
    out = subprocess.run(
        [sys.executable, "-c", NO_OP, str(minimal_built)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "[]"


def test_a_pool_keeps_its_workers_for_one_font_set_and_recycles_them_for_another() -> None:
    with WorkerPool(1) as pool:
        pool.use_fonts("a" * 64)
        pool.start()
        first = pool.workers[0].process
        pool.use_fonts("a" * 64)  # the same fonts: the same warm worker
        assert [w.process for w in pool.workers] == [first]
        pool.use_fonts("b" * 64)  # [fonts] changed: no worker of the old set is left
        assert pool.workers == [] and not first.is_alive()
    assert warm_pool() is warm_pool()  # one per process, for serve, bench/ and the tests


ARABIC = "مصر"
SANS_ARABIC = Path("/usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf")


def declare_font(root: Path, font: Path) -> None:
    """``root``'s [fonts]: this one file, pinned."""
    settings = root / "briefgen.toml"
    text = settings.read_text(encoding="utf-8").split("\n[fonts]\n")[0]
    pin = hashlib.sha256(font.read_bytes()).hexdigest()
    entry = f'{{ path = "{font}", sha256 = "{pin}" }}'
    settings.write_text(f"{text}\n[fonts]\nfiles = [{entry}]\n", encoding="utf-8")


def arabic_memo(target: Path, font: Path) -> Path:
    """The minimal project, its memo titled in Arabic, which only ``font`` covers."""
    root = copy_project(MINIMAL, target)
    memo = root / "content" / "briefs" / "memo.md"
    text = memo.read_text(encoding="utf-8")
    memo.write_text(text.replace("title: Test memo", f"title: Test memo {ARABIC}", 1), "utf-8")
    declare_font(root, font)
    return root


def test_a_font_change_between_builds_in_one_warm_pool_takes_effect_as_if_built_alone(
    tmp_path: Path,
) -> None:
    """Brief A, then brief B (the same memo in another font set) in one warm pool: the
    pool's workers are recycled, and B's PDFs are byte for byte B's built alone."""
    pool = warm_pool()
    root = arabic_memo(tmp_path / "a", NASKH)
    memo: dict[str, Any] = {"briefs": ["memo"], "formats": ["pdf"]}
    assert pipeline.build(root, **memo, pool=pool).written
    assert any("Naskh" in name for name in pdf_fonts(root / "output" / "memo.pdf"))
    before = {w.process.pid for w in pool.workers}
    declare_font(root, SANS_ARABIC)
    assert pipeline.build(root, **memo, pool=pool).written
    names = pdf_fonts(root / "output" / "memo.pdf")
    assert any("Sans-Arabic" in n for n in names) and not any("Naskh" in n for n in names), names
    assert before and before.isdisjoint(w.process.pid for w in pool.workers)
    alone = arabic_memo(tmp_path / "b", SANS_ARABIC)
    with WorkerPool(1) as own:
        assert pipeline.build(alone, **memo, pool=own).written
    for name in ("memo.pdf", "annex/memo.pdf"):
        assert (root / "output" / name).read_bytes() == (alone / "output" / name).read_bytes()


def test_a_build_that_stops_early_leaves_no_job_out_to_answer_the_next() -> None:
    """The caller stops reading the replies (a write failed): the job still out in a
    warm pool is ended, so its reply cannot reach the next build as that build's."""
    html = "<html lang='en'><title>t</title><p>x</p></html>"
    with WorkerPool(2) as pool:
        replies = pool.stream([Job("a", html), Job("b", html)], seconds=600, memory_bytes=2**31)
        first = next(replies)
        replies.close()
        assert all(w.job is None for w in pool.workers) and len(pool.workers) == 1
        again = list(pool.stream([Job("c", html)], seconds=600, memory_bytes=2**31))
    assert first.key in {"a", "b"} and [r.key for r in again] == ["c"]

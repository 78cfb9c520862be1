"""Incremental builds: what rebuilds after which edit, the cache, and the manifest.

Most tests assert a *second* build: they start from ``minimal_built``, a copy of the
minimal project as the session's one cold build left it (output and PDF cache included),
and build with the session's warm ``render_pool``. The tests of the workers' own limits
(time, memory, recycling, -j) make their own workers, as a one-shot build does.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pypdf
import pytest

from briefgen import pipeline
from briefgen.render import workers
from briefgen.render.workers import WorkerPool
from tests.processes import assert_complete, output_names, snapshot

pytestmark = pytest.mark.build


def rendered(result: pipeline.Result, edition: str = "output") -> list[str]:
    """Briefs whose reader's PDF (or with edition="annex", whose annex PDF) was rendered,
    not taken from the cache, by this build."""
    return sorted(
        a.brief
        for a in result.artifacts
        if a.format == "pdf" and not a.cached and a.path.parent.name == edition
    )


def test_second_build_does_nothing(
    minimal_build: pipeline.Result, minimal_built: Path, render_pool: WorkerPool
) -> None:
    assert rendered(minimal_build) == ["issue", "memo", "one"]  # the cold first build
    minimal = minimal_built  # a copy of its tree, in another folder: still up to date
    before = {
        n: (minimal / "output" / n).stat().st_mtime_ns for n in output_names(minimal / "output")
    }
    second = pipeline.build(minimal, pool=render_pool)
    assert second.up_to_date and not second.written and second.artifacts == []
    after = {
        n: (minimal / "output" / n).stat().st_mtime_ns for n in output_names(minimal / "output")
    }
    assert after == before


def test_editing_a_note_rebuilds_only_the_briefs_that_cite_it(  # type: ignore[no-untyped-def]
    minimal_built: Path, render_pool: WorkerPool, edit
) -> None:
    minimal = minimal_built
    # A note's body is printed only in the audit annexes: the reader's editions can't
    # change. 'critics' is cited by the issue brief, the one-pager and an option's point,
    # which every annex prints whole.
    edit(
        minimal,
        "content/notes/test-notes.yaml",
        "Critics found it too little.",
        "Critics thought it too little.",
    )
    result = pipeline.build(minimal, pool=render_pool)
    assert result.written
    assert rendered(result) == []
    assert rendered(result, "annex") == ["issue", "memo", "one"]
    cached = sorted(
        a.path.relative_to(minimal / "output").as_posix() for a in result.artifacts if a.cached
    )
    assert cached == ["issue.pdf", "memo.pdf", "one.pdf"]


def test_editing_a_stylesheet_rebuilds_everything(
    minimal_built: Path, render_pool: WorkerPool
) -> None:
    minimal = minimal_built
    (minimal / "templates").mkdir()
    package_css = Path(pipeline.__file__).parent / "templates" / "brief.css"
    css = package_css.read_text(encoding="utf-8").replace("--ink: #1d2330", "--ink: #000000")
    (minimal / "templates" / "brief.css").write_text(css, encoding="utf-8")
    assert rendered(pipeline.build(minimal, pool=render_pool)) == ["issue", "memo", "one"]


def test_force_rebuilds_everything(minimal_forced: pipeline.Result) -> None:
    """``minimal_forced``: a copy of the first build, rebuilt with ``force``."""
    assert rendered(minimal_forced) == ["issue", "memo", "one"]
    assert rendered(minimal_forced, "annex") == ["issue", "memo", "one"]


def test_manifest_describes_every_file(minimal_build: pipeline.Result) -> None:
    output = minimal_build.diagnostics.root / "output"  # read only
    manifest = json.loads((output / "manifest.json").read_text(encoding="utf-8"))
    names = [n for n in output_names(output) if n != "manifest.json"]
    assert sorted(manifest["files"]) == names
    for name, entry in manifest["files"].items():
        data = (output / name).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert entry["size"] == len(data)
        assert entry["brief"] == name.rsplit(".", 1)[0].removeprefix("annex/")
        if name.endswith(".pdf"):
            assert entry["pages"] == len(pypdf.PdfReader(output / name).pages)
        else:
            assert entry["pages"] is None
    # The HTML and PDF of a brief share its inputs hash.
    assert manifest["files"]["one.pdf"]["inputs"] == manifest["files"]["one.html"]["inputs"]


def test_a_failed_brief_keeps_output_and_caches_the_others(
    minimal_build: pipeline.Result, minimal_built: Path, render_pool: WorkerPool
) -> None:
    first = minimal_build
    minimal = minimal_built
    before = snapshot(minimal / "output")
    # A project layout that makes only the one-pager's PDF fail: content cut off.
    (minimal / "templates").mkdir()
    (minimal / "templates" / "brief.html.j2").write_text(
        '{% extends "base.html.j2" %}{% block main %}{% if meta.type == "one-pager" %}'
        "<p>" + "Q" * 400 + "</p>{% endif %}{{ super() }}{% endblock %}",
        encoding="utf-8",
    )
    (minimal / "content" / "briefs" / "memo.md").write_text(
        (minimal / "content" / "briefs" / "memo.md")
        .read_text("utf-8")
        .replace("Test memo", "Memo 2"),
        encoding="utf-8",
    )
    failed = pipeline.build(minimal, pool=render_pool)
    assert not failed.written
    assert [d.code for d in failed.diagnostics.sorted()] == ["render.overflow"]
    assert snapshot(minimal / "output") == before
    # After the fix only the one-pager renders again; the memo's new PDF was cached.
    (minimal / "templates" / "brief.html.j2").unlink()
    fixed = pipeline.build(minimal, pool=render_pool)
    assert fixed.written
    assert rendered(fixed) == []  # memo from the failed build's cache, one-pager unchanged
    assert first.written


def test_worker_killed_at_its_time_limit_leaves_output_intact(minimal: Path) -> None:
    pipeline.build(minimal, formats=("html",))
    before = snapshot(minimal / "output")
    settings = minimal / "briefgen.toml"
    settings.write_text(
        settings.read_text("utf-8") + "\n[limits]\nrender_seconds = 0.05\n", encoding="utf-8"
    )
    result = pipeline.build(minimal, jobs=2)
    assert not result.written
    assert [d.code for d in result.diagnostics.sorted()] == ["render.timeout"] * 3
    assert snapshot(minimal / "output") == before
    assert not list(minimal.glob(".briefgen-stage-*"))


def test_parallel_and_serial_builds_are_identical(
    minimal_build: pipeline.Result, minimal_built: Path
) -> None:
    # The session's build rendered with two workers (render_pool); this one with one.
    parallel = snapshot(minimal_build.diagnostics.root / "output")
    assert pipeline.build(minimal_built, jobs=1, force=True).written
    assert snapshot(minimal_built / "output") == parallel


def test_worker_over_its_memory_limit_is_killed_and_replaced(minimal: Path) -> None:
    settings = minimal / "briefgen.toml"
    # 50 MiB is less than a Python process with WeasyPrint loaded: every render passes it.
    settings.write_text(
        settings.read_text("utf-8") + "\n[limits]\nrender_memory_mb = 50\n", encoding="utf-8"
    )
    result = pipeline.build(minimal, jobs=1)
    assert not result.written
    assert [d.format() for d in result.diagnostics.sorted()] == [
        f"content/briefs/{brief}.md:1: error: rendering used more than 50 MiB and was stopped "
        "[render.memory]"
        for brief in ("issue", "memo", "one")
    ]
    assert not (minimal / "output").exists()


def test_output_symlink_is_refused(minimal: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (minimal / "output").symlink_to(elsewhere)
    result = pipeline.build(minimal)
    assert [d.format() for d in result.diagnostics.sorted()] == [
        "output: error: is a symbolic link; briefgen never writes through one [output.symlink]"
    ]
    assert list(elsewhere.iterdir()) == []


def test_workers_are_recycled_without_changing_output(
    minimal_build: pipeline.Result, minimal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reference = minimal_build.diagnostics.root
    monkeypatch.setattr(workers, "JOBS_PER_WORKER", 1)  # a fresh worker for every brief
    assert pipeline.build(minimal, jobs=1).written
    assert snapshot(minimal / "output") == snapshot(reference / "output")


def test_manifest_same_size_tamper_up_to_date(minimal_built: Path, render_pool: WorkerPool) -> None:
    """Review case manifest-same-size-tamper-up-to-date (L1)."""
    minimal = minimal_built
    pdf = minimal / "output" / "one.pdf"
    data = bytearray(pdf.read_bytes())
    data[1000:1064] = bytes(64)  # same size, different bytes
    pdf.write_bytes(bytes(data))
    result = pipeline.build(minimal, pool=render_pool)
    assert not result.up_to_date and result.written
    assert rendered(result) == []  # the cache still holds the good PDF
    assert_complete(minimal / "output", ["issue", "memo", "one"])


def test_a_missing_or_extra_output_file_is_not_up_to_date(
    minimal_built: Path, render_pool: WorkerPool
) -> None:
    minimal = minimal_built
    (minimal / "output" / "memo.pdf").unlink()
    assert pipeline.build(minimal, pool=render_pool).written
    (minimal / "output" / "stray.pdf").write_bytes(b"%PDF-")
    assert pipeline.build(minimal, pool=render_pool).written
    assert_complete(minimal / "output", ["issue", "memo", "one"])


MANIFESTS = {
    "manifest-files-not-a-mapping": '{"project": "x", "files": []}',
    "manifest-deeply-nested": "[" * 100000,
    "manifest-garbage": "garbage{",
    "manifest-empty": "",
    "manifest-entry-wrong-types": '{"project": "x", "files": {"one.pdf": {"brief": 1, '
    '"sha256": [], "size": "9", "pages": null, "inputs": "k"}}}',
    "manifest-not-utf8": "\udcff",
}


@pytest.mark.parametrize("text", MANIFESTS.values(), ids=MANIFESTS.keys())
def test_manifest_files_not_a_mapping(
    minimal_built: Path, render_pool: WorkerPool, text: str
) -> None:
    """Review cases manifest-files-not-a-mapping and manifest-deeply-nested (M6)."""
    minimal = minimal_built
    manifest = minimal / "output" / "manifest.json"
    manifest.write_bytes(text.encode("utf-8", "surrogateescape"))
    partial = pipeline.build(minimal, briefs=["one"], formats=("html",), pool=render_pool)
    assert partial.written and not partial.diagnostics.items
    result = pipeline.build(minimal, pool=render_pool)
    assert result.written and not result.diagnostics.items
    assert_complete(minimal / "output", ["issue", "memo", "one"])


CACHE_ENTRIES = {
    "cache-entry-json-garbage": "garbage{",
    "cache-entry-json-empty": "",
    "cache-entry-json-deeply-nested": "[" * 100000,
    "cache-entry-json-a-list": "[1, 2]",
    "cache-entry-json-pages-a-string": '{"pages": "two", "sha256": "x"}',
    "cache-entry-json-no-sha": '{"pages": 1}',
}


@pytest.mark.parametrize("text", CACHE_ENTRIES.values(), ids=CACHE_ENTRIES.keys())
def test_cache_entry_json_garbage(minimal_built: Path, render_pool: WorkerPool, text: str) -> None:
    """Review cases cache-entry-json-garbage and cache-entry-json-empty (M6)."""
    minimal = minimal_built
    damaged = list((minimal / ".briefgen-cache").glob("*.json"))
    assert damaged  # the copy holds the first build's cache
    for meta in damaged:
        meta.write_text(text, encoding="utf-8")
    result = pipeline.build(minimal, strict=True, briefs=["one", "memo", "issue"], pool=render_pool)
    assert result.written and not result.diagnostics.items
    assert rendered(result) == ["issue", "memo", "one"]  # damaged entries are re-rendered
    assert pipeline.build(minimal, pool=render_pool).written
    assert_complete(minimal / "output", ["issue", "memo", "one"])

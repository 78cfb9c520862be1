"""Worker processes: a worker's exception fails only its brief; workers die with the build."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from briefgen import pipeline
from briefgen.render.workers import DIED, Job, Reply, WorkerPool
from tests.processes import (
    HANG_GUARD,
    add_heavy_brief,
    alive,
    assert_complete,
    children,
    snapshot,
    stages,
    start_build,
    wait_until,
)

pytestmark = pytest.mark.build  # every test here renders a PDF (or checks one)

TOO_DEEP = (
    "content/briefs/one.md:1: error: the PDF renderer ran out of stack on this brief: "
    "its content is nested too deeply (lists, quotes or markup hundreds of levels deep) "
    "[render.too-deep]"
)


def deep_layout(root: Path) -> None:
    """A project layout whose one-pager exhausts WeasyPrint's stack in the worker.

    Markdown nesting is refused before rendering (markdown.too-deep), and pages deeper
    than 100 elements before layout (render.too-deep in the parent); 95 spans each laid
    out as a table pass both and still recurse past Python's limit inside WeasyPrint.
    """
    (root / "templates").mkdir()
    deep = '<span class="deep">' * 95 + "x" + "</span>" * 95
    (root / "templates" / "brief.html.j2").write_text(
        '{% extends "base.html.j2" %}{% block main %}{% if meta.type == "one-pager" %}'
        f"<div>{deep}</div>{{% endif %}}{{{{ super() }}}}{{% endblock %}}",
        encoding="utf-8",
    )
    css = (Path(pipeline.__file__).parent / "templates" / "brief.css").read_text("utf-8")
    (root / "templates" / "brief.css").write_text(
        css + "\nspan.deep { display: table; }\n", encoding="utf-8"
    )


def test_bomb_nested_list_100(minimal: Path) -> None:
    """Review case bomb-nested-list-100, worker part (M1): a RecursionError in a worker
    is that brief's located error; the other briefs render and are cached."""
    deep_layout(minimal)
    result = pipeline.build(minimal, jobs=1)
    assert not result.written
    assert [d.format() for d in result.diagnostics.sorted()] == [TOO_DEEP]
    # The other briefs were rendered and cached: fixing the one-pager renders only it.
    (minimal / "templates" / "brief.html.j2").unlink()
    fixed = pipeline.build(minimal, jobs=1)
    assert fixed.written
    rendered = sorted(a.brief for a in fixed.artifacts if a.format == "pdf" and not a.cached)
    assert rendered == ["one"]
    assert_complete(minimal / "output", ["issue", "memo", "one"])


def _start_heavy_build(root: Path, log: Path) -> tuple[subprocess.Popen[bytes], list[int]]:
    """A real build rendering the heavy brief; its process and its workers' pids."""
    add_heavy_brief(root, paragraphs=2800)  # ~950 kB, under the content size limit
    process = start_build(root, "-j", "1", log=log)

    def rendering() -> bool:
        assert process.poll() is None, log.read_text()
        return bool(stages(root)) and bool(children(process.pid))

    wait_until(rendering, "rendering to start")
    return process, children(process.pid)


def test_sigterm_mid_build(minimal_built: Path, tmp_path: Path) -> None:
    """Review case sigterm-mid-build (M5): a clean abort, like Ctrl-C."""
    minimal = minimal_built  # built once: the small briefs are cached; output/ exists
    before = snapshot(minimal / "output")
    log = tmp_path / "build.log"
    process, workers = _start_heavy_build(minimal, log)
    os.kill(process.pid, signal.SIGTERM)
    assert process.wait(timeout=HANG_GUARD) == 1
    wait_until(lambda: not any(alive(w) for w in workers), "the workers to exit", 20)
    assert log.read_text().splitlines()[-1] == "Aborted!"
    assert stages(minimal) == []
    assert snapshot(minimal / "output") == before


def test_sigkill_mid_build_takes_the_workers_with_it(minimal_built: Path, tmp_path: Path) -> None:
    minimal = minimal_built  # built once: the small briefs are cached; output/ exists
    before = snapshot(minimal / "output")
    process, workers = _start_heavy_build(minimal, tmp_path / "build.log")
    os.kill(process.pid, signal.SIGKILL)
    assert process.wait(timeout=HANG_GUARD) == -signal.SIGKILL
    wait_until(lambda: not any(alive(w) for w in workers), "the workers to exit", 20)
    assert snapshot(minimal / "output") == before
    (minimal / "content" / "briefs" / "zz-heavy.md").unlink()
    assert pipeline.build(minimal).written
    assert stages(minimal) == []  # the next build sweeps the killed build's stage
    assert not list(minimal.glob(".briefgen-old-*"))


def test_a_renderer_that_dies_fails_its_brief_and_leaves_output(
    minimal_built: Path, tmp_path: Path
) -> None:
    """Workers killed as fast as they start (the kernel's OOM killer, say): the brief
    they render fails with render.crashed, not a hang, a traceback or a silent exit,
    and output/ stays as it was."""
    minimal = minimal_built  # built once: the small briefs are cached; output/ exists
    before = snapshot(minimal / "output")
    log = tmp_path / "build.log"
    process, _ = _start_heavy_build(minimal, log)
    deadline = time.monotonic() + HANG_GUARD
    while process.poll() is None and time.monotonic() < deadline:
        for worker in children(process.pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(worker, signal.SIGKILL)
        time.sleep(0.02)
    assert process.wait(timeout=HANG_GUARD) == 1
    assert log.read_text().splitlines()[-3:] == [
        f"content/briefs/zz-heavy.md:1: error: {DIED} [render.crashed]",
        "1 error(s), 0 warning(s)",
        "build failed: output/ left as it was",
    ]
    assert snapshot(minimal / "output") == before
    assert stages(minimal) == []


def test_a_worker_killed_while_idle_is_replaced_and_its_job_rendered() -> None:
    """A worker that died waiting for work costs nothing: the job goes to a fresh one."""
    replies: list[Reply] = []
    with WorkerPool(1) as pool:
        pool.start()
        idle = pool.workers[0].process
        idle.kill()
        idle.join()
        html = '<html lang="en"><head><title>t</title></head><body><p>Hello</p></body></html>'
        pool.run([Job("k", html)], replies.append, seconds=HANG_GUARD, memory_bytes=2**31)
    assert [(r.key, r.code) for r in replies] == [("k", "")]
    assert replies[0].pdf is not None


HELLO = '<html lang="en"><head><title>t</title></head><body><p>Hello</p></body></html>'


def test_a_worker_starved_of_the_processor_is_not_past_its_time_limit() -> None:
    """Under load a worker waits for a core far longer than it renders: the time limit
    counts the processor time it spends on its brief, not the clock, nor its import of
    WeasyPrint. A worker stopped for twice its limit, the extreme of starvation, still
    renders its brief."""
    replies: list[Reply] = []
    with WorkerPool(1) as pool:
        pool.start()
        pid = pool.workers[0].process.pid
        assert pid is not None
        os.kill(pid, signal.SIGSTOP)
        resume = threading.Timer(4.0, os.kill, (pid, signal.SIGCONT))
        resume.start()
        try:
            pool.run([Job("k", HELLO)], replies.append, seconds=2.0, memory_bytes=2**31)
        finally:
            resume.cancel()
            with contextlib.suppress(ProcessLookupError):  # killed at its limit (before)
                os.kill(pid, signal.SIGCONT)
    assert [(r.key, r.code, r.message) for r in replies] == [("k", "", "")]
    assert replies[0].pdf is not None and 0 < replies[0].cpu_seconds < 2.0


def test_a_reply_over_its_time_limit_is_refused_however_late_it_is_read() -> None:
    """A brief that used more than its processor time fails even when its reply was in
    before the parent looked (the parent itself waiting for a core): the limit does not
    depend on who was slow. Here the parent looks only once the reply is in."""
    html = HELLO.replace("<p>Hello</p>", "<p>Hello, rendering world.</p>" * 400)
    replies: list[Reply] = []
    with WorkerPool(1) as pool:
        pool.run([Job("warm", HELLO)], replies.append, seconds=HANG_GUARD, memory_bytes=2**31)
        worker = pool.workers[0]

        def jobs() -> Iterator[Job]:
            yield Job("slow", html)
            assert worker.connection.poll(HANG_GUARD)  # the reply is in: look now

        pool.run(jobs(), replies.append, seconds=0.01, memory_bytes=2**31)
    assert [(r.key, r.code) for r in replies] == [("warm", ""), ("slow", "render.timeout")]
    assert replies[1].message == (
        "rendering took more than 0.01 s of processor time and was stopped "
        "([limits] render_seconds)"
    )


def test_a_build_leaves_nothing_in_the_temporary_folder(
    minimal: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """WeasyPrint copies each @font-face font into a ``weasyprint-*`` folder that only a
    finaliser removes, and ended workers run none: each worker's temporary files go to
    a folder of its own that the pool removes with the worker (12,526 such folders,
    8.5 GB, had piled up in /tmp on this machine before)."""
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(scratch))
    with WorkerPool(2) as pool:
        result = pipeline.build(minimal, force=True, pool=pool)
        assert not result.diagnostics.errors
        assert any(a.format == "pdf" for a in result.artifacts)
        # While the workers live, their files stay inside their own folders.
        assert {p.name[:16] for p in scratch.iterdir()} == {"briefgen-render-"}
    assert list(scratch.iterdir()) == []

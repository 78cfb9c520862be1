"""The project lock: one build at a time per project; a second one waits and says so."""

from __future__ import annotations

import fcntl
import os
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefgen import pipeline
from briefgen.cli import main
from tests.processes import (
    HANG_GUARD,
    add_heavy_brief,
    assert_complete,
    stages,
    start_build,
    wait_until,
)

pytestmark = pytest.mark.build  # every test here renders a PDF (or checks one)

LOCK = ".briefgen-lock"
WAITING = f"waiting for another briefgen build of this project to finish ({LOCK})"


def hold_lock(root: Path) -> int:
    """Take the project lock as another process would (a separate open file)."""
    fd = os.open(root / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return fd


def test_concurrent_builds_with_an_edit_lose_pdfs(minimal: Path, tmp_path: Path) -> None:
    """Review case concurrent-builds-with-an-edit-lose-pdfs (H2)."""
    add_heavy_brief(minimal)
    briefs = ["issue", "memo", "one", "zz-heavy"]
    log = tmp_path / "b.log"
    first = start_build(minimal, "-j", "1", log=log)
    # -j 1 renders in order, each brief then its annex: after 6 of 8, it is on zz-heavy
    wait_until(lambda: "[6/8]" in log.read_text(), "build B to render zz-heavy")
    settings = minimal / "briefgen.toml"
    original = settings.read_text("utf-8")
    settings.write_text(original.replace('"Test project"', '"Test project v2"'), "utf-8")
    heavy = minimal / "content" / "briefs" / "zz-heavy.md"
    heavy_text = heavy.read_text("utf-8")
    heavy.write_text((minimal / "content" / "briefs" / "one.md").read_text("utf-8"), "utf-8")
    messages: list[str] = []
    second = pipeline.build(minimal, jobs=1, progress=messages.append)
    assert first.wait(timeout=HANG_GUARD) == 0, log.read_text()
    assert second.written, [d.format() for d in second.diagnostics.sorted()]
    assert_complete(minimal / "output", briefs)
    # B held the lock: A waited for it, said so, and built after it.
    assert messages[0] == WAITING
    # Reverting the edit rebuilds (from the cache); the output is whole again.
    settings.write_text(original, "utf-8")
    heavy.write_text(heavy_text, "utf-8")
    reverted = pipeline.build(minimal, jobs=1)
    assert reverted.written and not reverted.diagnostics.items
    assert_complete(minimal / "output", briefs)
    assert stages(minimal) == []


def test_a_second_build_waits_for_the_lock_and_says_so(minimal: Path) -> None:
    fd = hold_lock(minimal)
    released = threading.Timer(1.0, os.close, args=(fd,))
    released.start()
    messages: list[str] = []
    try:
        result = pipeline.build(minimal, formats=("html",), progress=messages.append)
    finally:
        released.join()
    assert result.written
    assert messages == [WAITING]


def test_no_wait_fails_at_once_when_another_build_holds_the_lock(minimal: Path) -> None:
    fd = hold_lock(minimal)
    try:
        result = CliRunner().invoke(main, ["build", "--root", str(minimal), "--no-wait"])
    finally:
        os.close(fd)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{LOCK}: error: another briefgen build of this project is running "
        "(run without --no-wait to wait for it) [build.locked]",
        "1 error(s), 0 warning(s)",
        "build failed: output/ left as it was",
    ]
    assert not (minimal / "output").exists()


def test_the_lock_is_free_again_after_a_build(minimal: Path) -> None:
    assert pipeline.build(minimal, formats=("html",)).written
    fd = os.open(minimal / LOCK, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # raises if the build still held it
    finally:
        os.close(fd)

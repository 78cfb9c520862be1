"""Where output/ cannot be replaced: located errors, and the previous output intact.

Root ignores permission bits, so the read-only case drops to an unprivileged user; a
full disk is a real write refused by the kernel (RLIMIT_FSIZE, no privileges needed).
"""

from __future__ import annotations

import os
import pwd
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from briefgen import pipeline
from tests.conftest import MINIMAL, copy_project
from tests.processes import HANG_GUARD, snapshot, stages

pytestmark = pytest.mark.build  # every test here renders a PDF (or checks one)

NOTE = "content/notes/test-notes.yaml"
FAILED = "build failed: output/ left as it was"


def briefgen(
    root: Path, *args: str, user: tuple[str, ...] = (), **options: object
) -> tuple[int, list[str]]:
    done = subprocess.run(
        [*user, sys.executable, "-m", "briefgen", "build", "--root", str(root), *args],
        capture_output=True,
        text=True,
        timeout=HANG_GUARD,
        **options,  # type: ignore[call-overload]
    )
    return done.returncode, done.stderr.splitlines()


@pytest.fixture
def unprivileged() -> Iterator[tuple[Path, tuple[str, ...]]]:
    """A project an unprivileged user owns, and the command prefix that runs as them."""
    home = Path(tempfile.mkdtemp())
    root = copy_project(MINIMAL, home / "p")
    user: tuple[str, ...] = ()
    if os.geteuid() == 0:
        nobody = pwd.getpwnam("nobody")
        for path in [home, *home.rglob("*")]:
            os.chown(path, nobody.pw_uid, nobody.pw_gid)
        user = ("setpriv", f"--reuid={nobody.pw_uid}", f"--regid={nobody.pw_gid}")
        user += ("--clear-groups",)
    yield root, user
    shutil.rmtree(home, ignore_errors=True)


def test_output_read_only_directory(unprivileged: tuple[Path, tuple[str, ...]], edit) -> None:  # type: ignore[no-untyped-def]
    """Review case output-read-only-directory (L2)."""
    root, user = unprivileged
    assert briefgen(root, "--format", "html", user=user)[0] == 0
    edit(root, "content/briefs/one.md", "Do more, carefully.", "Do more, with care.")
    before = snapshot(root / "output")
    (root / "output").chmod(0o555)
    try:
        code, lines = briefgen(root, "--format", "html", user=user)
    finally:
        (root / "output").chmod(0o755)
    assert code == 1
    assert lines == [
        "output: error: is not writable, so a build cannot replace the files in it "
        "(make it writable, e.g. chmod u+w output) [output.read-only]",
        "1 error(s), 0 warning(s)",
        FAILED,
    ]
    assert snapshot(root / "output") == before
    assert stages(root) == []


def test_output_is_a_file(minimal: Path) -> None:
    """Review case output-is-a-file (L2)."""
    (minimal / "output").write_text("notes of mine\n", encoding="utf-8")
    result = pipeline.build(minimal)
    assert not result.written
    assert [d.format() for d in result.diagnostics.sorted()] == [
        "output: error: is not a directory; briefgen writes the built briefs there "
        "(move it away) [output.not-a-directory]"
    ]
    assert (minimal / "output").read_text(encoding="utf-8") == "notes of mine\n"
    assert stages(minimal) == []


def test_output_is_a_mount_point(minimal: Path) -> None:
    """Review case output-is-a-mount-point (L2), in a private mount namespace."""
    assert pipeline.build(minimal, formats=("html",)).written
    before = snapshot(minimal / "output")
    out = minimal / "output"
    script = f'mount --bind "{out}" "{out}" && exec "$0" -m briefgen build --root "{minimal}"'
    done = subprocess.run(
        ["unshare", "--mount", "--map-root-user", "sh", "-c", script, sys.executable],
        capture_output=True,
        text=True,
        timeout=HANG_GUARD,
    )
    assert done.returncode == 1, done.stderr
    assert done.stderr.splitlines() == [
        "output: error: is a mount point, which a build cannot replace as a whole "
        "(mount the project directory instead) [output.mount-point]",
        "1 error(s), 0 warning(s)",
        FAILED,
    ]
    assert snapshot(out) == before
    assert stages(minimal) == []


def _small_disk() -> None:
    """The kernel refuses any write past 200 kB, as a full disk would."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, 200_000))


def test_disk_full_during_build(minimal_built: Path, edit) -> None:  # type: ignore[no-untyped-def]
    """Review case disk-full-during-build (L2), on a copy of the session's built tree."""
    minimal = minimal_built
    before = snapshot(minimal / "output")
    edit(minimal, "content/briefs/one.md", "Do more, carefully.", "Do more, with care.")
    code, lines = briefgen(minimal, "-j", "1", preexec_fn=_small_disk)
    assert code == 1
    assert lines[-3:] == [
        "output/issue.html: error: could not write: File too large; free some disk space (or "
        "raise the file size limit), then run it again [output.write-failed]",
        "1 error(s), 0 warning(s)",
        FAILED,
    ]
    assert snapshot(minimal / "output") == before
    assert stages(minimal) == []
    assert not list((minimal / ".briefgen-cache").glob(".tmp-*"))

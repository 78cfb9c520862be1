"""Helpers for tests that run real `briefgen build` processes and inspect their output."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

RECOMMENDATION = "Widen the sharing, as critics urge [@critics]."
HANG_GUARD = 120.0  # seconds; a hang guard, not a timing target


def add_heavy_brief(root: Path, paragraphs: int = 2500) -> None:
    """zz-heavy: a copy of the one-pager, long enough to keep a worker busy for seconds.

    Its id sorts last, so with ``-j 1`` it renders after the three small briefs.
    """
    one = (root / "content" / "briefs" / "one.md").read_text(encoding="utf-8")
    text = "\n\n".join(
        f"Paragraph {i} " + "lorem ipsum dolor sit amet " * 12 for i in range(paragraphs)
    )
    heavy = one.replace(RECOMMENDATION, RECOMMENDATION + "\n\n" + text)
    (root / "content" / "briefs" / "zz-heavy.md").write_text(heavy, encoding="utf-8")
    with (root / "briefgen.toml").open("a", encoding="utf-8") as settings:
        settings.write("\n[types.one-pager]\nbudget = 500\n")


def start_build(root: Path, *args: str, log: Path) -> subprocess.Popen[bytes]:
    """A real `briefgen build` process; its stderr goes to ``log``."""
    with log.open("wb") as stderr:
        return subprocess.Popen(
            [sys.executable, "-m", "briefgen", "build", "--root", str(root), *args],
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )


def wait_until(condition: Callable[[], bool], what: str, seconds: float = HANG_GUARD) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def children(pid: int) -> list[int]:
    """Live (non-zombie) processes whose parent is ``pid``."""
    found = []
    for entry in Path("/proc").iterdir():
        state = _stat(int(entry.name)) if entry.name.isdigit() else None
        if state is not None and state[1] == pid and state[0] != "Z":
            found.append(int(entry.name))
    return sorted(found)


def alive(pid: int) -> bool:
    state = _stat(pid)
    return state is not None and state[0] != "Z"


def _stat(pid: int) -> tuple[str, int] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text.rsplit(")", 1)[1].split()
    return fields[0], int(fields[1])


def stages(root: Path) -> list[Path]:
    return sorted(root.glob(".briefgen-stage-*"))


def output_names(output: Path) -> list[str]:
    """Every file under output/, as a path relative to it (annex/<id>.pdf)."""
    return sorted(p.relative_to(output).as_posix() for p in output.rglob("*") if p.is_file())


def snapshot(output: Path) -> dict[str, bytes]:
    return {name: (output / name).read_bytes() for name in output_names(output)}


def assert_complete(output: Path, briefs: list[str]) -> None:
    """output/ holds both formats of both editions of every brief (the reader's and its
    annex), exactly as its manifest describes."""
    names = [n for b in briefs for n in (b, f"annex/{b}")]
    expected = sorted([f"{n}.{f}" for n in names for f in ("html", "pdf")] + ["manifest.json"])
    names = output_names(output)
    assert names == expected, f"output/ holds {names}"
    manifest = json.loads((output / "manifest.json").read_text(encoding="utf-8"))
    listed = sorted(manifest["files"])
    assert listed == [n for n in expected if n != "manifest.json"], f"manifest lists {listed}"
    for name, entry in manifest["files"].items():
        assert hashlib.sha256((output / name).read_bytes()).hexdigest() == entry["sha256"], name

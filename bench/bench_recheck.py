"""Benchmark: the incremental re-check ``briefgen serve`` runs on each save, against a
full ``briefgen check``, in one process on a copy of the seed project.

Each round edits one note (``Klingner reported`` ↔ ``wrote``, as performance review 3
did) or one brief, then times ``Incremental.check`` and ``queries.check`` of the same
files (taking turns; the citation processor stays warm for both, as in ``serve``).
Prints min / median / max wall and processor seconds of each, their ratio and the
load average (this 2-core box is shared: read the ratio more than the seconds).

    .venv/bin/python bench/bench_recheck.py [--rounds 6]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from briefgen import queries  # noqa: E402
from briefgen.incremental import Incremental  # noqa: E402
from briefgen.text.csl import keep_processors_warm  # noqa: E402

NOTE = Path("content/notes/klingner-gsomia.yaml")
BRIEF = Path("content/briefs/trilateral-one-pager.md")
SWAPS = {
    NOTE: ("Klingner reported (c. 2016) that U.S.", "Klingner wrote (c. 2016) that U.S."),
    BRIEF: ("to share sensitive information", "to share secret information"),
}


def toggle(root: Path, name: Path, forward: bool) -> None:
    old, new = SWAPS[name] if forward else SWAPS[name][::-1]
    path = root / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} must occur once in {name}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def timed(step: Callable[[], queries.Result]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = step()
    assert not result.diagnostics.errors, [d.format() for d in result.diagnostics.errors]
    return time.perf_counter() - wall, time.process_time() - cpu


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def spread(values: list[float]) -> str:
    return f"{min(values):.3f} / {statistics.median(values):.3f} / {max(values):.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=6)
    rounds = parser.parse_args().rounds
    keep_processors_warm()
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch) / "seed"
        root.mkdir()
        shutil.copy2(REPO / "briefgen.toml", root / "briefgen.toml")
        shutil.copytree(REPO / "content", root / "content")
        incremental = Incremental(root)
        queries.check(root)  # warm-up: imports, the citation processor
        incremental.check()
        print(f"load average at start: {_load()}")
        for name in (NOTE, BRIEF):
            walls: dict[str, list[float]] = {"incremental": [], "full": []}
            cpus: dict[str, list[float]] = {"incremental": [], "full": []}
            for index in range(rounds):
                toggle(root, name, index % 2 == 0)
                for kind in ("incremental", "full") if index % 2 else ("full", "incremental"):
                    if kind == "incremental":
                        wall, cpu = timed(lambda name=name: incremental.check([root / name]))
                    else:
                        wall, cpu = timed(lambda: queries.check(root))
                    walls[kind].append(wall)
                    cpus[kind].append(cpu)
            ratio_wall = statistics.median(walls["incremental"]) / statistics.median(walls["full"])
            ratio_cpu = statistics.median(cpus["incremental"]) / statistics.median(cpus["full"])
            print(f"one edit of {name} ({rounds} rounds; min / median / max):")
            print(
                f"  incremental re-check: wall {spread(walls['incremental'])} s, "
                f"cpu {spread(cpus['incremental'])} s"
            )
            print(
                f"  full check:           wall {spread(walls['full'])} s, "
                f"cpu {spread(cpus['full'])} s"
            )
            print(f"  incremental ÷ full (medians): wall {ratio_wall:.3f}, cpu {ratio_cpu:.3f}")
            print(f"  reused (kept, computed) by kind: {incremental.reused()}")
        print(f"load average at end: {_load()}")


if __name__ == "__main__":
    main()

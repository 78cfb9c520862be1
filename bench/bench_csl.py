"""Benchmark: formatting citations through citeproc-js (briefgen/text/csl).

Prints, for the shipped Chicago style: the time to start the processor (child process,
V8, the style compiled), to format N notes over 20 sources and their bibliography, and
the peak resident memory of this (the parent) process and of the child.

    .venv/bin/python bench/bench_csl.py            # 60 notes
    .venv/bin/python bench/bench_csl.py --notes 600
"""

from __future__ import annotations

import argparse
import resource
import time

from briefgen.text.csl import Citations, Cite

SOURCES = 20


def _items() -> dict[str, dict[str, object]]:
    return {
        f"s{i}": {
            "id": f"s{i}",
            "type": "article-newspaper",
            "title": f"Title number {i} of a source about intelligence sharing",
            "author": [{"family": f"Author{i}", "given": "Jane"}],
            "container-title": "Daily Signal",
            "issued": {"date-parts": [[2016, 10, i % 28 + 1]]},
        }
        for i in range(SOURCES)
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--notes", type=int, default=60)
    count = parser.parse_args().notes
    items = _items()
    started = time.perf_counter()
    with Citations(items) as citations:
        built = time.perf_counter()
        citations.notes([Cite(f"s{i % SOURCES}", str(i + 1)) for i in range(count)])
        noted = time.perf_counter()
        citations.bibliography(sorted(items))
        listed = time.perf_counter()
    parent = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"start the processor: {built - started:.2f} s")
    print(
        f"{count} notes: {noted - built:.2f} s; bibliography of {SOURCES}: {listed - noted:.2f} s"
    )
    print(f"peak RSS: parent {parent:.0f} MiB, processor child {child:.0f} MiB")


if __name__ == "__main__":
    main()

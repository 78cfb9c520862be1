"""Benchmark: quote lookup and the closest-passage hint are linear in the source.

Times ``find_in`` (found and not found) and ``closest`` as the paragraph grows 10×
and 100×, plus the review's case (a 20 kB quote not in a 100 kB paragraph, which took
over 30 s with difflib). Linear code shows time ratios near the size ratios.
    .venv/bin/python bench/bench_quotes.py
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from briefgen.text import quotes
from briefgen.text.quotes import closest, find_in

WORDS = ["alpha", "beta", "gamma", "delta", "sharing", "policy", "korea", "japan", "data"]


def text(rng: random.Random, chars: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(chars // 5))[:chars].strip()


def best_of(runs: int, job: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        job()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    rng = random.Random(1)
    quote = text(rng, 2_000)
    print(f"{'paragraph':>10} {'prepare':>9} {'find hit':>9} {'find miss':>9} {'closest':>9}")
    for size in (9_000, 90_000, 900_000):
        paragraph = text(rng, size)
        hit = paragraph[size // 2 : size // 2 + 200].split(" ", 1)[1].rsplit(" ", 1)[0]

        def prepare(paragraph: str = paragraph) -> None:
            quotes._prepare.cache_clear()
            quotes._prepare(paragraph)

        prepared = best_of(3, prepare)
        found = best_of(5, lambda p=paragraph, h=hit: find_in(h, p))
        missed = best_of(5, lambda p=paragraph: find_in("zz " + quote, p))
        near = best_of(3, lambda p=paragraph: closest("zz " + quote, [p]))
        print(f"{size:>10} {prepared:>8.4f}s {found:>8.5f}s {missed:>8.5f}s {near:>8.4f}s")
    paragraph, long_quote = text(rng, 100_000), "zz " + text(rng, 19_990)
    review = best_of(3, lambda: closest(long_quote, [paragraph]) and find_in(long_quote, paragraph))
    print(f"review case (20 kB quote not in a 100 kB paragraph): {review:.4f}s (difflib: >30 s)")


if __name__ == "__main__":
    main()

"""Benchmark: briefgen's whole build vs raw WeasyPrint on the same HTML, side by side.

Prints ratios (this machine is noisy; seconds alone mean little). Run:
    .venv/bin/python bench/bench_build.py [--root DIR] [--rounds N]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import weasyprint

from briefgen import pipeline
from briefgen.render import GuardedFetcher


def copy_project(root: Path, target: Path) -> Path:
    shutil.copy2(root / "briefgen.toml", target / "briefgen.toml")
    shutil.copytree(root / "content", target / "content")
    if (root / "templates").is_dir():
        shutil.copytree(root / "templates", target / "templates")
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    ours: list[float] = []
    raw: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        project = copy_project(args.root, Path(tmp))
        pipeline.build(project)  # warm-up: imports, font loading
        html_files = sorted((project / "output").glob("*.html"))
        for _ in range(args.rounds):
            # Interleave the two so drift on a busy machine hits both alike.
            start = time.perf_counter()
            result = pipeline.build(project)
            ours.append(time.perf_counter() - start)
            assert result.written
            start = time.perf_counter()
            for html in html_files:
                weasyprint.HTML(
                    string=html.read_text(encoding="utf-8"), url_fetcher=GuardedFetcher().make()
                ).write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True)
            raw.append(time.perf_counter() - start)
    ours_median, raw_median = statistics.median(ours), statistics.median(raw)
    print(f"briefs: {len(html_files)}, rounds: {args.rounds}")
    print(f"full build (check + HTML + PDF + atomic write): median {ours_median:.2f} s")
    print(f"raw WeasyPrint on the same HTML files:          median {raw_median:.2f} s")
    print(f"ratio build / raw WeasyPrint: {ours_median / raw_median:.3f}")


if __name__ == "__main__":
    main()

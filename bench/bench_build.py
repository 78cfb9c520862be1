"""Benchmark: briefgen builds measured side by side with raw WeasyPrint and peers.

Prints ratios (this 2-core machine is noisy; seconds alone mean little):
- full build at -j 1 ÷ raw WeasyPrint rendering the same HTML in one warm process;
- no-op rebuild ÷ full build, and one edited note ÷ full build;
- -j 2 ÷ -j 1;
- one edited note rebuilt in a process with a warm pool (``warm_pool()``) ÷ the CLI's;
- time per brief at the small vs the large set, and peak memory of the process tree;
- peers on the same briefs where they install: pandoc → WeasyPrint, Typst.

Synthetic sets repeat the seed project's one-pager and decision memo under new ids.
    .venv/bin/python bench/bench_build.py --quick     # 20 briefs, a few minutes
    .venv/bin/python bench/bench_build.py             # 20, 100 and 500 briefs
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from html import unescape
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BRIEFGEN = [sys.executable, "-m", "briefgen"]
TEMPLATES = ("trilateral-one-pager", "gsomia-decision-memo")


def make_project(target: Path, count: int) -> Path:
    """A copy of the seed project whose briefs are ``count`` renamed copies of two seeds."""
    shutil.copy2(REPO / "briefgen.toml", target / "briefgen.toml")
    shutil.copytree(REPO / "content", target / "content", ignore=shutil.ignore_patterns("briefs"))
    briefs = target / "content" / "briefs"
    briefs.mkdir()
    for index in range(count):
        seed = TEMPLATES[index % len(TEMPLATES)]
        text = (REPO / "content" / "briefs" / f"{seed}.md").read_text(encoding="utf-8")
        text = text.replace("\ntitle: ", f"\ntitle: No. {index} — ", 1)
        (briefs / f"{seed}-{index:03d}.md").write_text(text, encoding="utf-8")
    return target


def tree_rss(pid: int) -> int:
    """Resident memory of a process and all its descendants, in bytes."""
    total, stack, page = 0, [pid], os.sysconf("SC_PAGE_SIZE")
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/statm", encoding="ascii") as statm:
                total += int(statm.read().split()[1]) * page
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except (OSError, ValueError, IndexError):
            continue
        stack += [int(c) for c in children]
    return total


def run(args: list[str], root: Path) -> tuple[float, int]:
    """Wall time and peak process-tree memory of one briefgen command."""
    start = time.perf_counter()
    process = subprocess.Popen(
        [*BRIEFGEN, *args, "--root", str(root)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    peak = 0

    def sample() -> None:
        nonlocal peak
        while process.poll() is None:
            peak = max(peak, tree_rss(process.pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = process.communicate()
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"briefgen {' '.join(args)} failed:\n{err}")
    return time.perf_counter() - start, peak


def raw_weasyprint(html_files: list[Path]) -> float:
    """Raw WeasyPrint on the same HTML files, in one process, timed after a warm-up.

    Same fetcher, stylesheet and options as ``render_pdf``, without briefgen's checks
    and PDF/UA repair pass, which are part of what the ratio measures.
    """
    code = (
        "import sys, time, weasyprint\n"
        "from briefgen.render.html import PDF_VARIANT, GuardedFetcher, pdf_stylesheet\n"
        "files = sys.argv[1:]\n"
        "def go(p):\n"
        "    fetcher = GuardedFetcher()\n"
        "    weasyprint.HTML(string=open(p, encoding='utf-8').read(),\n"
        "        url_fetcher=fetcher.make()).write_pdf(stylesheets=[pdf_stylesheet(fetcher)],\n"
        "        pdf_variant=PDF_VARIANT, pdf_tags=True, custom_metadata=True)\n"
        "go(files[0])\n"
        "start = time.perf_counter()\n"
        "for p in files: go(p)\n"
        "print(time.perf_counter() - start)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, *map(str, html_files)],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(out.stdout.strip())


WARM = """
import sys, time
from pathlib import Path
from briefgen import pipeline
from briefgen.render.workers import warm_pool
from briefgen.text.csl import keep_processors_warm
root, pool = Path(sys.argv[1]), warm_pool(2)
keep_processors_warm()  # what serve does: one processor and one pool for every build
notes = root / "content" / "notes" / "klingner-gsomia.yaml"
seconds = []
for word in ("said", "stated"):  # two edits: the first build warms the pool
    text = notes.read_text(encoding="utf-8")
    notes.write_text(text.replace("Klingner wrote", f"Klingner {word}", 1), encoding="utf-8")
    start = time.perf_counter()
    assert pipeline.build(root, pool=pool).written
    seconds.append(time.perf_counter() - start)
    text = notes.read_text(encoding="utf-8")
    notes.write_text(text.replace(f"Klingner {word}", "Klingner wrote", 1), encoding="utf-8")
print(seconds[-1])
"""


def warm_rebuild(root: Path) -> float:
    """One note edited and built again in a process that keeps a warm pool and citation
    processor (``warm_pool()``, as ``serve`` and the tests can): seconds of the second."""
    out = subprocess.run(
        [sys.executable, "-c", WARM, str(root)], capture_output=True, text=True, check=True
    )
    return float(out.stdout.strip())


def _typst_source(html: Path, root: Path) -> Path:
    """The brief's visible text as a Typst document: a fair, simpler equivalent."""
    text = re.sub(r"<style>.*?</style>|<svg.*?</svg>", "", html.read_text("utf-8"), flags=re.S)
    body = []
    for tag, inner in re.findall(r"<(h1|h2|h3|p|li|td|th)[^>]*>(.*?)</\1>", text, flags=re.S):
        plain = unescape(re.sub(r"<[^>]+>", "", inner)).strip()
        plain = re.sub(r"([#$*_`@<>\[\]\\])", r"\\\1", plain)
        prefix = {"h1": "= ", "h2": "== ", "h3": "=== ", "li": "- "}.get(tag, "")
        if plain:
            body.append(prefix + plain)
    source = root / f"{html.stem}.typ"
    source.write_text('#set page(paper: "a4")\n' + "\n\n".join(body), encoding="utf-8")
    return source


def peers(root: Path, html_files: list[Path]) -> list[str]:
    lines = []
    if shutil.which("pandoc"):
        start = time.perf_counter()
        for brief in sorted((root / "content" / "briefs").glob("*.md")):
            html = root / f"{brief.stem}.pandoc.html"
            subprocess.run(["pandoc", str(brief), "-s", "-o", str(html)], check=True)
            subprocess.run(
                [sys.executable, "-m", "weasyprint", str(html), str(html) + ".pdf"],
                check=True,
                capture_output=True,
            )
        lines.append(
            f"pandoc → WeasyPrint (per-file processes): {time.perf_counter() - start:.2f} s"
        )
    else:
        lines.append("pandoc → WeasyPrint: pandoc not installed (apt-get install pandoc)")
    try:
        import typst  # type: ignore[import-not-found]
    except ImportError:
        lines.append("Typst: not installed (pip install typst)")
    else:
        sources = [_typst_source(html, root) for html in html_files]
        start = time.perf_counter()
        for source in sources:
            typst.compile(str(source))
        lines.append(
            f"Typst (same text and headings, in process): {time.perf_counter() - start:.2f} s"
        )
    return lines


def measure(count: int, report: list[str]) -> float:
    """Build a synthetic set; returns seconds per brief of the full -j 2 build."""
    with tempfile.TemporaryDirectory() as tmp:
        root = make_project(Path(tmp), count)
        full_j2, peak = run(["build", "-j", "2"], root)
        noop, _ = run(["build"], root)
        notes = root / "content" / "notes" / "klingner-gsomia.yaml"
        text = notes.read_text(encoding="utf-8")
        notes.write_text(text.replace("Klingner reported", "Klingner wrote", 1), encoding="utf-8")
        edited, _ = run(["build", "-j", "2"], root)
        report.append(
            f"{count} briefs: full build -j2 {full_j2:.1f} s, peak memory "
            f"{peak / 2**20:.0f} MiB; no-op {noop:.2f} s; one note edited {edited:.1f} s"
        )
        report.append(
            f"  no-op ÷ full: {noop / full_j2:.3f}   edited ÷ full: {edited / full_j2:.3f}"
        )
        if count <= 100:
            full_j1, _ = run(["build", "-j", "1", "--force"], root)
            html_files = sorted((root / "output").glob("*.html"))
            # the same pages briefgen lays out: each brief and its audit annex
            raw = raw_weasyprint(html_files + sorted((root / "output" / "annex").glob("*.html")))
            report.append(
                f"  full -j1 {full_j1:.1f} s vs raw WeasyPrint (warm, same HTML) {raw:.1f} s:"
                f" ratio {full_j1 / raw:.3f}"
            )
            report.append(f"  -j2 ÷ -j1: {full_j2 / full_j1:.3f}")
            warm = warm_rebuild(root)
            report.append(
                f"  one note edited, warm pool in one process {warm:.1f} s; ÷ cold CLI:"
                f" {warm / edited:.3f}"
            )
            if count <= 20:
                report += ["  " + line for line in peers(root, html_files)]
        return full_j2 / count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="only the 20-brief set")
    args = parser.parse_args()
    sizes = [20] if args.quick else [20, 100, 500]
    report: list[str] = []
    per_brief = {n: measure(n, report) for n in sizes}
    if len(sizes) > 1:
        report.append(
            f"time per brief, {sizes[-1]} ÷ {sizes[0]} briefs: "
            f"{per_brief[sizes[-1]] / per_brief[sizes[0]]:.3f}"
        )
    print("\n".join(report))
    print(f"(median per-brief time {statistics.median(per_brief.values()):.3f} s)")


if __name__ == "__main__":
    main()

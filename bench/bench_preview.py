"""Benchmark: the live preview's save → browser latency, beside a plain build of the same edit.

Drives a real ``briefgen serve`` on a copy of the repository's project (A) and headless
Chromium (the suite's DevTools-over-a-pipe driver, tests/checkers.py) showing the viewed
brief, over N edits of ten kinds of file (the viewed brief's Markdown and another's, two
notes files, an option, the criteria, the judgments, a source record, the house stylesheet,
briefgen.toml), each edit undone ten edits later. For each save it times:

- save → served HTML: the server's ``update`` event naming the viewed page (the page is
  rendered and served from then on);
- save → browser shows it: the open tab has swapped the new page in;
- save → PDF ready: the ``pdf`` event for the viewed brief's reader PDF;

then waits for serve's full build (output/) to finish, applies the same edit to a second
copy (B) and times a plain ``briefgen build`` of it: the incremental build a user runs.
Prints p50/p95 of each, and p50 ratios against the plain build, with the load average.

The peer: Typst's incremental compile of a comparable document (the viewed brief as Typst:
letter pages, its headings, paragraphs and list, and a table of the five options), over
the same number of edits, in the same run. With the ``typst`` CLI on PATH it runs
``typst watch`` and times save → PDF written; else, given ``--typst-python`` (a Python
with ``pip install typst``, e.g. a scratch venv, never briefgen's), the binding's
``Compiler`` (the same incremental engine ``typst watch`` uses) times save → PDF
written in process; with neither, the column is skipped and the way to install it printed.

    .venv/bin/python bench/bench_preview.py              # 20 edits
    .venv/bin/python bench/bench_preview.py --edits 8     # Ctrl-C: summary of the edits done
    .venv/bin/python bench/bench_preview.py --typst-python /tmp/typst-venv/bin/python
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BRIEFGEN = Path(sys.executable).parent / "briefgen"
VIEWED = "trilateral-one-pager"
TIMEOUT = 300.0

# (kind, file, text, replacement): ten kinds of file, each edited and, ten edits later,
# undone: 20 different saves that leave the project as it was.
PAIRS: list[tuple[str, str, str, str]] = [
    (
        "brief",
        "content/briefs/trilateral-one-pager.md",
        "Why real time matters",
        "Why live feeds matter",
    ),
    (
        "brief-other",
        "content/briefs/gsomia-decision-memo.md",
        "This memo does not make that a condition.",
        "This memo does not make it a condition.",
    ),
    (
        "note",
        "content/notes/klingner-gsomia.yaml",
        "South Korea announced that it would restart negotiations",
        "South Korea said that it would restart negotiations",
    ),
    ("note-other", "content/notes/mou-article.yaml", "heralded as a stride", "hailed as a stride"),
    ("option", "content/options/keep-2014-mou.yaml", "with no new pact.", "with no new treaty."),
    ("criteria", "content/criteria.yaml", "1: very low", "1: minimal"),
    (
        "judgment",
        "content/judgments.yaml",
        "The December 2014 arrangement was limited",
        "The December 2014 arrangement was narrow",
    ),
    ("source", "content/sources/mou-article.yaml", "it states no headline", "it gives no headline"),
    (
        "template",
        "templates/house.css",
        ".brief-type { color: var(--accent);",
        ".brief-type { color: #2b4a6f;",
    ),
    (
        "settings",
        "briefgen.toml",
        'title = "Trilateral intelligence-sharing options"',
        'title = "Trilateral intelligence sharing options"',
    ),
]
EDITS = PAIRS + [(f"{kind} (undo)", name, new, old) for kind, name, old, new in PAIRS]


def copy_project(target: Path) -> Path:
    target.mkdir(parents=True)
    shutil.copy2(REPO / "briefgen.toml", target / "briefgen.toml")
    shutil.copytree(REPO / "content", target / "content")
    shutil.copytree(REPO / "templates", target / "templates")
    return target


def replace(root: Path, name: str, old: str, new: str) -> None:
    path = root / name
    text = path.read_text("utf-8")
    if text.count(old) != 1:
        raise SystemExit(f"{name}: {old!r} must occur once")
    path.write_text(text.replace(old, new), "utf-8")


TYPST_HINT = (
    "Typst: not installed, its column is skipped. To add it, put the typst CLI on PATH "
    "(a release from https://github.com/typst/typst/releases) or make a scratch venv "
    "(python3 -m venv /tmp/typst-venv && /tmp/typst-venv/bin/pip install typst) and pass "
    "--typst-python /tmp/typst-venv/bin/python; never install it into briefgen's venv."
)
TYPST_EDIT = ("Why real time matters", "Why live feeds matter")
# Run by the Python given with --typst-python: an incremental compile per save, in process.
TYPST_BINDING = """
import json, pathlib, sys, time, typst
doc, pdf, count = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), int(sys.argv[3])
versions = json.loads(sys.argv[4])
compiler = typst.Compiler(str(doc))
pdf.write_bytes(compiler.compile())  # the first (cold) compile is not timed
times = []
for index in range(count):
    began = time.perf_counter()
    doc.write_text(versions[(index + 1) % 2], "utf-8")
    pdf.write_bytes(compiler.compile())
    times.append(time.perf_counter() - began)
    time.sleep(0.05)
print(json.dumps(times))
"""


def typst_versions(root: Path) -> list[str]:
    """The viewed brief as a comparable Typst document, before and after the edit."""
    text = (root / "content" / "briefs" / f"{VIEWED}.md").read_text("utf-8")
    _, front, body = text.split("---\n", 2)
    title = re.search(r"^title: (.+)$", front, re.MULTILINE)

    def escape(line: str) -> str:
        line = re.sub(r"\s*\[>?@[^\]]+\]", "", line)
        return re.sub(r"([\\#$*_<>@\[\]`~])", r"\\\1", line)

    lines = ['#set page(paper: "us-letter")', "#set text(size: 10.5pt)", ""]
    lines.append(f"= {escape(title[1] if title else VIEWED)}")
    for line in body.splitlines():
        if line.startswith("## "):
            lines.append(f"== {escape(line[3:])}")
        elif line.startswith("- "):
            lines.append(f"- {escape(line[2:])}")
        else:
            lines.append(escape(line))
    options = sorted((root / "content" / "options").glob("*.yaml"))
    cells = ["[*Option*]", "[*Crisis utility*]", "[*Seoul feasibility*]", "[*Reversibility*]"]
    for option in options:
        found = re.search(r"^title: (.+)$", option.read_text("utf-8"), re.MULTILINE)
        name = escape(found[1] if found else option.stem)
        cells += [f"[{name}]", "[moderate]", "[low]", "[high]"]
    lines += ["", "== Comparison", f"#table(columns: 4, {', '.join(cells)})", ""]
    document = "\n".join(lines)
    if document.count(TYPST_EDIT[0]) != 1:
        raise SystemExit(f"the Typst document must contain {TYPST_EDIT[0]!r} once")
    return [document, document.replace(*TYPST_EDIT)]


def typst_times(root: Path, folder: Path, count: int, python: str | None) -> list[float] | None:
    """Save → PDF written by Typst's incremental compile, per edit; None if not installed."""
    folder.mkdir()
    versions = typst_versions(root)
    doc, pdf = folder / "brief.typ", folder / "brief.pdf"
    doc.write_text(versions[0], "utf-8")
    cli = shutil.which("typst")
    if cli is not None:
        return _typst_watch(cli, doc, pdf, versions, count)
    if python is None:
        print(TYPST_HINT, flush=True)
        return None
    done = subprocess.run(
        [python, "-c", TYPST_BINDING, str(doc), str(pdf), str(count), json.dumps(versions)],
        check=True,
        capture_output=True,
        text=True,
    )
    return [float(t) for t in json.loads(done.stdout)]


def _typst_watch(cli: str, doc: Path, pdf: Path, versions: list[str], count: int) -> list[float]:
    watch = subprocess.Popen(
        [cli, "watch", str(doc), str(pdf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + TIMEOUT
        while not pdf.exists():
            if time.monotonic() > deadline:
                raise SystemExit("typst watch wrote no PDF")
            time.sleep(0.01)
        times = []
        for index in range(count):
            time.sleep(0.5)  # the last write is over
            before = pdf.stat().st_mtime_ns
            saved = time.monotonic()
            doc.write_text(versions[(index + 1) % 2], "utf-8")
            while pdf.stat().st_mtime_ns == before:
                if time.monotonic() - saved > TIMEOUT:
                    raise SystemExit("typst watch wrote no new PDF")
                time.sleep(0.001)
            times.append(time.monotonic() - saved)
        return times
    finally:
        watch.terminate()
        watch.wait(timeout=60)


def loadavg() -> str:
    return Path("/proc/loadavg").read_text().split()[0]


class Serve:
    """``briefgen serve`` on ``root``: its log lines and its events, time-stamped."""

    def __init__(self, root: Path) -> None:
        self.process = subprocess.Popen(
            [str(BRIEFGEN), "serve", "--root", str(root), "--port", "0"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[tuple[float, str]] = queue.Queue()
        self.log: list[tuple[float, str]] = []
        assert self.process.stderr is not None
        threading.Thread(target=self._read, daemon=True).start()
        self.port = 0
        while not self.port:
            _, line = self.lines.get(timeout=TIMEOUT)
            if found := re.search(r"serving http://127\.0\.0\.1:(\d+)/", line):
                self.port = int(found[1])
        self.events: list[tuple[float, str, dict[str, object]]] = []
        threading.Thread(target=self._events, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            stamped = (time.monotonic(), line.rstrip("\n"))
            self.log.append(stamped)
            self.lines.put(stamped)

    def _events(self) -> None:
        sock = socket.create_connection(("127.0.0.1", self.port))
        request = (
            f"GET /__briefgen/events?page={VIEWED}.html HTTP/1.1\r\n"
            f"Host: 127.0.0.1:{self.port}\r\n\r\n"
        )
        sock.sendall(request.encode())
        buffer = b""
        while chunk := sock.recv(65536):
            buffer += chunk
            while b"\n\n" in buffer:
                block, buffer = buffer.split(b"\n\n", 1)
                fields = dict(
                    line.split(": ", 1)
                    for line in block.decode().splitlines()
                    if ": " in line and not line.startswith(":")
                )
                if "event" in fields:
                    data = json.loads(fields["data"])
                    self.events.append((time.monotonic(), fields["event"], data))

    def wait_log(self, since: float, pattern: str) -> float:
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            for stamp, line in list(self.log):
                if stamp >= since and pattern in line:
                    return stamp
            time.sleep(0.05)
        raise SystemExit(
            f"serve never logged {pattern!r}; its log:\n"
            + "\n".join(line for _, line in self.log[-30:])
        )

    def wait_built(self, since: float, seen: int, edit: str) -> None:
        """Until serve's full build of the save is in output/; stops the bench if it fails."""
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            if any(s >= since and "output/ updated" in line for s, line in list(self.log)):
                return
            for _, event, data in self.events[seen:]:
                errors = [p for p in data.get("problems", []) if ": error: " in p]  # type: ignore[attr-defined]
                if event == "problems" and errors:
                    raise SystemExit(f"{edit}: serve's build failed:\n" + "\n".join(errors))
            time.sleep(0.05)
        raise SystemExit(f"{edit}: serve's build did not finish within {TIMEOUT} s")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=60)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--edits", type=int, default=20, help="saves to time (default 20)")
    parser.add_argument(
        "--typst-python",
        help="a Python with the typst package (pip install typst), for the Typst column "
        "when the typst CLI is not on PATH",
    )
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    from tests.checkers import chromium

    load_start = loadavg()
    with tempfile.TemporaryDirectory(prefix="bench-preview-") as scratch:
        served = copy_project(Path(scratch) / "a")
        plain = copy_project(Path(scratch) / "b")
        subprocess.run(
            [str(BRIEFGEN), "build", "--root", str(plain)], check=True, capture_output=True
        )
        serve = Serve(served)
        started = time.monotonic()
        serve.wait_log(0, "output/ updated")
        print(f"serve's first full build: {time.monotonic() - started:.1f} s", flush=True)
        rows: list[tuple[str, float, float, float, float]] = []
        with chromium() as browser:
            target = browser.call("Target.createTarget", url="about:blank")["targetId"]
            session = browser.call("Target.attachToTarget", targetId=target, flatten=True)[
                "sessionId"
            ]
            browser.call("Page.enable", session)
            browser.call(
                "Page.navigate", session, url=f"http://127.0.0.1:{serve.port}/{VIEWED}.html"
            )
            browser.wait_for("Page.loadEventFired", session)
            time.sleep(1)  # the tab's event stream is open
            try:
                for index in range(args.edits):
                    kind, name, old, new = EDITS[index % len(EDITS)]
                    swaps = browser.evaluate(session, "window.briefgenSwaps")
                    seen = len(serve.events)
                    saved = time.monotonic()
                    replace(served, name, old, new)
                    html = shown = pdf = None
                    deadline = saved + TIMEOUT
                    while (
                        html is None or shown is None or pdf is None
                    ) and time.monotonic() < deadline:
                        for stamp, event, data in serve.events[seen:]:
                            pages = data.get("pages", [])
                            if event == "update" and not pages and data.get("problems"):
                                problems = "\n".join(data["problems"])  # type: ignore[arg-type]
                                raise SystemExit(f"edit {index + 1} ({kind}) failed:\n{problems}")
                            if html is None and event == "update" and f"{VIEWED}.html" in pages:  # type: ignore[operator]
                                html = stamp - saved
                            if (
                                pdf is None
                                and event == "pdf"
                                and data.get("page") == f"{VIEWED}.html"
                            ):
                                pdf = stamp - saved
                        if (
                            shown is None
                            and browser.evaluate(session, "window.briefgenSwaps") > swaps
                        ):
                            shown = time.monotonic() - saved
                        time.sleep(0.01)
                    serve.wait_built(saved, seen, f"edit {index + 1} ({kind})")
                    replace(plain, name, old, new)
                    began = time.monotonic()
                    subprocess.run(
                        [str(BRIEFGEN), "build", "--root", str(plain)],
                        check=True,
                        capture_output=True,
                    )
                    built = time.monotonic() - began
                    if html is None or shown is None or pdf is None:
                        raise SystemExit(f"edit {index + 1} ({kind}): no update within {TIMEOUT} s")
                    rows.append((kind, html, shown, pdf, built))
                    print(
                        f"edit {index + 1:2} {kind:8} html {html:6.3f} s  browser {shown:6.3f} s  "
                        f"pdf {pdf:6.3f} s  plain build {built:6.2f} s  load {loadavg()}",
                        flush=True,
                    )
            except KeyboardInterrupt:  # Ctrl-C: the summary covers the edits done
                print("interrupted", flush=True)
            browser.call("Target.closeTarget", targetId=target)
        serve.stop()
        typst = (
            typst_times(served, Path(scratch) / "typst", len(rows), args.typst_python)
            if rows
            else None
        )
    load_end = loadavg()
    if not rows:
        return
    build = [r[4] for r in rows]
    ratios: dict[str, float] = {}
    print(f"\n{len(rows)} edits, load average {load_start} → {load_end} on {os.cpu_count()} cores")
    for label, column in (
        ("save → served HTML", 1),
        ("save → browser shows it", 2),
        ("save → PDF ready", 3),
        ("plain briefgen build", 4),
    ):
        values = [r[column] for r in rows]
        ratio = statistics.median(v / b for v, b in zip(values, build, strict=True))
        print(
            f"  {label:24} p50 {percentile(values, 0.5):7.3f} s"
            f"  p95 {percentile(values, 0.95):7.3f} s"
            + (f"  ÷ plain build (median of per-edit ratios) {ratio:.3f}" if column != 4 else "")
        )
        ratios[label] = ratio
    if typst:
        how = "typst watch" if shutil.which("typst") else "typst binding, in process"
        p50 = percentile(typst, 0.5)
        print(
            f"  {'Typst incremental':24} p50 {p50:7.3f} s  p95 {percentile(typst, 0.95):7.3f} s"
            f"  ({how}); save → browser shows it ÷ Typst (p50): "
            f"{percentile([r[2] for r in rows], 0.5) / p50:.0f}×"
        )
    for label, target in (("save → browser shows it", 0.05), ("save → PDF ready", 0.2)):
        verdict = "met" if ratios[label] <= target else "not met"
        print(f"  target {label} ≤ {target}× plain build: {verdict} ({ratios[label]:.3f}×)")


if __name__ == "__main__":
    main()

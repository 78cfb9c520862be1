"""Benchmark: the live preview's save → browser latency, beside a plain build of the same edit.

Drives a real ``briefgen serve`` on a copy of the repository's project (A) and headless
Chromium (the suite's DevTools-over-a-pipe driver, tests/checkers.py) showing the viewed
brief, over N edits of different file kinds (a brief's Markdown, a notes file, an option,
the house stylesheet), each edit undone by a later one. For each save it times:

- save → served HTML: the server's ``update`` event naming the viewed page (the page is
  rendered and served from then on);
- save → browser shows it: the open tab has swapped the new page in;
- save → PDF ready: the ``pdf`` event for the viewed brief's reader PDF;

then waits for serve's full build (output/) to finish, applies the same edit to a second
copy (B) and times a plain ``briefgen build`` of it: the incremental build a user runs.
Prints p50/p95 of each, and p50 ratios against the plain build, with the load average.

    .venv/bin/python bench/bench_preview.py              # 20 edits
    .venv/bin/python bench/bench_preview.py --edits 8     # Ctrl-C: summary of the edits done
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

# (file, text, replacement): each pair of rows is an edit and its undo.
EDITS: list[tuple[str, str, str, str]] = [
    (
        "brief",
        "content/briefs/trilateral-one-pager.md",
        "Why real time matters",
        "Why live feeds matter",
    ),
    (
        "brief",
        "content/briefs/trilateral-one-pager.md",
        "Why live feeds matter",
        "Why real time matters",
    ),
    (
        "note",
        "content/notes/klingner-gsomia.yaml",
        "South Korea announced that it would restart negotiations",
        "South Korea said that it would restart negotiations",
    ),
    (
        "note",
        "content/notes/klingner-gsomia.yaml",
        "South Korea said that it would restart negotiations",
        "South Korea announced that it would restart negotiations",
    ),
    ("option", "content/options/keep-2014-mou.yaml", "with no new pact.", "with no new treaty."),
    ("option", "content/options/keep-2014-mou.yaml", "with no new treaty.", "with no new pact."),
    ("template", "templates/house.css", "letter-spacing: -0.01em;", "letter-spacing: -0.02em;"),
    ("template", "templates/house.css", "letter-spacing: -0.02em;", "letter-spacing: -0.01em;"),
]


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

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=60)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--edits", type=int, default=20, help="saves to time (default 20)")
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
                    serve.wait_log(saved, "output/ updated")
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
    load_end = loadavg()
    if not rows:
        return
    build = [r[4] for r in rows]
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


if __name__ == "__main__":
    main()

"""The validators the suite runs on real output: Nu HTML Checker, axe-core in Chromium, pdfua.

Each is installed by the Makefile (``make test``): Debian ``chromium`` and a JRE through
``system-deps``, npm ``vnu-jar`` and ``axe-core`` through ``npm ci --ignore-scripts``
(``package-lock.json``), ``pdfua`` through ``uv.lock``. A missing tool fails the test
that needs it with the command that installs it; no check is ever skipped.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
VNU_JAR = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = REPO / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
HANG_GUARD_SECONDS = 300
WIDTHS = (1280, 390)


def require(path: Path | None, what: str) -> Path:
    """``path`` if it exists; otherwise fail (never skip) with how to install ``what``."""
    if path is None or not path.exists():
        pytest.fail(
            f"{what} is not installed ({path or 'not on PATH'}); `make test` installs it "
            "(make system-deps as root for chromium and Java; npm ci --ignore-scripts for "
            "vnu-jar and axe-core)",
            pytrace=False,
        )
    return path


# One short run of the checker: the JVM's quick compiler alone (C1) checks the seed's
# eight pages in about 11 s where the default tiered compilation takes 28 s (load 8,
# same messages); C1's frames are larger, so the checker's recursion gets a bigger stack.
JVM_OPTIONS = ("-XX:TieredStopAtLevel=1", "-Xss16m")


def vnu(pages: Sequence[Path]) -> list[str]:
    """Every error and warning of the Nu HTML Checker on ``pages`` (one JVM for all)."""
    jar = require(VNU_JAR, "vnu-jar (npm)")
    java = require(Path(shutil.which("java") or "/nonexistent"), "Java")
    run = subprocess.run(
        [str(java), *JVM_OPTIONS, "-jar", str(jar), "--format", "json", *map(str, pages)],
        capture_output=True,
        text=True,
        timeout=HANG_GUARD_SECONDS,
    )
    report = json.loads(run.stderr or run.stdout)
    messages = [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine', 0)}: {m['type']}"
        f"{'/' + m['subType'] if 'subType' in m else ''}: {m.get('message', '')}"
        for m in report["messages"]
        # "info" without a subtype is vnu's chatter (e.g. "trailing slash"); warnings count.
        if m["type"] != "info" or m.get("subType") == "warning"
    ]
    assert run.returncode in (0, 1), run.stderr[-2000:]
    return messages


class Chromium:
    """Headless Chromium driven over the DevTools protocol on a pipe (no network port)."""

    def __init__(self, profile: Path) -> None:
        found = next((shutil.which(n) for n in CHROMIUM_NAMES if shutil.which(n)), None)
        binary = require(Path(found) if found else None, "chromium (Debian package)")
        to_browser, self._to_browser = os.pipe()
        self._from_browser, from_browser = os.pipe()

        def pipes() -> None:  # the protocol's fixed descriptors: 3 in, 4 out
            # Copies first: the pipes themselves may already sit on 3 to 6.
            inbound, outbound = os.dup(to_browser), os.dup(from_browser)
            os.dup2(inbound, 3)  # dup2 clears close-on-exec on the target
            os.dup2(outbound, 4)

        self.process = subprocess.Popen(
            [
                str(binary),
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--remote-debugging-pipe",
                f"--user-data-dir={profile}",
                "--no-first-run",
                "--disable-extensions",
                "--hide-scrollbars",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--mute-audio",
                "about:blank",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=pipes,
            close_fds=False,
        )
        os.close(to_browser)
        os.close(from_browser)
        self._buffer = b""
        self._next = 0

    def call(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        """Send one command and return its result; events in between are dropped."""
        self._next += 1
        message: dict[str, Any] = {"id": self._next, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read()
            if reply.get("id") == self._next:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                result: dict[str, Any] = reply["result"]
                return result

    def wait_for(self, event: str, session: str) -> None:
        while True:
            reply = self._read()
            if reply.get("method") == event and reply.get("sessionId") == session:
                return

    def _read(self) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            ready, _, _ = select.select([self._from_browser], [], [], HANG_GUARD_SECONDS)
            if not ready:
                raise RuntimeError(f"chromium sent nothing for {HANG_GUARD_SECONDS} s")
            chunk = os.read(self._from_browser, 1 << 20)
            if not chunk:
                raise RuntimeError("chromium closed the DevTools pipe")
            self._buffer += chunk
        message, _, self._buffer = self._buffer.partition(b"\0")
        reply: dict[str, Any] = json.loads(message)
        return reply

    @contextmanager
    def page(self, path: Path, width: int) -> Iterator[str]:
        """A tab showing ``path`` at ``width`` CSS px (phone emulation under 600 px)."""
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        try:
            self.call(
                "Emulation.setDeviceMetricsOverride",
                session,
                width=width,
                height=900,
                deviceScaleFactor=1,
                mobile=width < 600,
            )
            self.call("Page.enable", session)
            self.call("Page.navigate", session, url=path.resolve().as_uri())
            self.wait_for("Page.loadEventFired", session)
            yield session
        finally:
            self.call("Target.closeTarget", targetId=target)

    def evaluate(self, session: str, expression: str) -> Any:
        reply = self.call(
            "Runtime.evaluate",
            session,
            expression=expression,
            awaitPromise=True,
            returnByValue=True,
        )
        if "exceptionDetails" in reply:
            raise RuntimeError(f"page script failed: {reply['exceptionDetails']}")
        return reply["result"].get("value")

    def close(self) -> None:
        with suppress(RuntimeError):
            self.call("Browser.close")
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._to_browser)
        os.close(self._from_browser)


@contextmanager
def chromium() -> Iterator[Chromium]:
    with tempfile.TemporaryDirectory(prefix="briefgen-chromium-") as profile:
        browser = Chromium(Path(profile))
        try:
            yield browser
        finally:
            browser.close()


# Every rule axe has, best practice included: no runOnly filter.
AXE_RUN = """
axe.run(document, {resultTypes: ['violations', 'passes']}).then(r => ({
  passes: r.passes.length,
  violations: r.violations.map(v => ({
    rule: v.id, impact: v.impact, tags: v.tags,
    nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5),
  })),
}))
"""


def axe(browser: Chromium, page: Path, width: int) -> dict[str, Any]:
    """axe-core's violations on ``page`` at ``width`` px and how many rules passed."""
    source = require(AXE_JS, "axe-core (npm)").read_text(encoding="utf-8")
    with browser.page(page, width) as session:
        browser.evaluate(session, source)
        result: dict[str, Any] = browser.evaluate(session, AXE_RUN)
    return result


# pdfua's empty-heading rule crashes on WeasyPrint PDFs (reported as skipped):
# pdf_structure.py checks empty headings itself. Any other skip fails the check.
PDFUA_KNOWN_CRASH = {"UA-14-001"}


def pdfua(path: Path) -> list[str]:
    """pdfua's errors and warnings on ``path``, and any rule it unexpectedly skipped."""
    from pdfua import Severity, validate

    report = validate(str(path))
    found = [
        f"{path.name}: {f.severity.name} {f.rule_id} p.{f.location.page}: {f.message}"
        for f in report.findings
        if f.severity >= Severity.WARNING
    ]
    found += [
        f"{path.name}: SKIPPED {o.rule_id}: {o.skipped_reason}"
        for o in report.skipped
        if o.rule_id not in PDFUA_KNOWN_CRASH
    ]
    return found


def print_pdf(browser: Chromium, page: Path) -> bytes:
    """``page`` printed by Chromium on A4 (what a reader gets from the browser's Print)."""
    import base64

    with browser.page(page, 1280) as session:
        reply = browser.call(
            "Page.printToPDF", session, preferCSSPageSize=True, printBackground=True
        )
    return base64.b64decode(reply["data"])

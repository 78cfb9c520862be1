"""What ``briefgen serve`` shows: preview pages rendered apart from output/, rebuilt on save.

Each save is handled in two steps:

1. the content is checked and every brief's HTML rendered into a private preview
   folder (outside the project), which the server shows at once;
2. a full build (``pipeline.build``: every brief, every format) replaces ``output/``,
   all at once and only when it succeeds.

So ``output/`` always holds one complete build (never new HTML beside old PDFs), while
the browser already shows the edit, with the build's problems listed in the page.
Any exception from either step is a bug in briefgen: its traceback goes to the
terminal, a summary to the page, and the last good pages stay on show.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from pathlib import Path

from briefgen import pipeline
from briefgen.render.cache import project_fingerprint
from briefgen.render.editions import render_page
from briefgen.render.sandbox import template_environment
from briefgen.text.csl import keep_processors_warm
from briefgen.write.scratch import Scratch

UNREADABLE = "unreadable: "


class Preview:
    """Builds the project when its inputs change and remembers the last outcome."""

    def __init__(self, root: Path, log: Callable[[str], None]) -> None:
        keep_processors_warm()  # every rebuild formats citations with the same processor
        self.root = root
        self.output = root / pipeline.OUTPUT_DIR
        self.log = log
        self.version = 0
        self.problems: list[str] = []
        self.fingerprint = ""
        self.lock = threading.Lock()
        # Outside the project, private, written the project writer's way (write/scratch.py).
        self._scratch = Scratch("briefgen-preview-")
        self._pages: Path | None = None
        self._serial = 0

    def close(self) -> None:
        """Remove the preview pages."""
        self._scratch.close()

    def html_folder(self) -> Path:
        """Where the preview pages are: the last preview, or output/ before the first."""
        with self.lock:
            return self._pages or self.output

    def rebuild_if_changed(self) -> bool:
        """Preview, then build, if any input changed since the last call."""
        fingerprint = self._fingerprint()
        if fingerprint == self.fingerprint:
            return False
        self.fingerprint = fingerprint
        if fingerprint.startswith(UNREADABLE):
            self._publish([fingerprint.removeprefix(UNREADABLE)])
            return True
        try:
            problems, ok = self._render_preview()
        except Exception:
            self._publish([self._bug("preview")])
            return True
        self._publish(problems)
        if not ok:
            return True  # the build would stop at the same errors
        try:
            result = pipeline.build(self.root, progress=self.log)
        except Exception:
            self._publish([*problems, self._bug("build")])
            return True
        if not result.up_to_date:
            self._publish([d.format() for d in result.diagnostics.sorted()])
        return True

    def watch(self, stop: threading.Event, interval: float = 0.5) -> None:
        while not stop.is_set():
            self.rebuild_if_changed()
            stop.wait(interval)

    def _fingerprint(self) -> str:
        try:
            return project_fingerprint(self.root, "serve")
        except OSError as exc:  # e.g. a file an editor is replacing; retried next poll
            return f"{UNREADABLE}cannot read the project: {exc}"

    def _render_preview(self) -> tuple[list[str], bool]:
        """Check the content and render every brief's HTML into a new preview folder."""
        failed = pipeline.finish_interrupted(self.root, self.log)  # else check reports it
        if failed is not None:
            return [d.format() for d in failed.sorted()], False
        result = pipeline.check(self.root)
        diagnostics, project = result.diagnostics, result.project
        if project is None or diagnostics.errors:
            return [d.format() for d in diagnostics.sorted()], False
        environment = template_environment(self.root)
        previous = self.html_folder() if self._pages else None
        self._serial += 1
        folder = self._scratch.new_folder(str(self._serial))
        for brief_id, view in sorted(result.views.items()):
            name = f"{brief_id}.html"
            page = render_page(project, view, environment, diagnostics)
            if page is None and previous is not None:  # keep its last good page
                kept = self._scratch.read(previous, name)
                if kept is not None:
                    self._scratch.write(folder, name, kept)
            elif page is not None:
                self._scratch.write(folder, name, page.encode("utf-8"))
        with self.lock:
            self._pages = folder
        if previous is not None:
            self._scratch.discard(previous)
        return [d.format() for d in diagnostics.sorted()], not diagnostics.errors

    def _publish(self, problems: list[str]) -> None:
        with self.lock:
            new = [p for p in problems if p not in self.problems]
            self.problems = problems
            self.version += 1
        if new:
            self.log("\n".join(new))

    def _bug(self, step: str) -> str:
        """Log the exception being handled with its traceback; its one-line summary."""
        self.log(
            f"internal error in the {step} (a bug in briefgen); still serving the last good "
            f"pages\n{traceback.format_exc().rstrip()}"
        )
        summary = traceback.format_exc().strip().splitlines()[-1]
        return (
            f"internal error in the {step} (a bug in briefgen; "
            f"the traceback is in the terminal): {summary}"
        )

"""What ``briefgen serve`` shows: preview pages rendered apart from output/, rebuilt on save.

A watcher thread (``watchfiles``: inotify, FSEvents or ReadDirectoryChangesW, never a
poll of every file) collects the paths a save changed; the main thread then handles the
save in steps, the brief being viewed first:

1. the content is checked;
2. the viewed brief's HTML is rendered into a private preview folder (outside the
   project) and the browser told at once (one event per save and page, ``events``);
   then every other brief's HTML;
3. the viewed brief's reader PDF is laid out on a warm worker into the preview folder
   (and the PDF cache, so the build below reuses it) and the browser told;
4. a full build (``pipeline.build``: every brief, every format) replaces ``output/``,
   all at once and only when it succeeds.

A newer save cancels whatever of this is left (``Superseded``): a half-done build is
dropped, never written to ``output/``. So ``output/`` always holds one complete build,
while the browser already shows the edit, with the build's problems at the top of the
page. Any exception from a step is a bug in briefgen: its traceback goes to the
terminal, a summary to the page, and the last good pages stay on show.
"""

from __future__ import annotations

import json
import os
import queue
import threading
import traceback
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from briefgen import pipeline
from briefgen.incremental import Incremental
from briefgen.render.cache import CACHE_DIR, PdfCache, pdf_key, project_fingerprint
from briefgen.render.editions import render_page
from briefgen.render.sandbox import template_environment
from briefgen.text.csl import keep_processors_warm
from briefgen.write.lock import Busy, project_lock
from briefgen.write.scratch import Scratch

if TYPE_CHECKING:
    from briefgen.render.workers import WorkerPool

T = TypeVar("T")
UNREADABLE = "unreadable: "
DEBOUNCE_MS = 30  # a save is often several writes (temp file, rename, chmod): one change
KEPT_EVENTS = 64  # a stream that resumes further back than this gets the latest state
WATCHED = ("briefgen.toml", "content", "templates")


class Superseded(Exception):
    """A newer save arrived: the work for this one is stale and dropped."""


@dataclass(frozen=True)
class Event:
    """One message to the open pages (server-sent events): ``kind`` and JSON data."""

    id: int
    kind: str  # "update" (pages re-rendered), "problems", "pdf" (a preview PDF is ready)
    data: str


class Preview:
    """Builds the project when its inputs change and remembers the last outcome."""

    def __init__(self, root: Path, log: Callable[[str], None]) -> None:
        keep_processors_warm()  # every rebuild formats citations with the same processor
        self.root = root
        self.output = root / pipeline.OUTPUT_DIR
        self.log = log
        self.problems: list[str] = []
        self.fingerprint = ""
        self.lock = threading.Lock()
        self.changed = threading.Condition(self.lock)  # notified on each new event
        self.events: deque[Event] = deque(maxlen=KEPT_EVENTS)
        self.closing = False
        # The page last opened or followed by a browser tab ("memo.html"): rendered first.
        self.viewed = ""
        # Outside the project, private, written the project writer's way (write/scratch.py).
        self._scratch = Scratch("briefgen-preview-")
        self._pages: dict[str, Path] = {}  # page name → its file in the scratch folder
        self._pdfs: dict[str, Path] = {}  # brief id → its preview PDF
        self._folders: list[Path] = []
        self._serial = 0
        self._saves: queue.Queue[set[str]] = queue.Queue()
        self._pool: WorkerPool | None = None
        # The check kept between saves: re-reads every input, recomputes what changed.
        self._checker = Incremental(root)
        self._changed: set[str] = set()  # what the save being handled changed

    @property
    def version(self) -> int:
        """The id of the last event (0 before the first)."""
        with self.lock:
            return self.events[-1].id if self.events else 0

    def newest(self) -> int:
        """The last event's id; the caller holds ``lock`` (``changed``)."""
        return self.events[-1].id if self.events else 0

    def close(self) -> None:
        """End the event streams, stop the warm worker, remove the preview pages."""
        with self.lock:
            self.closing = True
            self.changed.notify_all()
        if self._pool is not None:
            self._pool.close()
            self._pool = None
        self._scratch.close()

    def page_file(self, name: str) -> Path | None:
        """The preview's file for page ``name`` (``memo.html``), if it has rendered one."""
        with self.lock:
            return self._pages.get(name)

    def page_names(self) -> list[str]:
        with self.lock:
            return sorted(self._pages)

    def pdf_file(self, brief_id: str) -> Path | None:
        with self.lock:
            return self._pdfs.get(brief_id)

    def view(self, page: str) -> None:
        """A tab opened or follows ``page``: the next save renders it first."""
        if page.endswith(".html") and "/" not in page:
            self.viewed = page

    def events_since(self, last: int) -> list[Event]:
        """Events after id ``last``; only the latest when the stream is too far behind."""
        with self.lock:
            newer = [e for e in self.events if e.id > last]
            if newer and self.events and newer[0].id != last + 1:
                updates = [e for e in newer if e.kind == "update"]
                return updates[-1:] or newer[-1:]
            return newer

    # -- watching -----------------------------------------------------------------------

    def watch(self, stop: threading.Event) -> None:
        """Rebuild now and after every save until ``stop`` is set."""
        watcher = threading.Thread(target=self._watch_files, args=(stop,), daemon=True)
        watcher.start()
        try:
            self.rebuild_if_changed()
            while not stop.is_set():
                try:
                    paths = self._saves.get(timeout=0.2)
                except queue.Empty:
                    continue
                self.rebuild_if_changed(paths)
        finally:
            stop.set()
            watcher.join(timeout=5)

    def _watch_files(self, stop: threading.Event) -> None:
        from watchfiles import watch

        roots = [self.root / name for name in WATCHED if (self.root / name).exists()]
        try:
            for changes in watch(
                *roots,
                debounce=DEBOUNCE_MS,
                step=10,
                stop_event=stop,
                rust_timeout=500,
                yield_on_timeout=False,
                raise_interrupt=False,
            ):
                self.saved({path for _change, path in changes})
        except Exception:  # the watcher is gone: say so, and fall back to polling
            self.log(
                f"cannot watch the project for changes; polling it instead\n"
                f"{traceback.format_exc().rstrip()}"
            )
            while not stop.wait(0.5):
                self.saved(set())

    def saved(self, paths: set[str]) -> None:
        """A save changed ``paths``: what is left of the one being handled is stale."""
        self._saves.put(paths)

    def _drain(self) -> set[str]:
        paths: set[str] = set()
        while True:
            try:
                paths |= self._saves.get_nowait()
            except queue.Empty:
                return paths

    def _check_stale(self) -> None:
        """Raise ``Superseded`` if another save is waiting (checked between steps)."""
        if not self._saves.empty():
            raise Superseded

    # -- one save -------------------------------------------------------------------------

    def rebuild_if_changed(self, paths: Iterable[str] = ()) -> bool:
        """Preview, then build, if any input changed since the last call (``paths``: what
        the save changed, with every save waiting since)."""
        paths = {*paths, *self._drain()}
        self._changed = paths
        fingerprint = self._fingerprint()
        if fingerprint == self.fingerprint:
            return False
        self.fingerprint = fingerprint
        root = self.root.resolve()
        changed = sorted(str(Path(p).relative_to(root)) for p in paths if _inside(p, root))
        if changed:
            self.log(f"changed: {', '.join(changed[:5])}{' …' if len(changed) > 5 else ''}")
        try:
            self._rebuild(fingerprint)
        except Superseded:
            self.fingerprint = ""  # the next save rebuilds whatever it changed
            self.log("a newer save arrived: the rest of this one is dropped")
        return True

    def _rebuild(self, fingerprint: str) -> None:
        if fingerprint.startswith(UNREADABLE):
            self._publish([fingerprint.removeprefix(UNREADABLE)], [])
            return
        try:
            problems, ok = self._render_preview()
        except Superseded:
            raise
        except Exception:
            self._publish([self._bug("preview")], [])
            return
        if not ok:
            return  # the build would stop at the same errors
        self._check_stale()
        try:
            result = pipeline.build(self.root, progress=self._progress, pool=self._workers())
        except Superseded:
            raise
        except Exception:
            self._publish([*problems, self._bug("build")], None)
            return
        if not result.up_to_date:
            found = [d.format() for d in result.diagnostics.sorted()]
            if found != self.problems:
                self._publish(found, None)
            if result.written:
                self.log("output/ updated")

    def _progress(self, message: str) -> None:
        self.log(message)
        self._check_stale()

    def _fingerprint(self) -> str:
        try:
            return project_fingerprint(self.root, "serve")
        except OSError as exc:  # e.g. a file an editor is replacing; retried next save
            return f"{UNREADABLE}cannot read the project: {exc}"

    def _render_preview(self) -> tuple[list[str], bool]:
        """Check the content; render the viewed brief's HTML, then the others'."""
        from briefgen.load.fonts import FontSet
        from briefgen.render.fonts import fonts_css

        failed = pipeline.finish_interrupted(self.root, self.log)  # else check reports it
        if failed is not None:
            problems = [d.format() for d in failed.sorted()]
            self._publish(problems, [])
            return problems, False
        result = self._checker.check(self._changed)
        diagnostics, project = result.diagnostics, result.project
        if project is None or diagnostics.errors:
            problems = [d.format() for d in diagnostics.sorted()]
            self._publish(problems, [])
            return problems, False
        self._check_stale()
        environment = template_environment(self.root)
        fonts = result.fonts or FontSet()
        families = fonts_css(fonts)
        self._serial += 1
        folder = self._scratch.new_folder(str(self._serial))
        self._folders.append(folder)
        viewed = self.viewed.removesuffix(".html")
        order = sorted(result.views, key=lambda i: (i != viewed, i))
        first = True
        for brief_id in order:
            if not first:
                self._check_stale()  # a newer save re-renders them all anyway
            name = f"{brief_id}.html"
            page = render_page(
                project, result.views[brief_id], environment, diagnostics, families=families
            )
            if page is not None:
                self._scratch.write(folder, name, page.encode("utf-8"))
                with self.lock:
                    self._pages[name] = folder / name
            if first:  # the viewed brief is on show: tell its tab now
                first = False
                problems = [d.format() for d in diagnostics.sorted()]
                self._publish(problems, [name], done=len(order) == 1)
                if brief_id == viewed and page is not None:
                    self._preview_pdf(project, brief_id, page, fonts, folder)
        rest = [f"{i}.html" for i in order[1:]]
        problems = [d.format() for d in diagnostics.sorted()]
        if rest or not order:
            self._publish(problems, rest)
        with self.lock:
            self._pages = {n: p for n, p in self._pages.items() if n[:-5] in result.views}
        self._discard_old()
        return problems, not diagnostics.errors

    def _workers(self) -> WorkerPool:
        """The render workers kept across saves (WeasyPrint stays imported): the preview
        PDF and every full build use them; a [fonts] change recycles them."""
        if self._pool is None:
            from briefgen.render.workers import WorkerPool

            self._pool = WorkerPool(os.cpu_count() or 1)
        return self._pool

    def _preview_pdf(
        self, project: object, brief_id: str, page: str, fonts: object, folder: Path
    ) -> None:
        """The viewed brief's reader PDF on the warm worker, into the preview folder and the
        PDF cache (under the project lock), keyed as the build keys it so the build reuses
        it. Skipped when a character has no font: the build reports that."""
        from briefgen.load.fonts import FontSet
        from briefgen.model.project import Project
        from briefgen.render.fonts import printed_characters, uncovered
        from briefgen.render.workers import Job, Reply
        from briefgen.write.fonts import font_configs

        assert isinstance(project, Project) and isinstance(fonts, FontSet)
        if uncovered(printed_characters(page), fonts):
            return
        key = pdf_key(page, fonts=f"{fonts.digest} ")
        cache = PdfCache(self.root)
        pdf = None if (self.root / CACHE_DIR).is_symlink() else cache.get(key)
        if pdf is None:
            conf = self._locked(lambda: font_configs(self.root / CACHE_DIR, fonts)[0])
            if conf is None:
                return  # another build holds the project, or it can't be written: the build says
            pool = self._workers()
            pool.use_fonts(fonts.digest)
            replies: list[Reply] = []
            limits = project.settings.limits
            pool.run(
                [Job(brief_id, page, str(conf))],
                replies.append,
                seconds=limits.render_seconds,
                memory_bytes=limits.render_memory_mb * 2**20,
                at_most=1,
            )
            pdf = replies[0].pdf if replies else None
            if pdf is None:
                return  # the build reports why
            self._locked(lambda: cache.put(key, pdf))
        self._scratch.write(folder, f"{brief_id}.pdf", pdf.data)
        with self.lock:
            self._pdfs[brief_id] = folder / f"{brief_id}.pdf"
        self._event("pdf", {"page": f"{brief_id}.html", "pdf": f"__briefgen/pdf/{brief_id}.pdf"})

    def _locked(self, step: Callable[[], T]) -> T | None:
        """``step`` under the project lock; None if a build holds it or it can't write."""
        if (self.root / CACHE_DIR).is_symlink():
            return None
        try:
            with project_lock(self.root, wait=False, waiting=lambda: None):
                return step()
        except (Busy, OSError):
            return None

    def _discard_old(self) -> None:
        """Remove scratch folders no page or PDF is served from any more."""
        with self.lock:
            used = {p.parent for p in self._pages.values()} | {
                p.parent for p in self._pdfs.values()
            }
        for folder in self._folders[:-2]:  # the last two stay: a tab may be reading them
            if folder not in used:
                self._scratch.discard(folder)
                self._folders.remove(folder)

    def _publish(self, problems: list[str], pages: list[str] | None, done: bool = True) -> None:
        """Tell the pages: ``pages`` were re-rendered (each tab showing one swaps it in),
        or only the problems changed (``None``); an empty list means nothing rendered
        (the last good pages stay, under the problems). ``done``: the save's last pages."""
        with self.lock:
            new = [p for p in problems if p not in self.problems]
            self.problems = problems
        kind = "problems" if pages is None else "update"
        self._event(kind, {"pages": pages or [], "problems": problems, "done": done})
        if new:
            self.log("\n".join(new))

    def _event(self, kind: str, data: dict[str, object]) -> None:
        with self.lock:
            last = self.events[-1].id if self.events else 0
            self.events.append(Event(last + 1, kind, json.dumps(data)))
            self.changed.notify_all()

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


def _inside(path: str, root: Path) -> bool:
    try:
        return Path(path).is_relative_to(root)
    except ValueError:
        return False

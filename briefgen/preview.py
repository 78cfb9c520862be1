"""What ``briefgen serve`` shows: preview pages rendered apart from output/, rebuilt on save.

A watcher thread (``watchfiles``: inotify, FSEvents or ReadDirectoryChangesW, never a
poll of every file) collects the paths a save changed; the main thread then handles the
save in steps, the brief being viewed first:

1. the content is checked;
2. the viewed brief's HTML is rendered into a private preview folder (outside the
   project) and the browser told at once (one event per save and page, ``events``);
   then every other brief's HTML;
3. the viewed brief's reader PDF is laid out on a warm worker into the preview folder
   (and the PDF cache, so the build below reuses it) and the browser told; then its
   annex and every other brief's PDFs, each told as it comes (``previewpdf``);
4. a full build (``pipeline.build``: every brief, every format) replaces ``output/``,
   all at once and only when it succeeds.

A newer save cancels whatever of this is left (``Superseded``): a half-done build is
dropped, never written to ``output/``. So ``output/`` always holds one complete build,
while the browser already shows the edit, with the build's problems at the top of the
page. Any exception from a step is a bug in briefgen: its traceback goes to the
terminal, a summary to the page, and the last good pages stay on show.
"""

from __future__ import annotations

import queue
import re
import threading
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from briefgen import pipeline
from briefgen.diagnostics import Diagnostics
from briefgen.events import Event, EventHub
from briefgen.incremental import Incremental
from briefgen.model.records import ID_PATTERN
from briefgen.previewpdf import PDF_PREFIX, PdfPage, PreviewPdfs
from briefgen.render.cache import project_fingerprint
from briefgen.render.editions import ANNEX, EDITIONS, render_page
from briefgen.render.sandbox import template_environment
from briefgen.text.csl import keep_processors_warm
from briefgen.write.scratch import Scratch

if TYPE_CHECKING:
    from briefgen.analyse.views import BriefView
    from briefgen.load.fonts import FontSet
    from briefgen.model.project import Project

__all__ = ["Event", "Preview", "Superseded"]

UNREADABLE = "unreadable: "
DEBOUNCE_MS = 30  # a save is often several writes (temp file, rename, chmod): one change
WATCHED = ("briefgen.toml", "content", "templates")
EDITION = re.compile(rf"(?:{ANNEX}/)?{ID_PATTERN.strip('^$')}")  # an edition's output name


class Superseded(Exception):
    """A newer save arrived: the work for this one is stale and dropped."""


class Preview(EventHub):
    """Builds the project when its inputs change and remembers the last outcome."""

    def __init__(self, root: Path, log: Callable[[str], None]) -> None:
        super().__init__()
        keep_processors_warm()  # every rebuild formats citations with the same processor
        self.root = root
        self.output = root / pipeline.OUTPUT_DIR
        self.log = log
        self.fingerprint = ""
        # The page last opened or followed by a browser tab ("memo.html"): rendered first.
        self.viewed = ""
        # Outside the project, private, written the project writer's way (write/scratch.py).
        self._scratch = Scratch("briefgen-preview-")
        self._pages: dict[str, Path] = {}  # page name → its file in the scratch folder
        self.pdfs = PreviewPdfs(root, self._scratch)
        self._folders: list[Path] = []
        self._serial = 0
        self._saves: queue.Queue[set[str]] = queue.Queue()
        # The check kept between saves: re-reads every input, recomputes what changed.
        self._checker = Incremental(root)
        self._changed: set[str] = set()  # what the save being handled changed

    def close(self) -> None:
        """End the event streams, stop the warm workers, remove the preview pages."""
        self.end_streams()
        self.pdfs.close()
        self._scratch.close()

    def page_file(self, name: str) -> Path | None:
        """The preview's file for page ``name`` (``memo.html``), if it has rendered one."""
        with self.lock:
            return self._pages.get(name)

    def page_names(self) -> list[str]:
        with self.lock:
            return sorted(self._pages)

    def pdf_file(self, name: str) -> Path | None:
        """The PDF of edition ``name`` (``memo``, ``annex/memo``): the preview's, else
        the last full build's in output/ (served only if output/ lists it)."""
        if not EDITION.fullmatch(name):
            return None
        file = self.pdfs.file(name)
        return file if file is not None else self.output / f"{name}.pdf"

    def view(self, page: str) -> None:
        """A tab opened or follows ``page``: the next save renders it first."""
        if page.endswith(".html") and "/" not in page:
            self.viewed = page

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
            result = pipeline.build(self.root, progress=self._progress, pool=self.pdfs.workers())
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
        readers: dict[str, str] = {}  # brief id → its reader page, for the PDFs below
        for brief_id in order:
            if not first:
                self._check_stale()  # a newer save re-renders them all anyway
            name = f"{brief_id}.html"
            page = render_page(
                project, result.views[brief_id], environment, diagnostics, families=families
            )
            if page is not None:
                readers[brief_id] = page
                self._scratch.write(folder, name, page.encode("utf-8"))
                with self.lock:
                    self._pages[name] = folder / name
            if first:  # the viewed brief is on show: tell its tab now
                first = False
                problems = [d.format() for d in diagnostics.sorted()]
                self._publish(problems, [name], done=len(order) == 1)
                if brief_id == viewed and page is not None:
                    self._pdfs(project, [PdfPage(brief_id, brief_id, page)], fonts, folder)
        rest = [f"{i}.html" for i in order[1:]]
        problems = [d.format() for d in diagnostics.sorted()]
        if rest or not order:
            self._publish(problems, rest)
        with self.lock:
            self._pages = {n: p for n, p in self._pages.items() if n[:-5] in result.views}
        self.pdfs.forget(list(result.views))
        if not diagnostics.errors:
            self._check_stale()
            done = viewed if viewed in readers else ""
            later = self._later_pdfs(project, result.views, families, order, readers, done)
            self._pdfs(project, later, fonts, folder)
        self._discard_old()
        return problems, not diagnostics.errors

    def _later_pdfs(
        self,
        project: Project,
        views: Mapping[str, BriefView],
        families: str,
        order: list[str],
        readers: dict[str, str],
        done: str,
    ) -> Iterator[PdfPage]:
        """Every edition's page but the viewed brief's reader (``done``), in ``order``:
        each brief's reader page, then its annex (rendered here, as the build will)."""
        environment = template_environment(self.root)
        for brief_id in order:
            for prefix, template in EDITIONS:
                name = f"{prefix}{brief_id}"
                if template is None:
                    page = readers.get(brief_id) if brief_id != done else None
                else:
                    self._check_stale()
                    page = render_page(
                        project,
                        views[brief_id],
                        environment,
                        Diagnostics(self.root),  # its problems are the build's to report
                        template,
                        families=families,
                    )
                if page is not None:
                    yield PdfPage(brief_id, name, page)

    def _pdfs(
        self, project: Project, pages: Iterable[PdfPage], fonts: FontSet, folder: Path
    ) -> None:
        """Lay out ``pages`` on the warm workers (``previewpdf``); a ``pdf`` event for each."""

        def ready(name: str, key: str | None, error: str) -> None:
            brief = name.rpartition("/")[2]
            self.event(
                "pdf",
                {
                    "name": name,
                    "page": f"{brief}.html" if name == brief else None,
                    "pdf": f"{PDF_PREFIX}{name}.pdf" if key else None,
                    "key": (key or "")[:16],
                    "error": error,
                },
            )

        self.pdfs.render(project, list(pages), fonts, folder, ready, self._check_stale)

    def _discard_old(self) -> None:
        """Remove scratch folders no page or PDF is served from any more."""
        with self.lock:
            used = {p.parent for p in self._pages.values()}
        used |= self.pdfs.folders()
        for folder in self._folders[:-2]:  # the last two stay: a tab may be reading them
            if folder not in used:
                self._scratch.discard(folder)
                self._folders.remove(folder)

    def _publish(self, problems: list[str], pages: list[str] | None, done: bool = True) -> None:
        """Tell the pages: ``pages`` were re-rendered (each tab showing one swaps it in),
        or only the problems changed (``None``); an empty list means nothing rendered
        (the last good pages stay, under the problems). ``done``: the save's last pages."""
        new = self.set_problems(problems)
        kind = "problems" if pages is None else "update"
        self.event(kind, {"pages": pages or [], "problems": problems, "done": done})
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


def _inside(path: str, root: Path) -> bool:
    try:
        return Path(path).is_relative_to(root)
    except ValueError:
        return False

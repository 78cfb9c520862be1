"""The live preview's PDFs: laid out on warm workers ahead of the build, served under
``/__briefgen/pdf/``.

``briefgen serve`` keeps one pool of render workers across saves (WeasyPrint stays
imported; a ``[fonts]`` change recycles them). After a save it asks for the viewed
brief's reader PDF first, alone, then its annex and every other brief's PDFs, two at
a time. Each PDF goes into the preview's private scratch folder and into the PDF cache
(under the project lock), keyed as the build keys it, so the full build that follows
takes it from the cache. ``output/`` is never written here.

A newer save cancels what is left (``check_stale`` raises ``Superseded``, checked as
each PDF arrives): the workers still rendering are ended and fresh ones started at
once, so they import WeasyPrint while the next save is checked.
"""

from __future__ import annotations

import contextlib
import functools
import os
import threading
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar, cast

from briefgen.render.cache import CACHE_DIR, PdfCache, pdf_key
from briefgen.write.lock import Busy, project_lock
from briefgen.write.scratch import Scratch

if TYPE_CHECKING:
    from briefgen.load.fonts import FontSet
    from briefgen.model.project import Project
    from briefgen.render.workers import Job, Reply, WorkerPool

T = TypeVar("T")
PDF_PREFIX = "__briefgen/pdf/"
NO_FONT = "a character of this brief is in no declared font: the build's report says which"
BUSY = (
    "the preview could not write the PDF cache (another briefgen command holds the "
    "project?): the PDF comes with the build"
)


@dataclass(frozen=True)
class PdfPage:
    """One edition of a brief to lay out: ``name`` is its output name without suffix
    (the brief's id, or ``annex/<id>``)."""

    brief: str
    name: str
    html: str


# Told as each PDF is ready or has failed: (edition name, cache key or None, error or "").
Ready = Callable[[str, str | None, str], None]


class PreviewPdfs:
    """The preview's PDFs by edition name, and the warm workers that lay them out."""

    def __init__(self, root: Path, scratch: Scratch) -> None:
        self.root = root
        self._scratch = scratch
        self._lock = threading.Lock()
        self._files: dict[str, Path] = {}  # edition name → its PDF in the scratch folder
        self._keys: dict[str, str] = {}  # edition name → its PDF's cache key
        self._pool: WorkerPool | None = None

    def file(self, name: str) -> Path | None:
        """The preview PDF of edition ``name`` (``memo``, ``annex/memo``), if any."""
        with self._lock:
            return self._files.get(name)

    def key(self, name: str) -> str:
        """The short key of the preview PDF of ``name`` (what a ``pdf`` event names)."""
        with self._lock:
            return self._keys.get(name, "")[:16]

    def folders(self) -> set[Path]:
        """The scratch folders some PDF is served from."""
        with self._lock:
            return {p.parent for p in self._files.values()}

    def forget(self, briefs: Sequence[str]) -> None:
        """Drop the PDFs of briefs the project no longer has."""
        with self._lock:
            self._files = {n: p for n, p in self._files.items() if n.rpartition("/")[2] in briefs}
            self._keys = {n: k for n, k in self._keys.items() if n in self._files}

    def workers(self) -> WorkerPool:
        """The render workers kept across saves: the preview PDFs and every full build
        use them."""
        if self._pool is None:
            from briefgen.render.workers import WorkerPool

            self._pool = WorkerPool(os.cpu_count() or 1)
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool = None

    def render(
        self,
        project: Project,
        pages: Sequence[PdfPage],
        fonts: FontSet,
        folder: Path,
        ready: Ready,
        check_stale: Callable[[], None],
    ) -> None:
        """Lay out ``pages`` (from the cache when it has them), each into ``folder`` and
        the cache; ``ready`` is told of each as it comes. Raises ``Superseded`` (from
        ``check_stale``) when a newer save is waiting."""
        from briefgen.render.fonts import printed_characters, uncovered
        from briefgen.render.workers import Job, Reply
        from briefgen.write.fonts import font_configs

        cache = PdfCache(self.root)
        jobs: list[Job] = []
        keys: dict[str, str] = {}
        for page in pages:
            check_stale()
            if uncovered(printed_characters(page.html), fonts):
                ready(page.name, None, NO_FONT)
                continue
            key = keys[page.name] = pdf_key(page.html, fonts=f"{fonts.digest} ")
            hit = None if (self.root / CACHE_DIR).is_symlink() else cache.get(key)
            if hit is not None:
                self._keep(folder, page.name, hit.data, key)
                ready(page.name, key, "")
            else:
                jobs.append(Job(page.name, page.html, ""))
        if not jobs:
            return
        conf = self._locked(lambda: font_configs(self.root / CACHE_DIR, fonts)[0])
        if conf is None:
            for job in jobs:
                ready(job.key, None, BUSY)
            return
        pool = self.workers()
        pool.use_fonts(fonts.digest)
        limits = project.settings.limits
        # A generator: closed early, it ends its busy workers (WorkerPool.stream).
        replies = cast(
            "Generator[Reply | Job, None, None]",
            pool.stream(
                [Job(j.key, j.html, str(conf)) for j in jobs],
                seconds=limits.render_seconds,
                memory_bytes=limits.render_memory_mb * 2**20,
                at_most=len(jobs),
            ),
        )
        try:
            with contextlib.closing(replies):
                for reply in replies:
                    assert isinstance(reply, Reply)
                    pdf, key = reply.pdf, keys[reply.key]
                    if pdf is None:
                        error = reply.error
                        ready(reply.key, None, error.message if error else "failed")
                    else:
                        self._locked(functools.partial(cache.put, key, pdf))
                        self._keep(folder, reply.key, pdf.data, key)
                        ready(reply.key, key, "")
                    check_stale()
        except BaseException:
            pool.start()  # fresh workers import WeasyPrint while the next save is checked
            raise

    def _keep(self, folder: Path, name: str, data: bytes, key: str) -> None:
        prefix, _, brief = name.rpartition("/")
        file = f"{brief}.{prefix}.pdf" if prefix else f"{brief}.pdf"  # ids have no dot
        self._scratch.write(folder, file, data)
        with self._lock:
            self._files[name] = folder / file
            self._keys[name] = key

    def _locked(self, step: Callable[[], T]) -> T | None:
        """``step`` under the project lock; None if a build holds it or it can't write."""
        if (self.root / CACHE_DIR).is_symlink():
            return None
        try:
            with project_lock(self.root, wait=False, waiting=lambda: None):
                return step()
        except (Busy, OSError):
            return None

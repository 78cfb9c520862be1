"""Citations formatted by a CSL processor: notes and source lists in a citation style.

Source records become CSL-JSON items (``items.py``); citeproc-js formats them in the
style set by ``[citations] style`` (Chicago notes and bibliography by default), and
every fragment it returns is rebuilt from an allowlist into ``Html``
(``markdown.csl_html``), so a hostile title cannot inject markup.

Use one ``Citations`` per build, and close it (``with Citations(...) as citations:``):
the processor's child process (~200 MB with the Chicago style, ~1 s to start) lives
until then. A process that builds again and again (``serve``, the tests) calls
``keep_processors_warm()``: a closed ``Citations`` then leaves its processor for the
next build that uses the same style, one per style; a processor that failed, hit a
limit or was interrupted is stopped instead, and those left warm stop when the process
exits. A one-shot ``build`` does not keep it: its PDFs render without the 200 MB.

Given a ``store`` (the project's cache folder), ``Citations`` starts its processor only
when a note or entry is asked for that the store does not hold (``stored.py``), and
keeps what it formatted there when closed.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Literal, NoReturn, Self

from briefgen.model.settings import DEFAULT_CITATION_STYLE, SHIPPED_CITATION_STYLES
from briefgen.text.csl.child import asset
from briefgen.text.csl.engine import CALL_SECONDS, CitationEngineError, Engine
from briefgen.text.csl.items import csl_item
from briefgen.text.csl.stored import (
    ReplyStore,
    entry_key,
    read_replies,
    request_key,
    write_replies,
)
from briefgen.text.markdown import Html, csl_html

__all__ = [
    "CitationEngineError",
    "CitationProcessorError",
    "CitationStyleError",
    "Citations",
    "Cite",
    "Style",
    "csl_item",
    "keep_processors_warm",
    "shipped_style",
]


@dataclass(frozen=True)
class Cite:
    """One citation of a source: each becomes its own note."""

    source_id: str
    locator: str | None  # a paragraph number or a heading
    label: Literal["paragraph", "section"] = "paragraph"


@dataclass(frozen=True)
class Style:
    """A CSL style: a shipped one by name, or a project's ``.csl`` file (read by load)."""

    name: str  # the setting's value: a shipped name or the project-relative path
    xml: str
    shipped: bool


class CitationStyleError(Exception):
    """A style that the processor cannot use: the user fixes the file, or (``code``
    ``citations.style-too-costly``) gives it more time."""

    def __init__(self, style: Style, message: str, code: str = "citations.style-invalid") -> None:
        super().__init__(f"citation style '{style.name}' cannot be used: {message}")
        self.style = style
        self.message = message
        self.code = code


class CitationProcessorError(Exception):
    """The processor could not start or ended: the machine's limits, not the style."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _first_line(detail: str) -> str:
    lines = detail.strip().splitlines()
    return re.sub(r"^<anonymous>:\d+: ", "", lines[0] if lines else detail)


def shipped_style(name: str = DEFAULT_CITATION_STYLE) -> Style:
    """A style shipped in ``briefgen/assets/csl``."""
    if name not in SHIPPED_CITATION_STYLES:
        raise ValueError(f"no shipped citation style named {name!r}")
    return Style(name, asset(f"{name}.csl"), shipped=True)


# Processors left warm by closed ``Citations``, by process and the SHA-256 of their
# style. A forked child (a render worker) inherits the parent's entries but never takes,
# stops or drops them: they stay referenced, so no finalizer of its copy stops the
# parent's processor.
_WARM: dict[tuple[int, str], Engine] = {}
_WARM_LOCK = threading.Lock()
_KEEP_WARM = False


def keep_processors_warm(keep: bool = True) -> None:
    """Whether a ``Citations`` closed from now on leaves its processor warm (see above)."""
    global _KEEP_WARM
    _KEEP_WARM = keep


def _take_warm(style: str) -> Engine | None:
    with _WARM_LOCK:
        engine = _WARM.pop((os.getpid(), style), None)
    if engine is not None and not engine.usable:
        engine.close()
        return None
    return engine


def _leave_warm(style: str, engine: Engine) -> None:
    key = (os.getpid(), style)
    with _WARM_LOCK:
        displaced = _WARM.pop(key, None)
        _WARM[key] = engine
    if displaced is not None:  # two builds at once: keep one processor a style
        displaced.close()


class Citations:
    """Notes and bibliography entries for a set of CSL items, in one style."""

    def __init__(
        self,
        items: Mapping[str, dict[str, Any]],
        style: str | Style = DEFAULT_CITATION_STYLE,
        seconds: float = CALL_SECONDS,
        *,
        warm: bool = True,
        store: ReplyStore | None = None,
    ) -> None:
        """``seconds``: what formatting every note and entry may take together.

        ``warm``: take a processor an earlier build left warm for this style, and leave
        this one so when closed (if ``keep_processors_warm()``); ``False`` starts a
        processor of its own and stops it on close. ``store``: formatted citations kept
        between runs; with one, the processor starts only when one is missing there.
        """
        self.items = dict(items)
        self.style = shipped_style(style) if isinstance(style, str) else style
        self.seconds = seconds
        self._closed = False
        self._warm_key = hashlib.sha256(self.style.xml.encode()).hexdigest() if warm else None
        self._store = store
        self._stored_key = entry_key(self.style.xml, self.items) if store else ""
        self._replies = read_replies(store.get(self._stored_key), self._stored_key) if store else {}
        self._formatted = False  # a reply this store does not hold yet
        self._started: Engine | None = None
        if store is None:
            self._start()

    @property
    def _engine(self) -> Engine:
        """The processor, started (or taken warm) when first needed."""
        return self._started if self._started is not None else self._start()

    def _start(self) -> Engine:
        engine = _take_warm(self._warm_key) if self._warm_key else None
        if engine is not None:
            engine.renew(self.seconds)
        else:
            try:
                engine = Engine(self.style.xml, self.seconds)
            except CitationEngineError as exc:
                self._raise(exc, "starting")
        self._started = engine
        return engine

    def _stored(self, function: str, argument: object, most: int, exact: bool) -> list[str] | None:
        """The stored reply to a request, if it has as many strings as it must."""
        reply = self._replies.get(request_key(function, argument))
        if reply is None or len(reply) > most or (exact and len(reply) != most):
            return None
        return reply

    def _keep(self, function: str, argument: object, reply: list[str]) -> None:
        if self._store is not None:
            self._replies[request_key(function, argument)] = reply
            self._formatted = True

    def _raise(self, exc: CitationEngineError, doing: str) -> NoReturn:
        """The project's error for a failure of the processor, or ``exc`` for a bug."""
        if exc.kind == "process":
            raise CitationProcessorError(
                f"the citation processor failed while {doing}: {exc.detail}"
            ) from exc
        if exc.kind == "cost":
            raise CitationStyleError(
                self.style,
                f"formatting citations in this style is too costly: {exc.detail}. A style "
                "whose macros call one another over and over multiplies its work: simplify "
                + (
                    "it"
                    if "memory" in exc.detail
                    else f"it, or raise [limits] citation_seconds (now {self.seconds:g} s)"
                ),
                "citations.style-too-costly",
            ) from exc
        if self.style.shipped or exc.kind == "bug":
            raise exc  # our own style, or our exchange with the processor, failed
        raise CitationStyleError(self.style, _first_line(exc.detail)) from exc

    def notes(self, cites: Sequence[Cite]) -> list[Html]:
        """One note per cite, in order: a source's first note in full, later ones short."""
        self._known(cite.source_id for cite in cites)
        asked = [(cite.source_id, cite.locator, cite.label) for cite in cites]
        raw = self._stored("notes", asked, len(asked), exact=True)
        if raw is None:
            try:
                raw = self._engine.notes(self.items, asked)
            except CitationEngineError as exc:
                self._raise(exc, "formatting notes")
            self._keep("notes", asked, raw)
        return [csl_html(note) for note in raw]

    def bibliography(self, source_ids: Sequence[str]) -> list[Html]:
        """One entry per source, sorted as the style sorts."""
        self._known(source_ids)
        asked = list(source_ids)
        entries = self._stored("bibliography", asked, len(set(asked)), exact=False)
        if entries is None:
            try:
                entries = self._engine.bibliography(self.items, asked)
            except CitationEngineError as exc:
                self._raise(exc, "formatting the bibliography")
            self._keep("bibliography", asked, entries)
        return [csl_html(entry) for entry in entries]

    def _known(self, ids: Any) -> None:
        missing = sorted(set(ids) - self.items.keys())
        if missing:
            raise KeyError(f"no CSL item for {missing}")

    def close(self) -> None:
        """Leave the processor warm for the next build, or stop it (idempotent)."""
        if self._closed:
            return
        self._closed = True
        if self._store is not None and self._formatted:
            self._store.put(self._stored_key, write_replies(self._stored_key, self._replies))
        engine, key = self._started, self._warm_key
        if engine is None:
            return
        if key is not None and _KEEP_WARM and engine.usable:
            _leave_warm(key, engine)
        else:
            engine.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

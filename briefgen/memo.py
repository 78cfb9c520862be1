"""Reuse of pure steps across the re-checks of one process (``briefgen serve``).

A step's result is kept under a key made of the *content* of exactly what the step reads
(the text of a file, a brief's inputs' digests, the cites of a note), never of a file's
name or time alone: a re-check that reuses it therefore gets what computing it again
would give, by construction. Nothing is kept outside the process (no pickle, no cache
folder), so a hostile project can plant nothing here.

The table is active only inside ``active(memo)`` (incremental.py); everywhere else
``memoized`` just computes, so ``briefgen check`` and ``build`` are untouched. Each
re-check starts a generation: what the previous one used is kept, anything older is
dropped, so the table holds about one project's worth of results.
"""

from __future__ import annotations

import copy
import hashlib
import secrets
from collections import Counter
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


class Memo:
    """Results of pure steps, by kind and content key; the inputs the current run read."""

    def __init__(self) -> None:
        self._kept: dict[tuple[str, Hashable], object] = {}  # the previous run's
        self._used: dict[tuple[str, Hashable], object] = {}  # this run's
        self.hits: Counter[str] = Counter()
        self.misses: Counter[str] = Counter()
        self.reads: dict[Path, str] = {}  # path → sha256 of the text this run read

    def begin(self) -> None:
        """A new run: keep what the last one used, drop the rest, forget its reads."""
        self._kept, self._used = self._used, {}
        self.hits.clear()
        self.misses.clear()
        self.reads = {}

    def get(self, kind: str, key: Hashable, compute: Callable[[], T]) -> T:
        slot = (kind, key)
        if slot in self._used:
            found = self._used[slot]
        elif slot in self._kept:
            found = self._used[slot] = self._kept[slot]
        else:
            self.misses[kind] += 1
            value = compute()
            self._used[slot] = value
            return value
        self.hits[kind] += 1
        return found  # type: ignore[return-value]

    def digest(self, leave_out: frozenset[Path] = frozenset()) -> str:
        """One digest of every input this run read, but those in ``leave_out``."""
        kept = (f"{p}\0{sha}" for p, sha in sorted(self.reads.items()) if p not in leave_out)
        return hashlib.sha256("\n".join(kept).encode("utf-8", "surrogatepass")).hexdigest()


_ACTIVE: ContextVar[Memo | None] = ContextVar("briefgen_memo", default=None)


@contextmanager
def active(memo: Memo) -> Iterator[Memo]:
    """Run with ``memo`` as the table of reusable results (one run, one generation)."""
    memo.begin()
    token = _ACTIVE.set(memo)
    try:
        yield memo
    finally:
        _ACTIVE.reset(token)


def current() -> Memo | None:
    return _ACTIVE.get()


def memoized(kind: str, key: Hashable, compute: Callable[[], T], *, fresh: bool = False) -> T:
    """``compute()``, or its kept result for ``key`` (the content it reads) in a re-check.

    ``fresh``: the result is a mutable value its caller may change; each caller gets its
    own deep copy, and the kept one stays as computed.
    """
    memo = _ACTIVE.get()
    if memo is None:
        return compute()
    if not fresh:
        return memo.get(kind, key, compute)
    return copy.deepcopy(memo.get(kind, key, lambda: copy.deepcopy(compute())))


def record_read(path: Path, text: str) -> None:
    """A re-check read ``text`` from ``path``: it goes into the digests of what it feeds."""
    memo = _ACTIVE.get()
    if memo is not None:
        memo.reads[path] = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def record_unsettled(path: Path) -> None:
    """``path`` changed while a re-check read it: no digest that includes it matches."""
    memo = _ACTIVE.get()
    if memo is not None:
        memo.reads[path] = f"unsettled {secrets.token_hex(16)}"

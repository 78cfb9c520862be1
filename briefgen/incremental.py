"""The check of a project that is edited and checked again and again (``briefgen serve``).

``Incremental(root).check(changed)`` gives what ``queries.check(root)`` gives (the same
diagnostics, the same views) but reuses, from the checks it made before in this process,
the results of the costly pure steps whose inputs are unchanged (memo.py):

- the parse of each content file and of briefgen.toml, keyed on the file's text;
- the sentence split of each paragraph (validate/attribution.py, likelihood.py) and the
  match of each quote in its paragraph (validate/content.py), keyed on the texts;
- the notes and bibliography the citation processor formats, keyed on the style, every
  CSL item and the cites;
- each brief's scoring matrix (ranking, sensitivity, robustness; analyse/scoring.py),
  keyed on the criteria, the sensitivity settings and its options' titles and scores;
- each brief's view (its analysis: sections, endnotes, citations, annex), keyed on the
  digest of every file the check read except the *other* briefs: editing a brief
  analyses that brief alone.

The cheap cross-file checks (ids, references, scoring, holders, audit) run again on the
whole project each time, so nothing depends on knowing what a change can reach: the keys
are the content of what each step reads, and a file the watcher failed to report is still
read and compared. ``changed`` (the paths the watcher saw) is kept for the log.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from briefgen.memo import Memo, active, memoized
from briefgen.queries import Result, check
from briefgen.text.csl import Citations, Cite
from briefgen.text.markdown import Html


class ReusedCitations(Citations):
    """Citations that reuse what the processor formatted in an earlier re-check.

    The processor is given every CSL item and the style on each request and rebuilds its
    state from them (text/csl/engine.py), so a note is a function of the style, the
    items and the cites: that is its key."""

    _items_key: str | None = None

    def _key(self) -> str | None:
        if self._items_key is None:
            try:
                text = json.dumps(self.items, sort_keys=True, ensure_ascii=False)
            except (TypeError, ValueError):
                return None  # an item that is not plain data: computed, not kept
            self._items_key = hashlib.sha256((self.style.xml + "\0" + text).encode()).hexdigest()
        return self._items_key

    def notes(self, cites: Sequence[Cite]) -> list[Html]:
        key = self._key()
        if key is None:
            return super().notes(cites)
        formatted = super().notes
        return list(memoized("cite-notes", (key, tuple(cites)), lambda: tuple(formatted(cites))))

    def bibliography(self, source_ids: Sequence[str]) -> list[Html]:
        key = self._key()
        if key is None:
            return super().bibliography(source_ids)
        formatted = super().bibliography
        found = memoized(
            "cite-bibliography", (key, tuple(source_ids)), lambda: tuple(formatted(source_ids))
        )
        return list(found)


class Incremental:
    """One project's check, kept between saves (see the module's docstring)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.memo = Memo()
        self.changed: tuple[str, ...] = ()

    def check(self, changed: Iterable[str | Path] = ()) -> Result:
        """What ``queries.check(root)`` gives, reusing the unchanged inputs' results."""
        self.changed = tuple(sorted(str(path) for path in changed))
        with active(self.memo):
            return check(self.root, citations_type=ReusedCitations)

    def reused(self) -> dict[str, Any]:
        """How many results of each kind the last check reused and computed."""
        kinds = sorted({*self.memo.hits, *self.memo.misses})
        return {kind: (self.memo.hits[kind], self.memo.misses[kind]) for kind in kinds}

"""citeproc-js, the CSL processor, run in an embedded V8 (mini-racer).

The JavaScript engine has no filesystem, network or process access: it sees only the
processor's source, one style, one locale and the items we hand it, as JSON strings.
It runs under a heap limit and a time limit per call; a failure is a bug in briefgen
(or in the processor), so it propagates as ``CitationEngineError`` with its traceback.

Why citeproc-js in V8 and not citeproc-py or QuickJS: docs/toolchain.md.
"""

from __future__ import annotations

import json
import weakref
from collections.abc import Mapping, Sequence
from functools import cache
from importlib import resources
from typing import Any

from py_mini_racer import MiniRacer

ASSETS = "assets/csl"
LOCALE = "en-US"
# Building the engine for the Chicago style takes ~140 MB of V8 heap and ~1 s; these
# bounds leave room for that and stop a runaway style or item well before the machine.
HEAP_LIMIT_BYTES = 512 * 1024 * 1024
CALL_SECONDS = 60.0

_GLUE = """
var module = {exports: {}};
var exports = module.exports;
"""

_SETUP = """
var CSL = module.exports;
var BG = {items: {}, locale: %(locale)s};
BG.sys = {
  retrieveLocale: function (lang) { return lang === 'en-US' ? BG.locale : false; },
  retrieveItem: function (id) { return BG.items[id]; }
};
BG.engine = new CSL.Engine(BG.sys, %(style)s, 'en-US', true);
BG.engine.opt.development_extensions.wrap_url_and_doi = true;
BG.engine.setOutputFormat('html');
BG.notes = function (cites) {
  var citations = cites.map(function (cite, index) {
    var item = {id: cite.id};
    if (cite.locator !== null) { item.locator = cite.locator; item.label = cite.label; }
    return {citationID: 'c' + index, citationItems: [item], properties: {noteIndex: index + 1}};
  });
  var out = BG.engine.rebuildProcessorState(citations, 'html');
  return JSON.stringify(out.map(function (row) { return row[2]; }));
};
BG.bibliography = function (ids) {
  BG.engine.updateItems(ids);
  var made = BG.engine.makeBibliography();
  return JSON.stringify(made ? made[1] : []);
};
'ok';
"""


class CitationEngineError(RuntimeError):
    """citeproc-js failed: an internal error, shown with its traceback."""


@cache
def asset(name: str) -> str:
    """A vendored file from ``briefgen/assets/csl`` (see its SOURCES.md)."""
    return (resources.files("briefgen") / ASSETS / name).read_text(encoding="utf-8")


def _js_string(text: str) -> str:
    """``text`` as a JavaScript string literal (JSON is a subset of JavaScript)."""
    return json.dumps(text)


class Engine:
    """One citeproc-js processor for one style; items are replaced per call."""

    def __init__(self, style_xml: str) -> None:
        self._racer = MiniRacer()
        # Closed at exit at the latest: a MiniRacer left to the interpreter's teardown can
        # hang the process on its way out.
        weakref.finalize(self, self._racer.close)
        self._racer.set_hard_memory_limit(HEAP_LIMIT_BYTES)
        self._eval(_GLUE + asset("citeproc.js"))
        self._eval(
            _SETUP
            % {"locale": _js_string(asset("locales-en-US.xml")), "style": _js_string(style_xml)}
        )

    def _eval(self, code: str) -> Any:
        try:
            return self._racer.eval(code, timeout_sec=CALL_SECONDS)
        except Exception as exc:
            reached = self._racer.was_hard_memory_limit_reached()
            limit = f" (heap limit of {HEAP_LIMIT_BYTES} bytes reached)" if reached else ""
            raise CitationEngineError(f"citeproc-js failed{limit}: {exc}") from exc

    def _call(self, function: str, items: Mapping[str, dict[str, Any]], argument: object) -> Any:
        code = (
            f"BG.items = JSON.parse({_js_string(json.dumps(items))});"
            f"BG.{function}(JSON.parse({_js_string(json.dumps(argument))}))"
        )
        result = self._eval(code)
        if not isinstance(result, str):
            raise CitationEngineError(f"citeproc-js returned {type(result).__name__}, not JSON")
        return json.loads(result)

    def notes(
        self, items: Mapping[str, dict[str, Any]], cites: Sequence[tuple[str, str | None, str]]
    ) -> list[str]:
        """One HTML note per (item id, locator, label), each its own footnote, in order."""
        argument = [{"id": i, "locator": loc, "label": label} for i, loc, label in cites]
        notes = self._call("notes", items, argument)
        return [str(note) for note in notes]

    def bibliography(self, items: Mapping[str, dict[str, Any]], ids: Sequence[str]) -> list[str]:
        """The HTML entries for ``ids``, in the style's order."""
        return [str(entry) for entry in self._call("bibliography", items, list(ids))]

    def close(self) -> None:
        self._racer.close()

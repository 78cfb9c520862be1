"""The citation processor's child process: citeproc-js in V8 (mini-racer) for one
style, answering the parent's requests (``engine.py`` starts it, times it and reads its
replies)."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from functools import cache
from importlib import resources
from multiprocessing.connection import Connection
from typing import Any

from briefgen.limits import die_with, restore_address_space

ASSETS = "assets/csl"
# Building the engine for the Chicago style takes ~140 MB of V8 heap and ~1 s; these
# bounds leave room for that and stop a runaway style or item well before the machine.
HEAP_LIMIT_BYTES = 512 * 1024 * 1024

SETUP = """
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
  var notes = [];
  for (var i = 0; i < citations.length; i += 1) {
    if (!out[i] || typeof out[i][2] !== 'string') {
      throw new Error('citeproc-js formatted ' + out.length + ' of ' + citations.length +
                      ' citations (none for citation ' + (i + 1) + ')');
    }
    notes.push(out[i][2]);
  }
  return JSON.stringify(notes);
};
BG.bibliography = function (ids) {
  BG.engine.updateItems(ids);
  var made = BG.engine.makeBibliography();
  return JSON.stringify(made ? made[1] : []);
};
'ok';
"""


@cache
def asset(name: str) -> str:
    """A vendored file from ``briefgen/assets/csl`` (see its SOURCES.md)."""
    return (resources.files("briefgen") / ASSETS / name).read_text(encoding="utf-8")


def _js_string(text: str) -> str:
    """``text`` as a JavaScript string literal (JSON is a subset of JavaScript)."""
    return json.dumps(text)


class TooCostly(Exception):
    """The style needed more heap or time than it is given (in the child)."""


class _Processor:
    """citeproc-js in one V8 context: lives in the child process only."""

    def __init__(self, style_xml: str) -> None:
        from py_mini_racer import MiniRacer  # V8 is loaded in the child only

        self.racer = MiniRacer()
        self.racer.set_hard_memory_limit(HEAP_LIMIT_BYTES)
        self.eval("var module = {exports: {}}; var exports = module.exports;")
        self.eval(asset("citeproc.js"))
        locale = _js_string(asset("locales-en-US.xml"))
        self.eval(SETUP % {"locale": locale, "style": _js_string(style_xml)})

    def eval(self, code: str, seconds: float | None = None) -> Any:
        """Run ``code``; with ``seconds``, stopped after that long by the clock. The
        processor's own calls pass none: V8's limit is by the clock, which a loaded
        machine runs past, so the parent counts the child's processor time instead and
        stops a child that goes over it, or that makes no progress."""
        from py_mini_racer import JSOOMException, JSTimeoutException

        try:
            return self.racer.eval(code, timeout_sec=seconds)
        except JSTimeoutException as exc:
            raise TooCostly(f"it was still running after {seconds} s by the clock") from exc
        except Exception as exc:
            if self.racer.was_hard_memory_limit_reached() or isinstance(exc, JSOOMException):
                raise TooCostly(
                    f"it needed more than {HEAP_LIMIT_BYTES // 2**20} MB of memory"
                ) from exc
            raise

    def call(
        self, seconds: float | None, function: str, items: Mapping[str, Any], argument: object
    ) -> Any:
        # citeproc-js fetches each item afresh on every call (retrieveItem): a processor
        # kept warm sees an edited source in the next build (tests/test_csl.py).
        result = self.eval(
            f"BG.items = JSON.parse({_js_string(json.dumps(items))});"
            f"BG.{function}(JSON.parse({_js_string(json.dumps(argument))}))",
            seconds,
        )
        if not isinstance(result, str):
            raise TypeError(f"citeproc-js returned {type(result).__name__}, not JSON")
        return json.loads(result)


def serve(
    connection: Connection, parent: int, parent_end: Connection, style_xml: str, log: int
) -> None:
    """The child: build the processor, then answer calls until told to stop.

    Every request is ``(number, function, items, argument)`` and its reply
    ``(number, status, value)``: the parent checks that the reply is to its request.
    """
    die_with(parent)
    restore_address_space()  # a template's temporary limit in the parent is not ours
    parent_end.close()  # otherwise a dead parent's pipe never reads as closed
    try:
        # V8 dies with a page of native stack on stderr when it cannot reserve its
        # memory: that goes to ``log``, for the parent to quote one line of.
        stderr = os.dup(2)
        os.dup2(log, 2)
        try:
            processor = _Processor(style_xml)
        finally:
            os.dup2(stderr, 2)
            os.close(stderr)
    except TooCostly as exc:
        connection.send((0, "cost", str(exc)))
        return
    except Exception as exc:
        connection.send((0, "style", str(exc)))
        return
    connection.send((0, "ok", None))
    while True:
        try:
            request = connection.recv()
        except EOFError:  # the parent is gone
            break
        if request is None:
            break
        number, *call = request
        try:
            connection.send((number, "ok", processor.call(*call)))
        except TooCostly as exc:
            connection.send((number, "cost", str(exc)))
            connection.close()
            # The parent asks nothing more; V8's stopped run would still call back into
            # the racer's closed event loop while it closes, printing to the build's stderr.
            os._exit(0)
        except Exception as exc:
            connection.send((number, "style", f"{type(exc).__name__}: {exc}"))
    processor.racer.close()

"""Test-only: each diagnostic code a briefgen subprocess of the test suite raises.

``tests/conftest.py`` puts this folder first on ``PYTHONPATH`` and names a file in
``BRIEFGEN_TEST_CODES``; Python imports ``sitecustomize`` at start-up in every process
the tests start (the CLI, `serve`, render workers). This appends each new code that
process raises to that file, at once (a process may end with ``os._exit`` or be
killed). The session check of codes no test raised reads the file.

It imports nothing of briefgen itself: it patches ``Diagnostics`` when the process
imports ``briefgen.diagnostics`` (a no-op build must import no stage, and a test says
so). Outside the test suite the variable is unset and this does nothing; it is never
part of the package.
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import os
import sys
from types import ModuleType
from typing import Any

TARGET = "briefgen.diagnostics"


def _patch(module: ModuleType, record: str) -> None:
    diagnostics = module.Diagnostics
    seen: set[str] = set()
    add = diagnostics._add

    def recording_add(self: Any, diagnostic: Any) -> None:
        if diagnostic.code not in seen:
            seen.add(diagnostic.code)
            try:
                with open(record, "a", encoding="utf-8") as codes:
                    codes.write(diagnostic.code + "\n")
            except OSError:  # never the cause of a failure in the process under test
                pass
        add(self, diagnostic)

    diagnostics._add = recording_add


class _PatchOnImport(importlib.abc.MetaPathFinder):
    def __init__(self, record: str) -> None:
        self.record = record

    def find_spec(self, name: str, path: Any, target: Any = None) -> Any:
        if name != TARGET:
            return None
        sys.meta_path.remove(self)  # find the real module, once
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            return spec
        loader: Any = spec.loader
        execute = loader.exec_module

        def exec_module(module: ModuleType) -> None:
            execute(module)
            _patch(module, self.record)

        loader.exec_module = exec_module
        return spec


if os.environ.get("BRIEFGEN_TEST_CODES"):
    sys.meta_path.insert(0, _PatchOnImport(os.environ["BRIEFGEN_TEST_CODES"]))

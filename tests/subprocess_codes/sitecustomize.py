"""Test-only: each diagnostic code a briefgen subprocess of the test suite raises.

``tests/conftest.py`` puts this folder first on ``PYTHONPATH`` and names a file in
``BRIEFGEN_TEST_CODES``; Python imports ``sitecustomize`` at start-up in every process
the tests start (the CLI, `serve`, render workers), and this appends each new code that
process raises to that file, at once (a process may end with ``os._exit`` or be killed).
The session check of codes no test raised reads the file. Outside the test suite the
variable is unset and this does nothing; it is never part of the package.
"""

from __future__ import annotations

import os


def _install(record: str) -> None:
    try:
        from briefgen.diagnostics import Diagnostic, Diagnostics
    except ImportError:  # a Python without briefgen (the wheel check's fresh venv)
        return
    seen: set[str] = set()
    add = Diagnostics._add

    def recording_add(self: Diagnostics, diagnostic: Diagnostic) -> None:
        if diagnostic.code not in seen:
            seen.add(diagnostic.code)
            try:
                with open(record, "a", encoding="utf-8") as codes:
                    codes.write(diagnostic.code + "\n")
            except OSError:  # never the cause of a failure in the process under test
                pass
        add(self, diagnostic)

    Diagnostics._add = recording_add  # type: ignore[method-assign]


if os.environ.get("BRIEFGEN_TEST_CODES"):
    _install(os.environ["BRIEFGEN_TEST_CODES"])

"""Hostile content: every vector in tests/hostile/ builds safely or fails with our diagnostic.

Each case is a folder laid over the minimal project, with ``expect.txt`` holding the
exact diagnostics (or ``ok``). Placeholders: ``@SECRET_FILE@`` (a file outside the
project holding the secret), ``@SECRET@`` (the secret), ``@TRAP@`` (host:port of an HTTP
server on 127.0.0.1 that must receive no request). The secret is also in the
environment, so an embedded ``/proc/self/environ`` would show it. After each build,
no output — HTML, PDF streams decompressed, attachments, the cache — may hold it.
"""

from __future__ import annotations

import faulthandler
import os
import shutil
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pypdf
import pytest

from briefgen import pipeline
from tests.conftest import FORBIDDEN_TAGS, MINIMAL, Markup, copy_project

HOSTILE = Path(__file__).resolve().parent / "hostile"
OUTER_TIMEOUT_SECONDS = 300
CASES = sorted(p.name for p in HOSTILE.iterdir() if p.is_dir())


class Trap:
    def __init__(self) -> None:
        self.requests: list[str] = []
        trap = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                trap.requests.append(self.path)
                self.send_response(200)
                self.end_headers()

            def log_message(self, *_args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.address = f"127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture(scope="module")
def trap() -> Iterator[Trap]:
    server = Trap()
    yield server
    server.server.shutdown()
    server.server.server_close()


def pdf_payloads(path: Path) -> Iterator[bytes]:
    """The raw file and every stream in it, decompressed (attachments included)."""
    yield path.read_bytes()
    reader = pypdf.PdfReader(path)
    for generation, numbers in reader.xref.items():
        for number in numbers:
            obj = reader.get_object(pypdf.generic.IndirectObject(number, generation, reader))
            if isinstance(obj, pypdf.generic.StreamObject):
                yield obj.get_data()


def outputs(root: Path) -> Iterator[tuple[Path, bytes]]:
    for folder in (root / "output", root / ".briefgen-cache"):
        for path in sorted(folder.glob("*")) if folder.is_dir() else []:
            if path.suffix == ".pdf":
                yield from ((path, payload) for payload in pdf_payloads(path))
            else:
                yield path, path.read_bytes()


def test_there_are_at_least_25_hostile_cases() -> None:
    assert len(CASES) >= 25


@pytest.mark.parametrize("case", CASES)
def test_hostile_case(
    case: str, tmp_path: Path, trap: Trap, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = f"BRIEFGEN-SECRET-{uuid.uuid4().hex}"
    monkeypatch.setenv("BRIEFGEN_TEST_SECRET", secret)
    secret_file = tmp_path / "secret.txt"
    secret_file.write_text(secret, encoding="utf-8")

    def fill(text: str) -> str:
        return (
            text.replace("@SECRET_FILE@", str(secret_file))
            .replace("@SECRET@", secret)
            .replace("@TRAP@", trap.address)
        )

    root = copy_project(MINIMAL, tmp_path / "project")
    with (root / "briefgen.toml").open("a", encoding="utf-8") as settings:
        settings.write("\n[limits]\nmarkdown_seconds = 1\nrender_seconds = 60\n")
    (root / "content" / "briefs" / "secret-link.png").symlink_to(secret_file)
    source = HOSTILE / case
    for path in sorted(source.rglob("*")):
        if path.is_file() and path.name != "expect.txt":
            target = root / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(fill(path.read_text(encoding="utf-8")), encoding="utf-8")
    before = len(trap.requests)

    # A generous outer timeout only catches hangs; bounded cases must end with the
    # product's own limit diagnostic long before it.
    faulthandler.dump_traceback_later(OUTER_TIMEOUT_SECONDS, exit=True)
    try:
        result = pipeline.build(root)
    finally:
        faulthandler.cancel_dump_traceback_later()

    expected = fill((source / "expect.txt").read_text(encoding="utf-8")).splitlines()
    got = [d.format() for d in result.diagnostics.sorted()]
    if expected == ["ok"]:
        assert got == [] and result.written
    else:
        assert got == expected
        assert not result.written
    assert trap.requests[before:] == []
    for path, payload in outputs(root):
        assert secret.encode() not in payload, path
        if path.suffix == ".html":
            markup = Markup()
            markup.feed(payload.decode("utf-8"))
            assert not markup.tags & FORBIDDEN_TAGS, (path, markup.tags & FORBIDDEN_TAGS)
            assert markup.bad_attributes == [], path
    assert os.environ["BRIEFGEN_TEST_SECRET"] == secret
    shutil.rmtree(root)

"""Hostile content: every vector in tests/hostile/ builds safely or fails with our diagnostic.

Each case is a folder laid over the minimal project, with ``expect.txt`` holding the
exact diagnostics (or ``ok``) and an optional ``links.txt`` of symbolic links to plant
(``path -> target``, one a line). Placeholders: ``@SECRET_FILE@`` (a file outside the
project holding the secret), ``@SECRET@`` (the secret), ``@OUTSIDE@`` (a folder outside
the project where nothing may be written), ``@TRAP@`` (host:port of an HTTP server on
127.0.0.1 that must receive no request). The secret is also in the environment, so an
embedded ``/proc/self/environ`` would show it. After each build, no output (HTML, PDF
streams decompressed, PDF page text as pdftotext and pypdf extract it, attachments, the
cache) and no diagnostic may hold it, and nothing outside the project was written.

Every case starts from one copy of the minimal project built once per module (its output
and PDF cache included, themselves copied from the session's build of the minimal
project) with the session's warm render workers, so only the pages a case attacks render
again: the PDF cache is keyed on each page's HTML. The secret is planted
after that build, so no seeded file can hold it, and the scan still reads every file in
``output/`` and ``.briefgen-cache/``; it only skips decompressing and extracting the text
of a PDF byte-identical to one the seed build wrote (before the secret existed).
"""

from __future__ import annotations

import faulthandler
import hashlib
import os
import shutil
import subprocess
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import NamedTuple

import pypdf
import pytest

from briefgen import pipeline
from briefgen.render.workers import WorkerPool
from tests.conftest import FORBIDDEN_TAGS, Markup, copy_built

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


class Built(NamedTuple):
    root: Path
    pdfs: frozenset[str]  # the sha256 of each PDF it holds


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def built(
    tmp_path_factory: pytest.TempPathFactory,
    minimal_build: pipeline.Result,
    render_pool: WorkerPool,
) -> Built:
    """The minimal project with the cases' limits, built once: each case copies it. It
    starts from the session's build of the minimal project, whose PDF cache serves every
    page (limits change no page): only its check and HTML run again."""
    root = copy_built(minimal_build.diagnostics.root, tmp_path_factory.mktemp("hostile") / "p")
    with (root / "briefgen.toml").open("a", encoding="utf-8") as settings:
        settings.write(
            "\n[limits]\nmarkdown_seconds = 1\nrender_seconds = 60\ntemplate_seconds = 2\n"
        )
    result = pipeline.build(root, pool=render_pool)
    assert result.written, [d.format() for d in result.diagnostics.sorted()]
    assert not [a for a in result.artifacts if a.format == "pdf" and not a.cached]
    return Built(root, frozenset(sha256(p) for p in root.rglob("*.pdf")))


def pdf_payloads(path: Path) -> Iterator[bytes]:
    """The raw file and every stream in it, decompressed (attachments included)."""
    yield path.read_bytes()
    reader = pypdf.PdfReader(path)
    for generation, numbers in reader.xref.items():
        for number in numbers:
            obj = reader.get_object(pypdf.generic.IndirectObject(number, generation, reader))
            if isinstance(obj, pypdf.generic.StreamObject):
                yield obj.get_data()


def pdf_text(path: Path) -> Iterator[bytes]:
    """The text drawn on the pages: glyph codes in streams hide it from a byte scan."""
    extracted = subprocess.run(
        ["pdftotext", "-q", str(path), "-"], capture_output=True, check=True, timeout=120
    )
    yield extracted.stdout
    for page in pypdf.PdfReader(path).pages:
        yield page.extract_text().encode("utf-8")


def outputs(root: Path, seeded: frozenset[str]) -> Iterator[tuple[Path, bytes]]:
    """Every file's bytes, and each PDF's streams and text unless the seed build wrote
    the same bytes (``seeded``: written before the case's secret existed)."""
    for folder in (root / "output", root / ".briefgen-cache"):
        for path in sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []:
            if path.suffix == ".pdf" and sha256(path) in seeded:
                yield path, path.read_bytes()
            elif path.suffix == ".pdf":
                yield from ((path, payload) for payload in pdf_payloads(path))
                yield from ((path, text) for text in pdf_text(path))
            else:
                yield path, path.read_bytes()


def files_under(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*")} if folder.is_dir() else set()


def test_there_are_at_least_25_hostile_cases() -> None:
    assert len(CASES) >= 25


@pytest.mark.build
@pytest.mark.parametrize("case", CASES)
def test_hostile_case(
    case: str,
    tmp_path: Path,
    trap: Trap,
    built: Built,
    render_pool: WorkerPool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    secret = f"BRIEFGEN-SECRET-{uuid.uuid4().hex}"
    monkeypatch.setenv("BRIEFGEN_TEST_SECRET", secret)
    secret_file = tmp_path / "secret.txt"
    secret_file.write_text(secret, encoding="utf-8")
    outside = tmp_path / "outside"
    (outside / "templates").mkdir(parents=True)
    (outside / "templates" / "brief.html.j2").write_text(secret, encoding="utf-8")

    def fill(text: str) -> str:
        return (
            text.replace("@SECRET_FILE@", str(secret_file))
            .replace("@SECRET@", secret)
            .replace("@OUTSIDE@", str(outside))
            .replace("@TRAP@", trap.address)
        )

    root = copy_built(built.root, tmp_path / "project")
    (root / "content" / "briefs" / "secret-link.png").symlink_to(secret_file)
    source = HOSTILE / case
    for path in sorted(source.rglob("*")):
        if path.is_file() and path.name not in ("expect.txt", "links.txt"):
            target = root / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(fill(path.read_text(encoding="utf-8")), encoding="utf-8")
    links = source / "links.txt"
    for line in fill(links.read_text(encoding="utf-8")).splitlines() if links.exists() else []:
        name, target_name = (part.strip() for part in line.split("->"))
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).symlink_to(target_name)
    before = len(trap.requests)
    outside_before = files_under(outside)

    # A generous outer timeout only catches hangs; bounded cases must end with the
    # product's own limit diagnostic long before it.
    faulthandler.dump_traceback_later(OUTER_TIMEOUT_SECONDS, exit=True)
    try:
        result = pipeline.build(root, pool=render_pool)
    finally:
        faulthandler.cancel_dump_traceback_later()

    expected = fill((source / "expect.txt").read_text(encoding="utf-8")).splitlines()
    got = [d.format() for d in result.diagnostics.sorted()]
    assert not any(secret in line for line in got)
    assert files_under(outside) == outside_before
    if expected == ["ok"]:
        assert got == [] and result.written
    else:
        assert got == expected
        assert not result.written
    assert trap.requests[before:] == []
    for path, payload in outputs(root, built.pdfs):
        assert secret.encode() not in payload, path
        if path.suffix == ".html":
            markup = Markup()
            markup.feed(payload.decode("utf-8"))
            assert not markup.tags & FORBIDDEN_TAGS, (path, markup.tags & FORBIDDEN_TAGS)
            assert markup.bad_attributes == [], path
    assert os.environ["BRIEFGEN_TEST_SECRET"] == secret
    shutil.rmtree(root)

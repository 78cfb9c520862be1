"""Import: a user's own file (.txt, .md, .html, .pdf, .docx) → paragraphs of plain text.

Every imported file may come from someone else: each extractor works within the limits
in ``Limits`` (size, pages, nesting, decompression), never fetches anything, never runs
script or resolves external entities, and reports what it cannot do as an
``ImportFailure`` (a located, coded message), never a traceback.

``extract(path, data, limits)`` dispatches on the file's suffix; the modules load lazily
so ``briefgen check`` never imports pypdf, python-docx or trafilatura.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Literal

Role = Literal["title", "byline", "heading", "body", "footnote", "other"]


@dataclass(frozen=True)
class Block:
    """One paragraph of the extracted text: one line of the source's ``.txt``."""

    text: str  # no newline inside; whitespace runs folded to one space
    role: Role = "body"
    page: int | None = None  # 1-based, for PDF


@dataclass(frozen=True)
class Recorded:
    """A metadata value the file carries outside its text (status ``recorded``)."""

    value: str
    origin: str  # where in the file: "PDF info dictionary", "HTML <title>", "DOCX core properties"


@dataclass(frozen=True)
class Join:
    """A word hyphenated across a line end and joined (PDF), recorded in the record."""

    page: int
    joined: str  # e.g. "cooperation" from "coop-" + "eration"
    kept_hyphen: bool  # True when the rule kept the hyphen ("long-" + "term" → "long-term")


@dataclass(frozen=True)
class Extracted:
    blocks: list[Block]
    metadata: dict[str, Recorded] = field(default_factory=dict)  # title, author, date, url…
    joins: list[Join] = field(default_factory=list)
    original_chars: int = 0  # characters of text in the original (to report what was kept)
    extractor: str = ""  # library and version, e.g. "pypdf 5.4.0": `source verify` pins it
    # What the library repaired or skipped on the way (pypdf: "Ignoring wrong pointing
    # object…"): the text was read, but may be incomplete; for the caller to show.
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 50 * 2**20  # the file as given
    max_pages: int = 2000  # PDF
    max_unpacked_bytes: int = 200 * 2**20  # a DOCX (a zip) once decompressed
    max_ratio: int = 100  # decompressed / compressed, per zip member (of 1 MiB or more)
    max_members: int = 10_000  # files in a DOCX (a zip)
    max_depth: int = 200  # HTML/XML nesting
    seconds: float = 60.0


class ImportFailure(Exception):
    """A file briefgen will not import; the message says why and what to do."""

    def __init__(
        self, code: str, message: str, page: int | None = None, line: int | None = None
    ) -> None:
        super().__init__(message)
        self.code = code  # registered in briefgen/rules.toml, e.g. "import.too-large"
        self.message = message
        self.page = page
        self.line = line  # 1-based, for a text format (HTML)


def reason(error: BaseException) -> str:
    """A library's exception as a message may quote it: its type and first line."""
    detail = str(error).strip().splitlines()[0][:200] if str(error).strip() else ""
    return f"{type(error).__name__}: {detail}" if detail else type(error).__name__


def raised_in(trace: TracebackType | None, places: tuple[str, ...]) -> bool:
    """Whether the innermost frame of ``trace`` runs in a file under one of ``places``.

    Extractors call it on an unexpected exception: raised inside the library that parses
    the file (pypdf, python-docx, lxml, zipfile), it is malformed input, so the user's
    error; raised in briefgen's own code, it is a bug and keeps its traceback.
    """
    innermost = None
    while trace is not None:
        innermost = trace
        trace = trace.tb_next
    if innermost is None:
        return False
    return str(Path(innermost.tb_frame.f_code.co_filename).resolve()).startswith(places)


EXTRACTORS = {
    ".txt": "briefgen.ingest.text",
    ".md": "briefgen.ingest.markdown",
    ".html": "briefgen.ingest.html",
    ".htm": "briefgen.ingest.html",
    ".pdf": "briefgen.ingest.pdf",
    ".docx": "briefgen.ingest.docx",
}


def extract(suffix: str, data: bytes, limits: Limits) -> Extracted:
    """The text of a file of this suffix; each module defines ``extract(data, limits)``."""
    module_name = EXTRACTORS.get(suffix.lower())
    if module_name is None:
        kinds = ", ".join(sorted(EXTRACTORS))
        raise ImportFailure("import.unsupported", f"briefgen imports {kinds} files")
    if len(data) > limits.max_bytes:
        raise ImportFailure(
            "import.too-large",
            f"the file is {len(data)} bytes; briefgen imports at most {limits.max_bytes}",
        )
    module = importlib.import_module(module_name)
    result: Extracted = module.extract(data, limits)
    return result

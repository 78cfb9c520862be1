"""PDF → paragraphs, with pypdf: the text runs and their positions, re-flowed.

pypdf gives each text run in content-stream order with its text matrix and font
(``page.extract_text(visitor_text=…)``); this module turns those into ``Run``s (text,
baseline, left edge, font size, bold) and ``briefgen.ingest.reflow`` rebuilds the
paragraphs (its docstring states the rules: paragraph ends, running heads and page
numbers, footnotes, roles, hyphens). Here: opening the file within the limits, the
refusals (no text layer, encrypted, too many pages, unreadable, timeout), and the
metadata from the info dictionary or XMP.

Limits: reading order is pypdf's, i.e. the content stream's; there is no layout engine
and no OCR: a PDF with no text layer is refused.
"""

from __future__ import annotations

import io
import logging
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import pypdf
from pypdf.errors import DependencyError, FileNotDecryptedError, PyPdfError
from pypdf.generic import DictionaryObject

from briefgen.ingest import Extracted, ImportFailure, Limits, Recorded, raised_in, reason
from briefgen.ingest.reflow import Run, paragraphs
from briefgen.limits import TimeLimitExceeded, time_limit

EXTRACTOR = f"pypdf {pypdf.__version__}"
INFO = "PDF info dictionary"
XMP = "PDF XMP metadata"
PYPDF_DIR = str(Path(pypdf.__file__).resolve().parent)
BOLD = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)


def extract(data: bytes, limits: Limits) -> Extracted:
    """The paragraphs of a PDF; ``ImportFailure`` for a file briefgen will not read."""
    # The alarm interrupts pypdf mid-page; the deadline also catches the case where pypdf
    # swallowed the alarm's exception in one of its broad ``except Exception`` clauses.
    # Both count processor time, as every limit does (limits.py): load is not the file's.
    deadline = time.process_time() + limits.seconds
    try:
        with time_limit(limits.seconds), _pypdf_warnings() as warnings:
            result = _extract(data, limits, deadline)
        return replace(result, warnings=sorted(set(warnings)))
    except TimeLimitExceeded:
        raise ImportFailure(
            "import.timeout",
            f"reading the PDF took more than {limits.seconds:g} s of processor time; it may be "
            "malformed: export the text from the original, or print it to a new PDF",
        ) from None
    except ImportFailure:
        raise
    except (PyPdfError, RecursionError) as error:
        raise _unreadable(error) from None
    except Exception as error:
        # pypdf meets malformed input with KeyError, ValueError, TypeError… raised deep
        # inside its own code: that is bad input. An error raised in our code is a bug.
        if raised_in(error.__traceback__, (PYPDF_DIR,)):
            raise _unreadable(error) from None
        raise


@contextmanager
def _pypdf_warnings() -> Iterator[list[str]]:
    """Collect what pypdf logs while it reads, instead of letting it reach stderr."""
    messages: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            messages.append(record.getMessage()[:200])

    logger = logging.getLogger("pypdf")
    collector = Collect(logging.WARNING)
    propagate = logger.propagate
    logger.addHandler(collector)
    logger.propagate = False
    try:
        yield messages
    finally:
        logger.removeHandler(collector)
        logger.propagate = propagate


def _unreadable(error: BaseException) -> ImportFailure:
    return ImportFailure(
        "import.unreadable",
        f"the PDF is damaged or malformed and cannot be read ({reason(error)}); open it in "
        "a PDF viewer and print it to a new PDF, or export the text from the original",
    )


def _extract(data: bytes, limits: Limits, deadline: float) -> Extracted:
    reader = _open(data, limits)
    pages: list[list[Run]] = []
    original_chars = 0
    heights: list[float] = []
    for page in reader.pages:
        if time.process_time() > deadline:
            raise TimeLimitExceeded
        runs = _runs(page)
        original_chars += sum(len(run.text) for run in runs)
        pages.append(runs)
        heights.append(float(page.mediabox.height))
    if not any(run.text.strip() for runs in pages for run in runs):
        raise ImportFailure(
            "import.no-text-layer",
            "the PDF has no text layer (scanned pages?); OCR is not supported: export the "
            "text from the original, or type it",
        )
    blocks, joins = paragraphs(pages, heights)
    return Extracted(
        blocks=blocks,
        metadata=_metadata(reader),
        joins=joins,
        original_chars=original_chars,
        extractor=EXTRACTOR,
    )


def _open(data: bytes, limits: Limits) -> pypdf.PdfReader:
    if b"%PDF-" not in data[:1024]:  # the header may follow up to 1 KB of junk
        raise ImportFailure("import.unreadable", "not a PDF file (no '%PDF-' header)")
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
    except DependencyError:  # AES needs the cryptography package, which we do not ship
        raise _encrypted() from None
    if reader.is_encrypted:
        try:  # an empty user password only restricts printing or copying: readable
            opened = bool(reader.decrypt(""))
        except (DependencyError, FileNotDecryptedError, NotImplementedError):
            opened = False
        if not opened:
            raise _encrypted()
    # /Count first, so a page tree of millions of entries is refused before it is walked.
    tree = reader.root_object.get("/Pages")
    tree = tree.get_object() if tree is not None else None
    declared = tree.get("/Count") if isinstance(tree, DictionaryObject) else None
    if isinstance(declared, int) and declared > limits.max_pages:
        raise _too_many(declared, limits)
    count = len(reader.pages)
    if count > limits.max_pages:
        raise _too_many(count, limits)
    return reader


def _encrypted() -> ImportFailure:
    return ImportFailure(
        "import.encrypted",
        "the PDF is encrypted; briefgen does not decrypt files: save an unencrypted copy "
        "from a PDF viewer, or export the text from the original",
    )


def _too_many(count: int, limits: Limits) -> ImportFailure:
    return ImportFailure(
        "import.too-many-pages",
        f"the PDF has {count} pages; briefgen imports at most {limits.max_pages}: "
        "split it, or import the part you quote",
    )


def _runs(page: pypdf.PageObject) -> list[Run]:
    runs: list[Run] = []

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        text = text.replace("\n", "")
        if not text:
            return
        _a, _b, c, d, e, f = _multiply(tm, cm)
        name = str(font.get("/BaseFont", "")) if font else ""
        scale = (c * c + d * d) ** 0.5
        runs.append(Run(text, e, f, round(size * scale, 2), bool(BOLD.search(name))))

    page.extract_text(visitor_text=visit)
    return runs


def _multiply(m: list[float], n: list[float]) -> tuple[float, ...]:
    a, b, c, d, e, f = (float(v) for v in m)
    a2, b2, c2, d2, e2, f2 = (float(v) for v in n)
    return (
        a * a2 + b * c2,
        a * b2 + b * d2,
        c * a2 + d * c2,
        c * b2 + d * d2,
        e * a2 + f * c2 + e2,
        e * b2 + f * d2 + f2,
    )


def _metadata(reader: pypdf.PdfReader) -> dict[str, Recorded]:
    found: dict[str, Recorded] = {}
    info = reader.metadata
    if info is not None:
        if info.title and info.title.strip():
            found["title"] = Recorded(" ".join(info.title.split()), INFO)
        if info.author and info.author.strip():
            found["author"] = Recorded(" ".join(info.author.split()), INFO)
        try:
            created = info.creation_date
        except ValueError:  # a malformed date string: not worth refusing the file for
            created = None
        if created is not None:
            found["date"] = Recorded(created.date().isoformat(), INFO)
    if len(found) < 3:
        found = {**_xmp(reader), **found}
    return found


def _xmp(reader: pypdf.PdfReader) -> dict[str, Recorded]:
    try:
        xmp = reader.xmp_metadata
    except PyPdfError:
        return {}
    if xmp is None:
        return {}
    found: dict[str, Recorded] = {}
    title = xmp.dc_title or {}
    if title.get("x-default"):
        found["title"] = Recorded(" ".join(str(title["x-default"]).split()), XMP)
    if xmp.dc_creator:
        found["author"] = Recorded(", ".join(str(name) for name in xmp.dc_creator), XMP)
    if xmp.xmp_create_date is not None:
        found["date"] = Recorded(xmp.xmp_create_date.date().isoformat(), XMP)
    return found

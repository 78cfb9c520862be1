"""PDF → paragraphs, with pypdf: the text runs and their positions, re-flowed.

pypdf gives each text run in content-stream order with its text matrix and font
(``page.extract_text(visitor_text=…)``). From those this module rebuilds lines, then
paragraphs, by these rules:

1. **Lines.** Consecutive runs whose baselines lie within half a font size of each other
   form one line. A run at most 0.8 of the line's font size, raised above its baseline
   and made only of digits or ``*†‡`` is a footnote call: it is left out of the text.
2. **Running heads, footers, page numbers.** A line in the top or bottom fifth of the
   page whose text, with every digit read as ``#``, recurs at the same height (±2 pt) on
   at least half the pages (and two or more) is removed ("Page 3 of 7" matches "Page 4
   of 7"). So is a bare page number ("7", "- 7 -", "Page 7", "7 of 12", "vii") that is
   the top- or bottom-most line of its page.
3. **Roles.** The body size is the font size that carries the most characters. Lines
   smaller than 0.9 of it below the page's last body-size line are footnotes: a new
   footnote starts on a new page, at a line beginning ``*†‡``, or at one beginning with
   the number after the last footnote's ("23 November" does not start a note after
   note 1). On page 1, the lines of the largest size (at least 1.3 × body) above the
   first body line are the title; a short line there that begins "By " is the byline.
   A line at least 1.1 × body, or bold where the body is not, and shorter than a full
   line, is a heading.
4. **Paragraphs.** A body line ends its paragraph when the next line is (a) lower by
   more than 1.3 × the usual body line spacing, (b) indented by more than 0.8 of the
   font size from the previous line (from the page's left text edge across a page), (c)
   of another role, or when (d) it is itself short: fewer characters than 0.7 × a full
   line (the 75th percentile of body line lengths; pypdf gives no run widths, so
   characters stand in for width). Across a page break, or where the next line is
   higher on the page (a second column), only (b)-(d) apply: a paragraph that runs over
   the break is joined. Footnotes met inside a paragraph follow it.
5. **Hyphens.** A line ending in a letter and "-" (or U+2010), followed in the same
   paragraph by a line beginning with a lowercase letter, is joined without the hyphen
   ("coop-" + "eration" → "cooperation") unless the hyphenated form ("long-term")
   occurs within a line elsewhere in the document, or the next line begins with a
   capital ("Franco-" + "German"): then the hyphen is kept. A soft hyphen (U+00AD) is
   always dropped. Every join is recorded as a ``Join``.

Limits: reading order is pypdf's, i.e. the content stream's. Two columns come out right
when the producer wrote them column by column (most do); a table, a sidebar or a
multi-column layout drawn out of order is not re-ordered: briefgen has no layout
engine. There is no OCR: a PDF with no text layer is refused.
"""

from __future__ import annotations

import io
import itertools
import logging
import re
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import TracebackType
from typing import Any

import pypdf
from pypdf.errors import DependencyError, FileNotDecryptedError, PyPdfError
from pypdf.generic import DictionaryObject

from briefgen.ingest import Block, Extracted, ImportFailure, Join, Limits, Recorded, Role
from briefgen.limits import TimeLimitExceeded, time_limit

EXTRACTOR = f"pypdf {pypdf.__version__}"
INFO = "PDF info dictionary"
XMP = "PDF XMP metadata"
PYPDF_DIR = str(Path(pypdf.__file__).resolve().parent)

HYPHENS = ("-", "\u2010")
SOFT_HYPHEN = "\u00ad"
CALL = re.compile(r"[0-9*\u2020\u2021]+")
PAGE_NUMBER = re.compile(
    r"[-\u2013\u2014\s]*(page\s+)?(\d{1,5}|[ivxlc]{1,7})(\s*(of|/)\s*\d{1,5})?[-\u2013\u2014\s]*",
    re.IGNORECASE,
)
FOOTNOTE_START = re.compile(r"(\d{1,3}|[*\u2020\u2021])[\s.)]")
BYLINE = re.compile(r"by\s", re.IGNORECASE)
BOLD = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)


@dataclass
class Run:
    text: str
    x: float
    y: float
    size: float
    bold: bool


@dataclass
class Line:
    page: int
    x: float
    y: float
    size: float = 0.0
    bold: bool = False
    runs: list[Run] = field(default_factory=list)
    text: str = ""
    role: Role = "body"


def extract(data: bytes, limits: Limits) -> Extracted:
    """The paragraphs of a PDF; ``ImportFailure`` for a file briefgen will not read."""
    # The alarm interrupts pypdf mid-page; the deadline also catches the case where pypdf
    # swallowed the alarm's exception in one of its broad ``except Exception`` clauses.
    deadline = time.monotonic() + limits.seconds
    try:
        with time_limit(limits.seconds), _pypdf_warnings() as warnings:
            result = _extract(data, limits, deadline)
        return replace(result, warnings=sorted(set(warnings)))
    except TimeLimitExceeded:
        raise ImportFailure(
            "import.timeout",
            f"reading the PDF took longer than {limits.seconds:g} seconds; it may be "
            "malformed: export the text from the original, or print it to a new PDF",
        ) from None
    except ImportFailure:
        raise
    except (PyPdfError, RecursionError) as error:
        raise _unreadable(error) from None
    except Exception as error:
        # pypdf meets malformed input with KeyError, ValueError, TypeError… raised deep
        # inside its own code: that is bad input. An error raised in our code is a bug.
        if _raised_in_pypdf(error.__traceback__):
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
    detail = str(error).strip().splitlines()[0][:200] if str(error).strip() else ""
    reason = f" ({type(error).__name__}: {detail})" if detail else f" ({type(error).__name__})"
    return ImportFailure(
        "import.unreadable",
        f"the PDF is damaged or malformed and cannot be read{reason}; open it in a PDF "
        "viewer and print it to a new PDF, or export the text from the original",
    )


def _raised_in_pypdf(trace: TracebackType | None) -> bool:
    innermost = None
    while trace is not None:
        innermost = trace
        trace = trace.tb_next
    if innermost is None:
        return False
    return str(Path(innermost.tb_frame.f_code.co_filename).resolve()).startswith(PYPDF_DIR)


def _extract(data: bytes, limits: Limits, deadline: float) -> Extracted:
    reader = _open(data, limits)
    pages: list[list[Line]] = []
    original_chars = 0
    heights: list[float] = []
    for number, page in enumerate(reader.pages, 1):
        if time.monotonic() > deadline:
            raise TimeLimitExceeded
        runs = _runs(page)
        original_chars += sum(len(run.text) for run in runs)
        pages.append(_lines(runs, number))
        heights.append(float(page.mediabox.height))
    if not any(line.text.strip() for lines in pages for line in lines):
        raise ImportFailure(
            "import.no-text-layer",
            "the PDF has no text layer (scanned pages?); OCR is not supported: export the "
            "text from the original, or type it",
        )
    pages = _drop_running_lines(pages, heights)
    lines = [line for page_lines in pages for line in page_lines]
    document_text = "\n".join(line.text for line in lines)
    body = _classify(lines)
    blocks, joins = _paragraphs(lines, body, document_text)
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


def _lines(runs: list[Run], page: int) -> list[Line]:
    lines: list[Line] = []
    for run in runs:
        line = lines[-1] if lines else None
        tolerance = 0.5 * max(run.size, line.size if line else 0.0)
        if line is None or abs(run.y - line.y) > tolerance:
            line = Line(page, run.x, run.y, run.size, run.bold)
            lines.append(line)
        line.runs.append(run)
        if run.size > line.size and run.text.strip():
            line.y, line.size = run.y, run.size  # the main text's baseline, not a call's
    for line in lines:
        _settle(line)
    return [line for line in lines if line.text]


def _settle(line: Line) -> None:
    """The line's size, weight and text, leaving out footnote calls."""
    weights: Counter[tuple[float, bool]] = Counter()
    for run in line.runs:
        weights[(run.size, run.bold)] += len(run.text.strip())
    line.size, line.bold = weights.most_common(1)[0][0]
    kept = [
        run
        for run in line.runs
        if not (
            run.size <= 0.8 * line.size
            and run.y > line.y + 0.1 * line.size
            and CALL.fullmatch(run.text.strip())
        )
    ]
    line.text = " ".join("".join(run.text for run in kept).split())
    line.x = min((run.x for run in kept if run.text.strip()), default=line.x)


def _drop_running_lines(pages: list[list[Line]], heights: list[float]) -> list[list[Line]]:
    def key(line: Line) -> tuple[str, int]:
        return re.sub(r"\d+", "#", line.text.lower()), round(line.y / 2)

    def outer(line: Line, height: float) -> bool:
        return line.y > 0.8 * height or line.y < 0.2 * height

    seen: Counter[tuple[str, int]] = Counter()
    for lines, height in zip(pages, heights, strict=True):
        seen.update({key(line) for line in lines if outer(line, height)})
    needed = max(2, (len(pages) + 1) // 2)
    running = {k for k, n in seen.items() if n >= needed}
    kept_pages = []
    for lines, height in zip(pages, heights, strict=True):
        kept = [line for line in lines if not (outer(line, height) and key(line) in running)]
        if kept:
            top = max(kept, key=lambda line: line.y)
            bottom = min(kept, key=lambda line: line.y)
            kept = [
                line
                for line in kept
                if not (line in (top, bottom) and PAGE_NUMBER.fullmatch(line.text))
            ]
        kept_pages.append(kept)
    return kept_pages


@dataclass(frozen=True)
class Body:
    size: float
    bold: bool
    spacing: float
    full: float  # characters in a full line
    lefts: dict[int, float]  # page → the body text's left edge


def _classify(lines: list[Line]) -> Body:
    """Set each line's role; return the body text's measures."""
    weights: Counter[tuple[float, bool]] = Counter()
    for line in lines:
        weights[(round(line.size * 2) / 2, line.bold)] += len(line.text)
    size, bold = weights.most_common(1)[0][0]
    body = [line for line in lines if abs(line.size - size) < 0.5]
    gaps = Counter(
        round(a.y - b.y, 1)
        for a, b in itertools.pairwise(body)
        if a.page == b.page and 0 < a.y - b.y < 3 * size
    )
    spacing = gaps.most_common(1)[0][0] if gaps else 1.2 * size
    lengths = sorted(len(line.text) for line in body)
    full = lengths[(len(lengths) * 3) // 4] if lengths else 0
    lefts: dict[int, float] = {}
    for line in body:
        lefts[line.page] = min(lefts.get(line.page, line.x), line.x)
    lowest: dict[int, float] = {}
    for line in body:
        lowest[line.page] = min(lowest.get(line.page, line.y), line.y)

    first_body = next(
        (line for line in body if line.page == 1 and not BYLINE.match(line.text)), None
    )
    top_size = max((line.size for line in lines if line.page == 1), default=0.0)
    for line in lines:
        before_body = line.page == 1 and first_body is not None and line.y > first_body.y
        if line.size < 0.9 * size and line.y < lowest.get(line.page, float("-inf")):
            line.role = "footnote"
        elif before_body and line.size >= 1.3 * size and line.size == top_size:
            line.role = "title"
        elif before_body and BYLINE.match(line.text) and len(line.text) < full:
            line.role = "byline"
        elif (line.size >= 1.1 * size or (line.bold and not bold)) and len(line.text) < full:
            line.role = "heading"
    return Body(size, bold, spacing, full, lefts)


def _paragraphs(
    lines: list[Line], body: Body, document_text: str
) -> tuple[list[Block], list[Join]]:
    blocks: list[Block] = []
    joins: list[Join] = []
    current: list[Line] = []
    footnotes: list[list[Line]] = []

    def close() -> None:
        if current:
            text, found = _join_lines(current, document_text)
            blocks.append(Block(text, current[0].role, current[0].page))
            joins.extend(found)
            current.clear()
        for note in footnotes:
            text, found = _join_lines(note, document_text)
            blocks.append(Block(text, "footnote", note[0].page))
            joins.extend(found)
        footnotes.clear()

    number = 0  # the last footnote's number: "23 November" continues footnote 1
    for line in lines:
        if line.role == "footnote":
            start = FOOTNOTE_START.match(line.text + " ")
            mark = start.group(1) if start else ""
            follows = mark.isdigit() and (int(mark) == number + 1 or not footnotes)
            if (
                footnotes
                and footnotes[-1][-1].page == line.page
                and not (follows or (mark and not mark.isdigit()))
            ):
                footnotes[-1].append(line)
            else:
                footnotes.append([line])
            number = int(mark) if follows else number
            continue
        if current and _ends_paragraph(current[-1], line, body):
            close()
        current.append(line)
    close()
    return blocks, joins


def _ends_paragraph(previous: Line, line: Line, body: Body) -> bool:
    if previous.role != line.role:
        return True
    if line.role != "body":
        return line.size != previous.size or previous.y - line.y > 2 * line.size
    if len(previous.text) < 0.7 * body.full:
        return True
    indent = 0.8 * line.size
    if previous.page != line.page or line.y > previous.y:  # a page break or a new column
        left = body.lefts.get(line.page, line.x) if previous.page != line.page else previous.x
        return line.x > left + indent
    return previous.y - line.y > 1.3 * body.spacing or line.x > previous.x + indent


def _join_lines(lines: list[Line], document_text: str) -> tuple[str, list[Join]]:
    text = lines[0].text
    joins: list[Join] = []
    for previous, line in itertools.pairwise(lines):
        head = re.search(r"(\w+)([-\u2010\u00ad])$", text)
        tail = re.match(r"\w+", line.text)
        if head is None or tail is None or not head.group(1)[-1].isalpha():
            text = f"{text} {line.text}"
            continue
        prefix, hyphen, suffix = head.group(1), head.group(2), tail.group(0)
        hyphenated = f"{prefix}-{suffix}"
        kept = hyphen != SOFT_HYPHEN and (
            not suffix[0].islower()
            or re.search(rf"\b{re.escape(hyphenated)}\b", document_text, re.IGNORECASE) is not None
        )
        text = text[: head.start(2)] + ("-" if kept else "") + line.text
        joins.append(Join(previous.page, hyphenated if kept else prefix + suffix, kept))
    return " ".join(text.split()), joins


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

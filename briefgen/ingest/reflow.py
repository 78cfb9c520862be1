"""Text runs with their positions (from a PDF) → paragraphs: the re-flow rules.

briefgen/ingest/pdf.py reads each run's text, baseline, left edge, font size and weight
with pypdf; this module, which knows nothing of pypdf, rebuilds lines, then paragraphs:

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
   font size from the previous line (across a page or column break: from the column's
   left edge, an x where two or more body lines of the page start), (c) of another
   role, or when (d) it is itself short: fewer characters than 0.7 × a full line (the
   75th percentile of body line lengths; pypdf gives no run widths, so characters stand
   in for width). Across a page break, or where the next line is
   higher on the page (a second column), only (b)-(d) apply: a paragraph that runs over
   the break is joined. Footnotes met inside a paragraph follow it.
5. **Hyphens.** A line ending in a letter and "-" (or U+2010), followed in the same
   paragraph by a line beginning with a lowercase letter, is joined without the hyphen
   ("coop-" + "eration" → "cooperation") unless the hyphenated form ("long-term")
   occurs within a line elsewhere in the document, or the next line begins with a
   capital ("Franco-" + "German"): then the hyphen is kept. A soft hyphen (U+00AD) is
   always dropped. Every join is recorded as a ``Join``.

Reading order is the runs' order, i.e. the content stream's. Two columns come out right
when the producer wrote them column by column (most do); a table, a sidebar or a
multi-column layout drawn out of order is not re-ordered: briefgen has no layout engine.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import dataclass, field

from briefgen.ingest import Block, Join, Role

SOFT_HYPHEN = "\u00ad"
CALL = re.compile(r"[0-9*\u2020\u2021]+")
PAGE_NUMBER = re.compile(
    r"[-\u2013\u2014\s]*(page\s+)?(\d{1,5}|[ivxlc]{1,7})(\s*(of|/)\s*\d{1,5})?[-\u2013\u2014\s]*",
    re.IGNORECASE,
)
FOOTNOTE_START = re.compile(r"(\d{1,3}|[*\u2020\u2021])[\s.)]")
BYLINE = re.compile(r"by\s", re.IGNORECASE)


@dataclass
class Run:
    """One text-showing operation: its text, baseline origin (x, y), size and weight."""

    text: str
    x: float
    y: float
    size: float
    bold: bool


@dataclass
class Line:
    """Runs on one baseline; ``text`` without footnote calls."""

    page: int
    x: float
    y: float
    size: float = 0.0
    bold: bool = False
    runs: list[Run] = field(default_factory=list)
    text: str = ""
    role: Role = "body"


def paragraphs(pages: list[list[Run]], heights: list[float]) -> tuple[list[Block], list[Join]]:
    """The paragraphs of a document given as each page's runs and the pages' heights."""
    page_lines = [_lines(runs, number) for number, runs in enumerate(pages, 1)]
    page_lines = _drop_running_lines(page_lines, heights)
    lines = [line for one_page in page_lines for line in one_page]
    if not lines:
        return [], []
    document_text = "\n".join(line.text for line in lines)
    body = _classify(lines)
    return _paragraphs(lines, body, document_text)


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
    edges: dict[int, list[float]]  # page → its columns' left edges

    def edge(self, line: Line) -> float:
        """The left edge of the column the line is in: the nearest edge left of it."""
        return max((x for x in self.edges.get(line.page, []) if x <= line.x + 1), default=line.x)


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
    starts: Counter[tuple[int, int]] = Counter((line.page, round(line.x)) for line in body)
    edges: dict[int, list[float]] = {}
    for (page, x), count in sorted(starts.items()):
        if count >= 2:  # an x where two or more lines start; a lone indent is no edge
            edges.setdefault(page, []).append(float(x))
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
    return Body(size, bold, spacing, full, edges)


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
        return line.x > body.edge(line) + indent
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

"""An imported file's text and source record: what ``briefgen source add`` writes.

The record says how each metadata value is known: ``stated`` at a line when the text's
title or byline holds it, else ``recorded`` (with ``from:``) when only the file carries
it, else ``unknown``. Where the file records one value and the text states another,
the text wins and the difference is reported.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field

from briefgen.ingest import Block, Extracted, Recorded
from briefgen.model.records import DATE_PATTERN, UNASSESSED, URL_PATTERN, SourceKind

# What a file of each suffix usually is, when --kind does not say.
DEFAULT_KINDS = {
    ".html": SourceKind.ARTICLE,
    ".htm": SourceKind.ARTICLE,
    ".pdf": SourceKind.REPORT,
    ".docx": SourceKind.REPORT,
    ".txt": SourceKind.OTHER,
    ".md": SourceKind.OTHER,
}
BY = re.compile(r"^by\s+", re.IGNORECASE)
ROLE_KEYS = {"heading": "headings", "footnote": "footnotes", "other": "other"}


@dataclass
class Differs:
    """A value the file records that the text states otherwise."""

    key: str
    recorded: Recorded
    stated: str
    line: int


@dataclass
class Planned:
    text: str  # the .txt
    record: str  # the .yaml
    body: list[str]  # the body paragraphs, ¶1 first
    differs: list[Differs] = field(default_factory=list)


def source_text(blocks: list[Block]) -> str:
    """One block per line, LF, ending with a newline."""
    return "".join(f"{' '.join(block.text.split())}\n" for block in blocks)


def _quoted(value: str) -> str:
    """A YAML double-quoted scalar (JSON's escapes are YAML's)."""
    return json.dumps(value, ensure_ascii=False)


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _line_of(blocks: list[Block], role: str) -> int | None:
    return next((n for n, b in enumerate(blocks, start=1) if b.role == role), None)


def _attested(key: str, extracted: Extracted, planned: Planned) -> str:
    """One metadata value as a flow mapping."""
    blocks, recorded = extracted.blocks, extracted.metadata.get(key)
    role = {"title": "title", "author": "byline"}.get(key)
    line = _line_of(blocks, role) if role else None
    if line is not None:
        text = blocks[line - 1].text
        stated = text if key == "title" else BY.sub("", text)
        if (
            recorded is not None
            and key == "author"
            and recorded.value.casefold() in text.casefold()
        ):
            start = text.casefold().index(recorded.value.casefold())
            stated = text[start : start + len(recorded.value)]  # the text's own characters
        elif recorded is not None and not _same(recorded.value, stated):
            planned.differs.append(Differs(key, recorded, stated, line))
        return f"{{status: stated, value: {_quoted(stated)}, line: {line}}}"
    if recorded is not None and (key != "date" or re.fullmatch(DATE_PATTERN, recorded.value)):
        return (
            f"{{status: recorded, value: {_quoted(recorded.value)}, "
            f"from: {_quoted(recorded.origin)}}}"
        )
    return "{status: unknown}"


def plan_record(
    source_id: str, suffix: str, data: bytes, extracted: Extracted, kind: SourceKind
) -> Planned:
    """The .txt and the .yaml of a source imported from ``data``."""
    blocks = extracted.blocks
    text = source_text(blocks)
    body = [b.text for b in blocks if b.role == "body"]
    planned = Planned(text, "", body)
    lines = ["# Imported by briefgen source add: check the values, then set reliability."]
    lines += [
        f"kind: {kind.value}",
        f"text: {source_id}.txt",
        f"sha256: {hashlib.sha256(text.encode('utf-8')).hexdigest()}",
    ]
    for key in ("title", "author", "outlet", "date"):
        lines.append(f"{key}: {_attested(key, extracted, planned)}")
    url = extracted.metadata.get("url")
    if url is not None and re.fullmatch(URL_PATTERN, url.value):
        lines.append(f"url: {_quoted(url.value)}")
    lines.append(f"reliability: {UNASSESSED}  # set {{grade: A–F, reason: …}} once assessed")
    marks: list[str] = []
    for role in ("title", "byline"):
        line = _line_of(blocks, role)
        if line is not None:
            marks.append(f"  {role}: {line}")
    for role, key in ROLE_KEYS.items():
        numbers = [str(n) for n, b in enumerate(blocks, start=1) if b.role == role]
        if numbers:
            marks.append(f"  {key}: [{', '.join(numbers)}]")
    if marks:
        lines += ["lines:", *marks]
    lines.append("numbering: body")
    lines += [
        "original:",
        f"  file: {source_id}.orig{suffix.lower()}",
        f"  sha256: {hashlib.sha256(data).hexdigest()}",
        f"  extractor: {_quoted(extracted.extractor)}",
    ]
    if extracted.joins:
        lines.append("joins:")
        lines += [
            f"  - {{page: {j.page}, joined: {_quoted(j.joined)}, "
            f"kept_hyphen: {'true' if j.kept_hyphen else 'false'}}}"
            for j in extracted.joins
        ]
    planned.record = "\n".join(lines) + "\n"
    return planned

"""DOCX (Word 2007+) → paragraphs, with python-docx.

Before python-docx opens the file, the zip is checked with ``zipfile`` alone: the number
of members, each member's declared size and their total against
``limits.max_unpacked_bytes``, each large member's compression ratio against
``limits.max_ratio`` (``import.zip-bomb``), member names that climb out (``..``) or are
absolute (``import.unreadable``), and every XML part for a ``<!DOCTYPE`` (refused as
``import.entities``: Word never writes one, and a DTD is how an XML file declares
external or exponential entities). ``zipfile`` never inflates a member past its declared
size, so the declared sizes are the sizes python-docx can read.

Read: the body's paragraphs in order; a table's cells row by row, each cell's paragraphs
in order (a merged cell once), nested tables likewise. Style "Title" → title, "Heading
N" → heading, a short paragraph beginning "By " right after the title → byline; the
footnotes (``word/footnotes.xml``, which python-docx does not read) follow the body as
role "footnote", in their order. Not read: headers and footers, endnotes, comments,
text boxes and shapes, tracked deletions, fields' cached results beyond their text.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from importlib import metadata
from pathlib import Path

import docx
import lxml.etree
from docx.opc.exceptions import OpcError
from docx.table import Table
from docx.text.paragraph import Paragraph

from briefgen.ingest import (
    Block,
    Extracted,
    ImportFailure,
    Limits,
    Recorded,
    Role,
    raised_in,
    reason,
)
from briefgen.limits import TimeLimitExceeded, time_limit

EXTRACTOR = f"python-docx {metadata.version('python-docx')}"
CORE = "DOCX core properties"
# Where an exception from malformed input may start: python-docx, lxml, zipfile.
LIBRARY_DIRS = tuple(
    str(Path(module.__file__ or "").resolve().parent) for module in (docx, lxml.etree)
)
ZIPFILE = str(Path(zipfile.__file__).resolve())
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
RATIO_FROM = 2**20  # a member this large or larger must respect limits.max_ratio
DOCTYPE = tuple(
    marker.encode(encoding)
    for marker in ("<!doctype", "<!entity")
    for encoding in ("utf-8", "utf-16-le", "utf-16-be")
)
HEADING = re.compile(r"heading \d", re.IGNORECASE)
BYLINE = re.compile(r"by\s", re.IGNORECASE)
NOT_DOCX = "not a DOCX (Word 2007+) file"


def extract(data: bytes, limits: Limits) -> Extracted:
    """The paragraphs of a DOCX; ``ImportFailure`` for a file briefgen will not read."""
    try:
        with time_limit(limits.seconds):
            check_zip(data, limits)
            return _extract(data)
    except TimeLimitExceeded:
        raise ImportFailure(
            "import.timeout",
            f"reading the DOCX took more than {limits.seconds:g} s of processor time; "
            "save it again from Word, or export its text",
        ) from None
    except ImportFailure:
        raise
    except (
        OpcError,
        lxml.etree.LxmlError,
        zipfile.BadZipFile,
        zlib.error,  # a damaged deflate stream in a part
        RecursionError,
    ) as error:
        raise _unreadable(error) from None
    except Exception as error:
        # python-docx meets a malformed package with KeyError, ValueError… raised in its
        # own code, lxml's or zipfile's (NotImplementedError for an unknown zip version):
        # that is bad input. An error raised in our code is a bug.
        if raised_in(error.__traceback__, (*LIBRARY_DIRS, ZIPFILE)):
            raise _unreadable(error) from None
        raise


def check_zip(data: bytes, limits: Limits) -> None:
    """Refuse a zip that is not a DOCX, or that would unpack past the limits."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, EOFError):
        raise ImportFailure("import.unreadable", f"{NOT_DOCX}: it is not a zip archive") from None
    with archive:
        members = archive.infolist()
        if len(members) > limits.max_members:
            raise _bomb(f"it has {len(members)} parts; briefgen reads at most {limits.max_members}")
        total = 0
        for member in members:
            name = member.filename
            if (
                name.startswith(("/", "\\"))
                or re.match(r"[A-Za-z]:", name)
                or ".." in re.split(r"[/\\]", name)
            ):
                raise ImportFailure(
                    "import.unreadable", f"{NOT_DOCX}: a part is named {name[:100]!r}"
                )
            total += member.file_size
            if total > limits.max_unpacked_bytes:
                raise _bomb(
                    f"it unpacks to more than {limits.max_unpacked_bytes} bytes (at {name[:100]!r})"
                )
            if member.file_size >= RATIO_FROM and (
                member.compress_size == 0
                or member.file_size / member.compress_size > limits.max_ratio
            ):
                raise _bomb(
                    f"its part {name[:100]!r} unpacks {member.compress_size} bytes to "
                    f"{member.file_size}, more than {limits.max_ratio} times"
                )
        if "word/document.xml" not in archive.namelist():
            raise ImportFailure("import.unreadable", f"{NOT_DOCX}: it has no word/document.xml")
        for member in members:
            if member.filename.lower().endswith((".xml", ".rels")):
                head = archive.read(member).lower()
                if any(marker in head for marker in DOCTYPE):
                    raise ImportFailure(
                        "import.entities",
                        f"the DOCX part {member.filename[:100]!r} declares a DTD or entities, "
                        "which Word never writes; briefgen does not read them: save the "
                        "document again from Word",
                    )


def _bomb(why: str) -> ImportFailure:
    return ImportFailure(
        "import.zip-bomb",
        f"the DOCX looks like a decompression bomb: {why}; save it again from Word",
    )


def _unreadable(error: BaseException) -> ImportFailure:
    return ImportFailure(
        "import.unreadable",
        f"the DOCX is damaged or is not a Word document ({reason(error)}); open it in Word or "
        "LibreOffice and save it again",
    )


def _extract(data: bytes) -> Extracted:
    document = docx.Document(io.BytesIO(data))
    blocks: list[Block] = []
    original_chars = 0
    for paragraph in _paragraphs(document.iter_inner_content()):
        original_chars += len(paragraph.text)
        text = " ".join(paragraph.text.split())
        if text:
            role = _role(paragraph, text, blocks)
            blocks.append(Block(text, role))
    for note in _footnotes(data):
        original_chars += len(note)
        text = " ".join(note.split())
        if text:
            blocks.append(Block(text, "footnote"))
    return Extracted(
        blocks=blocks,
        metadata=_metadata(document),
        original_chars=original_chars,
        extractor=EXTRACTOR,
    )


def _paragraphs(content: object) -> list[Paragraph]:
    """Paragraphs in reading order, tables cell by cell (a merged cell once)."""
    found: list[Paragraph] = []
    for item in content:  # type: ignore[attr-defined]
        if isinstance(item, Paragraph):
            found.append(item)
        elif isinstance(item, Table):
            seen: set[int] = set()
            for row in item.rows:
                for cell in row.cells:
                    if id(cell._tc) not in seen:
                        seen.add(id(cell._tc))
                        found.extend(_paragraphs(cell.iter_inner_content()))
    return found


def _role(paragraph: Paragraph, text: str, before: list[Block]) -> Role:
    style = paragraph.style.name if paragraph.style is not None else ""
    style = style or ""
    if style == "Title":
        return "title"
    if HEADING.fullmatch(style):
        return "heading"
    if before and before[-1].role == "title" and BYLINE.match(text) and len(text) < 120:
        return "byline"
    return "body"


def _footnotes(data: bytes) -> list[str]:
    """The footnotes' text, from word/footnotes.xml (python-docx does not read them)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        try:
            xml = archive.read("word/footnotes.xml")
        except KeyError:
            return []
    parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    root = lxml.etree.fromstring(xml, parser)
    notes = []
    for note in root.iter(f"{{{W}}}footnote"):
        if note.get(f"{{{W}}}type") in {"separator", "continuationSeparator"}:
            continue
        paragraphs = [
            "".join(node.text or "" for node in p.iter(f"{{{W}}}t")) for p in note.iter(f"{{{W}}}p")
        ]
        notes.append(" ".join(paragraphs))
    return notes


def _metadata(document: object) -> dict[str, Recorded]:
    properties = document.core_properties  # type: ignore[attr-defined]
    found: dict[str, Recorded] = {}
    if properties.title and properties.title.strip():
        found["title"] = Recorded(" ".join(properties.title.split()), CORE)
    if properties.author and properties.author.strip():
        found["author"] = Recorded(" ".join(properties.author.split()), CORE)
    if properties.created is not None:
        found["date"] = Recorded(properties.created.date().isoformat(), CORE)
    return found

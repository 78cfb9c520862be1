"""briefgen/ingest/docx.py: the sample's exact paragraphs, and each hostile DOCX's code.

sample.docx and entity.docx are made by tests/fixtures/import/make_fixtures.py and
committed; the zip bombs and odd zips are made here, in tmp_path or memory.
"""

from __future__ import annotations

import io
import random
import time
import zipfile
from pathlib import Path

import docx
import pytest

from briefgen.ingest import Block, ImportFailure, Limits, Recorded, extract
from tests.conftest import FIXTURES

IMPORT = FIXTURES / "import"
SAMPLE = (IMPORT / "sample.docx").read_bytes()

EXPECTED = [
    Block("Intelligence Sharing in Northeast Asia", "title"),
    Block("By Jane Example and Min-jun Sample", "byline"),
    Block(
        "Seoul and Tokyo signed their military information agreement in 2016 after years "
        "of quiet talks.",
    ),
    Block("Why the agreement matters", "heading"),
    Block("Without a bilateral channel, warnings passed through Washington."),
    # The tables, cell by cell, row by row; the merged cell once.
    Block("Year"),
    Block("Event"),
    Block("2016"),
    Block("Signed"),
    Block("Renewed yearly"),
    Block("A merged cell"),
    Block("Critics still question the arrangement."),
    Block("Ministry of National Defense, press release, 23 November 2016.", "footnote"),
]


def refused(data: bytes, limits: Limits | None = None) -> ImportFailure:
    started = time.process_time()  # not the clock: load is not the file's cost
    with pytest.raises(ImportFailure) as raised:
        extract(".docx", data, limits or Limits())
    assert time.process_time() - started < 3
    return raised.value


def sample_with(extra: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(SAMPLE)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info, source.read(info))
        for name, data in extra.items():
            target.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def test_sample_gives_exact_paragraphs_and_roles() -> None:
    assert extract(".docx", SAMPLE, Limits()).blocks == EXPECTED


def test_core_properties_are_recorded() -> None:
    result = extract(".docx", SAMPLE, Limits())
    origin = "DOCX core properties"
    assert result.metadata == {
        "title": Recorded("Intelligence Sharing in Northeast Asia", origin),
        "author": Recorded("Jane Example", origin),
        "date": Recorded("2024-03-05", origin),
    }
    assert result.extractor == f"python-docx {docx.__version__}"
    assert result.original_chars == 405  # the tab and the run of spaces folded after
    assert result.joins == []


def test_zip_bomb_member_is_refused_before_python_docx(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(io.BytesIO(SAMPLE)) as source, zipfile.ZipFile(bomb, "w") as target:
        for info in source.infolist():
            target.writestr(info, source.read(info))
        zeros = bytes(2**20)
        info = zipfile.ZipInfo("word/media/zeros.bin")
        info.compress_type = zipfile.ZIP_DEFLATED
        info._compresslevel = 1  # type: ignore[attr-defined]  # fast; zeros squeeze anyway
        with target.open(info, "w") as member:
            for _ in range(200):
                member.write(zeros)
    data = bomb.read_bytes()
    assert len(data) < 2**20  # 200 MB of zeros in a few hundred kilobytes
    error = refused(data)
    assert error.code == "import.zip-bomb"
    assert "'word/media/zeros.bin'" in error.message


def test_total_unpacked_size_is_limited() -> None:
    assert refused(SAMPLE, Limits(max_unpacked_bytes=10_000)).code == "import.zip-bomb"


def test_member_count_is_limited() -> None:
    assert refused(SAMPLE, Limits(max_members=5)).code == "import.zip-bomb"


@pytest.mark.parametrize("name", ["../evil.xml", "/etc/evil.xml", "word/../../evil.xml"])
def test_member_climbing_out_is_refused(name: str) -> None:
    error = refused(sample_with({name: b"<x/>"}))
    assert error.code == "import.unreadable"
    assert repr(name) in error.message


def test_not_a_zip() -> None:
    error = refused(b"%PDF-1.7 this is not a Word file")
    assert (error.code, error.message) == (
        "import.unreadable",
        "not a DOCX (Word 2007+) file: it is not a zip archive",
    )


def test_a_zip_that_is_not_a_docx() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "hello")
    assert refused(out.getvalue()).code == "import.unreadable"


def test_damaged_document_xml_is_unreadable() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(SAMPLE)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/document.xml":
                data = data[: len(data) // 2]
            target.writestr(info, data)
    assert refused(out.getvalue()).code == "import.unreadable"


def test_external_entity_is_refused() -> None:
    error = refused((IMPORT / "entity.docx").read_bytes())
    assert error.code == "import.entities"
    assert "'word/document.xml'" in error.message


def test_python_docx_alone_does_not_resolve_the_entity_either() -> None:
    # Defence in depth: python-docx's parser has resolve_entities=False, so even past
    # our DOCTYPE check the file's contents would not reach the text. But the text after
    # the unresolved entity is silently lost ("By &x; Jane…" reads "By "): one more
    # reason to refuse a DTD rather than read around it.
    document = docx.Document(str(IMPORT / "entity.docx"))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert "root:" not in text
    assert document.paragraphs[1].text == "By "


def test_utf16_doctype_is_refused_too() -> None:
    xml = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY y "z">]><x/>'
    data = sample_with({"word/extra.xml": xml.encode("utf-16-le")})
    assert refused(data).code == "import.entities"


def test_damaged_docx_never_gives_a_traceback() -> None:
    rng = random.Random(20)
    for _ in range(40):
        data = bytearray(SAMPLE)
        for _ in range(rng.choice([1, 5, 40])):
            data[rng.randrange(len(data))] = rng.randrange(256)
        try:
            extract(".docx", bytes(data), Limits(seconds=5))
        except ImportFailure as error:
            assert error.code in {"import.unreadable", "import.zip-bomb", "import.entities"}

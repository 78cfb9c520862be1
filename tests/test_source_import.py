"""``briefgen source import``: a BibTeX file and a Zotero (Better BibTeX) CSL-JSON export
fill existing sources' metadata as ``recorded`` (issue 21 item 3), never their text.

The fixture project (tests/fixtures/bibliography) has three sources: two versions of one
report (May and August) whose authors the texts don't state, and an article whose text
states its title and author. Each export gives all three, plus an entry for a source the
project doesn't have. No PDF is built here.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefgen import pipeline
from briefgen.cli import main
from briefgen.load.readers import load_yaml
from briefgen.model.records import SourceRecord, Status
from briefgen.text.csl import Citations, Cite, csl_item
from tests.conftest import FIXTURES, copy_project

PROJECT = FIXTURES / "bibliography"
SOURCES = Path("content") / "sources"
NO_SOURCE = (
    "warning: entry 'elsewhere' matches no source (no content/sources/elsewhere.yaml): add "
    "its text with `briefgen source add FILE --id elsewhere`, then import again "
    "[import.no-source]"
)
TITLE_CONFLICT = (
    "warning: entry 'gadgets' gives the title as 'Notes on Gizmos', but "
    "content/sources/gadgets.yaml:4 marks 'A Note on Gadgets' as stated by line 1 of the "
    "text: kept the text's (correct the bibliography, or the record if the text says "
    "otherwise) [import.conflict]"
)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = copy_project(PROJECT, tmp_path / "project")
    for name in ("refs.bib", "zotero.json"):
        shutil.copy2(PROJECT / name, root / name)
    return root


def run(root: Path, file: Path | str) -> tuple[int, list[str], list[str]]:
    result = CliRunner().invoke(main, ["source", "import", "--root", str(root), str(file)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout.splitlines(), result.stderr.splitlines()


def record(root: Path, source_id: str) -> SourceRecord:
    return SourceRecord.model_validate(load_yaml(root / SOURCES / f"{source_id}.yaml").data)


def texts(root: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted((root / SOURCES).iterdir())}


def test_bibtex_fills_metadata_as_recorded_and_reports_conflicts(project: Path) -> None:
    before = texts(project)
    code, out, err = run(project, project / "refs.bib")
    assert code == 0, err
    assert err == [
        f"refs.bib:24: {TITLE_CONFLICT}",
        "refs.bib:29: warning: entry 'gadgets': 'urldate' is not a date briefgen reads "
        "(write YYYY, YYYY-MM or YYYY-MM-DD); its accessed was left out [import.bad-value]",
        f"refs.bib:32: {NO_SOURCE}",
        "0 error(s), 3 warning(s)",
    ]
    assert out == [
        "filled content/sources/gadgets.yaml: outlet, date",
        "filled content/sources/widgets-aug.yaml: author, date (was '2024-08'), publisher, "
        "number, version",
        "filled content/sources/widgets-may.yaml: author, url, accessed, publisher, number, "
        "version",
        "3 source(s) filled from 4 entry(ies)",
    ]
    may = record(project, "widgets-may")
    assert may.author.status is Status.RECORDED and may.author.from_ == "refs.bib"
    assert may.author.value == ["Ana Ruiz", "Clare Ribando Seelke"]
    assert may.author.shown == "Ana Ruiz and Clare Ribando Seelke"
    assert (may.publisher, may.number, may.version) == ("Office of Widget Research", "WR-101", "1")
    assert (may.url, may.accessed) == ("https://example.org/widgets/may", "2024-06-01")
    # What the text states stays stated: the title, the date.
    assert may.title.status is Status.STATED and may.date.status is Status.STATED
    aug = record(project, "widgets-aug")
    assert (aug.date.status, aug.date.value, aug.date.from_) == (
        Status.RECORDED,
        "2024-08-02",
        "refs.bib",
    )
    assert aug.url == "https://example.org/widgets"  # the same: kept, with its comment
    assert (
        "url: https://example.org/widgets  # the page we copied it from"
        in texts(project)["widgets-aug.yaml"]
    )
    gadgets = record(project, "gadgets")
    assert gadgets.title.value == "A Note on Gadgets"  # stated: not overwritten
    # LaTeX decoded: {Q}, \& and \'{e}.
    assert (gadgets.outlet.status, gadgets.outlet.value) == (
        Status.RECORDED,
        "Gadget Quarterly & Résumé",
    )
    assert gadgets.date.value == "2023-03"
    after = texts(project)
    # Never a text: every .txt as it was; the record's comment line kept.
    assert {k: v for k, v in after.items() if k.endswith(".txt")} == {
        k: v for k, v in before.items() if k.endswith(".txt")
    }
    assert after["widgets-may.yaml"].startswith("# The May version of a report")
    assert pipeline.check(project).diagnostics.errors == []
    # A second import finds nothing to fill and writes nothing.
    code, out, _err = run(project, project / "refs.bib")
    assert (code, out[-1], texts(project)) == (0, "0 source(s) filled from 4 entry(ies)", after)


def test_zotero_csl_json_fills_the_same(project: Path) -> None:
    code, out, err = run(project, project / "zotero.json")
    assert code == 0, err
    assert err == [
        "zotero.json:34: warning: entry 'gadgets': the url 'ftp://example.org/gadgets' can't "
        "be used (not an http or https address); left out [import.bad-value]",
        f"zotero.json:34: {TITLE_CONFLICT}",
        f"zotero.json:44: {NO_SOURCE}",
        "0 error(s), 3 warning(s)",
    ]
    assert out[-1] == "3 source(s) filled from 4 entry(ies)"
    may = record(project, "widgets-may")
    assert (may.author.value, may.author.from_) == (
        ["Ana Ruiz", "Clare Ribando Seelke"],
        "zotero.json",
    )
    assert (may.version, may.accessed) == ("1", "2024-06-01")
    assert record(project, "gadgets").outlet.value == "Gadget Quarterly"
    assert record(project, "gadgets").url is None


def test_two_versions_of_one_report_print_differently(project: Path) -> None:
    """new-user-3: the May and August versions of one report read alike in full notes
    (a report prints its year only); the version imported tells them apart, and the two
    authors print as CSL authors."""
    run(project, project / "refs.bib")
    items = {s: csl_item(s, record(project, s)) for s in ("widgets-may", "widgets-aug")}
    with Citations(items) as citations:
        may = citations.notes([Cite("widgets-may", "1")])[0]
        aug = citations.notes([Cite("widgets-aug", "1")])[0]
    assert may.startswith("Ana Ruiz and Clare Ribando Seelke, <i>Widget Exports in 2024</i>")
    assert "version 1" in may and "version 2" in aug and may != aug


def test_a_stated_author_list_is_checked_name_by_name(project: Path) -> None:
    path = project / SOURCES / "gadgets.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(
            "author: {status: stated, value: Ana Ruiz, line: 2}",
            "author:\n  status: stated\n  value:\n    - Ana Ruiz\n    - Bo Lin\n  line: 2",
        ),
        encoding="utf-8",
    )
    assert [d.format() for d in pipeline.check(project).diagnostics.errors] == [
        "content/sources/gadgets.yaml:9: error: author 'Bo Lin' is marked stated but line 2 "
        "does not contain it [source.stated-not-found]"
    ]


def test_a_record_that_cant_be_edited_in_place_leaves_every_file_as_it_was(
    project: Path,
) -> None:
    aug = project / SOURCES / "widgets-aug.yaml"
    digest = hashlib.sha256((project / SOURCES / "widgets-aug.txt").read_bytes()).hexdigest()
    aug.write_text(
        "{kind: report, text: widgets-aug.txt, sha256: "
        + digest
        + ", title: {status: unknown}, author: {status: unknown}, outlet: {status: unknown},"
        " date: {status: unknown}, reliability: unassessed}\n",
        encoding="utf-8",
    )
    before = texts(project)
    code, out, err = run(project, project / "refs.bib")
    assert code == 1 and out == []
    assert (
        "content/sources/widgets-aug.yaml:1: error: could not fill this record in place (it "
        "is not laid out one key a line): write the values by hand; nothing was changed "
        "[write.failed]"
    ) in err
    assert texts(project) == before


def test_hostile_bibliographies_are_located_errors(project: Path, tmp_path: Path) -> None:
    def error(name: str, data: bytes) -> list[str]:
        (project / name).write_bytes(data)
        code, out, err = run(project, project / name)
        assert (code, out) == (1, [])
        return err[:1]

    outside = tmp_path / "outside.bib"
    outside.write_text("@misc{gadgets, title={X}}\n", encoding="utf-8")
    code, _out, err = run(project, outside)
    assert code == 1 and err[0] == (
        f"{outside}: error: the bibliography is outside the project: copy it into the project "
        "folder (its path there is what each filled value records as `from:`), then import it "
        "[import.outside-project]"
    )
    os.symlink(outside, project / "link.bib")
    assert run(project, project / "link.bib")[2][0] == (
        "link.bib: error: is a symbolic link; name the file itself [import.symlink]"
    )
    assert error("latin1.bib", "@misc{gadgets,\n title={Caf\xe9}}\n".encode("latin-1")) == [
        "latin1.bib:2: error: is not UTF-8 text: export it again as UTF-8 (Zotero and Better "
        "BibTeX do) [import.encoding]"
    ]
    assert error("deep.json", b"[" * 100_000) == [
        "deep.json: error: nests more than 64 levels deep: this is not a CSL-JSON export "
        "[import.bad-bibliography]"
    ]
    assert error("deep.bib", b"@misc{a, title={" + b"{" * 100_000 + b"}" * 100_001 + b"}") == [
        "deep.bib: error: nests braces more than 64 deep: this is not a BibTeX export "
        "[import.bad-bibliography]"
    ]
    assert error("broken.json", b'[\n  {"id": "gadgets",\n  "title": }\n]') == [
        "broken.json:3: error: is not valid JSON (Expecting value) [import.bad-bibliography]"
    ]
    long_number = b'[{"id": "gadgets", "issued": {"date-parts": [[' + b"9" * 5000 + b"]]}}]"
    assert error("number.json", long_number) == [
        "number.json: error: holds a number too long to be in a CSL-JSON export "
        "[import.bad-bibliography]"
    ]
    huge = b"[" + json.dumps({"id": "gadgets", "note": "x" * 6_000_000}).encode() + b"]"
    assert error("huge.json", huge)[0].startswith("huge.json: error: the file is ")
    assert error("refs.txt", b"") == [
        "refs.txt: error: briefgen source import reads a BibTeX (.bib) or CSL-JSON (.json) "
        "export; to add a source's text, use briefgen source add [import.unsupported]"
    ]
    assert texts(project) == texts(copy_project(PROJECT, tmp_path / "fresh"))


def test_a_citation_key_that_is_no_id_says_how_to_match_it(project: Path) -> None:
    (project / "keys.json").write_text(
        '[{"id": "ruizWidgetExports2024", "title": "Widget Exports in 2024"}]', encoding="utf-8"
    )
    code, _out, err = run(project, project / "keys.json")
    assert code == 0 and err[0] == (
        "keys.json:1: warning: entry 'ruizWidgetExports2024' matches no source: its citation "
        "key is not a source id (lowercase letters, digits and single hyphens); set the key "
        "to the id of the source it describes (in Better BibTeX, pin the citation key), then "
        "import again [import.no-source]"
    )


def test_a_broken_bibtex_block_is_left_out_and_the_rest_imported(project: Path) -> None:
    (project / "mixed.bib").write_text(
        "@misc{elsewhere, title = {unclosed\n@article{gadgets, journal = {Gadget Quarterly}}\n",
        encoding="utf-8",
    )
    code, out, err = run(project, project / "mixed.bib")
    assert code == 0
    assert (
        err[0]
        == "mixed.bib:1: warning: this block is not valid BibTeX: left out [import.bad-value]"
    )
    assert out[0] == "filled content/sources/gadgets.yaml: outlet"


def test_a_record_that_is_a_link_is_never_written_through(project: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    record_path = project / SOURCES / "widgets-may.yaml"
    outside.write_bytes(record_path.read_bytes())
    record_path.unlink()
    record_path.symlink_to(outside)
    before = outside.read_bytes()
    code, _out, err = run(project, project / "refs.bib")
    assert code == 0
    assert (
        "refs.bib:2: warning: entry 'widgets-may': its source record "
        "content/sources/widgets-may.yaml does not load: run briefgen check, fix it, then "
        "import again [import.no-source]"
    ) in err
    assert outside.read_bytes() == before and record_path.is_symlink()


def test_the_annex_says_a_value_came_from_the_bibliography(project: Path) -> None:
    from briefgen.analyse.sources import field_view
    from briefgen.diagnostics import Diagnostics
    from briefgen.load.project import load_project

    run(project, project / "refs.bib")
    loaded, _ = load_project(project, Diagnostics(project))
    assert loaded is not None
    source = loaded.sources["widgets-may"]
    shown = field_view(source, "author", source.record.author, "us")
    assert (shown.value, shown.reason) == (
        "Ana Ruiz and Clare Ribando Seelke",
        "recorded in the bibliography refs.bib, not stated in the text",
    )

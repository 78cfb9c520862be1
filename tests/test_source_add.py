"""briefgen source add / source verify, run for real on the fixture files in
tests/fixtures/import/ added to copies of the minimal project."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from pydantic import ValidationError

from briefgen import pipeline
from briefgen.cli import main
from briefgen.ingest import Limits, extract
from briefgen.load.readers import load_yaml
from briefgen.model.records import Attested, SourceRecord
from tests.conftest import FIXTURES

IMPORT = FIXTURES / "import"
SOURCES = Path("minimal") / "content" / "sources"

ARTICLE_TXT = (
    "Allies Renew Intelligence Pact\n"
    "By Jane Doe\n"
    "PORT ELLEN, March 14, 2026\n"
    "The two governments agreed on Friday to extend their intelligence-sharing agreement "
    "for another three years, officials said.\n"
    "The pact lets both militaries exchange warning data on missile launches within "
    "minutes rather than hours.\n"
    "Reactions at home\n"
    'Opposition lawmakers called the renewal "a quiet step taken without debate" and '
    "asked for hearings.\n"
    "A government spokesperson said the agreement would be reviewed again in 2029.\n"
)


@pytest.fixture
def here(minimal: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The folder holding the project 'minimal' and copies of the import fixtures; the
    current directory, so paths print as the user typed them."""
    for path in sorted(IMPORT.iterdir()):
        shutil.copyfile(path, minimal.parent / path.name)
    monkeypatch.chdir(minimal.parent)
    return minimal.parent


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout, result.stderr


def listing(here: Path) -> list[str]:
    return sorted(p.name for p in (here / SOURCES).iterdir())


def test_add_html_writes_its_text_record_and_original(here: Path) -> None:
    code, out, err = run("source", "add", "--root", "minimal", "article.html")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "wrote content/sources/article.orig.html",
        "wrote content/sources/article.txt",
        "wrote content/sources/article.yaml",
        "kind: article (the default for .html files; choose another with --kind)",
        "kept 489 of 571 characters of the original's text (86 %)",
        "4 body paragraph(s):",
        "  ¶1  The two governments agreed on Friday to extend their intell…",
        "  ¶2  The pact lets both militaries exchange warning data on miss…",
        '  ¶3  Opposition lawmakers called the renewal "a quiet step taken…',
        "  ¶4  A government spokesperson said the agreement would be revie…",
        'next: cite a passage: briefgen quote find "…"',
        "      set reliability: A–F in content/sources/article.yaml when you have assessed "
        "the source",
    ]
    folder = here / SOURCES
    text = (folder / "article.txt").read_bytes()
    assert text == ARTICLE_TXT.encode("utf-8")  # the nav, script and footer are gone
    original = (IMPORT / "article.html").read_bytes()
    assert (folder / "article.orig.html").read_bytes() == original
    data = load_yaml(folder / "article.yaml").data
    assert data == {
        "kind": "article",
        "text": "article.txt",
        "sha256": hashlib.sha256(text).hexdigest(),
        "title": {"status": "stated", "value": "Allies Renew Intelligence Pact", "line": 1},
        "author": {"status": "stated", "value": "Jane Doe", "line": 2},
        "outlet": {"status": "recorded", "value": "The Harbour Times", "from": "JSON-LD"},
        "date": {"status": "recorded", "value": "2026-03-14", "from": "JSON-LD"},
        "reliability": "unassessed",
        "lines": {"title": 1, "byline": 2, "headings": [6], "other": [3]},
        "numbering": "body",
        "original": {
            "file": "article.orig.html",
            "sha256": hashlib.sha256(original).hexdigest(),
            "extractor": "trafilatura 2.3.1",
        },
    }
    assert SourceRecord.model_validate(data).grade is None


def test_add_txt_drops_the_bom_and_ends_lines_with_lf(here: Path) -> None:
    code, out, _ = run("source", "add", "--root", "minimal", "--id", "mod", "statement.txt")
    assert code == 0
    assert "kind: other (the default for .txt files; choose another with --kind)" in out
    assert (here / SOURCES / "mod.txt").read_bytes() == (
        b"Statement on the Pact\n"
        b"Issued by the Ministry of Defence\n"
        b"The ministry welcomes the renewal of the agreement.\n"
        b"It will report to parliament in the spring.\n"
        b"End of statement.\n"
    )
    data = load_yaml(here / SOURCES / "mod.yaml").data
    assert data["title"] == data["author"] == data["date"] == {"status": "unknown"}
    assert "lines" not in data and data["original"]["file"] == "mod.orig.txt"


def test_add_md_marks_the_title_and_headings(here: Path) -> None:
    code, out, _ = run("source", "add", "--root", "minimal", "--kind", "report", "briefing.md")
    assert code == 0 and "kind:" not in out
    assert (here / SOURCES / "briefing.txt").read_text(encoding="utf-8") == (
        "Briefing: The Pact at Five\n"
        "Prepared for the committee.\n"
        "Background\n"
        "The agreement was first signed in 2021 and renewed twice since.\n"
        "Issues\n"
        "- Warning data arrives *within minutes*.\n"
        "- Oversight remains thin.\n"
    )
    data = load_yaml(here / SOURCES / "briefing.yaml").data
    assert data["kind"] == "report"
    assert data["title"] == {"status": "stated", "value": "Briefing: The Pact at Five", "line": 1}
    assert data["lines"] == {"title": 1, "headings": [3, 5]}


def test_check_passes_at_once_with_only_the_unassessed_warnings(here: Path) -> None:
    for name in ("article.html", "statement.txt", "briefing.md"):
        assert run("source", "add", "--root", "minimal", name)[0] == 0
    result = pipeline.check(here / "minimal")
    assert [d.format() for d in result.diagnostics.sorted()] == [
        f"content/sources/{sid}.yaml:{line}: warning: source '{sid}' is not assessed yet: "
        "set reliability (grade A–F and a reason) before a brief's reader edition cites it "
        "[source.unassessed]"
        for sid, line in (("article", 9), ("briefing", 9), ("statement", 9))
    ]


def test_a_readers_build_citing_an_unassessed_source_fails_at_the_brief(minimal: Path) -> None:
    path = minimal / "content" / "sources" / "test-source.yaml"
    text = path.read_text(encoding="utf-8")
    head = text[: text.index("reliability:")]
    path.write_text(head + "reliability: unassessed\n", encoding="utf-8")
    result = pipeline.build(minimal)
    assert not result.written
    errors = [d.format() for d in result.diagnostics.errors]
    assert errors == [
        f"content/briefs/{brief}.md:1: error: this brief cites source 'test-source', whose "
        "reliability is not assessed: set reliability (grade A–F and a reason) in "
        "content/sources/test-source.yaml [brief.unassessed-source]"
        for brief in ("issue", "memo", "one")
    ]
    # check (and serve's preview) only warn
    checked = pipeline.check(minimal).diagnostics
    assert [d.code for d in checked.sorted()] == ["source.unassessed"]


def test_verify_passes_then_reports_an_edit_as_a_diff(here: Path) -> None:
    assert run("source", "add", "--root", "minimal", "article.html")[0] == 0
    code, out, err = run("source", "verify", "--root", "minimal", "article")
    assert (code, out, err) == (
        0,
        "ok: article: 8 line(s), the same as trafilatura 2.3.1 extracts\n",
        "",
    )
    txt = here / SOURCES / "article.txt"
    txt.write_text(ARTICLE_TXT.replace("three years", "two years"), encoding="utf-8")
    code, out, err = run("source", "verify", "--root", "minimal", "article")
    assert code == 1
    assert out.splitlines()[:3] == [
        "--- article.txt",
        "+++ article.orig.html (trafilatura 2.3.1)",
        "@@ -1,7 +1,7 @@",
    ]
    assert (
        "-The two governments agreed on Friday to extend their intelligence-sharing "
        "agreement for another two years, officials said." in out.splitlines()
    )
    assert err.splitlines() == [
        "content/sources/article.yaml:16: error: 'article.txt' is not what trafilatura "
        "2.3.1 extracts from 'article.orig.html' (the diff above) [source.extraction-differs]",
        "1 error(s), 0 warning(s)",
    ]


def test_verify_reports_a_changed_original(here: Path) -> None:
    assert run("source", "add", "--root", "minimal", "statement.txt")[0] == 0
    (here / SOURCES / "statement.orig.txt").write_bytes(b"Something else\n")
    code, _, err = run("source", "verify", "--root", "minimal", "statement")
    assert code == 1
    assert err.splitlines()[0] == (
        "content/sources/statement.yaml:13: error: 'statement.orig.txt' no longer has the "
        "sha256 this record pins [source.original-changed]"
    )


def test_a_recorded_value_the_text_states_otherwise_is_reported(here: Path) -> None:
    code, _, err = run("source", "add", "--root", "minimal", "differs.html")
    assert code == 0
    assert err.splitlines() == [
        "differs.html: warning: the file's HTML <title> gives the title as 'Pact renewed "
        "for three years', but line 1 of the text states 'Allies Extend Their Intelligence "
        "Pact': the record uses the text's [source.recorded-differs]",
        "differs.html: warning: the file's HTML meta gives the author as 'J. Smith', but "
        "line 2 of the text states 'Joan Smith': the record uses the text's "
        "[source.recorded-differs]",
        "0 error(s), 2 warning(s)",
    ]


# --- hostile and refused input: an exact, located error and nothing written ------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["entities.html"],
            "entities.html:3: error: the page declares XML entities (<!ENTITY>); briefgen "
            "never expands them. Save the page again from a browser, or as text "
            "[import.entities]",
        ),
        (
            ["deep.html"],
            "deep.html: error: the page nests elements more than 200 deep; save it as text "
            "instead [import.too-deep]",
        ),
        (
            ["--max-bytes", "100", "article.html"],
            "article.html: error: the file is 1549 bytes; briefgen imports at most 100 "
            "[import.too-large]",
        ),
        (
            ["blank.txt"],
            "blank.txt: error: the file has no text to quote; check that it is the file you "
            "meant [import.no-text]",
        ),
        (
            ["menu.html"],
            "menu.html: error: briefgen found no article text on the page (only menus, "
            "scripts or nothing); save the article itself: the browser's reader view, then "
            "Save Page As, or copy its text into a .txt file [import.no-text]",
        ),
        (
            ["notes.rtf"],
            "notes.rtf: error: briefgen imports .docx, .htm, .html, .md, .pdf, .txt files "
            "[import.unsupported]",
        ),
        (
            ["--id", "Bad_Id", "article.html"],
            "article.html: error: --id, 'Bad_Id', is not an id (lowercase letters, digits "
            "and single hyphens, at most 80): give one with --id [source.bad-id]",
        ),
        (
            ["--id", "test-source", "article.html"],
            "content/sources/test-source.txt: error: source 'test-source' already has this "
            "file; nothing was written (choose another id with --id) [source.exists]",
        ),
    ],
)
def test_refused_input_writes_nothing(here: Path, args: list[str], message: str) -> None:
    (here / "notes.rtf").write_text("{\\rtf1 Notes}", encoding="utf-8")
    (here / "blank.txt").write_text("  \n\n\t\n", encoding="utf-8")
    (here / "menu.html").write_text(
        "<html><head><title>Menu</title><script>x()</script></head><body><nav>"
        "<a href='/'>Home</a></nav></body></html>",
        encoding="utf-8",
    )
    before = listing(here)
    code, out, err = run("source", "add", "--root", "minimal", *args)
    assert (code, out) == (1, "")
    assert err.splitlines() == [message, "1 error(s), 0 warning(s)", "nothing written"]
    assert listing(here) == before


def test_a_symlinked_file_is_refused(here: Path) -> None:
    (here / "link.html").symlink_to(here / "article.html")
    code, _, err = run("source", "add", "--root", "minimal", "link.html")
    assert code == 1
    assert err.splitlines()[0] == (
        "link.html: error: is a symbolic link; name the file itself [import.symlink]"
    )
    assert "link.txt" not in listing(here)


def test_a_file_that_is_not_utf8_is_refused(here: Path) -> None:
    (here / "latin.txt").write_bytes("caf\xe9\n".encode("latin-1"))
    code, _, err = run("source", "add", "--root", "minimal", "latin.txt")
    assert code == 1
    assert err.splitlines()[0] == (
        "latin.txt: error: the file is not UTF-8 (byte 3); save it as UTF-8 and add it "
        "again [import.encoding]"
    )


def test_the_html_extractor_drops_nav_script_and_footer() -> None:
    extracted = extract(".html", (IMPORT / "article.html").read_bytes(), Limits())
    assert all("tracking" not in b.text and b.text != "Home" for b in extracted.blocks)
    assert [b.role for b in extracted.blocks] == [
        "title",
        "byline",
        "other",
        "body",
        "body",
        "heading",
        "body",
        "body",
    ]


# --- the model: recorded values and unassessed sources -----------------------------------


def test_a_recorded_value_needs_from_and_is_not_at_a_line() -> None:
    ok = Attested.model_validate({"status": "recorded", "value": "T", "from": "HTML <title>"})
    assert ok.from_ == "HTML <title>"
    for bad in (
        {"status": "recorded", "value": "T"},
        {"status": "recorded", "value": "T", "from": "JSON-LD", "line": 1},
        {"status": "stated", "value": "T", "line": 1, "from": "JSON-LD"},
    ):
        with pytest.raises(ValidationError):
            Attested.model_validate(bad)


def test_an_unassessed_source_is_never_printed_as_a_grade(minimal: Path) -> None:
    path = minimal / "content" / "sources" / "test-source.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("reliability:")] + "reliability: unassessed\n", "utf-8")
    view = pipeline.check(minimal).views["one"].values["view"]
    endnote, reader = view["endnotes"][0], view["reader_endnotes"][0]
    assert endnote["grade"] == f"–{endnote['credibility']}"
    assert reader["grade_words"].endswith("from a source whose reliability has not been assessed.")
    assert [(s["reliability"], s["reliability_reason"]) for s in view["annex_sources"]] == [
        ("not assessed", "")
    ]


def test_new_files_are_written_all_or_none_and_never_over_another(tmp_path: Path) -> None:
    from briefgen.write.confined import WriteError
    from briefgen.write.project_files import write_project_files

    (tmp_path / "b.txt").write_text("kept", encoding="utf-8")
    files: dict[Path, str | bytes] = {tmp_path / "a.bin": b"\x00\xff", tmp_path / "b.txt": "x"}
    with pytest.raises(WriteError, match="exists"):
        write_project_files(tmp_path, files, new=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.txt"]
    assert (tmp_path / "b.txt").read_text(encoding="utf-8") == "kept"
    del files[tmp_path / "b.txt"]
    assert write_project_files(tmp_path, files, new=True) == [tmp_path / "a.bin"]
    assert (tmp_path / "a.bin").read_bytes() == b"\x00\xff"


def test_a_pdf_and_a_docx_are_added_and_pass_check_at_once(here: Path) -> None:
    """The PDF and DOCX extractors through the command: records that check cleanly."""
    for name in ("wrapped.pdf", "sample.docx"):
        code, out, err = run("source", "add", "--root", "minimal", name)
        assert (code, err) == (0, ""), out + err
    assert {"wrapped.txt", "wrapped.yaml", "wrapped.orig.pdf", "sample.orig.docx"} <= set(
        listing(here)
    )
    text = (here / SOURCES / "wrapped.txt").read_text(encoding="utf-8")
    assert "joint intelligence cooperation as cautious" in text  # the hyphen join
    assert "Page 1 of 2" not in text  # the running foot is gone
    record = load_yaml(here / SOURCES / "wrapped.yaml", here / "minimal").data
    assert record["joins"] == [
        {"page": 1, "joined": "cooperation", "kept_hyphen": False},
        {"page": 1, "joined": "long-term", "kept_hyphen": True},
    ]
    result = pipeline.check(here / "minimal")
    assert sorted({d.code for d in result.diagnostics.sorted()}) == ["source.unassessed"]


def test_a_damaged_pdf_is_added_with_a_warning_to_compare_it(here: Path) -> None:
    damaged = (here / "wrapped.pdf").read_bytes().replace(b"startxref\n", b"startxref\n9")
    (here / "damaged.pdf").write_bytes(damaged)
    code, _out, err = run("source", "add", "--root", "minimal", "damaged.pdf")
    assert code == 0
    assert err == (
        "damaged.pdf: warning: the file is damaged and was repaired while reading (incorrect "
        "startxref pointer(2); "
        + err.split("pointer(2); ", 1)[1].split(")", 1)[0]
        + "): compare the text with the original before you quote it [import.repaired]\n"
        "0 error(s), 1 warning(s)\n"
    )

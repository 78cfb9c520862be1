"""Whole builds of real projects: PDFs and HTML read back, atomic output, reproducibility."""

from __future__ import annotations

import hashlib
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pypdf
import pytest

from briefgen import pipeline
from briefgen.render.workers import WorkerPool
from tests.conftest import FIXTURES, MINIMAL, copy_built, copy_project
from tests.processes import output_names, snapshot

pytestmark = pytest.mark.build  # every test here renders a PDF (or checks one)


def pdf_text(path: Path) -> str:
    reader = pypdf.PdfReader(path)
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def outline_titles(outline: list) -> list[str]:  # type: ignore[type-arg]
    titles: list[str] = []
    for item in outline:
        if isinstance(item, list):
            titles += outline_titles(item)
        else:
            titles.append(str(item.title))
    return titles


def embedded_fonts(reader: pypdf.PdfReader) -> dict[str, bool]:
    """Base font name → whether its font program is embedded."""
    fonts: dict[str, bool] = {}
    for page in reader.pages:
        for ref in page["/Resources"].get("/Font", {}).values():
            font = ref.get_object()
            descendant = (
                font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            )
            descriptor = descendant["/FontDescriptor"].get_object()
            fonts[str(font["/BaseFont"])] = any(
                key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
            )
    return fonts


class Anchors(HTMLParser):
    """Collects ids, internal links, and any tag or attribute that must never appear."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.tags: set[str] = set()
        self.handlers: list[str] = []
        self.lang: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        for name, value in attrs:
            if name == "id" and value:
                self.ids.add(value)
            if name == "href" and value and value.startswith("#"):
                self.links.append(value[1:])
            if name.startswith("on"):
                self.handlers.append(name)
            if tag == "html" and name == "lang":
                self.lang = value


def parse_html(path: Path) -> Anchors:
    parser = Anchors()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


SEED_BRIEFS = {
    "trilateral-options-issue-brief": "issue-brief",
    "gsomia-decision-memo": "decision-memo",
    "trilateral-one-pager": "one-pager",
    "trilateral-options-paper": "options-paper",
}


def test_seed_build_writes_every_brief_in_both_formats(seed_build: pipeline.Result) -> None:
    """Each brief in both formats, and its audit annex in both under annex/."""
    output = seed_build.artifacts[0].path.parent
    written = sorted(a.path.relative_to(output).as_posix() for a in seed_build.artifacts)
    names = [n for b in SEED_BRIEFS for n in (b, f"annex/{b}")]
    expected = sorted(f"{n}.{f}" for n in names for f in ("html", "pdf"))
    assert written == expected
    assert output_names(output) == sorted([*expected, "manifest.json"])


def test_seed_page_budgets(seed_build: pipeline.Result) -> None:
    """The seed fits its types' budgets (the build checks the body; the notes follow)."""
    reader = [a for a in seed_build.artifacts if a.format == "pdf" and "annex" not in a.path.parts]
    pages = {a.brief: a.pages for a in reader}
    assert pages["trilateral-one-pager"] == 1
    # the memo: at most 3 pages of body, then its notes in Tab A on a page of their own
    assert pages["gsomia-decision-memo"] is not None and pages["gsomia-decision-memo"] <= 4
    issue_pages = pages["trilateral-options-issue-brief"]
    assert issue_pages is not None and 3 <= issue_pages <= 10
    paper_pages = pages["trilateral-options-paper"]
    assert paper_pages is not None and paper_pages <= 10
    for artifact in seed_build.artifacts:
        if artifact.format == "pdf":
            assert len(pypdf.PdfReader(artifact.path).pages) == artifact.pages


def test_seed_pdfs_carry_metadata_fonts_and_bookmarks(seed_build: pipeline.Result) -> None:
    project = seed_build.project
    assert project is not None
    for artifact in seed_build.artifacts:
        if artifact.format != "pdf":
            continue
        meta = project.briefs[artifact.brief].meta
        reader = pypdf.PdfReader(artifact.path)
        info = reader.metadata
        assert info is not None
        assert info.title in (meta.title, f"Audit annex: {meta.title}")
        assert info.author == meta.author
        assert info.subject == " ".join(meta.summary.split())
        assert info["/Keywords"] == ", ".join(meta.keywords)
        assert info["/CreationDate"] == "D:" + meta.date.strftime("%Y%m%d")
        assert reader.trailer["/Root"]["/Lang"] == "en"
        assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged for accessibility
        fonts = embedded_fonts(reader)
        assert fonts and all(fonts.values()), fonts
        assert all("Caladea" in name for name in fonts), fonts
        titles = outline_titles(reader.outline)
        if artifact.path.parent.name == "annex":  # the audit annex: every note, the records
            assert info.title == titles[0] == f"Audit annex: {meta.title}"
            assert "Notes" in titles and "Source records" in titles
            continue
        assert titles[0] == meta.title
        # The one-pager cites in the text and names its sources on its evidence-base line.
        # A type with a notes tab (the memo's "Tab A") heads its notes with the tab.
        notes = "Notes" in titles or any(t.endswith(": Notes and sources") for t in titles)
        assert notes == ("Sources" in titles) == (meta.type != "one-pager")


def test_issue_brief_has_the_required_parts(seed_build: pipeline.Result) -> None:
    pdf = next(
        a.path for a in seed_build.artifacts if a.name_is("trilateral-options-issue-brief.pdf")
    )
    text = pdf_text(pdf)
    assert "Contents" not in text  # under 10 pages: no table of contents in print
    for part in (
        "Bottom line up front",
        "Key points",
        "Timeline",
        "Options",
        "Options compared",
        "Recommendations",
        "Notes",
        "Sources",
        "Where the sources disagree",
        "page 1 of",
    ):
        assert part in text, part
    reader = pypdf.PdfReader(pdf)
    titles = outline_titles(reader.outline)
    assert "Timeline" in titles and "Options compared" in titles
    # Both accounts of the 2012 collapse, in the sources' own words, in its audit annex.
    annex = pdf_text(pdf.parent / "annex" / pdf.name)
    assert "prevented it from being ratified in the South Korean National Assembly" in annex
    assert "In June 2012, South Korea and Japan were within an hour of signing" in annex


def test_quotes_print_the_sources_own_characters(seed_build: pipeline.Result) -> None:
    html = next(
        a.path for a in seed_build.artifacts if a.name_is("trilateral-options-issue-brief.html")
    )
    text = (html.parent / "annex" / html.name).read_text(encoding="utf-8")  # the quotes
    assert "“good first step”" in text
    assert "vial [sic] component" in text  # the source's typo, kept and marked


def test_straight_quotes_in_notes_print_as_the_source_has_them(
    minimal_build: pipeline.Result,
) -> None:
    html = next(a.path for a in minimal_build.artifacts if a.name_is("issue.html"))
    page = (html.parent / "annex" / html.name).read_text(encoding="utf-8")  # the quotes
    text = re.sub(r"</?bdi[^>]*>", "", page)  # each quote is isolated (issue 23)
    # Notes wrote "alliance" and Critics' with straight quotes; the source has “ ” and ’.
    # Inside the printed “…” the source's own “alliance” alternates to ‘alliance’ (issue 15).
    assert "“The ‘alliance’ agreed to share data in 2014.”" in text
    assert "“Critics’ view”" in text
    assert "Critics' view" not in text


def test_seed_html_is_standalone_and_links_resolve(seed_build: pipeline.Result) -> None:
    for artifact in seed_build.artifacts:
        if artifact.format != "html":
            continue
        page = parse_html(artifact.path)
        assert page.lang == "en"
        missing = [link for link in page.links if link not in page.ids]
        assert missing == [], artifact.brief
        assert not page.tags & {"script", "iframe", "object", "embed", "link", "img"}
        assert page.handlers == []
        text = artifact.path.read_text(encoding="utf-8")
        assert "data:font/ttf;base64," in text  # fonts travel with the file
        assert "http://" not in text and "https://" not in text
        assert 'name="viewport"' in text


def test_sourced_and_analysis_are_marked(minimal_build: pipeline.Result) -> None:
    html = next(a.path for a in minimal_build.artifacts if a.name_is("issue.html"))
    text = html.read_text(encoding="utf-8")
    assert '<section id="bottom-line-up-front" class="analysis-section">' in text
    assert '<section id="key-points" class="sourced-section">' in text
    assert '<div class="analysis" role="note" aria-label="Analysis">' in text
    assert '<section id="options" class="analysis-section">' in text


def test_front_matter_text_is_escaped(minimal_build: pipeline.Result) -> None:
    html = next(a.path for a in minimal_build.artifacts if a.name_is("issue.html"))
    text = html.read_text(encoding="utf-8")
    assert "<script>" not in text
    assert "With &lt;script&gt;alert(1)&lt;/script&gt; in the subtitle" in text


def test_endnotes_number_in_reading_order(minimal_build: pipeline.Result) -> None:
    html = next(a.path for a in minimal_build.artifacts if a.name_is("issue.html"))
    text = html.read_text(encoding="utf-8")
    first = text.index('href="#note-1"')
    assert first < text.index('href="#note-2"') < text.index('href="#note-3"')
    # Each endnote of the annex names its source, paragraph and kind.
    annex = (html.parent / "annex" / html.name).read_text(encoding="utf-8")
    assert '<bdi lang="en">A Test Title</bdi></cite>, para. 3 [fact]' in annex


def test_one_pager_over_budget_fails_and_keeps_previous_output(
    minimal_built: Path, render_pool: WorkerPool
) -> None:
    root = minimal_built  # as its first build left it
    before = snapshot(root / "output")
    shutil.copytree(FIXTURES / "bad" / "one-pager-too-long", root, dirs_exist_ok=True)
    result = pipeline.build(root, pool=render_pool)
    assert not result.written
    messages = [d.format() for d in result.diagnostics.sorted()]
    assert len(messages) == 1
    assert messages[0].startswith("content/briefs/one.md:1: error: one-pager 'one' has ")
    assert messages[0].endswith(
        " pages of body; its budget is 1 ([types.one-pager] budget) [brief.over-budget]"
    )
    after = snapshot(root / "output")
    assert after == before
    assert not list(root.glob(".briefgen-stage-*"))


def test_partial_build_keeps_other_briefs(tmp_path: Path, render_pool: WorkerPool) -> None:
    root = copy_project(MINIMAL, tmp_path / "p")
    assert pipeline.build(root, formats=("html",)).written
    assert output_names(root / "output") == [
        "annex/issue.html",
        "annex/memo.html",
        "annex/one.html",
        "issue.html",
        "manifest.json",
        "memo.html",
        "one.html",
    ]
    result = pipeline.build(root, briefs=["one"], formats=("pdf",), pool=render_pool)
    assert sorted(a.path.name for a in result.artifacts) == ["one.pdf", "one.pdf"]
    assert output_names(root / "output") == [
        "annex/issue.html",
        "annex/memo.html",
        "annex/one.html",
        "annex/one.pdf",
        "issue.html",
        "manifest.json",
        "memo.html",
        "one.html",
        "one.pdf",
    ]


def test_unknown_brief_is_an_error(minimal: Path) -> None:
    result = pipeline.build(minimal, briefs=["nope"])
    assert [d.format() for d in result.diagnostics.sorted()] == [
        "content/briefs: error: no brief 'nope' (see 'briefgen list') [cli.unknown-brief]"
    ]
    assert not (minimal / "output").exists()


def digests(output: Path) -> dict[str, str]:
    return {n: hashlib.sha256((output / n).read_bytes()).hexdigest() for n in output_names(output)}


@pytest.mark.parametrize("built", ["minimal_build", "seed_build"], ids=["minimal", "seed"])
def test_builds_are_byte_identical_across_runs_and_paths(
    built: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """The session's cold build, and a forced rebuild of a copy of its tree elsewhere (a
    later run, another path, over an existing output and cache), give the same bytes."""
    first: pipeline.Result = request.getfixturevalue(built)
    once = digests(first.diagnostics.root / "output")
    if built == "minimal_build":  # the session's forced rebuild of a copy (conftest)
        forced = request.getfixturevalue("minimal_forced")
    else:
        second = copy_built(first.diagnostics.root, tmp_path / "elsewhere" / "deeper" / "b")
        forced = pipeline.build(second, force=True)
    assert forced.written
    assert forced.artifacts and not any(a.cached for a in forced.artifacts)  # all rendered
    assert digests(forced.diagnostics.root / "output") == once

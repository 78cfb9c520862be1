"""Issue 15: briefs in the formats staffers use, a reader's edition and an audit annex.

Read as a decision-maker reads them: the printed text of real PDFs (pdftotext) and
the real HTML. Review: editorial.md (d) "Reader-facing clutter" and (e) rank 5 and 6.
"""

from __future__ import annotations

import re
import subprocess
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from briefgen import pipeline
from briefgen.render.workers import WorkerPool
from tests.conftest import MINIMAL, REPO, copy_project

GRADE_CODE = re.compile(r"\b[A-F][1-6]\b")


def printed(pdf: Path) -> str:
    """The text a reader sees on the pages, in reading order."""
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def seed_note_ids() -> list[str]:
    ids = []
    for path in sorted((REPO / "content" / "notes").glob("*.yaml")):
        notes = YAML(typ="safe").load(path.read_text(encoding="utf-8"))["notes"]
        ids += [note["id"] for note in notes]
    return ids


def reader_pdfs(result: pipeline.Result) -> list[Path]:
    return [a.path for a in result.artifacts if a.format == "pdf" and a.path.parent.name != "annex"]


def annex_of(pdf: Path) -> Path:
    return pdf.parent / "annex" / pdf.name


def messages(result: pipeline.Result) -> list[str]:
    return [d.format() for d in result.diagnostics.sorted()]


@pytest.mark.build
def test_d_reader_clutter_is_in_the_annex_not_the_brief(seed_build: pipeline.Result) -> None:
    """No note ids, checksums, "unknown (unknown)", back-arrows or bare grade codes in
    what the reader is given; all of it, with the quotes, in the annex beside it."""
    notes = seed_note_ids()
    pdfs = reader_pdfs(seed_build)
    assert len(pdfs) == 4
    for pdf in pdfs:
        text = printed(pdf)
        assert [n for n in notes if n in text] == [], pdf.name
        assert "sha256" not in text and "checksum" not in text.lower(), pdf.name
        assert "unknown (unknown)" not in text and "outlet: unknown" not in text, pdf.name
        assert "↑" not in text, pdf.name
        assert GRADE_CODE.findall(text) == [], pdf.name
        annex = printed(annex_of(pdf))
        cited = [n for n in notes if n in annex]
        assert cited, f"the annex of {pdf.name} names no note"
        assert "sha256" in annex and GRADE_CODE.search(annex), pdf.name


@pytest.mark.build
def test_c9_grades_read_as_words_where_the_notes_are(seed_build: pipeline.Result) -> None:
    """F2 read as "fail": the reader's notes say the grade in words instead (the memo's
    notes are in its Tab A without grades: the issue brief's say them)."""
    brief = printed(
        next(p for p in reader_pdfs(seed_build) if p.stem == "trilateral-options-issue-brief")
    )
    notes = " ".join(brief[brief.rindex("Notes") :].split())
    assert "from a fairly reliable source" in notes
    assert "from a source whose reliability cannot be judged" in notes
    assert "Klingner's view, not a reported fact" in notes


@pytest.mark.build
def test_one_pager_has_compact_references_and_no_note_list(seed_build: pipeline.Result) -> None:
    pdf = next(p for p in reader_pdfs(seed_build) if p.stem == "trilateral-one-pager")
    text = printed(pdf)
    assert "Notes" not in text.split()
    folded = " ".join(text.split())
    assert "(Klingner, “US Security Benefits,” para. 1)" in folded
    assert len(re.findall(r"\(([^()]*para\. \d+)\)", folded)) <= 5


def test_one_pager_over_max_citations_is_a_located_error(minimal: Path) -> None:
    with (minimal / "briefgen.toml").open("a", encoding="utf-8") as settings:
        settings.write("\n[types.one-pager]\nmax_citations = 2\n")
    result = pipeline.check(minimal)
    assert messages(result) == [
        "content/briefs/one.md:11: error: this one-pager cites 3 notes; it prints at most 2 "
        "references: cite fewer, choose a longer type, or raise the limit in briefgen.toml "
        "([types.one-pager] max_citations = 3) [brief.too-many-citations]"
    ]


def test_action_memo_needs_a_principal(minimal: Path, edit) -> None:  # type: ignore[no-untyped-def]
    edit(minimal, "content/briefs/memo.md", "principal: Head of the example office\n", "")
    assert messages(pipeline.check(minimal)) == [
        "content/briefs/memo.md:2: error: a decision memo goes to a principal: add "
        "`principal:` naming the role that decides (e.g. 'Director of Policy Planning') "
        "[memo.principal]"
    ]


def test_action_memo_recommendation_says_that_you(minimal: Path, edit) -> None:  # type: ignore[no-untyped-def]
    edit(minimal, "content/briefs/memo.md", "That you do more.", "Do more.")
    assert messages(pipeline.check(minimal)) == [
        "content/briefs/memo.md:18: error: a decision memo's recommendation asks the principal "
        "for a decision they can take: begin a paragraph with 'That you …' [memo.that-you]"
    ]


@pytest.mark.build
def test_action_memo_prints_for_from_and_decision_lines(minimal_build: pipeline.Result) -> None:
    memo = printed(next(p for p in reader_pdfs(minimal_build) if p.stem == "memo"))
    assert "Head of the example office" in memo
    assert "Approve" in memo and "Disapprove" in memo and "Date ____" in memo
    assert "Other views" in memo


@pytest.mark.build
def test_retrospective_memo_has_no_decision_lines(seed_build: pipeline.Result) -> None:
    memo = printed(next(p for p in reader_pdfs(seed_build) if p.stem == "gsomia-decision-memo"))
    # A look back informs: its recommendation is what the record supported, not "That you".
    assert "the record as of mid-October 2016" in memo and "That you" not in memo
    assert "Other views" in memo
    assert "Approve" not in memo and "Disapprove" not in memo


def _retrospective(root: Path) -> Path:
    memo = root / "content" / "briefs" / "memo.md"
    text = memo.read_text(encoding="utf-8")
    memo.write_text(text.replace("principal:", "retrospective: true\nprincipal:"), "utf-8")
    return root


def visible(path: Path) -> str:
    html = path.read_text(encoding="utf-8")
    body = html[html.index("<body") :]
    text = unescape(re.sub(r"<[^>]+>", " ", body)).replace("\u2060", "")
    return " ".join(text.split())


@pytest.fixture(scope="module")
def information_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The minimal project with its memo marked retrospective, its source classed as
    commentary, a holder given a role and one in the plain alias form; the memo, issue
    brief and one-pager built as HTML only."""
    root = _retrospective(copy_project(MINIMAL, tmp_path_factory.mktemp("info") / "m"))
    source = root / "content" / "sources" / "test-source.yaml"
    source.write_text(source.read_text("utf-8") + "genre: commentary\n", "utf-8")
    with (root / "briefgen.toml").open("a", encoding="utf-8") as settings:
        settings.write(
            '\n[holders]\n"Officials" = {role = "spokespeople of the alliance", aliases = '
            '["the officials"]}\n"Critics" = ["the critics"]\n'
        )
    option = root / "content" / "options" / "do-more.yaml"  # a holder first named in a pro
    option.write_text(
        option.read_text("utf-8").replace(
            "  - Builds on what exists [@share-2014].\n",
            "  - Builds on what exists [@share-2014], which the officials called a "
            "[>@first-step].\n",
        ),
        "utf-8",
    )
    result = pipeline.build(root, briefs=["memo", "one", "issue"], formats=("html",))
    assert result.written, messages(result)
    return root / "output"


@pytest.fixture(scope="module")
def information_memo(information_build: Path) -> str:
    """The retrospective memo's visible text."""
    return visible(information_build / "memo.html")


@pytest.mark.build
def test_holder_role_is_printed_at_the_first_mention_as_of_its_source(
    information_build: Path,
) -> None:
    """Issue 24 item 7: who speaks, with their role then; once per brief."""
    issue = visible(information_build / "issue.html")
    assert "Officials (spokespeople of the alliance, as of c. 2015) called it a" in issue
    assert issue.count("spokespeople of the alliance") == 1
    assert "Critics (" not in issue  # the plain alias list form is still read: no role


@pytest.mark.build
def test_holder_role_is_printed_at_a_first_mention_in_an_option(information_build: Path) -> None:
    """The memo names the officials first in an option's benefits: the role is printed
    there, as the tool prints it in a section (not hand-written in each option)."""
    memo = visible(information_build / "memo.html")
    assert "the officials (spokespeople of the alliance, as of c. 2015) called a" in memo
    assert memo.count("spokespeople of the alliance") == 1


@pytest.mark.build
def test_source_genre_is_printed_as_the_analysts_classification(information_build: Path) -> None:
    """Issue 24 item 7: the reader learns what kind of writing a source is, as our call."""
    memo = visible(information_build / "memo.html")
    assert "Roe, Jane. “A Test Title.” [2015?]. We class it as commentary." in memo
    one = visible(information_build / "one.html")
    assert "Sources: A Test Title (Jane Roe, c. 2015; we class it as commentary)." in one
    annex = visible(information_build / "annex" / "memo.html")
    assert "Genre: commentary — the analyst's classification, not the source's" in annex


@pytest.mark.build
def test_retrospective_action_memo_prints_as_an_information_memo(information_memo: str) -> None:
    """Issue 24 item 2 (editorial-3 P2): a look back asks for no decision, so it is an
    information memo: its label, a Purpose, no decision lines."""
    text = information_memo
    assert "Information Memo · Test project" in text and "Action Memo" not in text
    assert "Purpose To inform, not to ask for a decision: on the record as of 2015" in text
    assert "the analysis favoured the option Do more" in text
    assert "Approve" not in text and "Disapprove" not in text and "Decision" not in text


@pytest.mark.build
def test_action_memo_shows_benefits_beside_costs_and_risks(information_memo: str) -> None:
    text = information_memo
    assert "Benefits No effort 1 . Costs Too little 2° . Risks Falls behind 2° ." in text


@pytest.mark.build
def test_memo_notes_and_grades_go_to_tab_a(information_memo: str) -> None:
    """The body is what the principal reads: the notes follow it as Tab A, with the
    citation key and without grades (the annex has them)."""
    text = information_memo
    tab = text[text.index("Tab A: Notes and sources") :]
    assert "Sourced text cites the notes" in tab
    assert "Sourced text cites the notes" not in text[: text.index("Tab A")]
    assert "Jane Roe, “A Test Title” [2015?], para. 3." in tab
    assert "reliable source" not in tab and "view, not a reported fact" not in tab


def test_action_memo_type_without_information_label_refuses_retrospective(
    minimal: Path, edit
) -> None:  # type: ignore[no-untyped-def]
    """A project's own action-memo type with no information_label: a retrospective memo
    of it is a located warning (an error from 0.4.0)."""
    with (minimal / "briefgen.toml").open("a", encoding="utf-8") as settings:
        settings.write(
            '\n[types.ask]\nlabel = "Ask"\naction_memo = true\nbudget = 2\nmax_age = 3\n'
            'required = ["issue", "recommendation", "other-views"]\n'
            'analysis = ["recommendation", "other-views"]\n'
            'parts = ["issue", "recommendation", "options", "other-views", "decision"]\n'
        )
    edit(minimal, "content/briefs/memo.md", "type: decision-memo", "type: ask")
    _retrospective(minimal)
    assert messages(pipeline.check(minimal)) == [
        "content/briefs/memo.md:11: warning: an ask asks the principal for a decision, which "
        "a look back can't: give the type an `information_label` in briefgen.toml "
        '([types.ask] information_label = "Information Memo") so it prints as an '
        "information memo, or use a type that is not an action memo (a warning until "
        "briefgen 0.4.0, an error from then on) [memo.retrospective]"
    ]


@pytest.mark.build
def test_grade_key_is_in_the_footer_of_every_page_with_a_grade(
    minimal_build: pipeline.Result,
) -> None:
    """Issue 24 item 4: a reader meeting "C3" on any printed page finds its key on that
    page; a page with no grade carries no key."""
    import pypdf

    from briefgen.analyse.endnotes import grade_key

    key = " ".join(grade_key().split())
    annexes = [a.path for a in minimal_build.artifacts if a.format == "pdf"]
    annexes = [p for p in annexes if p.parent.name == "annex"]
    assert annexes
    graded = plain = 0
    for pdf in annexes:
        for page in pypdf.PdfReader(pdf).pages:
            text = " ".join(page.extract_text().split())
            without_key = text.replace(key, "")
            # a note's grade (B2), or a source record's reliability grade
            if GRADE_CODE.search(without_key) or "Reliability:" in without_key:
                assert key in text, (pdf.name, text[:200])
                graded += 1
            else:
                assert "Grades: source reliability" not in text, (pdf.name, text[:200])
                plain += 1
    assert graded and plain


@pytest.mark.build
def test_the_marking_stays_on_one_line_beside_the_grade_key(
    seed_build: pipeline.Result,
) -> None:
    """The key in the footer's left corner left the centred marking too little room:
    "DRAFT — NOT FOR" over "DISTRIBUTION" on every graded annex page (fact-check F22)."""
    import pypdf

    from briefgen.analyse.endnotes import grade_key

    key = " ".join(grade_key().split())
    marking = "DRAFT — NOT FOR DISTRIBUTION"
    keyed = 0
    for artifact in seed_build.artifacts:
        if artifact.format != "pdf" or artifact.path.parent.name != "annex":
            continue
        for page in pypdf.PdfReader(artifact.path).pages:
            text = page.extract_text()
            if key in " ".join(text.split()):
                keyed += 1
                assert any(marking in line for line in text.splitlines()), text[-400:]
    assert keyed


@pytest.mark.build
def test_grade_key_at_the_first_grade_of_each_html_section(
    minimal_build: pipeline.Result,
) -> None:
    from briefgen.analyse.endnotes import grade_key

    annex = next(
        a.path
        for a in minimal_build.artifacts
        if a.format == "html" and a.path.parent.name == "annex" and a.brief == "issue"
    )
    html = annex.read_text(encoding="utf-8")
    for section in ("annex-notes", "source-records"):
        start = (
            html.index(f'class="{section}')
            if section != "annex-notes"
            else html.index('class="endnotes annex-notes"')
        )
        part = html[start : html.index("</section>", start)]
        first_grade = part.find('class="grade"')
        key_at = part.index('class="grade-key"')
        assert first_grade == -1 or key_at < first_grade, section
        assert grade_key() in unescape(part)


@pytest.mark.build
def test_budget_counts_the_body_not_its_notes() -> None:
    """A real WeasyPrint render: the pages after the body-end mark (the notes) are not
    the body's; a budget counts the body (render/editions._check_budget)."""
    from briefgen.render.html import render_pdf

    body = "".join(f"<p>Body paragraph {n}.</p>" for n in range(5))
    notes = "".join(f"<p>Note {n}.</p>" for n in range(200))
    html = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>t</title></head>'
        f'<body><main>{body}<div id="body-end"></div>{notes}</main></body></html>'
    )
    pdf = render_pdf(html)
    assert pdf.body_pages == 1 and pdf.pages > 1


@pytest.mark.build
def test_the_annex_is_not_counted(seed_build: pipeline.Result) -> None:
    assert seed_build.project is not None
    layouts = seed_build.project.settings.layouts
    annex = next(
        a
        for a in seed_build.artifacts
        if a.path.as_posix().endswith("annex/trilateral-options-issue-brief.pdf")
    )
    assert annex.pages is not None and annex.pages > layouts["issue-brief"].budget


@pytest.mark.build
def test_issue_brief_summary_over_a_page_is_an_error(  # type: ignore[no-untyped-def]
    minimal_built: Path, render_pool: WorkerPool, edit
) -> None:
    long = "\n\n".join(["Sharing should widen, step by step, in public."] * 70)
    edit(minimal_built, "content/briefs/issue.md", "Sharing should widen.", long)
    result = pipeline.build(minimal_built, pool=render_pool)
    assert not result.written
    (problem,) = messages(result)
    assert problem.startswith("content/briefs/issue.md:1: error: the executive summary of 'issue' ")
    assert problem.endswith(
        "pages of text; issue-brief allows 1 ([types.issue-brief] summary_pages) "
        "[brief.summary-too-long]"
    )


@pytest.mark.build
def test_table_of_contents_only_in_long_briefs(  # type: ignore[no-untyped-def]
    minimal_built: Path, render_pool: WorkerPool, edit
) -> None:
    """A full-page contents list on a short brief pushed its bottom line down (review (d))."""
    minimal = minimal_built  # as its first build left it
    short = printed(minimal / "output" / "issue.pdf")
    assert "Contents" not in short
    assert 'class="toc"' in (minimal / "output" / "issue.html").read_text(encoding="utf-8")
    edit(minimal, "briefgen.toml", "budget = 6\n", "budget = 6\ntoc_min_pages = 1\n")
    assert pipeline.build(minimal, pool=render_pool).written
    assert "Contents" in printed(minimal / "output" / "issue.pdf")


class _Headings(HTMLParser):
    """The text of every <h3> under #options and every column head of the scores table."""

    def __init__(self) -> None:
        super().__init__()
        self.where: list[str] = []
        self.options: list[str] = []
        self.columns: list[str] = []
        self.capture: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id") == "options":
            self.where.append("options")
        if tag == "table" and "scores" in (found.get("class") or ""):
            self.where.append("scores")
        if tag == "h3" and self.where[-1:] == ["options"]:
            self.capture = self.options
            self.options.append("")
        if tag == "th" and self.where[-1:] == ["scores"] and found.get("scope") == "col":
            self.capture = self.columns
            self.columns.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("h3", "th"):
            self.capture = None
        if tag == "table" and self.where[-1:] == ["scores"]:
            self.where.pop()
        if tag == "section" and self.where[-1:] == ["options"]:
            self.where.pop()

    def handle_data(self, data: str) -> None:
        if self.capture is not None:
            self.capture[-1] += data


@pytest.mark.build
def test_c12_one_number_per_option_throughout(seed_build: pipeline.Result) -> None:
    """The options paper numbered options by rank in the matrix and by order in the list."""
    page = next(
        a.path for a in seed_build.artifacts if a.path.name == "trilateral-options-paper.html"
    )
    parser = _Headings()
    parser.feed(page.read_text(encoding="utf-8"))
    numbered = [
        re.match(r"(\d+)\. (.*?)(?: Recommended)?$", " ".join(h.split())) for h in parser.options
    ]
    options = {int(m.group(1)): m.group(2) for m in numbered if m}
    columns = [re.match(r"(\d+)\. (.*)$", " ".join(c.split())) for c in parser.columns]
    scored = {int(m.group(1)): m.group(2) for m in columns if m}
    assert len(options) == 5
    assert scored == options


@pytest.mark.build
@pytest.mark.parametrize("name", ["trilateral-options-paper", "trilateral-options-issue-brief"])
def test_options_paper_shows_each_options_pros_cons_and_risks(
    seed_build: pipeline.Result, name: str
) -> None:
    """The options paper weighs each option; the annex has every option whole."""
    pdf = next(p for p in reader_pdfs(seed_build) if p.stem == name)
    annex = printed(annex_of(pdf))
    assert annex.count("Pros") >= 5 and annex.count("Risks") >= 5
    if name == "trilateral-options-paper":
        text = printed(pdf)
        assert text.count("Pros") == 5 and text.count("Cons") == 5 and text.count("Risks") == 5

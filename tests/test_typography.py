"""Typography (issue 15 item 4; editorial review (d) "Typography and layout").

Citation marks glued to their word, sorted and compressed; quotes inside quotes
alternating at render time; [sic]; the print measure, stacked pros/cons/risks and
tables kept whole, checked in real WeasyPrint PDFs read back.
"""

from __future__ import annotations

import re
import statistics
import subprocess
from collections.abc import Callable
from pathlib import Path

import pypdf
import pytest

from briefgen import pipeline
from briefgen.render.workers import WorkerPool
from briefgen.text.markdown import CiteMark, cite_html, render
from tests.conftest import MINIMAL, copy_project

Run = tuple[float, float, float, str]  # x, y, font size, text


def text_runs(pdf: Path) -> list[list[Run]]:
    """Every page's text runs with their position and font size, as pypdf reads them."""
    pages: list[list[Run]] = []
    for page in pypdf.PdfReader(pdf).pages:
        runs: list[Run] = []

        def visit(
            text: str, cm: list[float], tm: list[float], font: object, size: float, runs=runs
        ) -> None:
            if text.strip():
                x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                runs.append((x, y, size * abs(tm[0]) * abs(cm[0]) or size, text))

        page.extract_text(visitor_text=visit)
        pages.append(runs)
    return pages


def output(result: pipeline.Result) -> Path:
    return result.diagnostics.root / "output"


def build(root: Path, pool: WorkerPool, briefs: list[str]) -> pipeline.Result:
    """Build ``briefs`` (the ones a test reads) with the session's render workers."""
    result = pipeline.build(root, briefs=briefs, pool=pool)
    assert result.written, [d.format() for d in result.diagnostics.sorted()]
    return result


# --- (d) 1: citation numbers wrap onto their own line -------------------------------


@pytest.mark.build
def test_citation_numbers_wrap_onto_their_own_line(
    tmp_path: Path, render_pool: WorkerPool, edit: Callable[[Path, str, str, str], None]
) -> None:
    """In a narrow column, no superscript number starts a line: it stays on its word's."""
    root = copy_project(MINIMAL, tmp_path / "narrow")
    sentence = (
        "Widen the sharing as critics urge [@critics] and keep what the alliance agreed "
        "[@share-2014; @critics; @first-step] while officials watch [@first-step]. "
    )
    edit(
        root,
        "content/briefs/one.md",
        "Widen the sharing, as critics urge [@critics].",
        sentence * 4,
    )
    (root / "briefgen.toml").write_text(
        (root / "briefgen.toml").read_text("utf-8")
        + "\n[types.one-pager]\nbudget = 5\ncitations = 'endnotes'\n"
        + "parts = ['bottom-line-up-front', 'key-points', 'the-options', 'what-we-don-t-know', "
        + "'recommendation', 'endnotes']\n",
        "utf-8",
    )
    (root / "templates").mkdir()
    (root / "templates" / "house.css").write_text(
        "@media print { body.one-pager main { columns: auto; } main p { max-width: 45mm; } }",
        "utf-8",
    )
    build(root, render_pool, ["one"])
    runs = [run for page in text_runs(root / "output" / "one.pdf") for run in page]
    start = next(i for i, r in enumerate(runs) if r[3].startswith("Recommendation"))
    end = next(i for i, r in enumerate(runs) if i > start and r[3].startswith("Notes"))
    section = runs[start + 2 : end]
    body = max(r[2] for r in section)
    left = min(r[0] for r in section if r[2] == body)
    marks = [r for r in section if r[2] < body * 0.8 and r[3].strip()[:1].isdigit()]
    assert len(marks) >= 12  # the test sees the marks at all
    starting = [r[3] for r in marks if abs(r[0] - left) < 0.5]
    assert starting == [], f"citation numbers at the start of a line: {starting}"


def test_the_mark_joins_its_word_in_the_html() -> None:
    html = str(render("scope [@x].", lambda ids, quote: "<sup>1</sup>"))
    assert html == "<p>scope<sup>1</sup>.</p>"
    # A soft line break before the mark is a space too; a heading keeps its line.
    html = str(render("article urged\n[@x], and", lambda ids, quote: "<sup>1</sup>"))
    assert html == "<p>article urged<sup>1</sup>, and</p>"
    html = str(render("### Head\n[@x] text", lambda ids, quote: "<sup>1</sup>"))
    assert html == "<h3>Head</h3>\n<p><sup>1</sup> text</p>"
    mark = str(cite_html([CiteMark(7, True, "B2")]))
    assert mark.startswith("&#8288;<sup")  # U+2060 WORD JOINER: no break before the mark


# --- (d) 2: citation numbers are unsorted -------------------------------------------


def numbers(html: str) -> str:
    """The printed text of a citation mark."""
    return re.sub(r"<[^>]+>|&#8288;", "", html)


def test_citation_numbers_are_unsorted() -> None:
    assert numbers(str(cite_html([CiteMark(43, True, "B2"), CiteMark(14, False, "C3")]))) == (
        "14, 43"
    )
    marks = [CiteMark(n, n == 7, "B2") for n in (7, 4, 3, 2)]
    html = str(cite_html(marks))
    assert numbers(html) == "2–4, 7"
    assert 'aria-label="Endnotes 2–4, graded B2, B2 and B2"' in html
    assert 'aria-label="Endnote 7, graded B2"' in html
    assert '<a class="noteref" href="#note-2"' in html  # the range links to its first note
    assert 'id="ref-7"' in html


def test_an_opinion_note_is_not_lost_in_a_range() -> None:
    marks = [CiteMark(2, False, "B2"), CiteMark(3, False, "C6", True), CiteMark(4, False, "B2")]
    assert numbers(str(cite_html(marks))) == "2, 3°, 4"
    opinions = [CiteMark(n, False, "C6", True) for n in (5, 6, 7)]
    html = str(cite_html([*opinions, CiteMark(8, False, "B2")]))
    assert numbers(html) == "5°–7°, 8"
    assert 'aria-label="Endnotes 5–7, graded C6, C6 and C6, opinion"' in html


def test_a_range_keeps_the_back_link_targets_of_its_notes() -> None:
    """Each note's first citation is the target of its endnote's back-link."""
    html = str(cite_html([CiteMark(n, True, "B2") for n in (1, 2, 3)]))
    assert all(f'id="ref-{n}"' in html for n in (1, 2, 3))


# --- (d) 11: nested double quotes; no [sic] -----------------------------------------


def test_nested_double_quotes() -> None:
    """Inside the printed “…”, the quote's own double quotes become single, and back."""
    from briefgen.text.nesting import nested_quote

    assert nested_quote('the "alliance" agreed') == "the ‘alliance’ agreed"
    assert nested_quote("the “alliance” agreed") == "the ‘alliance’ agreed"
    assert nested_quote("he said \"it's 'done' now\"") == "he said ‘it’s “done” now’"
    assert nested_quote("Seoul's 'view'") == "Seoul’s ‘view’"  # an apostrophe stays one
    assert nested_quote('the "alliance"', depth=0) == "the “alliance”"


@pytest.mark.build
def test_nested_double_quotes_in_the_built_brief(minimal_build: pipeline.Result) -> None:
    """The stored quote keeps its straight quotes; the endnote prints them as single."""
    page = (output(minimal_build) / "annex" / "issue.html").read_text("utf-8")  # every quote
    assert '“<bdi lang="en">The ‘alliance’ agreed to share data in 2014.</bdi>”' in page
    stored = (MINIMAL / "content" / "notes" / "test-notes.yaml").read_text("utf-8")
    assert 'quote: The "alliance" agreed to share data in 2014.' in stored


@pytest.mark.build
def test_no_sic_marker(
    minimal_built: Path, render_pool: WorkerPool, edit: Callable[[Path, str, str, str], None]
) -> None:
    """A note's `sic` words print "[sic]" after them wherever its quote is printed."""
    from briefgen.text.nesting import mark_sic

    assert mark_sic("a good first step", ["good"]) == "a good [sic] first step"
    root = minimal_built  # as its first build left it: unchanged pages come from the cache
    edit(
        root,
        "content/notes/test-notes.yaml",
        "quote: good first step\n",
        "quote: good first step\n    sic: [first]\n",
    )
    result = build(root, render_pool, ["one", "issue"])
    one = (output(result) / "one.html").read_text("utf-8")
    assert "“good first [sic] step”" in one
    issue = (output(result) / "issue.html").read_text("utf-8")
    assert "first [sic] step" in issue  # in the text
    annex = (output(result) / "annex" / "issue.html").read_text("utf-8")
    assert "first [sic] step" in annex  # and in the annex's endnote


# --- (d) 3, 5, 9: measure, three narrow columns, split tables ------------------------


def body_lines(pdf: Path) -> list[str]:
    """Lines of running text as `pdftotext -layout` prints them: long, one column."""
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    lines = [line.strip() for line in text.splitlines()]
    return [line for line in lines if len(line) >= 40 and "   " not in line]


@pytest.mark.build
def test_lines_are_too_long(seed_build: pipeline.Result) -> None:
    """The median line of running text is 60–90 characters (it was 107–117)."""
    for name in ("trilateral-options-issue-brief", "gsomia-decision-memo"):
        lines = body_lines(output(seed_build) / f"{name}.pdf")
        median = statistics.median(len(line) for line in lines)
        assert 60 <= median <= 90, (name, median)


@pytest.mark.build
def test_pros_cons_risks_in_three_narrow_columns(minimal_build: pipeline.Result) -> None:
    """Pros, cons and risks are stacked at one left edge, not set side by side (here in
    the annex, which prints every option whole)."""
    runs = [r for page in text_runs(output(minimal_build) / "annex" / "issue.pdf") for r in page]
    labels = [r for r in runs if r[3].strip() in {"Pros", "Cons", "Risks"}]
    assert len(labels) == 6  # two options
    assert len({round(r[0]) for r in labels}) == 1, labels
    assert len({round(r[1]) for r in labels}) == 6  # each on its own line


@pytest.mark.build
@pytest.mark.parametrize("name", ["gsomia-decision-memo", "trilateral-options-paper"])
def test_tables_and_charts_split_or_stranded(seed_build: pipeline.Result, name: str) -> None:
    """No table breaks across pages: a split table repeats its header row on the next page."""
    pages = pypdf.PdfReader(output(seed_build) / f"{name}.pdf").pages
    texts = [page.extract_text() for page in pages]
    for header in ("How intelligence", "Top option holds"):
        holding = [n for n, text in enumerate(texts, 1) if header in text]
        assert len(holding) <= 1, (header, holding)

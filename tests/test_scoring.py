"""Scoring end to end: the scoring fixture, its bad variants, its PDFs."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pypdf
import pytest

from briefgen import pipeline
from tests.conftest import FIXTURES, copy_project

SCORING = FIXTURES / "scoring"

CASES: dict[str, list[str]] = {
    "marking-too-low": [
        f"content/briefs/{brief}: error: marking 'PUBLIC' is less restrictive than note "
        "'share-2014', which is marked 'INTERNAL' [brief.marking-too-low]"
        for brief in ("issue.md:8", "one.md:7", "paper.md:7")
    ],
    "missing-score": [
        "content/options/do-nothing.yaml:12: error: option 'do-nothing' has no score for "
        "criterion 'risk' [score.missing]",
    ],
    "no-evidence": [
        "content/judgments.yaml:12: error: judgment 'do-more-now' names no supporting notes "
        "[judgment.no-evidence]",
    ],
    "out-of-scale": [
        "content/options/do-more.yaml:14: error: score 7 for 'value' is outside its scale "
        "'five' (1–5) [score.out-of-scale]",
    ],
    "uncited-rationale": [
        "content/options/do-more.yaml:18: error: this point cites no note [score.uncited]",
    ],
    "unknown-references": [
        "content/briefs/paper.md:9: error: unknown option 'no-such-option' [brief.unknown-option]",
        "content/briefs/paper.md:11: error: unknown judgment 'no-such-judgment' "
        "[brief.unknown-judgment]",
    ],
    "unknown-confidence": [
        "content/judgments.yaml:5: error: confidence 'certain' is not defined in "
        "briefgen.toml [confidence] (low, moderate, high) [judgment.unknown-confidence]",
    ],
    "weak-evidence": [
        f"content/judgments.yaml:{line}: warning: all the evidence for judgment '{judgment}' "
        "is below the grading threshold [judgment.weak-evidence]"
        for line, judgment in ((6, "more-is-better"), (12, "do-more-now"))
    ],
}


def test_every_bad_analysis_fixture_has_a_case() -> None:
    assert {p.name for p in (FIXTURES / "bad-scoring").iterdir()} == set(CASES)


def test_scoring_fixture_is_clean() -> None:
    assert [d.format() for d in pipeline.check(SCORING).diagnostics.sorted()] == []


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_analysis_reports_exact_diagnostics(case: str, tmp_path: Path) -> None:
    root = copy_project(SCORING, tmp_path / case)
    shutil.copytree(FIXTURES / "bad-scoring" / case, root, dirs_exist_ok=True)
    result = pipeline.check(root)
    assert [d.format() for d in result.diagnostics.sorted()] == CASES[case]


def test_a_brief_as_restrictive_as_its_items_is_accepted(tmp_path: Path) -> None:
    # The memo is INTERNAL and cites the INTERNAL note: no error for it (the other way).
    root = copy_project(SCORING, tmp_path / "p")
    shutil.copytree(FIXTURES / "bad-scoring" / "marking-too-low", root, dirs_exist_ok=True)
    paths = {d.path for d in pipeline.check(root).diagnostics.errors}
    assert "content/briefs/memo.md" not in paths


# scoring_build: the session's build of the scoring fixture (tests/conftest.py), which
# tests/test_accessibility.py checks too.


def text_of(result: pipeline.Result, name: str) -> str:
    """The text of an output file: ``paper.pdf``, or ``annex/paper.pdf`` for its annex."""
    folder, _, base = name.rpartition("/")
    path = next(
        a.path
        for a in result.artifacts
        if a.name_is(base) and a.path.parent.name == (folder or "output")
    )
    if name.endswith(".pdf"):
        pages = pypdf.PdfReader(path).pages
        return " ".join(" ".join((p.extract_text() or "").split()) for p in pages)
    return path.read_text(encoding="utf-8")


@pytest.mark.build
def test_view_carries_hand_computed_totals_and_ranges(scoring_build: pipeline.Result) -> None:
    # value (share 0.75, higher better), risk (0.25, lower better):
    # do-more = 0.75·1 + 0.25·0.25 = 0.8125; do-nothing = 0.75·0.25 + 0.25·1 = 0.4375;
    # do-more stays on top while value's share ≥ 0.5, i.e. risk's share ≤ 0.5.
    matrix = scoring_build.views["paper"].values["view"]["matrix"]
    assert matrix is not None
    rows = sorted(matrix["rows"], key=lambda r: r["rank"])
    assert [(r["option"], r["rank"]) for r in rows] == [("do-more", 1), ("do-nothing", 2)]
    assert [r["total"] for r in rows] == pytest.approx([0.8125, 0.4375])
    assert [r["criterion"] for r in matrix["ranges"]] == ["Value", "Risk"]
    assert [(r["low"], r["high"]) for r in matrix["ranges"]] == [
        pytest.approx((0.5, 1.0)),
        pytest.approx((0.0, 0.5)),
    ]


@pytest.mark.build
def test_options_paper_pdf_shows_matrix_sensitivity_and_methods(
    scoring_build: pipeline.Result,
) -> None:
    text = text_of(scoring_build, "paper.pdf")
    for expected in (
        "Options against criteria",
        "Weighted total (points of 100) 4 81 44",  # whole points; weights as given (3 + 1)
        "Sensitivity",
        "Rank stability: Do more stays on top in",
        "Value 75% 50% 100%",
        "Risk 25% 0% 50%",
    ):
        assert expected in text, expected
    annex = text_of(scoring_build, "annex/paper.pdf")
    for expected in ("Methods", "Score rationales", "Evidence appendix", "LOW CONFIDENCE."):
        assert expected in annex, expected
    html = text_of(scoring_build, "paper.html")
    assert html.count("<svg") == 2  # totals and weight-range charts, inline vector graphics


@pytest.mark.build
def test_issue_brief_evidence_appendix_reads_back(scoring_build: pipeline.Result) -> None:
    text = text_of(scoring_build, "annex/issue.pdf")
    appendix = text[text.index("Evidence appendix") :]
    # One source earns LOW (issue 24); a recommendation carries no confidence level.
    assert "Doing more was worth the risk. LOW CONFIDENCE." in appendix
    assert (
        "B2 A Test Title, para. 4: Officials said it was a “good first step” toward more."
        in appendix
    )
    assert "Widen the sharing now." in appendix
    assert "Widen the sharing now. LOW CONFIDENCE." not in appendix
    assert "B2 A Test Title, para. 5: Critics’ view: it was too little, too late." in appendix


@pytest.mark.build
def test_grades_show_beside_endnotes_and_sources(scoring_build: pipeline.Result) -> None:
    """Grade codes with their key in the annex; the reader's notes say them in words."""
    text = text_of(scoring_build, "annex/issue.pdf")
    assert "B2 A Test Title, para. 3 [fact]" in text
    assert "Reliability: B — A test source with a named author." in text
    assert "note credibility 1–6" in text  # the key, on the annex's first page
    reader = text_of(scoring_build, "issue.pdf")
    assert "Probably true; from a usually reliable source." in reader


@pytest.mark.build
def test_marking_is_in_banners_and_metadata(scoring_build: pipeline.Result) -> None:
    path = next(a.path for a in scoring_build.artifacts if a.name_is("memo.pdf"))
    reader = pypdf.PdfReader(path)
    assert len(reader.pages) >= 2  # a continuation page has the marking too
    for number in range(1, len(reader.pages) + 1):
        # As laid out on the page (pypdf reads the margin boxes after the text).
        layout = subprocess.run(
            ["pdftotext", "-layout", "-f", str(number), "-l", str(number), str(path), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        lines = [line for line in layout.splitlines() if line.strip()]
        assert "INTERNAL" in lines[0] and "INTERNAL" in lines[-1], number
    assert reader.metadata is not None and reader.metadata["/marking"] == "INTERNAL"


@pytest.mark.build
def test_charts_are_vector_graphics_not_images(scoring_build: pipeline.Result) -> None:
    path = next(a.path for a in scoring_build.artifacts if a.name_is("paper.pdf"))
    for page in pypdf.PdfReader(path).pages:
        xobjects = page["/Resources"].get("/XObject", {})
        subtypes = {str(x.get_object().get("/Subtype")) for x in xobjects.values()}
        assert "/Image" not in subtypes
    html = text_of(scoring_build, "paper.html")
    assert '<rect x="300" y="4" width="' in html  # the top bar, drawn from the data


def test_c7_ties_print_as_ties_in_whole_points(
    tmp_path: Path, edit: Callable[[Path, str, str, str], None]
) -> None:
    """Review (c) C7.2/C7.5/C7.9: equal totals share first place and say so; whole points;
    weights as given; the chart's axis is in points."""
    root = copy_project(SCORING, tmp_path / "p")
    # do-nothing: value 2 → 5 and risk 1 → 4 gives both options 0.8125.
    edit(root, "content/options/do-nothing.yaml", "score: 2", "score: 5")
    edit(root, "content/options/do-nothing.yaml", "score: 1", "score: 4")
    result = pipeline.build(root, briefs=["paper"], formats=["html"])
    assert result.written, [d.format() for d in result.diagnostics.sorted()]
    html = (root / "output" / "paper.html").read_text("utf-8")
    assert "Top-ranked" not in html
    assert "Tied for first: Do more and Do nothing." in html
    # each option keeps its one number; the tie is in the rank row
    assert ">1. Do more</th>" in html and ">2. Do nothing</th>" in html
    assert (
        html.count('<td class="num">=1</td>') + html.count('<td class="num recommended">=1</td>')
        == 2
    )
    assert 'Weighted total (points of 100)</th><td class="num">4</td>' in html
    assert html.count('<td class="num recommended">81</td>') == 1
    assert "100 pts</text>" in html and "100%</text>" in html  # totals in points, weights in %


def test_a_long_option_title_wraps_in_the_chart_instead_of_being_cut() -> None:
    """Fact-check F21: "Widen the 2014 arrangement to all military intellig…" printed
    cut short under the options paper's bar chart. Every word of a label is drawn."""
    from briefgen.analyse.charts import ranges_chart, totals_chart

    title = "Widen the 2014 arrangement to all military intelligence and more besides"
    for svg in (
        str(totals_chart([(title, 0.48, False), ("Short", 0.6, True)])),
        str(ranges_chart([(title, 0.2, 0.1, 0.5), ("Short", 0.3, 0.0, 1.0)])),
    ):
        drawn = " ".join(re.findall(r"<tspan[^>]*>([^<]*)</tspan>", svg))
        assert title in drawn and "…" not in svg
        assert 'y="16">Widen' in svg and 'y="28">' in svg  # a second line, 12 units lower
        # the second row starts below the wrapped first one (24 + 12 units)
        assert 'y="52">Short</tspan>' in svg

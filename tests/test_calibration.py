"""Calibrated judgments (issue 13): earned confidence, corroboration, stated conflicts,
score anchors, estimative language, what we don't know — each a located diagnostic."""

from __future__ import annotations

import re
import shutil
import tomllib
from pathlib import Path

import pytest

from briefgen import pipeline
from briefgen.model.calibration import packaged, rule_words
from briefgen.text.context import sentence_around
from briefgen.text.sentences import PIECE, sentence_spans
from briefgen.validate.attribution import sentences as attribution_sentences
from briefgen.validate.likelihood import sentences, terms_used
from tests.conftest import FIXTURES, REPO, copy_project

SCORING = FIXTURES / "scoring"
BAD = FIXTURES / "bad-calibration"

CASES: dict[str, list[str]] = {
    "anchors": [
        "content/criteria.yaml:14: error: anchor 7 of 'value' is outside its scale 'five' "
        "(1–5) [criteria.anchor-outside-scale]",
        "content/options/do-more.yaml:15: error: 'value' has no anchor 3 (its anchors: 1, 5, "
        "7) [score.unknown-anchor]",
        "content/options/do-more.yaml:18: warning: score 4 for 'risk' differs from the anchor "
        "it matches (5: a new pact); give off_anchor: the reason, or score it as the anchor "
        "says [score.off-anchor]",
    ],
    # Issue 24 item 3 (review 3 P6): each key judgment says what it assumes and what would
    # change it; a stated reason for a level is printed beside it and lifts nothing above
    # moderate.
    "assumptions": [
        "content/judgments.yaml:2: warning: key judgment 'more-is-better' has no "
        "`would_change:`: state what it assumes (each assumption with `if_wrong:`) and what "
        "evidence would change it (a warning until briefgen 0.4.0, an error from then on) "
        "[judgment.unstated-assumptions]",
        "content/judgments.yaml:13: warning: key judgment 'sharing-agreed' has no "
        "`assumptions:` and no `would_change:`: state what it assumes (each assumption with "
        "`if_wrong:`) and what evidence would change it (a warning until briefgen 0.4.0, an "
        "error from then on) [judgment.unstated-assumptions]",
        "content/judgments.yaml:16: error: judgment 'sharing-agreed' is rated high "
        "confidence, which needs: at least two independent sources, each graded A–C, support "
        "it with notes graded 1–3, and none of its notes is graded 4–6; notes that are all "
        "weak (from sources graded D–F or themselves graded 4–6) earn low at most; its notes "
        "are share-2014 (test-source, B2): lower its confidence, or cite evidence that meets "
        "the rule [judgment.confidence-unearned]",
        "content/judgments.yaml:17: error: judgment 'sharing-agreed' gives a "
        "confidence_reason for high confidence; a reason can explain a level up to moderate, "
        "not above it: remove confidence_reason (the evidence alone must earn high), or rate "
        "it moderate [judgment.reason-above-moderate]",
    ],
    # Issue 24 item 4 (review 3 P4): "doubtful" against a claim another source confirms.
    "corroborated-doubt": [
        "content/notes/doubt.yaml:4: warning: note 'agreed-doubted' is cited by no brief "
        "[note.unused]",
        "content/notes/doubt.yaml:7: warning: note 'agreed-doubted' is graded credibility 4 "
        "(doubtful or worse) but 'agreed-elsewhere', from an independent source, corroborates "
        "it: raise its credibility (2 'probably true', or 1 'confirmed' with corroborated_by), "
        "or remove corroborated_by if the notes do not say the same thing "
        "[note.corroborated-but-doubted]",
        "content/notes/doubt.yaml:11: warning: note 'agreed-elsewhere' is cited by no brief "
        "[note.unused]",
    ],
    "conflict": [
        "content/notes/conflict.yaml:10: warning: note 'agreed-in-2014' (2014) and "
        "'agreed-in-june' (2014-06) are marked as conflicting, but their event dates overlap: "
        "one may contain the other [note.conflict-dates-overlap]",
        "content/notes/conflict.yaml:12: error: note 'agreed-in-2014' conflicts_with "
        "agreed-in-june but has no conflict: line naming the incompatible claims "
        "[note.conflict-unstated]",
    ],
    "corroboration": [
        "content/notes/corroboration.yaml:7: error: note 'alone-confirmed' is graded "
        "credibility 1 (confirmed by other sources) but names no corroborated_by note from an "
        "independent source [note.uncorroborated]",
        "content/notes/corroboration.yaml:16: error: note 'copy-of-the-report' comes from the "
        "same source (independence group 'test-source') as 'echo-confirmed', so it cannot "
        "corroborate it [note.corroboration-not-independent]",
        "content/notes/corroboration.yaml:16: error: corroborated_by names unknown note "
        "'no-such-note' [note.unknown-corroboration]",
    ],
    # Issue 24 (review 3 P4): one paragraph's words graded two ways; words of the same
    # paragraph that no other note quotes keep their own grade.
    "credibility-split": [
        "content/notes/split.yaml:3: warning: note 'first-step-doubted' is cited by no brief "
        "[note.unused]",
        "content/notes/split.yaml:11: warning: note 'officials-said' is cited by no brief "
        "[note.unused]",
        "content/notes/test-notes.yaml:16: warning: note 'first-step' (credibility 2) and "
        "'first-step-doubted' (credibility 4) quote overlapping words of test-source ¶4: "
        "grade the same words the same, or quote the part each grade is about (a warning "
        "until briefgen 0.4.0, an error from then on) [note.credibility-split]",
    ],
    "kj1-high-confidence": [
        "content/judgments.yaml:20: error: judgment 'mou-2014-fell-short' is rated high "
        "confidence, which needs: at least two independent sources, each graded A–C, support "
        "it with notes graded 1–3, and none of its notes is graded 4–6; notes that are all "
        "weak (from sources graded D–F or themselves graded 4–6) earn low at most; its notes "
        "are mou-2014-us-intermediary (klingner-gsomia, C2), mou-2014-via-us (mou-article, "
        "F2), sensor-feeds-switched-off (klingner-gsomia, C3): lower its confidence, or cite "
        "evidence that meets the rule [judgment.confidence-unearned]",
    ],
    "likelihood": [
        "content/briefs/issue.md:15: warning: 'probably' (row 2) and 'likely' (row 1) are "
        "likelihood terms from different rows in brief 'issue'; use one row, or set "
        "likelihood_disclaimer in its front matter [likelihood.mixed-rows]",
        "content/briefs/issue.md:15: warning: a confidence level and the likelihood term "
        "'likely' are in the same sentence; state confidence in a sentence of its own "
        "[likelihood.with-confidence]",
        "content/briefs/issue.md:22: warning: 60% is outside the band of 'unlikely' "
        "(20–45\u00a0%, low end included) [likelihood.outside-band]",
        "content/judgments.yaml:13: error: likelihood 'fairly sure' is not a term of the "
        "likelihood table (almost certain, almost certainly, almost no chance, highly "
        "improbable, highly probable, improbable, improbably, likely, nearly certain, "
        "probable, probably, remote, roughly even chance, roughly even odds, unlikely, very "
        "likely, very unlikely) [judgment.unknown-likelihood]",
    ],
    # Issue 24: the rubric the reader sees is the rule the check applies. One source earns
    # no MODERATE (0.2 accepted it: a warning until 0.4.0); a recommendation carries no
    # level; a key judgment needs one.
    "rubric": [
        "content/judgments.yaml:5: warning: judgment 'more-is-better' is rated moderate "
        "confidence, which needs: at least two independent sources support it; notes that "
        "are all weak (from sources graded D–F or themselves graded 4–6) earn low at most; "
        "its notes are first-step (test-source, B2), share-2014 (test-source, B2): lower its "
        "confidence, or cite evidence that meets the rule (a warning until briefgen 0.4.0, "
        "an error from then on) [judgment.confidence-above-rubric]",
        "content/judgments.yaml:12: warning: recommendation 'do-more-now' carries a "
        "confidence level; a recommendation is not a judgment of evidence: remove "
        "`confidence:` (it is not printed) and say in its text what it depends on (a "
        "warning until briefgen 0.4.0, an error from then on) "
        "[judgment.recommendation-confidence]",
        "content/judgments.yaml:14: error: key judgment 'sharing-agreed' has no confidence: "
        "add `confidence:` (low, moderate, high) [judgment.missing-confidence]",
    ],
    "unknowns-missing": [
        "content/briefs/issue.md:13: error: an issue brief needs a '## What we don't know' "
        "section [brief.missing-section]",
        "content/briefs/paper.md:13: error: an options paper needs a '## What we don't know' "
        "section [brief.missing-section]",
    ],
}


def test_every_bad_calibration_fixture_has_a_case() -> None:
    assert {p.name for p in BAD.iterdir()} == set(CASES)


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_calibration_reports_exact_diagnostics(case: str, tmp_path: Path) -> None:
    root = copy_project(SCORING, tmp_path / case)
    shutil.copytree(BAD / case, root, dirs_exist_ok=True)
    result = pipeline.check(root)
    assert [d.format() for d in result.diagnostics.sorted()] == CASES[case]


def test_row_4_kj1_evidence_fails_high(tmp_path: Path) -> None:
    """Editorial review (a) row 4: today's KJ1 evidence (C2, F2, C3) does not earn HIGH."""
    root = copy_project(SCORING, tmp_path / "p")
    shutil.copytree(BAD / "kj1-high-confidence", root, dirs_exist_ok=True)
    codes = [d.code for d in pipeline.check(root).diagnostics.errors]
    assert codes == ["judgment.confidence-unearned"]


def test_kj1_evidence_earns_moderate(tmp_path: Path) -> None:
    # The same notes meet the moderate rule (two independent sources, not all weak).
    root = copy_project(SCORING, tmp_path / "p")
    shutil.copytree(BAD / "kj1-high-confidence", root, dirs_exist_ok=True)
    judgments = root / "content" / "judgments.yaml"
    text = judgments.read_text("utf-8")
    judgments.write_text(text.replace("confidence: high", "confidence: moderate"), "utf-8")
    assert [d.format() for d in pipeline.check(root).diagnostics.errors] == []


def test_all_weak_evidence_earns_low_at_most(tmp_path: Path) -> None:
    """Issue 24: two independent sources, but every note weak by [grading] (F, or 4–6):
    MODERATE is capped at LOW, first as a warning (0.2 accepted it)."""
    root = copy_project(SCORING, tmp_path / "p")
    shutil.copytree(BAD / "kj1-high-confidence", root, dirs_exist_ok=True)
    judgments = root / "content" / "judgments.yaml"
    text = judgments.read_text("utf-8")
    judgments.write_text(text.replace("confidence: high", "confidence: moderate"), "utf-8")
    notes = root / "content" / "notes" / "kj1.yaml"
    graded = re.sub(r"credibility: [23]", "credibility: 4", notes.read_text("utf-8"))
    notes.write_text(graded, "utf-8")
    found = [d.format() for d in pipeline.check(root).diagnostics.sorted()]
    assert [f for f in found if "judgment.confidence-above-rubric" in f] == [
        "content/judgments.yaml:20: warning: judgment 'mou-2014-fell-short' is rated "
        "moderate confidence, which needs: at least two independent sources support it; "
        "notes that are all weak (from sources graded D–F or themselves graded 4–6) earn low "
        "at most; its notes are mou-2014-us-intermediary (klingner-gsomia, C4), "
        "mou-2014-via-us (mou-article, F4), sensor-feeds-switched-off (klingner-gsomia, C4): "
        "lower its confidence, or cite evidence that meets the rule (a warning until "
        "briefgen 0.4.0, an error from then on) [judgment.confidence-above-rubric]"
    ]


def test_a_loosened_confidence_rule_is_printed_for_the_reader(tmp_path: Path) -> None:
    """Issue 24: a project may tighten the shipped rules; a loosening is printed in the
    reader's edition, beside the generated rubric."""
    root = copy_project(SCORING, tmp_path / "p")
    settings = root / "briefgen.toml"
    loose = "\n[confidence_rules.moderate]\n[[confidence_rules.moderate.any_of]]\nsources = 1\n"
    tight = loose.replace("sources = 1", "sources = 3")
    settings.write_text(settings.read_text("utf-8") + tight, "utf-8")
    project = pipeline.check(root).project
    assert project is not None and project.settings.loosened_confidence == []
    settings.write_text(settings.read_text("utf-8").replace(tight, loose), "utf-8")
    judgments = root / "content" / "judgments.yaml"
    text = judgments.read_text("utf-8")
    judgments.write_text(text.replace("confidence: low", "confidence: moderate"), "utf-8")
    result = pipeline.build(root, formats=("html",))
    assert result.written, [d.format() for d in result.diagnostics.sorted()]
    html = " ".join((root / "output" / "issue.html").read_text("utf-8").split())
    assert "Confidence rules loosened for this brief" in html
    assert (
        "<strong>Moderate</strong>: here, at least one source supports it; notes that are "
        "all weak (from sources graded D–F or themselves graded 4–6) earn low at most. "
        "briefgen's rule: at least two independent sources support it"
    ) in html
    # The key the reader sees is the rule the check applied.
    assert "<strong>moderate</strong> — at least one source supports it" in html


def test_an_f_graded_source_is_never_c_or_better(tmp_path: Path) -> None:
    # Two independent sources, one of them F: HIGH needs both graded A–C.
    root = copy_project(SCORING, tmp_path / "p")
    shutil.copytree(BAD / "kj1-high-confidence", root, dirs_exist_ok=True)
    source = root / "content" / "sources" / "mou-article.yaml"
    text = source.read_text("utf-8")
    assert "grade: F" in text
    assert [d.code for d in pipeline.check(root).diagnostics.errors] == [
        "judgment.confidence-unearned"
    ]
    source.write_text(text.replace("grade: F", "grade: C"), "utf-8")
    assert [d.format() for d in pipeline.check(root).diagnostics.errors] == []


def test_the_seed_uses_the_packaged_calibration_rules() -> None:
    """The seed project does not override the rules it is checked against."""
    settings = tomllib.loads((REPO / "briefgen.toml").read_text("utf-8"))
    assert "confidence_rules" not in settings
    assert "likelihood" not in settings


def test_packaged_rules_state_all_three_levels_in_data_and_words() -> None:
    rules = packaged().confidence_rules
    assert sorted(rules) == ["high", "low", "moderate"]
    high = rules["high"].any_of
    assert [(r.sources, r.reliability, r.credibility, r.exclude_credibility) for r in high] == [
        (2, ["A", "B", "C"], [1, 2, 3], [4, 5, 6])
    ]
    assert rule_words(rules["high"], [], [], "low").startswith("at least two independent")
    moderate = rules["moderate"].any_of
    assert [(r.sources, r.reliability, r.credibility) for r in moderate] == [(2, None, None)]


def test_likelihood_table_is_icd_203_labelled_secondary() -> None:
    table = packaged().likelihood
    assert "secondary copy" in table.source
    assert [(b.low, b.high) for b in table.bands] == [
        (1, 5), (5, 20), (20, 45), (45, 55), (55, 80), (80, 95), (95, 99),
    ]  # fmt: skip
    likely = table.terms["likely"][1]
    assert likely.holds(55) and not likely.holds(80)  # half-open: [low, high)


def test_an_attributed_opinions_likelihood_word_is_not_the_briefs(tmp_path: Path) -> None:
    """Issue 24 (review 3 P22): "critics judged it probably too little", citing the
    critics' claim, reports their word; the brief's own estimative language, its key and
    the row check count only "likely", the brief's own."""
    root = copy_project(SCORING, tmp_path / "p")
    brief = root / "content" / "briefs" / "issue.md"
    text = brief.read_text("utf-8")
    text = text.replace("Sharing should widen.", "Sharing was likely to widen.")
    text = text.replace(
        "while critics disagreed [@critics; @first-step].",
        "while critics judged it probably too little [@critics; @first-step].",
    )
    brief.write_text(text, "utf-8")
    result = pipeline.check(root)
    assert result.project is not None
    assert [d.format() for d in result.diagnostics.sorted()] == []
    used = terms_used(result.project, result.project.briefs["issue"])
    assert [term for term, _band in used] == ["likely"]
    # Unattributed, the same word is the brief's own: two rows, and the key lists both.
    brief.write_text(text.replace("Do more.", "Do more. It was probably too little."), "utf-8")
    result = pipeline.check(root)
    assert result.project is not None
    assert "likelihood.mixed-rows" in [d.code for d in result.diagnostics.sorted()]
    used = terms_used(result.project, result.project.briefs["issue"])
    assert [term for term, _band in used] == ["likely", "probably"]


def test_quoted_words_and_citations_are_not_linted() -> None:
    text = "It was “probably too little” [@very-likely-note]. Then it was likely."
    own = [s for _, s in sentences(text)]
    assert own[0].replace(" ", "") == "Itwas."
    assert own[1] == "Then it was likely."


def test_the_likelihood_lints_split_sentences_as_the_attribution_check_does() -> None:
    """One splitter (text/sentences.py): an abbreviation before a capital ends no
    sentence, so the confidence level and the likelihood term below share one."""
    text = "The U.S. Forces were likely there, with high confidence. Then it ended."
    assert [s for _, s in sentences(text)] == [
        "The U.S. Forces were likely there, with high confidence.",
        "Then it ended.",
    ]
    assert [a for a, _ in sentences(text)] == [a for a, _ in attribution_sentences(text)]


def test_a_long_text_is_split_in_pieces_each_at_a_sentence_end() -> None:
    """pysbd's time grows with the square of its input (100 kB: 21 s; a source paragraph
    of extracted PDF text may be larger): a text over PIECE characters is split piece by
    piece, each piece ending where a sentence ends, so the sentences are the same; a run
    of words with no sentence end is cut at white space."""
    sentence = "The U.S. Forces met at 9 a.m. in Seoul, with Japan. "
    text = sentence * 400  # 20.4 kB
    spans = sentence_spans(text)
    assert len(spans) == 400
    assert all(text[a:b] == sentence for a, b in spans)
    words = "alpha beta gamma " * 1200  # 20.4 kB, no sentence end
    spans = sentence_spans(words)
    assert len(spans) == 5 and all(b - a <= PIECE for a, b in spans)
    assert "".join(words[a:b] for a, b in spans) == words
    assert all(words[b - 1] == " " for a, b in spans)


def test_b2_fragment_is_printed_in_its_whole_sentence() -> None:
    """Editorial review (b) 2: the A¶4 fragment cut off the words that reconcile the sources."""
    paragraph = (REPO / "content" / "sources" / "mou-article.txt").read_text("utf-8")
    line = next(p for p in paragraph.split("\n") if p.startswith("Public opposition"))
    fragment = (
        "Public opposition in South Korea to the 2012 GSOMIA, which prevented it from being "
        "ratified in the South Korean National Assembly"
    )
    before, after = sentence_around(line, fragment)
    assert before == ""
    assert "was trying to sign the accord" in after
    assert after.endswith("accord.")


@pytest.mark.parametrize(
    ("fragment", "context"),
    [
        ("Forces moved", ("The U.S. ", ".")),
        ("It was", ("", " “a good first step.")),
        ("a good first step.", ("It was “", "” Nobody objected, c. 2015 at least.")),
        ("Nobody", ("", " objected, c. 2015 at least.")),
    ],
)
def test_a_quotes_context_comes_from_the_one_sentence_splitter(
    fragment: str, context: tuple[str, str]
) -> None:
    """Issue 25: text/context.py splits with text/sentences.py (its own regular expression
    is gone), giving what it gave: "U.S." and "c. 2015" end no sentence, and a quote that
    ends with its full stop runs on to the next sentence's end."""
    paragraph = (
        "The U.S. Forces moved. It was “a good first step.” Nobody objected, c. 2015 at least."
    )
    assert sentence_around(paragraph, fragment) == context


def test_the_seed_meets_every_calibration_check(tmp_path: Path) -> None:
    """Review rows 4 and 30: the seed's confidence is earned and its scores sit on anchors."""
    root = copy_project(REPO, tmp_path / "seed")
    assert [d.format() for d in pipeline.check(root).diagnostics.sorted()] == []
    result = pipeline.check(root)
    assert result.project is not None
    for option in result.project.options.values():
        for criterion, score in option.record.scores.items():
            assert score.anchor == score.score, (option.id, criterion)


def test_row_5_thaad_is_threats_against_the_us_that_made_seoul_more_receptive() -> None:
    """Review row 5: wherever the seed mentions THAAD it keeps Klingner's point."""
    content = REPO / "content"
    files = [content / "judgments.yaml", *sorted((content / "options").glob("*.yaml"))]
    files += sorted((content / "briefs").glob("*.md"))
    for path in files:
        text = " ".join(path.read_text("utf-8").split())
        for index in [i for i in range(len(text)) if text.startswith("THAAD", i)]:
            around = text[max(0, index - 200) : index + 100]
            assert "threats" in around and "receptive" in around, (path.name, around)


def test_confidence_reason_is_printed_beside_the_level() -> None:
    """Issue 24 item 3: the reader sees why the level is what it is, in the same place."""
    from briefgen.analyse.matrix import judgment_values
    from briefgen.analyse.scoring import JudgmentView
    from briefgen.text.markdown import escaped

    view = JudgmentView(
        "kj",
        "key-judgment",
        "Text.",
        "moderate",
        "",
        escaped(""),
        [],
        confidence_reason=("two independent sources, but neither saw the talks."),
    )
    assert judgment_values(view)["confidence_sentence"] == (
        "Moderate confidence: two independent sources, but neither saw the talks."
    )

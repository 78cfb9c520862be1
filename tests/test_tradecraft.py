"""Tradecraft I (issue 12): honest framing, checked on bad-input fixtures and the seed.

Each fixture in ``tests/fixtures/bad-tradecraft/<case>/`` overlays the minimal project;
each case asserts the exact diagnostics — code, file and line — and nothing else.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefgen import pipeline
from briefgen.analyse.endnotes import grade_words
from briefgen.cli import main
from briefgen.validate.attribution import sentences
from briefgen.validate.dating import cited_notes, information_date
from tests.conftest import FIXTURES, MINIMAL, copy_project

BAD = FIXTURES / "bad-tradecraft"
AUTHOR_HINT = "; name the person or office accountable for the brief (optionally with `contact:`)"


def _unnamed(where: str, note: str, fix: str) -> str:
    return (
        f"{where}: warning: this sentence presents note '{note}' as reported but does not "
        f"say who reported it; {fix} (a warning until briefgen 0.4.0, an error from then "
        "on) [brief.unnamed-reporter]"
    )


def _name(name: str) -> str:
    return (
        f"name '{name}', or, if the sentence names them another way, add that name to "
        f'briefgen.toml: [holders] "{name}" = ["…"]'
    )


CASES: dict[str, list[str]] = {
    # Issue 24 item 8: one note's claim in three sections of one brief.
    "repeats": [
        "content/briefs/issue.md:31: warning: note 'share-2014' is cited in 3 sections of "
        "this brief ('Bottom line up front', 'Key points', 'Recommendations'): a reader meets "
        "the same claim again; state it once and cite it only where it adds something "
        "[brief.repeats]",
    ],
    # Issue 24 item 7: a claim presented as reported names its reporter (the note's
    # reported_by, else its holder or the source's author), or says it is unattributed in
    # the source when the source names nobody. Lines 19, 22, 24 and 25 are clean.
    "unnamed-reporter": [
        _unnamed("content/briefs/one.md:18", "share-2014", _name("Jane Roe")),
        _unnamed("content/briefs/one.md:20", "share-relayed", _name("The Test Wire")),
        _unnamed("content/briefs/one.md:21", "share-relayed", _name("The Test Wire")),
        _unnamed(
            "content/briefs/one.md:23",
            "share-unsigned",
            'say it is "unattributed in the source" (the source names no reporter; if it '
            "does, give the note `reported_by:`)",
        ),
        _unnamed("content/briefs/one.md:25", "share-relayed", _name("The Test Wire")),
        _unnamed("content/options/do-more.yaml:7", "critics", _name("Critics")),
    ],
    "missing-holder": [
        "content/notes/test-notes.yaml:25: error: note 'critics' is a claim: add `holder:`, "
        "the person or outlet the source names as holding this view [note.missing-holder]",
    ],
    "stale-brief": [
        "content/briefs/issue.md:6: error: brief is dated January 4, 2026, 120 months after the "
        "latest dated item its notes cite (2015, inferred); an issue-brief may be at most 12 "
        "months later "
        "([types.issue-brief] max_age): set `retrospective: true` to frame it as a look-back, "
        "or cite newer sources [brief.stale]",
    ],
    "stale-memo": [
        "content/briefs/memo.md:5: error: brief is dated June 3, 2016, 5 months after the "
        "latest dated item its notes cite (2015, inferred) and asks for a decision; a "
        "decision-memo may be at most 3 months later ([types.decision-memo] max_age): set "
        "`retrospective: true` to frame it as a look-back, or cite newer sources [brief.stale]",
    ],
    # The source is dated only "2015" (inferred), so by its date alone the memo is two
    # months old; but the latest dated item it cites is an event of March 2015 (issue 24).
    "stale-evidence": [
        "content/briefs/memo.md:5: warning: brief is dated March 1, 2016, 11 months after the "
        "latest dated item its notes cite (March 2015, year inferred) and asks for a "
        "decision; a decision-memo may be at most 3 months later ([types.decision-memo] "
        "max_age): set `retrospective: true` to frame it as a look-back, or cite newer "
        "sources (a warning until briefgen 0.4.0, an error from then on) "
        "[brief.stale-evidence]",
        # Every event reported by a cited source counts (the source was written after it),
        # so the one-pager, which cites another note of the same source, is stale too.
        "content/briefs/one.md:5: warning: brief is dated January 2, 2016, 9 months after the "
        "latest dated item its notes cite (March 2015, year inferred); a one-pager may be at "
        "most 6 months later ([types.one-pager] max_age): set `retrospective: true` to frame "
        "it as a look-back, or cite newer sources (a warning until briefgen 0.4.0, an error "
        "from then on) [brief.stale-evidence]",
    ],
    "unapproved-release": [
        f"content/briefs/{where}: error: marking 'PUBLIC' claims an approval "
        "([markings.claims_approval] in briefgen.toml); add approved_by and approved_on, or "
        "use a marking that claims none [brief.unapproved]"
        for where in ("issue.md:8", "one.md:7")
    ],
    "undeclared-approval": [
        "briefgen.toml:11: error: every marking declares whether it claims an approval: add "
        '"PUBLIC" = true | false, "INTERNAL" = true | false to [markings.claims_approval] '
        "[settings.marking-approval]",
    ],
    "empty-author": [
        f"content/briefs/memo.md:6: error: author is empty{AUTHOR_HINT} [brief.author]",
    ],
    "placeholder-author": [
        f"content/briefs/memo.md:6: error: author 'TBD' is a placeholder{AUTHOR_HINT} "
        "[brief.author]",
    ],
    "tool-author": [
        "content/briefs/memo.md:6: error: author 'briefgen analysis team' names the tool that "
        f"built the brief{AUTHOR_HINT} [brief.author]",
    ],
    # Line 20 ("U.S." and "Sept. 27" inside one sentence that names the critics) is clean;
    # line 21 names the U.S., not the officials; line 22 names officials, not the critics.
    "unattributed-opinion": [
        "content/briefs/one.md:21: warning: this sentence cites quote note 'first-step' "
        "without naming its holder 'Officials'; attribute it (\"Officials argued …\"), "
        "mark the passage '::: analysis', or, if the sentence names them another way, add "
        'that name to briefgen.toml: [holders] "Officials" = ["…"] [brief.unattributed-opinion]',
        "content/briefs/one.md:22: warning: this sentence cites claim note 'critics' without "
        "naming its holder 'Critics'; attribute it (\"Critics argued …\"), mark the passage "
        "'::: analysis', or, if the sentence names them another way, add that name to "
        'briefgen.toml: [holders] "Critics" = ["…"] [brief.unattributed-opinion]',
    ],
}


def overlay(case: str, tmp_path: Path) -> Path:
    root = copy_project(MINIMAL, tmp_path / case)
    shutil.copytree(BAD / case, root, dirs_exist_ok=True)
    return root


def test_every_tradecraft_fixture_has_a_case() -> None:
    assert {p.name for p in BAD.iterdir()} == set(CASES)


@pytest.mark.parametrize("case", sorted(CASES))
def test_tradecraft_reports_exact_diagnostics(case: str, tmp_path: Path) -> None:
    result = pipeline.check(overlay(case, tmp_path))
    assert [d.format() for d in result.diagnostics.sorted()] == CASES[case]


def test_unattributed_opinion_fails_strict(tmp_path: Path) -> None:
    result = pipeline.check(overlay("unattributed-opinion", tmp_path))
    assert not result.diagnostics.failed()
    assert result.diagnostics.failed(strict=True)


def test_sentence_splitter_keeps_abbreviations() -> None:
    text = "On Sept. 27 the U.S. said more. The c. 2015 article agreed. Klingner disagreed."
    assert [text[a:b].strip() for a, b in sentences(text)] == [
        "On Sept. 27 the U.S. said more.",
        "The c. 2015 article agreed.",
        "Klingner disagreed.",
    ]


def test_retrospective_brief_is_not_stale(tmp_path: Path) -> None:
    root = overlay("stale-memo", tmp_path)
    path = root / "content/briefs/memo.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("marking: INTERNAL\n", "marking: INTERNAL\nretrospective: true\n"))
    assert [d.format() for d in pipeline.check(root).diagnostics.sorted()] == []


def _memo_information_date(root: Path) -> str:
    project = pipeline.check(root).project
    assert project is not None
    memo = project.briefs["memo"]
    informed = information_date(project, cited_notes(project, memo), memo.meta.date)
    return informed.text("us") if informed else ""


def test_information_date_is_the_latest_past_item(tmp_path: Path) -> None:
    """Issue 24: an event inside the source's inferred year is the information date, and
    the year never becomes its last month; scheduled and future dates never count."""
    root = overlay("stale-evidence", tmp_path)
    assert _memo_information_date(root) == "March 2015 (year inferred) or later"
    notes = root / "content/notes/dated.yaml"
    text = notes.read_text(encoding="utf-8")
    # After the source's own date (2015): something the source expected, not evidence.
    notes.write_text(text.replace('"2015-03"', '"2016-02"'), encoding="utf-8")
    assert _memo_information_date(root) == "2015 (inferred)"
    # After the brief's own date: in the brief's future.
    notes.write_text(text, encoding="utf-8")
    memo = root / "content/briefs/memo.md"
    memo_text = memo.read_text(encoding="utf-8")
    memo.write_text(memo_text.replace("date: 2016-03-01", "date: 2015-02-01"), encoding="utf-8")
    assert _memo_information_date(root) == "2015 (inferred)"


def test_approved_marking_is_clean(tmp_path: Path) -> None:
    root = overlay("unapproved-release", tmp_path)
    for name in ("issue", "one"):
        path = root / f"content/briefs/{name}.md"
        text = path.read_text(encoding="utf-8")
        approval = "marking: PUBLIC\napproved_by: Test release office\napproved_on: 2016-01-01\n"
        path.write_text(text.replace("marking: PUBLIC\n", approval), encoding="utf-8")
    assert [d.format() for d in pipeline.check(root).diagnostics.sorted()] == []


def test_impact_lists_every_dependent_with_its_line() -> None:
    result = CliRunner().invoke(main, ["impact", "--root", str(MINIMAL), "test-source"])
    lines = result.stdout.splitlines()
    assert result.exit_code == 0, result.output
    assert lines[0] == (
        "content/notes/test-notes.yaml:2: note share-2014: The alliance agreed in 2014 to share "
        "data."
    )
    assert "content/options/do-more.yaml:7: option do-more: Critics object [@critics]." in lines
    assert "content/briefs/memo.md:3: brief memo: Test memo" in lines
    assert (
        "content/briefs/one.md:23: sentence one: Widen the sharing, as critics urge [@critics]."
        in lines
    )
    assert lines[-1] == "22 item(s) depend on source 'test-source'"


def test_impact_follows_corroborated_by(tmp_path: Path) -> None:
    """A note of another source that a note of this one corroborates rests on it too
    (new-user-3 row 16): its credibility 1 goes if the corroborating note goes."""
    root = copy_project(MINIMAL, tmp_path / "project")
    sources = root / "content" / "sources"
    text = "A Test Title\nBy officials\nThe alliance agreed to share data in 2014, they said.\n"
    (sources / "other-source.txt").write_text(text, encoding="utf-8")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    record = (sources / "test-source.yaml").read_text(encoding="utf-8")
    record = record.replace("text: test-source.txt", "text: other-source.txt")
    record = re.sub(r"sha256: [0-9a-f]{64}", f"sha256: {digest}", record)
    record = record.replace("value: Jane Roe\n  paragraph: 2", "value: officials\n  paragraph: 2")
    (sources / "other-source.yaml").write_text(record, encoding="utf-8")
    (root / "content" / "notes" / "other.yaml").write_text(
        "notes:\n"
        "  - id: share-confirmed\n"
        "    source: other-source\n"
        "    paragraph: 3\n"
        "    credibility: 1\n"
        "    corroborated_by: [share-2014]\n"
        "    kind: fact\n"
        "    body: Officials confirmed the 2014 agreement.\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["impact", "--root", str(root), "test-source"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert (
        "content/notes/other.yaml:6: corroborated share-confirmed: corroborated by "
        "'share-2014': Officials confirmed the 2014 agreement."
    ) in lines
    assert lines[-1] == "23 item(s) depend on source 'test-source'"
    other = CliRunner().invoke(main, ["impact", "--root", str(root), "other-source"])
    assert other.exit_code == 0, other.output
    assert other.stdout.splitlines()[-1] == "1 item(s) depend on source 'other-source'"


def test_impact_of_an_unknown_source_is_a_located_error() -> None:
    result = CliRunner().invoke(main, ["impact", "--root", str(MINIMAL), "no-such-source"])
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.splitlines()[0] == (
        "content/sources: error: no source 'no-such-source' (known: test-source) "
        "[impact.unknown-source]"
    )


def test_a_wrapped_line_does_not_end_a_sentence() -> None:
    text = "Klingner tied them to US interests in multilateral\ncooperation [@a; @b]. Next."
    assert [text[a:b].strip() for a, b in sentences(text)] == [
        "Klingner tied them to US interests in multilateral\ncooperation [@a; @b].",
        "Next.",
    ]


def test_unknown_holder_in_settings_says_did_you_mean(tmp_path: Path) -> None:
    """Issue 21: a [holders] name no note holds attributes nothing; the warning is at
    its line of briefgen.toml and names the closest holder the notes have."""
    root = copy_project(MINIMAL, tmp_path / "project")
    with (root / "briefgen.toml").open("a", encoding="utf-8") as settings:
        settings.write('\n[holders]\n"Officials" = ["the ministry"]\n"Critcs" = ["opponents"]\n')
    line = (
        (root / "briefgen.toml")
        .read_text(encoding="utf-8")
        .splitlines()
        .index('"Critcs" = ["opponents"]')
    )
    found = [d.format() for d in pipeline.check(root).diagnostics.sorted()]
    assert found == [
        f'briefgen.toml:{line + 1}: warning: [holders] "Critcs" is not the `holder:` of any '
        "note, so its names attribute nothing; did you mean 'Critics'? (a key here is a "
        "note's holder exactly as its `holder:` writes it) [settings.unknown-holder]"
    ]


def test_unattributed_opinion_suggests_the_name_the_sentence_uses(tmp_path: Path) -> None:
    """new-user-3 row 7: "Secretary Blinken" does not attribute a note held by "Antony
    Blinken"; the warning suggests the alias the sentence uses."""
    root = copy_project(MINIMAL, tmp_path / "project")
    notes = root / "content/notes/test-notes.yaml"
    text = notes.read_text(encoding="utf-8")
    notes.write_text(text.replace("holder: Critics", "holder: Jane Critic"), encoding="utf-8")
    one = root / "content/briefs/one.md"
    text = one.read_text(encoding="utf-8")
    one.write_text(text.replace("as critics urge", "as Secretary Critic urges"), encoding="utf-8")
    found = [
        d.format()
        for d in pipeline.check(root).diagnostics.sorted()
        if d.path == "content/briefs/one.md"
    ]
    assert found == [
        "content/briefs/one.md:23: warning: this sentence cites claim note 'critics' without "
        "naming its holder 'Jane Critic'; attribute it (\"Jane Critic argued …\"), mark the "
        "passage '::: analysis', or, if 'Critic' here is Jane Critic, add it to briefgen.toml: "
        '[holders] "Jane Critic" = ["Critic"] [brief.unattributed-opinion]'
    ]
    with (root / "briefgen.toml").open("a", encoding="utf-8") as settings:
        settings.write('\n[holders]\n"Jane Critic" = ["Critic"]\n')
    assert not [
        d for d in pipeline.check(root).diagnostics.sorted() if d.path == "content/briefs/one.md"
    ]


def test_relayed_report_names_its_reporter_in_the_notes(tmp_path: Path) -> None:
    """A note the source relays from a named reporter (reported_by) says so in the
    reader's note, before its grade; a note without one reads as before."""
    result = pipeline.check(overlay("unnamed-reporter", tmp_path))
    assert result.project is not None
    project = result.project
    relayed = project.notes["share-relayed"]
    plain = project.notes["share-2014"]
    source = project.sources["test-source"]
    assert grade_words(relayed, source) == (
        "Reported by The Test Wire, as the source says. Possibly true; from a usually "
        "reliable source."
    )
    assert grade_words(plain, source) == "Probably true; from a usually reliable source."


def test_holders_view_starts_its_note_with_a_capital(tmp_path: Path) -> None:
    """A holder written lower-case ("the c. 2015 article") begins the reader's note, a
    sentence, with a capital."""
    root = overlay("unnamed-reporter", tmp_path)
    notes = root / "content/notes/test-notes.yaml"
    notes.write_text(notes.read_text("utf-8").replace("holder: Critics", "holder: the critics"))
    project = pipeline.check(root).project
    assert project is not None
    words = grade_words(project.notes["critics"], project.sources["test-source"])
    assert words == "The critics' view, not a reported fact; from a usually reliable source."

"""Estimative language: likelihood terms in key judgments and brief prose (ICD 203 rules).

Lints, each a warning (``--strict`` fails on them): terms from more than one row of the
table in one brief without ``likelihood_disclaimer``; a confidence level and a likelihood
term in the same sentence; a stated percentage outside the band of the term beside it.
Quoted passages and citations are not the brief's own words and are not linted, nor is
a sentence that reports an attributed opinion: one that cites an opinion or quote note
and names its holder ("Klingner judged Seoul probably more receptive"). Its likelihood
word is the holder's, not the brief's estimate, so the key does not list it (issue 24).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from briefgen.diagnostics import Diagnostics
from briefgen.memo import memoized
from briefgen.model.calibration import Band, LikelihoodTable
from briefgen.model.project import Brief, Project
from briefgen.text.citations import find_citations
from briefgen.text.sentences import sentence_spans
from briefgen.validate.attribution import blank_citations, names, names_holder

QUOTED = re.compile(r"“[^”]*”|\"[^\"\n]*\"|\[>?@[^\]]*\]")
# Where a paragraph or a list item ends: no sentence runs across one.
BLOCK_END = re.compile(r"\n\s*\n|\n(?=\s*(?:[-*+]|\d+\.)\s)")
PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*(?:%|per\s*cent|percent)", re.IGNORECASE)


@dataclass(frozen=True)
class Use:
    """One likelihood term in the brief's own words, where it stands."""

    term: str
    row: int
    band: Band
    path: Path
    line: int


def _blank(match: re.Match[str]) -> str:
    return re.sub(r"[^\n]", " ", match.group())


def _spans(text: str) -> tuple[tuple[int, int], ...]:
    """``sentence_spans``; a re-check (memo.py) reuses the split of an unchanged text."""
    return memoized("sentence-spans", text, lambda: tuple(sentence_spans(text)))


def sentences(text: str) -> Iterator[tuple[int, str]]:
    """(offset, sentence) of the author's own words: quotes and citations blanked out."""
    own = QUOTED.sub(_blank, text)
    start = 0
    for block_end in [*BLOCK_END.finditer(own), None]:
        end = block_end.start() if block_end else len(own)
        # Markdown wraps lines inside a sentence (same length: spans index ``own``).
        for a, b in _spans(own[start:end].replace("\n", " ")):
            yield start + a, own[start + a : start + b].rstrip()
        start = block_end.end() if block_end else end


def attributed(project: Project, raw: str) -> bool:
    """Whether a sentence (citations kept) reports someone's view: it cites an opinion
    or quote note and names that note's holder outside the citation."""
    own = blank_citations(raw)
    for citation in find_citations(raw):
        if citation.malformed is not None:
            continue
        for note_id in citation.ids:
            note = project.notes.get(note_id)
            if (
                note is not None
                and note.record.attributed
                and names_holder(own, names(project, note))
            ):
                return True
    return False


def own_sentences(project: Project, text: str) -> Iterator[tuple[int, str]]:
    """``sentences`` without those that report an attributed opinion."""
    for offset, sentence in sentences(text):
        if not attributed(project, text[offset : offset + len(sentence)]):
            yield offset, sentence


def check_likelihood(project: Project, diagnostics: Diagnostics) -> None:
    table = project.settings.likelihood_table
    for judgment in project.judgments.values():
        term = judgment.record.likelihood
        if term is not None and term.lower() not in table.terms:
            diagnostics.error(
                judgment.origin.path,
                judgment.origin.line("likelihood"),
                "judgment.unknown-likelihood",
                f"likelihood '{term}' is not a term of the likelihood table "
                f"({', '.join(sorted(table.terms))})",
            )
    for brief in project.briefs.values():
        _check_brief(project, brief, table, diagnostics)


def _texts(project: Project, brief: Brief) -> Iterator[tuple[str, Path, int]]:
    for section in brief.sections:
        yield section.text, brief.origin.path, section.line
    for judgment_id in brief.meta.judgments:
        judgment = project.judgments.get(judgment_id)
        if judgment is not None:
            yield judgment.record.text, judgment.origin.path, judgment.origin.line("text")


def _check_brief(
    project: Project, brief: Brief, table: LikelihoodTable, diagnostics: Diagnostics
) -> None:
    levels = "|".join(re.escape(level) for level in project.settings.confidence)
    confidence = re.compile(rf"(?<![\w-])(?:{levels})[ -]confidence\b", re.IGNORECASE)
    uses: list[Use] = []
    for text, path, first_line in _texts(project, brief):
        for offset, sentence in own_sentences(project, text):
            found = []
            for match in table.pattern.finditer(sentence):
                row, band = table.terms[" ".join(match.group().lower().split())]
                line = first_line + text.count("\n", 0, offset + match.start())
                found.append(Use(match.group(), row, band, path, line))
            if not found:
                continue
            uses += found
            first = found[0]
            if confidence.search(sentence):
                diagnostics.warning(
                    first.path,
                    first.line,
                    "likelihood.with-confidence",
                    f"a confidence level and the likelihood term '{first.term}' are in the "
                    "same sentence; state confidence in a sentence of its own",
                )
            for percent in PERCENT.finditer(sentence):
                value = float(percent.group(1))
                if not any(use.band.holds(value) for use in found):
                    diagnostics.warning(
                        first.path,
                        first.line,
                        "likelihood.outside-band",
                        f"{percent.group()} is outside the band of '{first.term}' "
                        f"({first.band.label}, low end included)",
                    )
    if brief.meta.likelihood_disclaimer is None:
        _check_rows(brief, uses, diagnostics)


def _check_rows(brief: Brief, uses: list[Use], diagnostics: Diagnostics) -> None:
    rows = sorted({u.row for u in uses})
    if len(rows) < 2:
        return
    first = next(u for u in uses if u.row == rows[0])
    other = next(u for u in uses if u.row != rows[0])
    diagnostics.warning(
        other.path,
        other.line,
        "likelihood.mixed-rows",
        f"'{other.term}' (row {other.row + 1}) and '{first.term}' (row {first.row + 1}) are "
        f"likelihood terms from different rows in brief '{brief.id}'; use one row, or set "
        "likelihood_disclaimer in its front matter",
    )


def terms_used(project: Project, brief: Brief) -> list[tuple[str, Band]]:
    """The likelihood terms a brief uses in its own words, in table order (its legend)."""
    table = project.settings.likelihood_table
    used: set[str] = set()
    for text, _path, _line in _texts(project, brief):
        for _offset, sentence in own_sentences(project, text):
            used |= {" ".join(m.group().lower().split()) for m in table.pattern.finditer(sentence)}
    for judgment_id in brief.meta.judgments:
        judgment = project.judgments.get(judgment_id)
        if judgment is not None and judgment.record.likelihood is not None:
            used.add(judgment.record.likelihood.lower())
    return [(term, band) for term, (_row, band) in table.terms.items() if term in used]

"""What depends on a source (ICD 206): its notes, the notes of other sources they
corroborate, and every judgment, option text, score, brief and brief sentence that cites
its notes, each with its file and line."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from briefgen.model.project import Origin, Project
from briefgen.text.blocks import analysis_chunks, paragraphs
from briefgen.text.citations import find_citations
from briefgen.validate.attribution import sentences
from briefgen.validate.dating import cited_notes


@dataclass(frozen=True)
class Dependent:
    path: Path
    line: int
    kind: str  # note | corroborated | judgment | option | score | brief | sentence
    id: str  # the note, judgment, option (option/criterion for a score) or brief id
    text: str  # what depends, as written


def _cites(text: str, notes: set[str]) -> bool:
    return any(set(c.ids) & notes for c in find_citations(text))


def _one_line(text: str) -> str:
    return " ".join(text.split())


def impact(project: Project, source_id: str) -> list[Dependent]:
    """Everything that rests on ``source_id``, in content order."""
    notes = {n.id for n in project.notes.values() if n.record.source == source_id}
    found: list[Dependent] = []

    def add(origin: Origin, loc: tuple[str | int, ...], kind: str, id_: str, text: str) -> None:
        found.append(Dependent(origin.path, origin.line(*loc), kind, id_, _one_line(text)))

    for note in project.notes.values():
        if note.id in notes:
            add(note.origin, (), "note", note.id, note.record.body)
    # A note of another source that one of these corroborates: its credibility rests on
    # them (credibility 1, "confirmed by another source"), so a change here touches it.
    for note in project.notes.values():
        for index, other in enumerate(note.record.corroborated_by):
            if note.id not in notes and other in notes:
                text = f"corroborated by '{other}': {note.record.body}"
                add(note.origin, ("corroborated_by", index), "corroborated", note.id, text)
                break
    for judgment in project.judgments.values():
        claim = judgment.record
        if set(claim.notes) & notes or _cites(claim.text, notes):
            add(judgment.origin, (), "judgment", judgment.id, claim.text)
    for option_id, option in sorted(project.options.items()):
        record = option.record
        texts: list[tuple[tuple[str | int, ...], str]] = [(("description",), record.description)]
        for name in ("pros", "cons", "risks"):
            texts += [((name, i), t) for i, t in enumerate(getattr(record, name))]
        texts += [(("compare", k), t) for k, t in record.compare.items()]
        for loc, text in texts:
            if _cites(text, notes):
                add(option.origin, loc, "option", option_id, text)
        for criterion, score in record.scores.items():
            if _cites(score.rationale, notes):
                text = f"{score.score}: {score.rationale}"
                add(option.origin, ("scores", criterion), "score", f"{option_id}/{criterion}", text)
    for brief_id, brief in sorted(project.briefs.items()):
        if not set(cited_notes(project, brief)) & notes:
            continue
        add(brief.origin, ("title",), "brief", brief_id, brief.meta.title)
        for section in brief.sections:
            _sentences(brief.origin.path, brief_id, section.text, section.line, notes, found)
    return found


def _sentences(
    path: Path, brief_id: str, text: str, first: int, notes: set[str], found: list[Dependent]
) -> None:
    for chunk in analysis_chunks(text)[0]:
        for offset, block in paragraphs(chunk):
            for start, end in sentences(block):
                sentence = block[start:end]
                if _cites(sentence, notes):
                    line = first + offset + block.count("\n", 0, start)
                    found.append(Dependent(path, line, "sentence", brief_id, _one_line(sentence)))

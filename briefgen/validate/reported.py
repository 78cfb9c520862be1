"""A claim presented as reported names its reporter ([brief.unnamed-reporter]).

A sentence that says a cited claim was *reported* ("as reported in 2016", "Washington was
reported to want …") must say who reported it: the note's ``reported_by:`` (whom the
source says the claim comes from), else its ``holder:``, else the source's stated author,
or a name ``[holders]`` gives any of them. Where the source names nobody (an unsigned
source's own statement), the sentence says "unattributed in the source". Checked in
briefs' prose outside ``::: analysis`` (as opinion attribution is) and in options' texts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from briefgen.diagnostics import Diagnostics
from briefgen.model.project import Note, Option, Project
from briefgen.model.records import Status
from briefgen.text.citations import find_citations
from briefgen.validate.attribution import blank_citations, names_holder, sentences

UNATTRIBUTED = "unattributed in the source"

# "reported", "reports", "reportedly", "report": the sentence presents a claim as reported.
_REPORTED = re.compile(r"(?<!\w)report(?:s|ed|edly|ing)?(?!\w)", re.IGNORECASE)


def _named(project: Project, name: str | None) -> list[str]:
    name = (name or "").strip()
    if not name:
        return []
    return [name, re.sub(r"(?i)^the\s+", "", name), *project.settings.holder_aliases(name)]


def reporters(project: Project, note: Note) -> list[str]:
    """The names a sentence may use for whoever reported the note's claim; [] when the
    source names nobody (then the sentence says it is unattributed in the source)."""
    record = note.record
    if record.reported_by:
        return _named(project, record.reported_by)
    found = _named(project, record.holder)
    source = project.sources.get(record.source)
    author = source.record.author if source is not None else None
    if author is not None and author.status is Status.STATED:
        for name in author.names:
            found += _named(project, name)
            # The family name alone: "Klingner" for "Bruce Klingner" or "Klingner, Bruce".
            family = name.split(",")[0] if "," in name else name.split()[-1]
            found += _named(project, family)
    return found


def check_reported(
    project: Project,
    blocks: Iterable[tuple[str, int]],
    path: Path,
    diagnostics: Diagnostics,
) -> None:
    """Report each sentence of ``blocks`` ((text, first line)) that presents a cited
    claim as reported without naming a reporter of it or saying none is named."""
    for block, first_line in blocks:
        citations = [c for c in find_citations(block) if c.malformed is None]
        if not citations:
            continue
        text = blank_citations(block)  # a note id never counts as a name or as "report"
        for start, end in sentences(block):
            sentence = text[start:end]
            if not _REPORTED.search(sentence):
                continue
            cited = [
                (c, project.notes[i])
                for c in citations
                if start <= c.start < end
                for i in c.ids
                if i in project.notes
            ]
            if not cited:
                continue
            known = [reporters(project, note) for _, note in cited]
            if any(names_holder(sentence, names) for names in known):
                continue
            # "Unattributed in the source" is true only of a claim whose source names nobody.
            if not all(known) and UNATTRIBUTED in " ".join(sentence.lower().split()):
                continue
            citation, note = cited[0]
            if known[0]:
                fix = (
                    f"name '{known[0][0]}', or, if the sentence names them another way, add "
                    f'that name to briefgen.toml: [holders] "{known[0][0]}" = ["…"]'
                )
            else:
                fix = (
                    f'say it is "{UNATTRIBUTED}" (the source names no reporter; if it '
                    "does, give the note `reported_by:`)"
                )
            diagnostics.error(
                path,
                first_line + block.count("\n", 0, citation.start),
                "brief.unnamed-reporter",
                f"this sentence presents note '{note.id}' as reported but does not say who "
                f"reported it; {fix}",
            )


def option_blocks(option: Option) -> Iterator[tuple[str, int]]:
    """(text, line) of each of an option's texts a brief prints."""
    record, origin = option.record, option.origin
    yield record.summary, origin.line("summary")
    yield record.description, origin.line("description")
    for field in ("pros", "cons", "risks"):
        for index, point in enumerate(getattr(record, field)):
            yield point, origin.line(field, index)
    for key, cell in record.compare.items():
        yield cell, origin.line("compare", key)

"""Opinion attributed to its holder, sentence by sentence ([brief.unattributed-opinion]).

In a brief's prose outside ``::: analysis`` blocks, a sentence that cites an opinion
note (assessment, claim, recommendation) or a quote note must name that note's holder
(its ``holder:`` or an alias from ``[holders]`` in briefgen.toml). Sentences are split
by ``text/sentences.py``, which keeps "U.S." and "Sept. 27" inside a sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from briefgen.diagnostics import Diagnostics
from briefgen.memo import memoized
from briefgen.model.project import Brief, Note, Project
from briefgen.text.blocks import analysis_chunks, paragraphs
from briefgen.text.citations import find_citations
from briefgen.text.sentences import sentence_spans


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) character spans of the sentences of one paragraph.

    Citations are blanked first (same length, so spans index ``text``): their ids and
    semicolons would otherwise look like sentence ends, or like names.
    """
    spans = memoized("sentences", text, lambda: tuple(sentence_spans(blank_citations(text))))
    return list(spans)  # a re-check (memo.py) reuses the split of an unchanged paragraph


def blank_citations(text: str) -> str:
    """``text`` with every citation replaced by spaces of the same length, and line
    breaks by spaces: Markdown wraps lines inside a sentence."""
    plain = list(text.replace("\n", " "))
    for c in find_citations(text):
        plain[c.start : c.end] = " " * (c.end - c.start)
    return "".join(plain)


def names(project: Project, note: Note) -> list[str]:
    """The names a sentence may use for a note's holder."""
    holder = (note.record.holder or "").strip()
    if not holder:
        return []
    aliases = project.settings.holder_aliases(holder)
    return [holder, re.sub(r"(?i)^the\s+", "", holder), *aliases]


def names_holder(sentence: str, candidates: list[str]) -> bool:
    for name in candidates:
        words = r"\s+".join(re.escape(w) for w in name.split())
        if words and re.search(rf"(?<!\w){words}(?!\w)", sentence, re.IGNORECASE):
            return True
    return False


def brief_blocks(brief: Brief) -> Iterator[tuple[str, int]]:
    """(text, first line) of each paragraph of a brief's prose outside ``::: analysis``
    (headings and tables left out): the sentences attribution and reporting checks read."""
    for section in brief.sections:
        chunks, _ = analysis_chunks(section.text)
        for chunk in chunks:
            if chunk.analysis:
                continue
            for offset, block in paragraphs(chunk):
                if not block.lstrip().startswith(("#", "|")):
                    yield block, section.line + offset


def citing_sentences(project: Project, brief: Brief) -> Iterator[tuple[int, Note, str]]:
    """(line, note, sentence) for each sentence of the brief's prose outside ``::: analysis``
    that cites an opinion or quote note (the sentences that must name its holder)."""
    for block, line in brief_blocks(brief):
        yield from _citing(project, block, line)


def _citing(project: Project, block: str, line: int) -> Iterator[tuple[int, Note, str]]:
    citations = [c for c in find_citations(block) if c.malformed is None]
    if not citations:
        return
    # A note id never counts as naming its holder: match against the blanked text.
    text = blank_citations(block)
    for start, end in sentences(block):
        for citation in (c for c in citations if start <= c.start < end):
            for note_id in citation.ids:
                note = project.notes.get(note_id)
                if note is not None and note.record.attributed:
                    yield line + block.count("\n", 0, citation.start), note, text[start:end]


def check_attribution(project: Project, brief: Brief, diagnostics: Diagnostics) -> None:
    """Warn for each sentence citing an opinion or quote note without naming its holder."""
    for line, note, sentence in citing_sentences(project, brief):
        candidates = names(project, note)
        # A note without a holder is an error of its own ([note.missing-holder]).
        if not candidates or names_holder(sentence, candidates):
            continue
        holder = note.record.holder
        partial = part_named(sentence, holder or "")
        other_way = (
            f"or, if '{partial}' here is {holder}, add it to briefgen.toml: "
            f'[holders] "{holder}" = ["{partial}"]'
            if partial
            else "or, if the sentence names them another way, add that name to "
            f'briefgen.toml: [holders] "{holder}" = ["…"]'
        )
        diagnostics.warning(
            brief.origin.path,
            line,
            "brief.unattributed-opinion",
            f"this sentence cites {note.record.kind.value} note '{note.id}' without "
            f"naming its holder '{holder}'; attribute it (\"{holder} argued …\"), "
            f"mark the passage '::: analysis', {other_way}",
        )


def part_named(sentence: str, holder: str) -> str | None:
    """The part of a holder's name a sentence uses ("Blinken" in "Secretary Blinken said"
    for "Antony Blinken"): the alias to suggest. Capitalised words of three letters or
    more only, longest first, so "the" or "of" never count."""
    found: list[str] = re.findall(r"\w[\w'’-]*", holder)
    words = [w for w in found if len(w) > 2 and w[0].isupper()]
    for word in sorted(words, key=len, reverse=True):
        if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", sentence):
            return word
    return None

"""Honest framing: opinion has a holder, old briefs say they are retrospective, a marking
that claims an approval names it, and an author is a person or an office.

Each check is a located diagnostic with its own code (docs/content-format.md).
"""

from __future__ import annotations

import re

from briefgen.diagnostics import Diagnostics, did_you_mean
from briefgen.load.project import SETTINGS_FILE
from briefgen.load.readers import load_toml
from briefgen.model.document import DocumentError
from briefgen.model.project import Brief, Project
from briefgen.text.dates import date_text
from briefgen.validate.dating import (
    cited_notes,
    information_date,
    months_between,
    publication_end,
)

TOOL_NAME = "briefgen"
# Author values that stand in for an author rather than name one (compared lowercased,
# punctuation and spacing folded).
PLACEHOLDER_AUTHORS = frozenset(
    {
        "author",
        "authors",
        "the author",
        "the authors",
        "anonymous",
        "unknown",
        "none",
        "n a",
        "na",
        "tbd",
        "tba",
        "todo",
        "fixme",
        "xxx",
        "placeholder",
        "name",
        "your name",
        "author name",
        "lorem ipsum",
        "analysis team",
        "the team",
        "team",
    }
)


def check_holders(project: Project, diagnostics: Diagnostics) -> None:
    """Every opinion note (and quote note) names whose view or words it is; every
    ``[holders]`` entry names a holder some note has."""
    _check_holder_table(project, diagnostics)
    for note in project.notes.values():
        record = note.record
        if record.attributed and (record.holder is None or not record.holder.strip()):
            what = "whose words it quotes" if record.kind.value == "quote" else "holding this view"
            diagnostics.error(
                note.origin.path,
                note.origin.line("kind"),
                "note.missing-holder",
                f"note '{note.id}' is {_article(record.kind.value)} {record.kind.value}: add "
                f"`holder:`, the person or outlet the source names as {what}",
            )


def _check_holder_table(project: Project, diagnostics: Diagnostics) -> None:
    """A ``[holders]`` name no note's ``holder:`` writes gives its aliases to nobody: a
    warning at its line, with the closest holder the notes do name."""
    held = {(n.record.holder or "").strip() for n in project.notes.values()} - {""}
    unknown = [name for name in project.settings.holders if name not in held]
    # Before any note is written (a new project, its example deleted) there is nothing
    # to compare the table with, and nothing it could misattribute.
    if not unknown or not project.notes:
        return
    path = project.root / SETTINGS_FILE
    try:
        document = load_toml(path, project.root)
    except (DocumentError, OSError):  # read once already; a change since is not ours
        return
    for name in unknown:
        diagnostics.warning(
            path,
            document.line_of(("holders", name)),
            "settings.unknown-holder",
            f'[holders] "{name}" is not the `holder:` of any note, so its names attribute '
            f"nothing{did_you_mean(name, held)} (a key here is a note's holder exactly as "
            "its `holder:` writes it)",
        )


def _article(word: str) -> str:
    # "one" sounds like "won": a one-pager.
    return "an" if word[0] in "aeiou" and not word.startswith("one") else "a"


def _folded(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def check_framing(project: Project, brief: Brief, diagnostics: Diagnostics) -> None:
    """Author, approval and date of information of one brief whose type is known."""
    _check_author(brief, diagnostics)
    _check_approval(project, brief, diagnostics)
    _check_stale(project, brief, diagnostics)


def _check_author(brief: Brief, diagnostics: Diagnostics) -> None:
    author, origin = brief.meta.author, brief.origin
    folded = _folded(author)
    problem = None
    if not folded:
        problem = "author is empty"
    elif folded in PLACEHOLDER_AUTHORS:
        problem = f"author '{author}' is a placeholder"
    elif TOOL_NAME in folded.split():
        problem = f"author '{author}' names the tool that built the brief"
    if problem is not None:
        diagnostics.error(
            origin.path,
            origin.line("author"),
            "brief.author",
            f"{problem}; name the person or office accountable for the brief "
            "(optionally with `contact:`)",
        )


def _check_approval(project: Project, brief: Brief, diagnostics: Diagnostics) -> None:
    meta, origin = brief.meta, brief.origin
    markings = project.settings.markings
    if not markings.claims_approval.get(meta.marking, False):
        return
    missing = [k for k in ("approved_by", "approved_on") if getattr(meta, k) is None]
    if missing:
        diagnostics.error(
            origin.path,
            origin.line("marking"),
            "brief.unapproved",
            f"marking '{meta.marking}' claims an approval "
            f"([markings.claims_approval] in briefgen.toml); add {' and '.join(missing)}, "
            "or use a marking that claims none",
        )


def _check_stale(project: Project, brief: Brief, diagnostics: Diagnostics) -> None:
    meta, origin = brief.meta, brief.origin
    layout = project.settings.layouts[meta.type]
    cited = cited_notes(project, brief)
    informed = information_date(project, cited, meta.date)
    style = project.settings.project.dates
    if informed is None or meta.retrospective:
        return
    # The benefit of the doubt within the item's own precision: a month-dated item may
    # be from its last day. The 0.2 rule measured from the latest source date's end.
    age = months_between(informed.end, meta.date)
    if age <= layout.max_age:
        return
    published = publication_end(project, cited)
    # Undated sources gave 0.2 no information date at all: stale by events alone is new.
    newly = published is None or months_between(published, meta.date) <= layout.max_age
    memo = " and asks for a decision" if "decision" in layout.parts else ""
    diagnostics.error(
        origin.path,
        origin.line("date"),
        "brief.stale-evidence" if newly else "brief.stale",
        f"brief is dated {date_text(meta.date, style)}, {age} months after the latest dated "
        f"item its notes cite ({informed.label(style)}){memo}; "
        f"{_article(meta.type)} {meta.type} may be at most {layout.max_age} months later "
        f"([types.{meta.type}] max_age): set `retrospective: true` to frame it as a "
        "look-back, or cite newer sources",
    )

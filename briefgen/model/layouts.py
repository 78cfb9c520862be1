"""Brief types, defined once as data.

The package's ``types.toml`` defines the shipped types in the same format a project
uses in ``briefgen.toml`` (``[types.<id>]``) to add a type or adjust one; a project
table merges over a packaged one key by key. Everything that depends on a brief's
type (its sections, reading order, page budget, template) is read from here.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints

from briefgen.model.records import Id, Strict, Text

# Parts briefgen generates from the content, beside the brief's own `## sections`.
GENERATED_PARTS = (
    "toc",
    "timeline",
    "disagreements",
    "judgments",
    "options",
    "comparison",
    "matrix",
    "sensitivity",
    "decision",
    "purpose",
    "endnotes",
    "evidence",
    "sources",
)
# Back matter: printed after the main text, outside <main>.
BACK_MATTER = frozenset({"endnotes", "evidence", "sources"})

# A label a type may also set to "" to turn it off (information_label, notes_tab).
Label = Annotated[str, StringConstraints(max_length=200)]
TemplateName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]+\.html\.j2$")]


class TypeTable(Strict):
    """One ``[types.<id>]`` table as written; every key optional so a project can
    adjust a packaged type by giving only what it changes."""

    label: Text | None = None
    parts: list[Id] | None = None
    required: list[Id] | None = None
    optional: list[Id] | None = None
    analysis: list[Id] | None = None
    budget: Annotated[int, Field(ge=1, le=1000)] | None = None
    # Months a brief may be dated after its information date before it must be
    # `retrospective: true` ([brief.stale]).
    max_age: Annotated[int, Field(ge=0, le=1200)] | None = None
    template: TemplateName | None = None
    needs_recommended: bool | None = None
    compact_notes: bool | None = None  # endnotes as bare source and ¶ (short briefs)
    compact_options: bool | None = None  # options without their pros/cons/risks lists
    scoring_detail: bool | None = None  # criteria descriptions and every score rationale
    # Which of an option's point lists the reader's edition prints (the annex has all).
    option_points: list[Literal["pros", "cons", "risks"]] | None = None
    # "endnotes": numbered notes after the text; "inline": compact references in the
    # text and no note list (a one-pager), at most `max_citations` of them.
    citations: Literal["endnotes", "inline"] | None = None
    max_citations: Annotated[int, Field(ge=1, le=1000)] | None = None
    # Parts that form the executive summary (printed first, on its own pages) and how
    # many pages it may take.
    summary: list[Id] | None = None
    summary_pages: Annotated[int, Field(ge=1, le=100)] | None = None
    # The table of contents is printed only when the PDF has at least this many pages.
    toc_min_pages: Annotated[int, Field(ge=1, le=1000)] | None = None
    # An action memo: FOR a principal (`principal:` in the front matter), FROM its
    # author, a recommendation that begins "That you", decision lines.
    action_memo: bool | None = None
    # An action memo that is `retrospective: true` asks for no decision: it prints under
    # this label (an information memo), with a "Purpose" part and no decision lines. An
    # action-memo type without it refuses to be retrospective (memo.retrospective).
    information_label: Label | None = None
    # The reader's notes and sources print after the body as a tab with this heading
    # ("Tab A"), on a page of their own, without the grades (those are in the annex).
    notes_tab: Label | None = None


@dataclass(frozen=True)
class BriefLayout:
    """A brief type, merged and checked: what a brief of this type shows, in order."""

    id: str
    label: str
    parts: tuple[str, ...]
    required: tuple[str, ...]
    optional: tuple[str, ...]
    analysis: tuple[str, ...]
    budget: int
    max_age: int
    template: str | None
    needs_recommended: bool
    compact_notes: bool
    compact_options: bool
    scoring_detail: bool
    option_points: tuple[str, ...] = ("pros", "cons", "risks")
    citations: str = "endnotes"
    max_citations: int | None = None
    summary: tuple[str, ...] = ()
    summary_pages: int | None = None
    toc_min_pages: int | None = None
    action_memo: bool = False
    information_label: str = ""
    notes_tab: str = ""

    def label_for(self, retrospective: bool) -> str:
        """The label a brief of this type prints: a retrospective action memo is an
        information memo when the type names one."""
        if self.action_memo and retrospective and self.information_label:
            return self.information_label
        return self.label

    @property
    def sections(self) -> tuple[str, ...]:
        return (*self.required, *self.optional)


@cache
def packaged_tables() -> dict[str, TypeTable]:
    """The shipped type tables from ``briefgen/types.toml``."""
    text = (resources.files("briefgen") / "model" / "types.toml").read_text(encoding="utf-8")
    tables = tomllib.loads(text)["types"]
    return {key: TypeTable.model_validate(value) for key, value in tables.items()}


def merge(project: dict[str, TypeTable]) -> tuple[dict[str, BriefLayout], dict[str, str]]:
    """Packaged types with the project's tables merged over them, key by key.

    Returns the layouts and, for each type whose definition can't work (a part that
    is neither generated nor a listed section, a section never shown, no budget),
    what is wrong with it.
    """
    packaged = packaged_tables()
    layouts, problems = {}, {}
    for type_id in sorted({*packaged, *project}):
        keys: dict[str, Any] = {}
        for table in (packaged.get(type_id), project.get(type_id)):
            if table is not None:
                keys.update(table.model_dump(exclude_none=True))
        try:
            layouts[type_id] = _layout(type_id, keys)
        except ValueError as exc:
            problems[type_id] = str(exc)
    return layouts, problems


def _layout(type_id: str, keys: dict[str, Any]) -> BriefLayout:
    required = tuple(keys.get("required", ()))
    optional = tuple(keys.get("optional", ()))
    sections = (*required, *optional)
    parts = tuple(keys.get("parts", (*sections, "endnotes", "sources")))
    problems = []
    for part in dict.fromkeys(parts):
        if part not in GENERATED_PARTS and part not in sections:
            problems.append(
                f"part '{part}' is neither a generated part ({', '.join(GENERATED_PARTS)}) "
                "nor a section listed in `required` or `optional`"
            )
    problems += [
        f"section '{s}' is not in `parts`, so it is never shown" for s in sections if s not in parts
    ]
    problems += [
        f"`analysis` names '{s}', which is not a section of this type"
        for s in keys.get("analysis", ())
        if s not in sections
    ]
    summary = tuple(keys.get("summary", ()))
    problems += [
        f"`summary` names '{p}', which is not in `parts`" for p in summary if p not in parts
    ]
    if keys.get("citations") == "inline" and {"endnotes", "evidence"} & set(parts):
        problems.append(
            "`citations = \"inline\"` prints no note list: drop 'endnotes' from `parts`"
        )
    duplicates = sorted({p for p in parts if parts.count(p) > 1})
    problems += [f"part '{p}' is listed twice" for p in duplicates]
    if "budget" not in keys:
        problems.append("`budget` (a page budget) is missing")
    if "max_age" not in keys:
        problems.append("`max_age` (months a brief may postdate its information) is missing")
    if problems:
        raise ValueError("; ".join(problems))
    return BriefLayout(
        id=type_id,
        label=keys.get("label", type_id.replace("-", " ").capitalize()),
        parts=parts,
        required=required,
        optional=optional,
        analysis=tuple(keys.get("analysis", ())),
        budget=keys["budget"],
        max_age=keys["max_age"],
        template=keys.get("template"),
        needs_recommended=keys.get("needs_recommended", False),
        compact_notes=keys.get("compact_notes", False),
        compact_options=keys.get("compact_options", False),
        scoring_detail=keys.get("scoring_detail", False),
        option_points=tuple(keys.get("option_points", ("pros", "cons", "risks"))),
        citations=keys.get("citations", "endnotes"),
        max_citations=keys.get("max_citations"),
        summary=summary,
        summary_pages=keys.get("summary_pages"),
        toc_min_pages=keys.get("toc_min_pages"),
        action_memo=keys.get("action_memo", False),
        information_label=keys.get("information_label", ""),
        notes_tab=keys.get("notes_tab", ""),
    )


# A slug's contraction ("don-t") as the heading writes it ("don't").
_CONTRACTION = re.compile(r"(?<=[a-z])-(t|s|d|ll|re|ve|m)(?=-|$)")


def section_heading(slug: str) -> str:
    """A section's slug as a heading a user writes: 'what-we-don-t-know' → "What we don't know"."""
    words = _CONTRACTION.sub(r"'\1", slug).replace("-", " ")
    return words[:1].upper() + words[1:]


def type_name(type_id: str) -> str:
    """A brief type as prose, with its article: 'issue-brief' → 'an issue brief'."""
    words = type_id.replace("-", " ")
    return f"{'an' if words[:1] in 'aeiou' else 'a'} {words}"

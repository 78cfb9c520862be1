"""The brief's options as its parts show them: each option (as the reader's edition
shows it, or whole for the annex), the comparison table and the recommended option."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from briefgen.analyse.endnotes import Endnotes
from briefgen.model.project import Option
from briefgen.text.markdown import Html, escaped, render, render_inline
from briefgen.validate.resolve import Resolved, ResolvedBrief


@dataclass(frozen=True)
class OptionView:
    id: str
    title: str
    summary: str
    description: Html
    pros: list[Html]
    cons: list[Html]
    risks: list[Html]
    recommended: bool


@dataclass(frozen=True)
class OptionSummary:
    id: str
    title: str


@dataclass(frozen=True)
class ComparisonRow:
    title: str
    cells: list[Html]  # one per comparison dimension


def option_view(
    option: Option,
    brief: ResolvedBrief,
    notes: Endnotes,
    *,
    whole: bool = False,
    introduce: Callable[[str], str] = str,
) -> OptionView:
    """An option as the reader's edition shows it, or ``whole`` (the annex's).
    ``introduce`` gives a holder's first mention in the brief its role."""
    record = option.record

    def inline(text: str) -> Html:
        return render_inline(introduce(text), notes.cite)

    # Only what the layout shows is rendered, so endnotes number exactly what is cited.
    full = whole or not brief.layout.compact_options
    points = ("pros", "cons", "risks") if whole else brief.layout.option_points
    return OptionView(
        id=option.id,
        title=record.title,
        summary=record.summary,
        description=render(introduce(record.description), notes.cite) if full else escaped(""),
        pros=[inline(p) for p in record.pros] if "pros" in points else [],
        cons=[inline(p) for p in record.cons] if "cons" in points else [],
        risks=[inline(p) for p in record.risks] if "risks" in points else [],
        recommended=brief.recommended is option,
    )


def comparison_rows(
    resolved: Resolved, brief: ResolvedBrief, notes: Endnotes, introduce: Callable[[str], str]
) -> list[ComparisonRow]:
    """Per option, its cell for each comparison dimension ([[comparison]])."""
    dims = [d.id for d in resolved.project.settings.comparison]
    rows = []
    for option in brief.options if dims else ():
        record = option.record
        cells = [render_inline(introduce(record.compare[d]), notes.cite) for d in dims]
        rows.append(ComparisonRow(record.title, cells))
    return rows


def recommended(brief: ResolvedBrief) -> OptionSummary | None:
    option = brief.recommended
    return OptionSummary(option.id, option.record.title) if option is not None else None

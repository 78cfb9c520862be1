"""Checks that a brief has the shape its type promises (model/types.toml).

An action memo goes to a named principal and asks for a decision the principal can
take: "That you …". The content can't be checked for being within the principal's
authority; its form can.
"""

from __future__ import annotations

import re

from briefgen.diagnostics import Diagnostics
from briefgen.model.layouts import BriefLayout, type_name
from briefgen.model.project import Brief

# A recommendation paragraph of an action memo opens with these words.
THAT_YOU = re.compile(r"(?m)^(?:[-*]\s+)?That you\b")


def check_format(brief: Brief, layout: BriefLayout, diagnostics: Diagnostics) -> None:
    if layout.action_memo:
        _check_action_memo(brief, layout, diagnostics)


def _check_action_memo(brief: Brief, layout: BriefLayout, diagnostics: Diagnostics) -> None:
    meta, origin = brief.meta, brief.origin
    if not meta.principal:
        diagnostics.error(
            origin.path,
            origin.line("type"),
            "memo.principal",
            f"{type_name(meta.type)} goes to a principal: add `principal:` naming the role "
            "that decides (e.g. 'Director of Policy Planning')",
        )
    informs = layout.label_for(meta.retrospective) != layout.label
    if meta.retrospective and not informs:
        diagnostics.error(
            origin.path,
            origin.line("retrospective"),
            "memo.retrospective",
            f"{type_name(meta.type)} asks the principal for a decision, which a look back "
            "can't: give the type an `information_label` in briefgen.toml "
            f'([types.{meta.type}] information_label = "Information Memo") so it prints as '
            "an information memo, or use a type that is not an action memo",
        )
    recommendation = next(
        (brief.section(s) for s in ("recommendation", "recommendations") if brief.section(s)),
        None,
    )
    # An information memo asks for no decision: nothing need begin "That you".
    if not informs and recommendation is not None and not THAT_YOU.search(recommendation.text):
        diagnostics.error(
            origin.path,
            recommendation.line - 1,
            "memo.that-you",
            f"{type_name(meta.type)}'s recommendation asks the principal for a decision "
            "they can take: begin a paragraph with 'That you …'",
        )
    if meta.decide_by is not None and meta.decide_by < meta.date:
        diagnostics.error(
            origin.path,
            origin.line("decide_by"),
            "memo.decide-by",
            f"decide_by {meta.decide_by.isoformat()} is before the memo's date "
            f"{meta.date.isoformat()}",
        )

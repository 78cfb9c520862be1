"""Calibration rules: when a confidence level is earned, and the likelihood terms.

The packaged defaults live in ``calibration.toml`` (data, with their wording); a
project's ``briefgen.toml`` may override a level's rule or the whole term table.
"""

from __future__ import annotations

import functools
import re
import tomllib
from importlib import resources
from typing import Annotated, Any

from pydantic import Field, model_validator

from briefgen.model.records import Id, ReliabilityGrade, Strict, Text

Credibility = Annotated[int, Field(ge=1, le=6)]


class EvidenceRule(Strict):
    """Enough independent sources whose notes qualify, and no excluded grade."""

    sources: Annotated[int, Field(ge=0)]
    reliability: list[ReliabilityGrade] | None = None  # None: any grade
    credibility: list[Credibility] | None = None
    exclude_credibility: list[Credibility] = []


class ConfidenceRule(Strict):
    # Ignored since 0.3.0: the words printed are generated from `any_of` (rule_words), so
    # the rubric a reader sees is the rule the check applies. Accepted so old files load.
    words: Text | None = None
    any_of: Annotated[list[EvidenceRule], Field(min_length=1)]

    @property
    def floor(self) -> bool:
        """Met by any evidence: the level that weak evidence is capped at."""
        return any(a.sources == 0 and not a.exclude_credibility for a in self.any_of)


_NUMBERS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def grade_span(grades: list[str] | list[int] | list[ReliabilityGrade]) -> str:
    """['A', 'B', 'C'] → 'A–C'; [4, 6] → '4 or 6'; [5] → '5'."""
    order = [g.value if isinstance(g, ReliabilityGrade) else g for g in grades]
    keys = sorted({ord(g) if isinstance(g, str) else g for g in order})
    text = [chr(k) if isinstance(order[0], str) else str(k) for k in keys]
    if len(keys) > 2 and keys == list(range(keys[0], keys[-1] + 1)):
        return f"{text[0]}–{text[-1]}"
    return text[0] if len(text) == 1 else ", ".join(text[:-1]) + " or " + text[-1]


def _alternative_words(rule: EvidenceRule) -> str:
    if rule.sources == 0:
        text = "any evidence"
    else:
        count = _NUMBERS[rule.sources] if rule.sources < len(_NUMBERS) else str(rule.sources)
        several = rule.sources > 1
        text = f"at least {count} independent sources" if several else "at least one source"
        if rule.reliability is not None:
            grades = grade_span(rule.reliability)
            text += f", each graded {grades}," if several else f" graded {grades}"
        text += " support it" if several else " supports it"
        if rule.credibility is not None:
            text += f" with notes graded {grade_span(rule.credibility)}"
    if rule.exclude_credibility:
        text += f", and none of its notes is graded {grade_span(rule.exclude_credibility)}"
    return text


def rule_words(
    rule: ConfidenceRule,
    weak_reliability: list[ReliabilityGrade],
    weak_credibility: list[int],
    floor: str,
) -> str:
    """The rule in words, generated from its data and the weak-evidence cap at ``floor``."""
    text = "; or ".join(_alternative_words(a) for a in rule.any_of)
    if not rule.floor and (weak_reliability or weak_credibility):
        weak = []
        if weak_reliability:
            weak.append(f"from sources graded {grade_span(weak_reliability)}")
        if weak_credibility:
            weak.append(f"themselves graded {grade_span(weak_credibility)}")
        text += f"; notes that are all weak ({' or '.join(weak)}) earn {floor} at most"
    return text


def implies(tight: EvidenceRule, loose: EvidenceRule) -> bool:
    """Whether evidence meeting ``tight`` always meets ``loose``."""

    def within(inner: list[Any] | None, outer: list[Any] | None) -> bool:
        return outer is None or (inner is not None and set(inner) <= set(outer))

    return (
        tight.sources >= loose.sources
        and within(tight.reliability, loose.reliability)
        and within(tight.credibility, loose.credibility)
        and set(loose.exclude_credibility) <= set(tight.exclude_credibility)
    )


def loosens(rule: ConfidenceRule, shipped: ConfidenceRule) -> bool:
    """Whether some alternative of ``rule`` accepts evidence ``shipped`` may refuse."""
    return not all(any(implies(a, b) for b in shipped.any_of) for a in rule.any_of)


class Band(Strict):
    low: Annotated[float, Field(ge=0, le=100)]
    high: Annotated[float, Field(ge=0, le=100)]
    terms: Annotated[list[list[Text]], Field(min_length=1)]  # one list of words per row

    @model_validator(mode="after")
    def _ordered(self) -> Band:
        if self.high <= self.low:
            raise ValueError("a band's high must be above its low")
        return self

    def holds(self, percent: float) -> bool:
        """Half-open: [low, high)."""
        return self.low <= percent < self.high

    @property
    def label(self) -> str:
        return f"{self.low:g}–{self.high:g}\u00a0%"


class LikelihoodTable(Strict):
    source: Text
    bands: Annotated[list[Band], Field(min_length=1)]

    @functools.cached_property
    def terms(self) -> dict[str, tuple[int, Band]]:
        """Lower-cased term → (row index, band)."""
        return {
            term.lower(): (row, band)
            for band in self.bands
            for row, words in enumerate(band.terms)
            for term in words
        }

    @functools.cached_property
    def pattern(self) -> re.Pattern[str]:
        """Any term as whole words, longest first ('very unlikely' before 'unlikely')."""
        words = sorted(self.terms, key=len, reverse=True)
        spelled = "|".join(r"\s+".join(map(re.escape, w.split())) for w in words)
        return re.compile(rf"(?<![\w-])(?:{spelled})(?![\w-])", re.IGNORECASE)


class CalibrationDefaults(Strict):
    confidence_rules: dict[Id, ConfidenceRule]
    # The 0.2 rules: a judgment they accept that the current ones refuse draws the
    # phased-in `judgment.confidence-above-rubric` until 0.4.0.
    confidence_rules_0_2: dict[Id, ConfidenceRule]
    likelihood: LikelihoodTable


@functools.cache
def packaged() -> CalibrationDefaults:
    """The shipped rules and terms (``briefgen/model/calibration.toml``)."""
    text = (resources.files("briefgen") / "model" / "calibration.toml").read_text("utf-8")
    return CalibrationDefaults.model_validate(tomllib.loads(text))

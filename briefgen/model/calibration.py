"""Calibration rules: when a confidence level is earned, and the likelihood terms.

The packaged defaults live in ``calibration.toml`` (data, with their wording); a
project's ``briefgen.toml`` may override a level's rule or the whole term table.
"""

from __future__ import annotations

import functools
import re
import tomllib
from importlib import resources
from typing import Annotated

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
    words: Text  # the rule in words, printed in diagnostics and the confidence key
    any_of: Annotated[list[EvidenceRule], Field(min_length=1)]


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
    likelihood: LikelihoodTable


@functools.cache
def packaged() -> CalibrationDefaults:
    """The shipped rules and terms (``briefgen/model/calibration.toml``)."""
    text = (resources.files("briefgen") / "model" / "calibration.toml").read_text("utf-8")
    return CalibrationDefaults.model_validate(tomllib.loads(text))

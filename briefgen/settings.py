"""``briefgen.toml``: project settings, strictly typed like every content file."""

from __future__ import annotations

from typing import Annotated

from pydantic import ConfigDict, Field, StringConstraints

from briefgen.markdown_bounds import MAX_MARKDOWN_DEPTH
from briefgen.model import BriefType, Id, ReliabilityGrade, Strict, Text

# --- settings ------------------------------------------------------------------


class ProjectSettings(Strict):
    title: Text
    language: str = "en"


class PdfSettings(Strict):
    page_size: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9. ]{1,40}$")] = "A4"


class MarkingSettings(Strict):
    levels: Annotated[list[Text], Field(min_length=1)]  # least restrictive first
    distribution: dict[str, Text] = {}  # level → distribution statement

    def rank(self, level: str) -> int:
        return self.levels.index(level)


class GradingSettings(Strict):
    """Evidence this weak (or all ungradable) behind a judgment draws a warning."""

    weak_reliability: list[ReliabilityGrade] = [ReliabilityGrade.D, ReliabilityGrade.E]
    weak_credibility: list[Annotated[int, Field(ge=1, le=6)]] = [4, 5]


class LimitSettings(Strict):
    """Bounds on what one brief may cost; past one, that brief fails with an error."""

    render_seconds: Annotated[float, Field(gt=0, le=3600)] = 120
    render_memory_mb: Annotated[int, Field(ge=50, le=65536)] = 2048
    markdown_seconds: Annotated[float, Field(gt=0, le=600)] = 10
    # Lists, quotes, emphasis and raw tags nested in one another (see markdown_bounds.py). The
    # ceiling keeps the finished page well inside what WeasyPrint can lay out.
    markdown_depth: Annotated[int, Field(ge=1, le=MAX_MARKDOWN_DEPTH)] = 16
    # Cells in one Markdown table row: more are cut off at the page edge and slow to lay out.
    table_columns: Annotated[int, Field(ge=1, le=200)] = 20


class AnalysisSettings(Strict):
    samples: Annotated[int, Field(ge=10, le=100_000)] = 2000
    spread: Annotated[float, Field(gt=0, le=2)] = 0.3
    seed: int = 1


class Dimension(Strict):
    id: Id
    label: Text


class Budgets(Strict):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    issue_brief: Annotated[int, Field(ge=1, alias="issue-brief")] = 12
    decision_memo: Annotated[int, Field(ge=1, alias="decision-memo")] = 2
    one_pager: Annotated[int, Field(ge=1, alias="one-pager")] = 1
    options_paper: Annotated[int, Field(ge=1, alias="options-paper")] = 6

    def for_type(self, brief_type: BriefType) -> int:
        return int(getattr(self, brief_type.value.replace("-", "_")))


class Settings(Strict):
    """``briefgen.toml``: project settings."""

    project: ProjectSettings
    pdf: PdfSettings = PdfSettings()
    budgets: Budgets = Budgets()
    markings: MarkingSettings
    comparison: list[Dimension] = []
    confidence: dict[Id, Text] = {
        "low": "The evidence is thin, single-source or indirect.",
        "moderate": "Credible sources support it, but gaps or alternatives remain.",
        "high": "Several credible, consistent sources support it.",
    }
    grading: GradingSettings = GradingSettings()
    analysis: AnalysisSettings = AnalysisSettings()
    limits: LimitSettings = LimitSettings()

"""``briefgen.toml``: project settings, strictly typed like every content file.

Settings that moved (``Rename``, ``RENAMES``) are in ``renames.py``, re-exported here.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, PrivateAttr, StringConstraints, field_validator, model_validator
from pydantic_core import PydanticCustomError

from briefgen.model import requires
from briefgen.model.calibration import (
    ConfidenceRule,
    LikelihoodTable,
    loosens,
    packaged,
    rule_words,
)
from briefgen.model.fields import LANGUAGE_TAG, Id, LanguageTag, Strict, Text
from briefgen.model.layouts import BriefLayout, TypeTable
from briefgen.model.pagesize import page_size_problem
from briefgen.model.renames import RENAMES as RENAMES
from briefgen.model.renames import Rename as Rename
from briefgen.model.renames import toml_key as toml_key
from briefgen.model.renames import toml_value as toml_value
from briefgen.model.source_record import ReliabilityGrade
from briefgen.model.written_dates import DateStyle, default_date_style
from briefgen.rules import RANK, Configured, Level, RuleClass, registry

# The most `[limits] markdown_depth` may allow: each level can open two elements
# (``<ul><li>``), and the page must stay under render.MAX_PAGE_DEPTH.
MAX_MARKDOWN_DEPTH = 40


# --- settings ------------------------------------------------------------------


class ProjectSettings(Strict):
    title: Text
    # The <html lang>: hyphenation and quotation marks follow it; WeasyPrint ignores a
    # value that is not a language tag, so it is checked here.
    language: LanguageTag = "en"
    # The briefgen versions the project builds with, a PEP 440 specifier such as ">=0.2".
    requires: str | None = None
    # How briefgen's own text prints dates: "us" ("October 14, 2016"), "day-month"
    # ("14 October 2016") or "iso" ("2016-10-14"). Default: "us" for "en" and "en-US",
    # "day-month" for other languages. Citations follow their CSL style instead.
    date_style: DateStyle | None = None

    @property
    def dates(self) -> DateStyle:
        """The date style in effect: ``date_style``, or the language's default."""
        return self.date_style or default_date_style(self.language)

    @field_validator("requires")
    @classmethod
    def _requires_parses(cls, value: str | None) -> str | None:
        # Whether this briefgen satisfies it is checked before the model (load_settings).
        if value is not None:
            requires.parse(value)  # ValueError → a located schema.invalid with the reason
        return value


class PdfSettings(Strict):
    # A CSS page size WeasyPrint lays out (pagesize.py): checked here, not at render time.
    page_size: Annotated[str, StringConstraints(max_length=40)] = "A4"
    # "ua-1": tagged PDF/UA-1; "a-3b+ua-1": also PDF/A-3b for archiving (docs/pdf-standards.md).
    standard: Literal["ua-1", "a-3b+ua-1"] = "ua-1"

    @field_validator("page_size")
    @classmethod
    def _page_size(cls, value: str) -> str:
        problem = page_size_problem(value)
        if problem is not None:
            raise ValueError(problem)
        return value


DRAFT_MARKING = "DRAFT"


class MarkingSettings(Strict):
    levels: Annotated[list[Text], Field(min_length=1)]  # least restrictive first
    distribution: dict[str, Text] = {}  # level → distribution statement
    # level → whether its statement claims an approval (e.g. "approved for public
    # release"); required for every level, so no marking claims approval by default.
    claims_approval: dict[str, bool] = {}

    @model_validator(mode="after")
    def _approval_declared(self) -> MarkingSettings:
        missing = [level for level in self.levels if level not in self.claims_approval]
        unknown = [level for level in self.claims_approval if level not in self.levels]
        problems = []
        if missing:
            problems.append(
                "every marking declares whether it claims an approval: add "
                + ", ".join(f'"{level}" = true | false' for level in missing)
                + " to [markings.claims_approval]"
            )
        if unknown:
            problems.append(f"[markings.claims_approval] names unknown levels: {unknown}")
        if problems:
            raise PydanticCustomError("settings_marking_approval", "; ".join(problems))
        return self

    def rank(self, level: str) -> int:
        return self.levels.index(level)


class GradingSettings(Strict):
    """Weak evidence: a judgment whose notes are all this weak draws a warning and earns
    the lowest confidence level at most (F: reliability cannot be judged; 6: truth cannot
    be judged; neither is evidence a level can rest on)."""

    weak_reliability: list[ReliabilityGrade] = [
        ReliabilityGrade.D,
        ReliabilityGrade.E,
        ReliabilityGrade.F,
    ]
    weak_credibility: list[Annotated[int, Field(ge=1, le=6)]] = [4, 5, 6]


class LimitSettings(Strict):
    """Bounds on the work content and templates can cause; past one, a located error."""

    render_seconds: Annotated[float, Field(gt=0, le=3600)] = 120
    render_memory_mb: Annotated[int, Field(ge=50, le=65536)] = 2048
    markdown_seconds: Annotated[float, Field(gt=0, le=600)] = 10
    # Formatting every note and bibliography entry of a build in the citation style (a
    # project's style is code): its own budget, apart from markdown_seconds.
    citation_seconds: Annotated[float, Field(gt=0, le=600)] = 60
    validate_seconds: Annotated[float, Field(gt=0, le=600)] = 30  # quote lookups, all notes
    # Templates may come from other people: bound what rendering one may spend.
    template_seconds: Annotated[float, Field(gt=0, le=600)] = 10
    template_memory_mb: Annotated[int, Field(ge=16, le=65536)] = 512
    # Lists, quotes, emphasis and raw tags nested in one another (see markdown_bounds.py). The
    # ceiling keeps the finished page well inside what WeasyPrint can lay out.
    markdown_depth: Annotated[int, Field(ge=1, le=MAX_MARKDOWN_DEPTH)] = 16
    # Cells in one Markdown table row: more are cut off at the page edge and slow to lay out.
    table_columns: Annotated[int, Field(ge=1, le=200)] = 20


class SensitivitySettings(Strict):
    """How the scoring's sensitivity to its weights is sampled (seeded, reproducible)."""

    samples: Annotated[int, Field(ge=10, le=100_000)] = 2000
    spread: Annotated[float, Field(gt=0, le=2)] = 0.3
    seed: int = 1
    # Joint score draw: each score moves up one point with this probability, down with it.
    score_probability: Annotated[float, Field(ge=0, le=0.5)] = 0.2


DEFAULT_CITATION_STYLE = "chicago-notes-bibliography"
SHIPPED_CITATION_STYLES = (DEFAULT_CITATION_STYLE,)  # in briefgen/assets/csl/


class CitationSettings(Strict):
    """``[citations]``: a shipped CSL style's name, or a ``.csl`` file in the project."""

    style: Text = DEFAULT_CITATION_STYLE

    @field_validator("style")
    @classmethod
    def _style_named(cls, value: str) -> str:
        parts = value.split("/")
        if value in SHIPPED_CITATION_STYLES or (
            value.endswith(".csl")
            and "\\" not in value
            and not value.startswith("/")
            and all(part not in ("", ".", "..") for part in parts)
        ):
            return value
        raise PydanticCustomError(
            "settings_citation_style",
            "citation style '{value}' is neither a shipped style ({shipped}) nor a path to a "
            ".csl file inside the project (relative, without '..')",
            {"value": value, "shipped": ", ".join(SHIPPED_CITATION_STYLES)},
        )


SHA256 = r"^[0-9a-f]{64}$"


class FontFile(Strict):
    """One font a project declares: a file (relative to the project, or absolute) and
    the sha256 of its bytes, so that every machine renders with the same font."""

    path: Annotated[str, StringConstraints(min_length=1, max_length=4096)]
    sha256: Annotated[str, StringConstraints(pattern=SHA256)]


class FontSettings(Strict):
    """``[fonts]``: the fonts rendering may use besides the packaged ones (Latin, Greek,
    Cyrillic); no font of the machine's is ever used."""

    files: list[FontFile] = []
    # The language of Han characters in briefgen's own text with no language of their
    # own (a note's `lang:`, a source's `language`): decides their glyph forms.
    han_default: Annotated[str, StringConstraints(pattern=LANGUAGE_TAG.pattern)] | None = None


RuleLevel = Literal["error", "warning", "off"]


class RuleEntry(Strict):
    """``[rules] "code" = {level = "warning", reason = "…"}``: a level with its reason."""

    level: RuleLevel
    reason: Text | None = None

    @model_validator(mode="before")
    @classmethod
    def _level_alone(cls, value: object) -> object:
        """``"code" = "off"`` is short for ``"code" = {level = "off"}``."""
        return {"level": value} if isinstance(value, str) else value


class Dimension(Strict):
    id: Id
    label: Text


class Holder(Strict):
    """``[holders] "Name" = {role = "...", aliases = [...]}``: a holder with the role the
    source of their notes states, printed "as of" that source's date at the first mention
    in each brief."""

    role: Text
    aliases: list[Text] = []


class Settings(Strict):
    """``briefgen.toml``: project settings."""

    project: ProjectSettings
    pdf: PdfSettings = PdfSettings()
    types: dict[Id, TypeTable] = {}  # merged over the packaged types (layouts.py)
    # A new project's default: one draft marking that claims nothing.
    markings: MarkingSettings = MarkingSettings(
        levels=[DRAFT_MARKING],
        distribution={DRAFT_MARKING: "Working draft: not reviewed or approved for release."},
        claims_approval={DRAFT_MARKING: False},
    )
    # holder (as in notes' `holder:`) → other names a sentence may use for them, or a
    # table with the role the holder's source states (printed at the first mention).
    holders: dict[str, list[Text] | Holder] = {}
    comparison: list[Dimension] = []
    confidence: dict[Id, Text] = {
        "low": "The evidence is thin, single-source or indirect.",
        "moderate": "Credible sources support it, but gaps or alternatives remain.",
        "high": "Several credible, consistent sources support it.",
    }
    # Evidence each confidence level needs, over the packaged rules (calibration.toml).
    confidence_rules: dict[Id, ConfidenceRule] = {}
    likelihood: LikelihoodTable | None = None  # None: the packaged ICD 203 table
    grading: GradingSettings = GradingSettings()
    sensitivity: SensitivitySettings = SensitivitySettings()
    limits: LimitSettings = LimitSettings()
    citations: CitationSettings = CitationSettings()
    fonts: FontSettings = FontSettings()
    # Diagnostic code → level (or {level, reason}); load_settings refuses what a rule's
    # class does not allow (briefgen/rules.toml's header).
    rules: dict[str, RuleEntry] = {}
    _layouts: dict[str, BriefLayout] = PrivateAttr(default_factory=dict)

    @property
    def rule_levels(self) -> dict[str, Configured]:
        """``[rules]`` as levels with their reasons (validated by loading)."""
        return {code: Configured(Level(e.level), e.reason) for code, e in self.rules.items()}

    @property
    def lowered_protected(self) -> list[tuple[str, str, str]]:
        """(code, meaning, reason) of each protected rule the project lowered, for the reader."""
        lowered = []
        for code, configured in self.rule_levels.items():
            found = registry().get(code)
            if (
                found is not None
                and found.rule_class is RuleClass.PROTECTED
                and RANK[configured.level] < RANK[found.default_level()]
            ):
                lowered.append((code, found.meaning, configured.reason or ""))
        return lowered

    def holder_aliases(self, holder: str) -> list[str]:
        """The other names a sentence may use for ``holder`` ([holders], either form)."""
        entry = self.holders.get(holder, [])
        return list(entry.aliases if isinstance(entry, Holder) else entry)

    def holder_roles(self) -> dict[str, Holder]:
        """The holders given with a role."""
        return {name: h for name, h in self.holders.items() if isinstance(h, Holder)}

    def confidence_rule(self, level: str) -> ConfidenceRule | None:
        """The evidence rule for a confidence level: the project's, else the packaged one."""
        return self.confidence_rules.get(level) or packaged().confidence_rules.get(level)

    @property
    def floor_level(self) -> str:
        """The level any evidence meets (weak evidence is capped there): the lowest."""
        for level in self.confidence:
            rule = self.confidence_rule(level)
            if rule is not None and rule.floor:
                return level
        return next(iter(self.confidence), "low")

    def confidence_words(self, level: str) -> str:
        """What a level needs, generated from its rule: printed in the confidence key and
        in diagnostics, so the rubric a reader sees is the rule the check applies."""
        rule = self.confidence_rule(level)
        if rule is None:
            return self.confidence.get(level, "")
        grading = self.grading
        return rule_words(
            rule, grading.weak_reliability, grading.weak_credibility, self.floor_level
        )

    @property
    def loosened_confidence(self) -> list[tuple[str, str, str]]:
        """(level, the project's rule, briefgen's rule) for each level whose project rule
        accepts evidence the shipped one may refuse: printed in the reader's edition."""
        shipped = packaged().confidence_rules
        loosened = []
        for level, rule in self.confidence_rules.items():
            base = shipped.get(level)
            if base is not None and loosens(rule, base):
                grading = self.grading
                words = rule_words(
                    base, grading.weak_reliability, grading.weak_credibility, self.floor_level
                )
                loosened.append((level, self.confidence_words(level), words))
        return loosened

    @property
    def likelihood_table(self) -> LikelihoodTable:
        return self.likelihood or packaged().likelihood

    @property
    def layouts(self) -> dict[str, BriefLayout]:
        """Every brief type, packaged and the project's own, merged (set by loading)."""
        return self._layouts

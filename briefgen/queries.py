"""What the commands ask of a project short of building it: ``check`` (load, validate,
analyse, audit; nothing rendered), ``impact`` and ``brief_types``; and ``Result``, what
a check and a build return."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from briefgen.diagnostics import Diagnostics
from briefgen.limits import TimeLimitExceeded, time_limit
from briefgen.write.project_files import report_interrupted

if TYPE_CHECKING:  # the stages are imported where used: a no-op build loads none of them
    from briefgen.analyse.impact import Dependent
    from briefgen.analyse.views import BriefView
    from briefgen.load.fonts import FontSet
    from briefgen.model.project import Project
    from briefgen.model.records import Format
    from briefgen.text.csl import Citations
    from briefgen.validate.resolve import Resolved


@dataclass(frozen=True)
class Artifact:
    brief: str
    format: Format
    path: Path
    size: int
    pages: int | None
    cached: bool = False

    def name_is(self, name: str) -> bool:
        return self.path.name == name


@dataclass
class Result:
    diagnostics: Diagnostics
    project: Project | None = None
    views: dict[str, BriefView] = field(default_factory=dict)
    artifacts: list[Artifact] = field(default_factory=list)
    written: bool = False
    up_to_date: bool = False
    fonts: FontSet | None = None  # the fonts briefgen.toml declares, checked


# Validation errors that leave every reference resolvable, so analysis can still run:
# what an old project lacks (a holder, a principal, a section). `upgrade` looks past them
# to list the analysis's errors in the same run, not in a later round.
RESOLVABLE = frozenset(
    {
        "brief.author",
        "brief.missing-section",
        "brief.stale",
        "brief.stale-evidence",
        "brief.unapproved",
        "judgment.confidence-above-rubric",
        "judgment.confidence-unearned",
        "judgment.recommendation-confidence",
        "memo.principal",
        "memo.that-you",
        "note.conflict-unstated",
        "note.missing-holder",
    }
)


def check(
    root: Path,
    *,
    settings_text: str | None = None,
    look_past_resolvable: bool = False,
    citations_type: type[Citations] | None = None,
    keep_citations: bool = True,
) -> Result:
    """Load, validate, analyse and audit the project; nothing is rendered.

    ``settings_text`` is read instead of briefgen.toml; with ``look_past_resolvable``,
    analysis runs despite validation errors that are all ``RESOLVABLE``.
    ``citations_type`` formats the citations (incremental.py's reuses notes formatted
    before); run inside ``memo.active`` (incremental.py), the check reuses the results
    of pure steps whose inputs are unchanged, and gives what it would give without.
    """
    from briefgen.analyse.audit import audit
    from briefgen.load.citestyle import load_style
    from briefgen.load.fonts import load_fonts
    from briefgen.load.project import load_project
    from briefgen.text.csl import (
        CitationProcessorError,
        Citations,
        CitationStyleError,
        csl_item,
    )
    from briefgen.validate.content import validate
    from briefgen.validate.resolve import resolve
    from briefgen.write.cache_folder import CACHE_DIR, CitationStore

    diagnostics = Diagnostics(root)
    report_interrupted(root, diagnostics)  # a command that writes finishes it first
    project, report = load_project(root, diagnostics, settings_text=settings_text)
    result = Result(diagnostics, project)
    if project is None:
        return result
    result.fonts = load_fonts(root, project.settings, diagnostics)
    resolved = validate(project, report, diagnostics)
    past = look_past_resolvable and all(d.code in RESOLVABLE for d in diagnostics.errors)
    if resolved is None and past:
        resolved = resolve(project)
    if resolved is None:
        return result  # analysis needs every reference resolved
    style = load_style(root, project.settings, diagnostics)
    if style is None:
        return result
    items = {sid: csl_item(sid, source.record) for sid, source in project.sources.items()}
    seconds = project.settings.limits.citation_seconds
    # The first failure of the processor stops every brief's analysis: one error a build.
    try:
        # A check whose citations are unchanged starts no processor; with keep_citations
        # False (upgrade, which writes only the files it changes) it stores none.
        store = CitationStore(root / CACHE_DIR, keep=keep_citations)
        with (citations_type or Citations)(items, style, seconds, store=store) as citations:
            _analyse_briefs(resolved, citations, result, settings_text)  # starts no processor
    except CitationStyleError as exc:
        where, line = (root / style.name, 1) if not style.shipped else _style_setting(root)
        diagnostics.error(where, line, exc.code, exc.message)
    except CitationProcessorError as exc:
        diagnostics.error(*_style_setting(root), "citations.processor-failed", exc.message)
    if diagnostics.errors and not look_past_resolvable:
        return result
    audit(project, result.views.values(), diagnostics)
    return result


def _style_setting(root: Path) -> tuple[Path, int]:
    """Where a failure of the processor that no project file caused is reported."""
    from briefgen.load.citestyle import SETTINGS_FILE, setting_line

    return root / SETTINGS_FILE, setting_line(root)


def _analyse_briefs(
    resolved: Resolved, citations: Citations, result: Result, settings_text: str | None
) -> None:
    """Each brief's view, its Markdown converted within the time limit.

    In a re-check (memo.py) a brief's view is reused if none of its inputs changed: the
    view reads the brief, never another one, so its key is the digest of every file the
    check read but the other briefs, with the settings text and the citation style."""
    from briefgen.analyse.views import analyse
    from briefgen.memo import current

    project, diagnostics = resolved.project, result.diagnostics
    seconds = project.settings.limits.markdown_seconds
    memo = current()
    briefs = frozenset(brief.origin.path for brief in project.briefs.values())
    for brief_id in sorted(project.briefs):

        def view(brief_id: str = brief_id) -> BriefView:
            return analyse(resolved, brief_id, citations)

        try:
            with time_limit(seconds):
                if memo is None:
                    result.views[brief_id] = view()
                    continue
                others = briefs - {project.briefs[brief_id].origin.path}
                key = (brief_id, memo.digest(others), settings_text, citations.style.xml)
                result.views[brief_id] = memo.get("view", key, view)
        except TimeLimitExceeded:
            diagnostics.error(
                project.briefs[brief_id].origin.path,
                1,
                "markdown.timeout",
                f"converting this brief's Markdown took more than {seconds:g} s of processor time "
                "(pathological input such as thousands of unclosed '['?)",
            )


@dataclass
class ImpactResult:
    diagnostics: Diagnostics
    dependents: list[Dependent] = field(default_factory=list)


def impact(root: Path, source_id: str) -> ImpactResult:
    """Everything in the project that depends on one source (``briefgen impact``)."""
    from briefgen.analyse.impact import impact as find_dependents

    result = check(root)
    project = result.project
    if project is not None and source_id not in project.sources:
        result.diagnostics.error(
            root / "content" / "sources",
            0,
            "impact.unknown-source",
            f"no source '{source_id}' (known: {', '.join(sorted(project.sources)) or 'none'})",
        )
    if project is None or result.diagnostics.errors:
        return ImpactResult(result.diagnostics)
    return ImpactResult(result.diagnostics, find_dependents(project, source_id))


def brief_types(root: Path) -> list[str]:
    """The brief types a project can use: the packaged ones and its own."""
    from briefgen.load.project import load_settings
    from briefgen.model.layouts import merge

    settings = load_settings(root, Diagnostics(root))
    layouts = settings.layouts if settings is not None else merge({})[0]
    return sorted(layouts)

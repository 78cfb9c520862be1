"""The build, as a short sequence of named stages: load → validate → analyse → render → write.

The pipeline never prints: it returns results and diagnostics, and reports progress
through an optional callback, so the CLI decides what the user sees.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from jinja2.sandbox import SandboxedEnvironment

from briefgen.analyse import BriefView, analyse
from briefgen.audit import audit
from briefgen.diagnostics import Diagnostics
from briefgen.load import load_project
from briefgen.model import Format, Project
from briefgen.render import RenderError, render_html, render_pdf, template_environment
from briefgen.validate import validate
from briefgen.write import Stage

OUTPUT_DIR = "output"
TEMPLATES_DIR = "templates"
FORMATS: tuple[Format, ...] = ("pdf", "html")

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Artifact:
    brief: str
    format: Format
    path: Path
    size: int
    pages: int | None

    def name_is(self, name: str) -> bool:
        return self.path.name == name


@dataclass
class Result:
    diagnostics: Diagnostics
    project: Project | None = None
    views: dict[str, BriefView] = field(default_factory=dict)
    artifacts: list[Artifact] = field(default_factory=list)
    written: bool = False


def check(root: Path) -> Result:
    """Load, validate, analyse and audit the project; nothing is rendered."""
    diagnostics = Diagnostics(root)
    project = load_project(root, diagnostics)
    result = Result(diagnostics, project)
    if project is None:
        return result
    validate(project, diagnostics)
    if diagnostics.errors:
        return result  # analysis needs valid references
    result.views = {b: analyse(project, project.briefs[b]) for b in sorted(project.briefs)}
    audit(project, result.views.values(), diagnostics)
    return result


def render_brief(
    project: Project,
    view: BriefView,
    formats: tuple[Format, ...],
    environment: SandboxedEnvironment,
) -> list[tuple[Format, bytes, int | None]]:
    """One brief's outputs as (format, bytes, pages); RenderError if it can't be made."""
    brief = view.brief
    html_text = render_html(view, environment)
    outputs: list[tuple[Format, bytes, int | None]] = []
    if "html" in formats:
        outputs.append(("html", html_text.encode("utf-8"), None))
    if "pdf" in formats:
        pdf = render_pdf(html_text)
        budget = project.settings.budgets.for_type(brief.meta.type)
        if pdf.pages > budget:
            raise RenderError(
                "brief.over-budget",
                f"{brief.meta.type.value} '{brief.id}' is {pdf.pages} pages; "
                f"its budget is {budget} (briefgen.toml [budgets])",
            )
        outputs.append(("pdf", pdf.data, pdf.pages))
    return outputs


def build(
    root: Path,
    *,
    briefs: Iterable[str] = (),
    formats: Iterable[Format] = FORMATS,
    strict: bool = False,
    progress: Progress | None = None,
) -> Result:
    """Check, then render the chosen briefs and swap them into ``output/`` together."""
    report = progress or (lambda _message: None)
    result = check(root)
    diagnostics, project = result.diagnostics, result.project
    if project is None or diagnostics.failed(strict=strict):
        return result
    selected = list(briefs)
    wanted = selected or sorted(project.briefs)
    for brief_id in wanted:
        if brief_id not in project.briefs:
            diagnostics.error(
                root / "content" / "briefs",
                0,
                "cli.unknown-brief",
                f"no brief '{brief_id}' (see 'briefgen list')",
            )
    if diagnostics.failed():
        return result
    chosen = tuple(f for f in FORMATS if f in set(formats))
    environment = template_environment(root / TEMPLATES_DIR)
    output = root / OUTPUT_DIR
    # A partial build (some briefs or formats) keeps the rest of the previous output.
    stage = Stage(output, keep_existing=bool(selected) or chosen != FORMATS)
    try:
        for index, brief_id in enumerate(wanted, start=1):
            brief = project.briefs[brief_id]
            report(f"[{index}/{len(wanted)}] {brief_id}")
            try:
                outputs = render_brief(project, result.views[brief_id], chosen, environment)
            except RenderError as exc:
                diagnostics.error(brief.origin.path, 1, exc.code, exc.message)
                continue
            for fmt, data, pages in outputs:
                name = stage.write(f"{brief_id}.{fmt}", data).name
                result.artifacts.append(Artifact(brief_id, fmt, output / name, len(data), pages))
        if diagnostics.failed(strict=strict):
            stage.discard()
            return result
        stage.commit()
    except BaseException:
        stage.discard()
        raise
    result.written = True
    return result

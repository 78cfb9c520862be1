"""Stage 2 — validate: every cross-reference and quote, checked once, in one place
(the sources and notes in ``evidence.py``)."""

from __future__ import annotations

from collections.abc import Sequence

from briefgen.diagnostics import Diagnostics, closest_id, did_you_mean
from briefgen.limits import TimeLimitExceeded, time_limit
from briefgen.model.layouts import section_heading, type_name
from briefgen.model.project import Brief, Project
from briefgen.model.report import ContentKind, LoadReport
from briefgen.text.blocks import analysis_chunks, paragraphs
from briefgen.text.citations import find_citations
from briefgen.validate.attribution import brief_blocks, check_attribution
from briefgen.validate.bidi import check_bidi_controls
from briefgen.validate.bounds import check_bounds
from briefgen.validate.calibration import validate_calibration
from briefgen.validate.evidence import Place, check_notes, check_sources
from briefgen.validate.example import check_example_content
from briefgen.validate.formats import check_format
from briefgen.validate.ids import check_unique_ids
from briefgen.validate.quotemarks import check_quotation_marks
from briefgen.validate.references import check_citations, check_references
from briefgen.validate.repeats import check_repeats
from briefgen.validate.reported import check_reported, option_blocks
from briefgen.validate.resolve import Resolved, resolve
from briefgen.validate.scoring import validate_scoring
from briefgen.validate.templates import check_templates
from briefgen.validate.tradecraft import check_framing, check_holders


def validate(project: Project, report: LoadReport, diagnostics: Diagnostics) -> Resolved | None:
    """Every cross-check, once; the project with its ids resolved, if nothing failed.

    ``report`` says which files could not be read, so that references into them are
    not reported again. Quote lookups are the costly part; all of it runs under
    ``[limits] validate_seconds`` and running out of time is an error at the item
    being checked.
    """
    seconds = project.settings.limits.validate_seconds
    place = Place(project.root / "briefgen.toml", 0, "the project")
    try:
        with time_limit(seconds):
            check_unique_ids(project, report, diagnostics)
            check_example_content(project, diagnostics)
            check_sources(project, diagnostics)
            check_notes(project, report, diagnostics, place)
            _check_options(project, report, diagnostics)
            validate_scoring(project, report, diagnostics)
            check_holders(project, diagnostics)
            validate_calibration(project, diagnostics)
            check_templates(project, diagnostics)
            check_bidi_controls(project, diagnostics)
            for brief in project.briefs.values():
                place.path, place.line, place.what = brief.origin.path, 1, "this brief"
                _check_brief(project, report, brief, diagnostics)
    except TimeLimitExceeded:
        diagnostics.error(
            place.path,
            place.line,
            "validate.timeout",
            f"checking {place.what} took validation past its limit of {seconds:g} s of "
            "processor time ([limits] validate_seconds in briefgen.toml)",
        )
    return None if diagnostics.errors else resolve(project)


def _check_options(project: Project, report: LoadReport, diagnostics: Diagnostics) -> None:
    dimensions = [d.id for d in project.settings.comparison]
    limits = project.settings.limits
    for option in project.options.values():
        record, origin = option.record, option.origin
        texts = [(record.description, origin.line("description"))]
        texts += [(cell, origin.line("compare", key)) for key, cell in record.compare.items()]
        for field in ("pros", "cons", "risks"):
            texts += [(p, origin.line(field, i)) for i, p in enumerate(getattr(record, field))]
        texts += [
            (s.rationale, origin.line("scores", k, "rationale")) for k, s in record.scores.items()
        ]
        for text, line in texts:
            check_quotation_marks(project, text, origin, line, diagnostics)
        check_reported(project, option_blocks(option), origin.path, diagnostics)
        check_citations(
            project, report, record.description, origin, origin.line("description"), diagnostics
        )
        check_bounds(record.description, origin, origin.line("description"), limits, diagnostics)
        for field in ("pros", "cons", "risks"):
            for index, point in enumerate(getattr(record, field)):
                check_bounds(point, origin, origin.line(field, index), limits, diagnostics)
                check_citations(
                    project,
                    report,
                    point,
                    origin,
                    origin.line(field, index),
                    diagnostics,
                    uncited="option.uncited",
                )
        for key, cell in record.compare.items():
            if key not in dimensions:
                diagnostics.error(
                    origin.path,
                    origin.line("compare", key),
                    "option.compare-unknown",
                    f"compare: '{key}' is not a dimension in briefgen.toml "
                    f"({', '.join(dimensions) or 'none declared'})",
                )
            check_citations(project, report, cell, origin, origin.line("compare", key), diagnostics)
            check_bounds(cell, origin, origin.line("compare", key), limits, diagnostics)
        for key in dimensions:
            if key not in record.compare:
                diagnostics.error(
                    origin.path,
                    origin.line("compare"),
                    "option.compare-missing",
                    f"compare: missing dimension '{key}'",
                )


def _check_brief(
    project: Project, report: LoadReport, brief: Brief, diagnostics: Diagnostics
) -> None:
    meta, origin = brief.meta, brief.origin
    layouts = project.settings.layouts
    if meta.type not in layouts:
        diagnostics.error(
            origin.path,
            origin.line("type"),
            "brief.unknown-type",
            f"unknown brief type '{meta.type}' (known: {', '.join(sorted(layouts))}; "
            "a project adds one as [types.<id>] in briefgen.toml)"
            + did_you_mean(meta.type, layouts),
        )
        return
    layout = layouts[meta.type]
    levels = project.settings.markings.levels
    if meta.marking not in levels:
        diagnostics.error(
            origin.path,
            origin.line("marking"),
            "brief.unknown-marking",
            f"marking '{meta.marking}' is not in briefgen.toml's vocabulary ({', '.join(levels)})",
        )
    check_references(
        meta.options,
        project.options,
        origin,
        "options",
        ContentKind.OPTIONS,
        report,
        diagnostics,
        code="brief.unknown-option",
        message="unknown option '{id}'",
    )
    if layout.needs_recommended and meta.recommended is None:
        diagnostics.error(
            origin.path,
            origin.line(),
            "brief.missing-recommended",
            f"{type_name(meta.type)} needs 'recommended': one of its options",
        )
    if meta.recommended is not None and meta.recommended not in meta.options:
        diagnostics.error(
            origin.path,
            origin.line("recommended"),
            "brief.unknown-recommended",
            f"recommended option '{meta.recommended}' is not among the brief's options",
        )
    allowed = layout.sections
    slugs = [s.slug for s in brief.sections]
    for section in brief.sections:
        if section.slug not in allowed:
            diagnostics.error(
                origin.path,
                section.line - 1,
                "brief.unknown-section",
                f"section '{section.heading}' is not part of {type_name(meta.type)} (allowed: "
                + ", ".join(f"'{section_heading(slug)}'" for slug in allowed)
                + ")"
                + _heading_hint(section.slug, allowed),
            )
        elif slugs.count(section.slug) > 1 and slugs.index(section.slug) != brief.sections.index(
            section
        ):
            diagnostics.error(
                origin.path,
                section.line - 1,
                "brief.duplicate-section",
                f"section '{section.heading}' appears twice",
            )
    for required in layout.required:
        if required not in slugs:
            diagnostics.error(
                origin.path,
                origin.document.body_line,
                "brief.missing-section",
                f"{type_name(meta.type)} needs a '## {section_heading(required)}' section",
            )
    for section in brief.sections:
        check_citations(project, report, section.text, origin, section.line, diagnostics)
        check_quotation_marks(project, section.text, origin, section.line, diagnostics)
        check_bounds(section.text, origin, section.line, project.settings.limits, diagnostics)
        sourced = section.slug not in layout.analysis
        _check_blocks(section.text, section.line, brief, sourced, diagnostics)
    check_framing(project, brief, diagnostics)
    check_format(brief, layout, diagnostics)
    check_repeats(project, brief, layout, diagnostics)
    check_attribution(project, brief, diagnostics)
    check_reported(project, brief_blocks(brief), origin.path, diagnostics)


def _heading_hint(slug: str, allowed: Sequence[str]) -> str:
    close = closest_id(slug, allowed)
    return f"; did you mean '## {section_heading(close)}'?" if close else ""


def _check_blocks(
    text: str, first_line: int, brief: Brief, sourced: bool, diagnostics: Diagnostics
) -> None:
    """Analysis fences are closed; sourced passages cite at least one note."""
    chunks, unclosed = analysis_chunks(text)
    if unclosed is not None:
        diagnostics.error(
            brief.origin.path,
            first_line + unclosed,
            "brief.unclosed-analysis",
            "'::: analysis' is never closed with ':::'",
        )
    for chunk in chunks:
        if chunk.analysis or not sourced:
            continue
        for offset, block in paragraphs(chunk):
            if block.lstrip().startswith(("#", "|")):
                continue
            if next(find_citations(block), None) is None:
                diagnostics.warning(
                    brief.origin.path,
                    first_line + offset,
                    "brief.unsourced",
                    "this passage cites no note; cite one or mark it '::: analysis'",
                )

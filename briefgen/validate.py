"""Stage 2 — validate: every cross-reference and quote, checked once, in one place."""

from __future__ import annotations

import hashlib

from briefgen.blocks import analysis_chunks, paragraphs
from briefgen.citations import check_citations, check_references, find_citations
from briefgen.diagnostics import Diagnostics
from briefgen.layouts import LAYOUTS
from briefgen.markdown_bounds import check_bounds
from briefgen.model import Brief, NoteRecord, Origin, Project, Status
from briefgen.quotes import closest, find_in, locate
from briefgen.validate_analysis import validate_analysis


def validate(project: Project, diagnostics: Diagnostics) -> None:
    """Check sources, notes, options and briefs against each other."""
    _check_sources(project, diagnostics)
    _check_notes(project, diagnostics)
    _check_options(project, diagnostics)
    validate_analysis(project, diagnostics)
    for brief in project.briefs.values():
        _check_brief(project, brief, diagnostics)


def _check_sources(project: Project, diagnostics: Diagnostics) -> None:
    for source in project.sources.values():
        origin, record = source.origin, source.record
        digest = hashlib.sha256(source.text.encode("utf-8")).hexdigest()
        if digest != record.sha256:
            diagnostics.error(
                origin.path,
                origin.line("sha256"),
                "source.checksum",
                f"text '{record.text}' has changed: sha256 is {digest}; a source text "
                "must stay verbatim",
            )
        paragraphs = source.paragraphs
        for name in ("title", "author", "outlet", "date"):
            value = getattr(record, name)
            if value.status is not Status.STATED or value.paragraph is None:
                continue
            if value.paragraph > len(paragraphs):
                diagnostics.error(
                    origin.path,
                    origin.line(name, "paragraph"),
                    "source.paragraph-range",
                    f"{name}: ¶{value.paragraph} does not exist "
                    f"(the text has {len(paragraphs)} paragraphs)",
                )
            elif find_in(value.value or "", paragraphs[value.paragraph - 1]) is None:
                diagnostics.error(
                    origin.path,
                    origin.line(name, "value"),
                    "source.stated-not-found",
                    f"{name} '{value.value}' is marked stated but ¶{value.paragraph} "
                    "does not contain it",
                )


def _check_notes(project: Project, diagnostics: Diagnostics) -> None:
    for note in project.notes.values():
        record, origin = note.record, note.origin
        source = project.sources.get(record.source)
        if source is None:
            if "sources" in diagnostics.unreadable:
                continue
            diagnostics.error(
                origin.path,
                origin.line("source"),
                "note.unknown-source",
                f"note '{note.id}' cites unknown source '{record.source}'",
            )
        else:
            _check_locator(record, source.paragraphs, origin, diagnostics)
        for other in record.conflicts_with:
            target = project.notes.get(other)
            if target is None:
                diagnostics.error(
                    origin.path,
                    origin.line("conflicts_with"),
                    "note.unknown-conflict",
                    f"conflicts_with names unknown note '{other}'",
                )
            elif note.id not in target.record.conflicts_with:
                diagnostics.warning(
                    origin.path,
                    origin.line("conflicts_with"),
                    "note.conflict-one-sided",
                    f"'{other}' does not list '{note.id}' in its conflicts_with",
                )


def _check_locator(
    record: NoteRecord, paragraphs: list[str], origin: Origin, diagnostics: Diagnostics
) -> None:
    note_id, paragraph, quote, source_id = record.id, record.paragraph, record.quote, record.source
    if paragraph > len(paragraphs):
        diagnostics.error(
            origin.path,
            origin.line("paragraph"),
            "note.paragraph-range",
            f"¶{paragraph} does not exist in source '{source_id}' "
            f"(it has {len(paragraphs)} paragraphs)",
        )
        return
    if quote is None or find_in(quote, paragraphs[paragraph - 1]) is not None:
        return
    elsewhere = locate(quote, paragraphs)
    if elsewhere is not None:
        diagnostics.error(
            origin.path,
            origin.line("quote"),
            "quote.wrong-paragraph",
            f"quote of note '{note_id}' is in ¶{elsewhere.paragraph} of source "
            f"'{source_id}', not ¶{paragraph}",
        )
        return
    near = closest(quote, paragraphs)
    hint = f"; closest passage is in ¶{near.paragraph}: {near.text.strip()}" if near else ""
    diagnostics.error(
        origin.path,
        origin.line("quote"),
        "quote.mismatch",
        f"quote of note '{note_id}' not found in source '{source_id}'{hint}",
    )


def _check_options(project: Project, diagnostics: Diagnostics) -> None:
    dimensions = [d.id for d in project.settings.comparison]
    limits = project.settings.limits
    for option in project.options.values():
        record, origin = option.record, option.origin
        check_citations(
            project, record.description, origin, origin.line("description"), diagnostics
        )
        check_bounds(record.description, origin, origin.line("description"), limits, diagnostics)
        for field in ("pros", "cons", "risks"):
            for index, point in enumerate(getattr(record, field)):
                check_bounds(point, origin, origin.line(field, index), limits, diagnostics)
                check_citations(
                    project,
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
            check_citations(project, cell, origin, origin.line("compare", key), diagnostics)
            check_bounds(cell, origin, origin.line("compare", key), limits, diagnostics)
        for key in dimensions:
            if key not in record.compare:
                diagnostics.error(
                    origin.path,
                    origin.line("compare"),
                    "option.compare-missing",
                    f"compare: missing dimension '{key}'",
                )


def _check_brief(project: Project, brief: Brief, diagnostics: Diagnostics) -> None:
    meta, origin = brief.meta, brief.origin
    layout = LAYOUTS[meta.type]
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
        "options",
        diagnostics,
        code="brief.unknown-option",
        message="unknown option '{id}'",
    )
    if layout.needs_recommended and meta.recommended is None:
        diagnostics.error(
            origin.path,
            origin.line(),
            "brief.missing-recommended",
            f"a {meta.type.value} needs 'recommended': one of its options",
        )
    if meta.recommended is not None and meta.recommended not in meta.options:
        diagnostics.error(
            origin.path,
            origin.line("recommended"),
            "brief.unknown-recommended",
            f"recommended option '{meta.recommended}' is not among the brief's options",
        )
    allowed = layout.required + layout.optional
    slugs = [s.slug for s in brief.sections]
    for section in brief.sections:
        if section.slug not in allowed:
            diagnostics.error(
                origin.path,
                section.line - 1,
                "brief.unknown-section",
                f"section '{section.heading}' is not part of a {meta.type.value} "
                f"(allowed: {', '.join(allowed)})",
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
                f"a {meta.type.value} needs a '## {required.replace('-', ' ').capitalize()}' "
                "section",
            )
    for section in brief.sections:
        check_citations(project, section.text, origin, section.line, diagnostics)
        check_bounds(section.text, origin, section.line, project.settings.limits, diagnostics)
        sourced = section.slug not in layout.analysis
        _check_blocks(section.text, section.line, brief, sourced, diagnostics)


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

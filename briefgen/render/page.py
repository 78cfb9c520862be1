"""The template API: every value a template sees, as plain frozen data.

A project's templates are untrusted. They receive only ``str``, ``int``, ``float``,
``bool``, ``None``, ``Html`` (markupsafe.Markup) and tuples and read-only mappings of these: never a
model object, a path, a date or anything else with methods that touch files or
processes. What templates used to compute (the confidence key, percentages, the
"lower is better" test) is computed here. ``docs/templates.md`` documents every key;
this module is the one place that builds them.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import fields, is_dataclass
from types import MappingProxyType
from typing import Any

from briefgen.analyse.endnotes import Endnote, grade_key
from briefgen.analyse.robustness import whole_points
from briefgen.analyse.scoring import JudgmentView, MatrixView
from briefgen.analyse.views import Account, BriefView
from briefgen.render.robustness import robustness_context
from briefgen.text.context import sentence_around
from briefgen.text.dates import date_text
from briefgen.text.direction import direction
from briefgen.text.markdown import Html
from briefgen.text.nesting import mark_sic, shown_quote

PLAIN_TYPES: tuple[type, ...] = (str, Html, int, float, bool, type(None))

Plain = Any  # str | int | float | bool | None | Html | tuple[Plain, ...] | Mapping[str, Plain]


def freeze(value: object) -> Plain:
    """``value`` as plain frozen data; anything else is a bug (``TypeError``).

    Types are matched exactly: a ``str`` subclass such as an enum member, or an object
    that merely looks like data, is refused rather than passed through.
    """
    if type(value) in PLAIN_TYPES:
        return value
    if isinstance(value, list | tuple):
        return tuple(freeze(item) for item in value)
    if isinstance(value, Mapping):
        return MappingProxyType({_key(k): freeze(v) for k, v in value.items()})
    if is_dataclass(value) and not isinstance(value, type):
        return MappingProxyType({f.name: freeze(getattr(value, f.name)) for f in fields(value)})
    raise TypeError(f"not plain data for a template: {type(value).__qualname__}")


def _key(key: object) -> str:
    if type(key) is not str:
        raise TypeError(f"template mapping keys are strings, not {type(key).__qualname__}")
    return key


def is_plain(value: object) -> bool:
    """True when ``value`` is made only of the plain types (used by the tests' walk)."""
    if type(value) in PLAIN_TYPES:
        return True
    if type(value) is tuple:
        return all(is_plain(item) for item in value)
    if type(value) is MappingProxyType:
        return all(type(k) is str and is_plain(v) for k, v in value.items())
    return False


def points(total: float) -> str:
    """A 0–1 total as whole points out of 100: the scores are whole 1–5 judgments."""
    return str(whole_points(total))


def percent(share: float) -> str:
    """A 0–1 share as a whole percentage, e.g. ``0.25`` → ``'25%'``."""
    return f"{share * 100:.0f}%"


def _endnote(endnote: Endnote) -> dict[str, object]:
    note, source = endnote.note.record, endnote.source.record
    paragraphs = endnote.source.paragraphs
    paragraph = paragraphs[note.paragraph - 1] if note.paragraph <= len(paragraphs) else ""
    before, after = sentence_around(paragraph, endnote.quote) if endnote.quote else ("", "")
    return {
        "number": endnote.number,
        "anchor": endnote.anchor,
        "note_id": endnote.note.id,
        "grade": endnote.grade,
        "reliability": source.grade.value if source.grade else "not assessed",
        "credibility": note.credibility,
        "source_label": endnote.source.label,
        "language": source.language,  # the source's: its title's
        # The note's `lang`, for its body (None: the page's); its quote's language: the
        # note's `lang`, else the source's.
        "note_language": note.lang,
        "quote_language": note.lang or source.language,
        "paragraph": note.paragraph,
        "kind": note.kind.value,
        "opinion": note.opinion,
        "holder": note.holder,
        "reported_by": note.reported_by,  # whom the source says it relays
        "body": note.body,
        # Printed inside “…”: its own quotation marks alternate, [sic] markers added.
        "quote": shown_quote(endnote.quote, note.sic) if endnote.quote else None,
        "quote_marked": mark_sic(endnote.quote, note.sic) if endnote.quote else None,
        "context_before": before,
        "context_after": after,
    }


def _reader_endnote(endnote: Endnote) -> dict[str, object]:
    """An endnote as the reader's edition prints it: a reference a reader can look up
    and the grade in words; no note id, no grade code (those are in the annex)."""
    return {
        "number": endnote.number,
        "anchor": endnote.anchor,
        "citation": endnote.citation,
        "grade_words": endnote.grade_words,
        "opinion": endnote.note.record.opinion,
    }


def _judgment(judgment: JudgmentView) -> dict[str, object]:
    """A judgment with its confidence as a sentence of its own (never beside likelihood),
    and the reason for the level beside it when the judgment states one."""
    sentence = f"{judgment.confidence.capitalize()} confidence" if judgment.confidence else ""
    if sentence and judgment.confidence_reason:
        sentence += f": {judgment.confidence_reason.rstrip('.')}"
    return {**_fields(judgment), "confidence_sentence": f"{sentence}." if sentence else ""}


def _account(account: Account) -> dict[str, object]:
    return {
        "source_label": account.source.label,
        "paragraph": account.paragraph,
        "text": account.text,
        "cite": account.cite,
    }


def _matrix(matrix: MatrixView, order: list[str]) -> dict[str, object]:
    """The scoring, with each option under its one number (``order``: the brief's
    options as listed) and its rank beside it, never the rank as its number."""
    shown = {f.name: getattr(matrix, f.name) for f in fields(matrix)}
    shown["criteria"] = [
        {
            **_fields(c),
            "anchors": [{"score": k, "meaning": v} for k, v in sorted(c.anchors.items())],
            "percent": percent(c.share),
            "weight_text": f"{c.weight:g}",
            "lower_is_better": c.lower_is_better,
        }
        for c in matrix.criteria
    ]
    tied = [r.rank for r in matrix.rows]
    equal = {r.option: points(r.total) for r in matrix.robustness.equal_weights}
    shown["rows"] = [
        {
            **_fields(r),
            "total_text": points(r.total),
            "equal_total_text": equal[r.option],
            "rank_text": f"={r.rank}" if tied.count(r.rank) > 1 else str(r.rank),
            "number": order.index(r.option) + 1 if r.option in order else 0,
        }
        for r in sorted(
            matrix.rows, key=lambda r: order.index(r.option) if r.option in order else 0
        )
    ]
    shown["weight_total_text"] = f"{sum(c.weight for c in matrix.criteria):g}"
    shown["tied_top"] = len(matrix.leaders) > 1
    shown["leaders_text"] = " and ".join(matrix.leaders)
    shown["robustness"] = robustness_context(matrix)
    shown["ranges"] = [
        {
            **_fields(r),
            "base_percent": percent(r.base),
            "low_percent": percent(r.low),
            "high_percent": percent(r.high),
        }
        for r in matrix.ranges
    ]
    shown["stability_percent"] = f"{matrix.stability * 100:.1f}%"
    return shown


def _fields(value: object) -> dict[str, object]:
    return {f.name: getattr(value, f.name) for f in fields(value)}  # type: ignore[arg-type]


def _meta(view: BriefView) -> dict[str, object]:
    """The front matter, dates in ISO (machine-readable: <time datetime>, PDF metadata)
    and, as ``*_shown``, as the project's ``date_style`` prints them."""
    meta = view.brief.meta

    def shown(value: datetime.date | None) -> str | None:
        return date_text(value, view.date_style) if value else None

    return {
        "id": view.brief.id,
        "type": meta.type,
        "type_label": view.layout.label_for(meta.retrospective),
        "title": meta.title,
        "subtitle": meta.subtitle,
        "audience": meta.audience,
        "date": meta.date.isoformat(),
        "date_shown": shown(meta.date),
        "author": meta.author,
        "contact": meta.contact,
        "marking": meta.marking,
        "approved_by": meta.approved_by,
        "approved_on": meta.approved_on.isoformat() if meta.approved_on else None,
        "approved_on_shown": shown(meta.approved_on),
        "retrospective": meta.retrospective,
        "principal": meta.principal,
        "decide_by": meta.decide_by.isoformat() if meta.decide_by else None,
        "decide_by_shown": shown(meta.decide_by),
        "summary": meta.summary,
        "keywords": meta.keywords,
        "options": meta.options,
        "recommended": meta.recommended,
        "judgments": meta.judgments,
    }


def _view(view: BriefView) -> dict[str, object]:
    by_id = {e.note.id: e for e in view.endnotes}
    levels = dict.fromkeys(j.confidence for j in view.judgments if j.confidence)
    meanings = {j.confidence: j.confidence_meaning.rstrip(".") for j in view.judgments}
    return {
        "layout": _fields(view.layout),
        "project_title": view.project_title,
        "language": view.language,
        "direction": direction(view.language),  # "rtl" for Arabic, Hebrew, Persian…
        "page_size": view.page_size,
        "pdf_standard": view.pdf_standard,
        "generator": view.generator,
        "marking_statement": view.marking_statement,
        "framing": view.framing,
        "informs": view.informs,
        "grade_key": grade_key(),
        "parts": view.parts,
        "sections": view.sections,
        "timeline": view.timeline,
        "disagreements": [(_account(a), _account(b)) for a, b in view.disagreements],
        "options": view.options,
        "recommended": view.recommended,
        "dimensions": view.dimensions,
        "comparison": view.comparison,
        "endnotes": [_endnote(e) for e in view.endnotes],
        "reader_endnotes": [_reader_endnote(e) for e in view.endnotes[: view.reader_notes]],
        "sources": view.sources,
        "annex_sources": view.annex_sources,
        "annex_options": view.annex_options,
        "judgments": [_judgment(j) for j in view.judgments],
        "likelihood_legend": [{"term": t, "band": b} for t, b in view.likelihood_legend],
        "confidence_key": [{"level": level, "meaning": meanings[level]} for level in levels],
        "evidence": [
            {"judgment": _judgment(j), "endnotes": [_endnote(by_id[n]) for n in j.notes]}
            for j in view.judgments
        ],
        "matrix": _matrix(view.matrix, view.meta.options) if view.matrix is not None else None,
        "rationales": view.rationales,
        "lowered_rules": [
            {"code": code, "meaning": meaning, "reason": reason}
            for code, meaning, reason in view.lowered_rules
        ],
        "loosened_confidence": [
            {"level": level, "rule": rule, "shipped": shipped}
            for level, rule, shipped in view.loosened_confidence
        ],
    }


def page_context(view: BriefView, *, stylesheet: str) -> Mapping[str, Plain]:
    """Everything one brief's template receives, as plain frozen data.

    ``stylesheet`` (the packaged fonts and ``brief.css``) is the one value a template
    prints with ``|safe``: it goes inside ``<style>``, where HTML escaping is wrong.
    """
    context: Mapping[str, Plain] = freeze(
        {"view": _view(view), "meta": _meta(view), "stylesheet": stylesheet}
    )
    return context

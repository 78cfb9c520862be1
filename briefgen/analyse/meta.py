"""A brief's front matter as templates see it: dates in ISO (machine-readable: <time
datetime>, PDF metadata) and, as ``*_shown``, as the project's ``date_style`` prints
them."""

from __future__ import annotations

import datetime

from briefgen.model.layouts import BriefLayout
from briefgen.model.project import Brief
from briefgen.model.written_dates import DateStyle
from briefgen.text.dates import date_text


def meta_values(brief: Brief, layout: BriefLayout, style: DateStyle) -> dict[str, object]:
    meta = brief.meta

    def shown(value: datetime.date | None) -> str | None:
        return date_text(value, style) if value else None

    return {
        "id": brief.id,
        "type": meta.type,
        "type_label": layout.label_for(meta.retrospective),
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

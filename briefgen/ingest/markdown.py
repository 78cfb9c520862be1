"""Markdown (.md): the text rules of ``text.py``, with ``#`` heading lines marked."""

from __future__ import annotations

from briefgen.ingest import Extracted, Limits
from briefgen.ingest.text import extract as extract_text


def extract(data: bytes, limits: Limits) -> Extracted:
    return extract_text(data, limits, markdown=True)

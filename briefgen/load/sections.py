"""A brief's Markdown body → its ``## Heading`` sections, each with its line."""

from __future__ import annotations

import re

from briefgen.diagnostics import Diagnostics
from briefgen.model.document import Document
from briefgen.model.project import Section
from briefgen.model.records import slugify

HEADING = re.compile(r"^##\s+(.+?)\s*#*\s*$")


def split_sections(document: Document, diagnostics: Diagnostics) -> tuple[Section, ...]:
    """Split a brief's Markdown body into its ``## Heading`` sections."""
    sections: list[Section] = []
    heading: tuple[str, int] | None = None
    buffer: list[str] = []

    def flush() -> None:
        if heading is not None:
            text, line = heading
            sections.append(Section(slugify(text), text, "\n".join(buffer), line + 1))

    in_fence = False
    for offset, line in enumerate(document.body.split("\n")):
        number = document.body_line + offset
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
        match = None if in_fence else HEADING.match(line)
        if match:
            flush()
            heading, buffer = (match.group(1), number), []
        elif heading is None and line.strip():
            diagnostics.error(
                document.path,
                number,
                "brief.text-outside-section",
                "text before the first '## ' section heading",
            )
            heading, buffer = None, []
        else:
            buffer.append(line)
    flush()
    return tuple(sections)

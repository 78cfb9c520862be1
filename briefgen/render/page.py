"""What one page's template receives: the brief's values, built once by analyse as
plain frozen data (analyse/views.py, docs/templates.md), and the stylesheet, the one
value that is the renderer's own."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from types import MappingProxyType

from briefgen.analyse.frozen import Plain
from briefgen.analyse.views import BriefView
from briefgen.render.running import running_heads
from briefgen.text.csl_html import CSS as CITATION_CSS
from briefgen.text.direction import right_to_left

# Stands in the stylesheet for the packaged faces until the page's characters are known;
# the nonce keeps a template's own text from ever being taken for it.
FACES_MARK = f"/* briefgen-faces-{secrets.token_hex(8)} */"


def page_stylesheet(view: BriefView, *, css: str, house: str, families: str) -> str:
    """The page's CSS: a mark for the packaged faces, the citation classes, ``brief.css``,
    the rule naming the project's font families, ``house.css``, then the running title
    and marking of printed pages."""
    values = view.values
    heads = running_heads(
        values["meta"]["title"],
        values["meta"]["marking"],
        right_to_left(values["view"]["language"]),
        values["view"]["grade_key"],
    )
    return "\n".join((FACES_MARK, CITATION_CSS, css, families, house, heads))


def page_context(view: BriefView, *, stylesheet: str) -> Mapping[str, Plain]:
    """Everything one brief's template receives, as plain frozen data.

    ``stylesheet`` (the packaged fonts and ``brief.css``) is the one value a template
    prints with ``|safe``: it goes inside ``<style>``, where HTML escaping is wrong.
    """
    return MappingProxyType({**view.values, "stylesheet": stylesheet})

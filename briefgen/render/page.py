"""What one page's template receives: the brief's values, built once by analyse as
plain frozen data (analyse/views.py, docs/templates.md), and the stylesheet, the one
value that is the renderer's own."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from briefgen.analyse.frozen import Plain
from briefgen.analyse.views import BriefView


def page_context(view: BriefView, *, stylesheet: str) -> Mapping[str, Plain]:
    """Everything one brief's template receives, as plain frozen data.

    ``stylesheet`` (the packaged fonts and ``brief.css``) is the one value a template
    prints with ``|safe``: it goes inside ``<style>``, where HTML escaping is wrong.
    """
    return MappingProxyType({**view.values, "stylesheet": stylesheet})

"""The citation style ``[citations] style`` names: shipped, or a ``.csl`` file in the project.

A project's style is read like every content file (``readers.read_text``): confined to
the project, never through a symbolic link, at most ``MAX_FILE_BYTES``, UTF-8. Problems
are located diagnostics at the setting's line in ``briefgen.toml``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from pathlib import Path

from briefgen.diagnostics import Diagnostics
from briefgen.load.readers import load_toml, read_text
from briefgen.model.document import DocumentError
from briefgen.model.settings import SHIPPED_CITATION_STYLES, Settings
from briefgen.text.csl import Style, shipped_style

SETTINGS_FILE = "briefgen.toml"
CSL_NAMESPACE = "{http://purl.org/net/xbiblio/csl}"


def setting_line(root: Path) -> int:
    """The line of ``[citations] style`` in briefgen.toml (0 without one)."""
    try:
        return load_toml(root / SETTINGS_FILE, root).line_of(("citations", "style"))
    except (DocumentError, OSError):
        return 0


def _problem(xml: str) -> str | None:
    """Why ``xml`` is not an independent CSL style, or None."""
    try:
        top = ElementTree.fromstring(xml)  # expat: no external entities are fetched
    except ElementTree.ParseError as exc:
        return f"not well-formed XML ({exc})"
    if top.tag != f"{CSL_NAMESPACE}style":
        return "not a CSL style (its root element is not <style> in the CSL namespace)"
    for link in top.iter(f"{CSL_NAMESPACE}link"):
        if link.get("rel") == "independent-parent":
            return (
                "a dependent style (it only points to its parent style); "
                "use the parent's .csl file instead"
            )
    return None


def load_style(root: Path, settings: Settings, diagnostics: Diagnostics) -> Style | None:
    """The configured style, or None after a located error."""
    name = settings.citations.style
    if name in SHIPPED_CITATION_STYLES:
        return shipped_style(name)
    where = root / SETTINGS_FILE
    path = root / name
    try:
        xml = read_text(path, root)
    except FileNotFoundError:
        message = f"citation style '{name}' does not exist in the project"
        diagnostics.error(where, setting_line(root), "citations.style-missing", message)
        return None
    except DocumentError as exc:
        code = "citations.style-" + exc.code.partition(".")[2]
        message = f"citation style '{name}': {exc.message}"
        diagnostics.error(where, setting_line(root), code, message)
        return None
    except OSError as exc:
        message = f"citation style '{name}' cannot be read: {exc.strerror}"
        diagnostics.error(where, setting_line(root), "citations.style-unreadable", message)
        return None
    problem = _problem(xml)
    if problem is not None:
        diagnostics.error(path, 1, "citations.style-invalid", f"citation style: {problem}")
        return None
    return Style(name, xml, shipped=False)

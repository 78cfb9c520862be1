"""Project templates no brief uses: a per-type template is read only when its type's
table names it, so a file in ``templates/`` that nothing names is a warning naming
the setting that would use it, never a silent no-op."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

from briefgen.diagnostics import Diagnostics
from briefgen.load.readers import read_text
from briefgen.model.document import DocumentError
from briefgen.model.project import Project

TEMPLATES_DIR = "templates"
# A template's name as another template names it ({% extends "base.html.j2" %}, include, import).
NAMED = re.compile(r"""["']([A-Za-z0-9_./-]+\.(?:j2|css))["']""")
TEMPLATE_SUFFIXES = frozenset({".j2", ".html", ".css"})  # a README beside them is not one
TYPE_TEMPLATE = re.compile(r"^([a-z0-9]+(?:-[a-z0-9]+)*)\.html\.j2$")


def _packaged() -> set[str]:
    return {item.name for item in resources.files("briefgen").joinpath("templates").iterdir()}


def check_templates(project: Project, diagnostics: Diagnostics) -> None:
    """Warn for each file in ``templates/`` that overrides no packaged template, is no
    brief type's ``template`` and is named by no other project template."""
    folder = project.root / TEMPLATES_DIR
    if folder.is_symlink() or not folder.is_dir():
        return  # rendering reports a linked folder; no folder is no templates
    files = sorted(p for p in folder.iterdir() if p.suffix in TEMPLATE_SUFFIXES)
    used = _packaged() | {
        layout.template for layout in project.settings.layouts.values() if layout.template
    }
    for path in files:
        try:
            used |= set(NAMED.findall(read_text(path, project.root)))
        except (DocumentError, OSError, IsADirectoryError):
            continue  # rendering reports a template it cannot read
    for path in files:
        if path.name not in used and (path.is_file() or path.is_symlink()):
            diagnostics.warning(path, 0, "template.unused", _unused(path, project))


def _unused(path: Path, project: Project) -> str:
    named = TYPE_TEMPLATE.fullmatch(path.name)
    if named and named[1] in project.settings.layouts:
        return (
            f"no brief uses '{path.name}': to render {named[1]} briefs with it, set "
            f'template = "{path.name}" in [types.{named[1]}] in briefgen.toml'
        )
    return (
        f"no brief uses '{path.name}': a brief type renders it when its table names it "
        f'(template = "{path.name}" in [types.<id>] in briefgen.toml), and another '
        "template when it includes or extends it; a file named like a packaged template "
        "(base.html.j2, brief.css …) replaces that one"
    )

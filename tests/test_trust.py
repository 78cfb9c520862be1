"""HTML becomes trusted in one place: briefgen/text/markdown.py."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from tests.conftest import REPO

PACKAGE = REPO / "briefgen"
TRUSTED = PACKAGE / "text" / "markdown.py"
SAFE = re.compile(r"\|\s*safe\b")


def imports_markupsafe(path: Path) -> list[int]:
    """Lines of ``path`` that import markupsafe (or anything from it)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    lines = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Import)
            and any(alias.name.split(".")[0] == "markupsafe" for alias in node.names)
        ) or (
            isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "markupsafe"
        ):
            lines.append(node.lineno)
    return lines


def test_only_the_markdown_module_makes_trusted_html() -> None:
    importers = [p for p in sorted(PACKAGE.rglob("*.py")) if imports_markupsafe(p)]
    assert importers == [TRUSTED]


def test_the_scan_sees_an_import(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("import os\nfrom markupsafe import Markup as M\nimport markupsafe.x\n")
    assert imports_markupsafe(module) == [2, 3]


def test_templates_use_safe_once_for_the_inlined_stylesheet() -> None:
    uses = [
        (path.name, number, line.strip())
        for path in sorted((PACKAGE / "templates").glob("*.j2"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if SAFE.search(line)
    ]
    assert [(name, line) for name, _, line in uses] == [("base.html.j2", "{{ stylesheet | safe }}")]

"""The stages import one way, enforced by import-linter's layers contract (make lint)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from tests.conftest import REPO

LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """lint-imports on the package copy in ``root`` (first on the path, so it is analysed)."""
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        timeout=300,
    )


def scratch_copy(tmp_path: Path) -> Path:
    root = tmp_path / "copy"
    root.mkdir()
    shutil.copy2(REPO / "pyproject.toml", root / "pyproject.toml")
    shutil.copytree(REPO / "briefgen", root / "briefgen", ignore=shutil.ignore_patterns("*.pyc"))
    return root


def contracts() -> int:
    """How many contracts pyproject.toml declares (the stages', and those inside a package)."""
    settings = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    return len(settings["tool"]["importlinter"]["contracts"])


def analysed_files(output: str) -> int:
    found = re.search(r"Analyzed (\d+) files", output)
    assert found, output
    return int(found[1])


def test_the_layers_contract_holds_on_a_copy_and_sees_the_whole_package(tmp_path: Path) -> None:
    root = scratch_copy(tmp_path)
    result = lint_imports(root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{contracts()} kept, 0 broken" in result.stdout
    # Not vacuous: it analysed the copy's every module.
    assert analysed_files(result.stdout) == len(list((root / "briefgen").rglob("*.py")))


def test_a_back_edge_breaks_the_contract(tmp_path: Path) -> None:
    """The model importing the pipeline (a stage above it) fails make lint."""
    root = scratch_copy(tmp_path)
    records = root / "briefgen" / "model" / "records.py"
    text = records.read_text(encoding="utf-8")
    records.write_text(
        text.replace(
            "from __future__ import annotations\n",
            "from __future__ import annotations\n\nimport briefgen.pipeline  # noqa: F401\n",
            1,
        ),
        encoding="utf-8",
    )
    result = lint_imports(root)
    assert result.returncode == 1, result.stdout
    # The stages' contract names the edge (the contracts inside a package may break too:
    # through the pipeline, a low module there now reaches a high one).
    assert re.search(r"^briefgen's stages import one way: .*BROKEN$", result.stdout, re.M)
    assert "briefgen.model.records -> briefgen.pipeline (l.9)" in result.stdout

"""The toolchain is locked: what is installed is exactly uv.lock, and the lock has hashes.

Byte-identical PDFs and golden text only mean something if every run uses the same
packages; `make upgrade-lock` (docs/toolchain.md) is the one way to change them.
"""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path
from typing import Any

from packaging.markers import Marker
from packaging.utils import canonicalize_name

from tests.conftest import REPO

PROJECT = "briefgen"


def read_lock(path: Path) -> dict[str, Any]:
    with path.open("rb") as file:
        return tomllib.load(file)


def _edge_applies(edge: dict[str, Any]) -> bool:
    marker = edge.get("marker")
    return marker is None or Marker(marker).evaluate()


def locked_for_this_platform(lock: dict[str, Any]) -> dict[str, str]:
    """Name → version of every locked package this interpreter and platform install.

    Walks the lock from the project (its dependencies and dependency groups), following
    only the edges whose markers hold here and the extras the edges ask for.
    """
    packages: dict[tuple[str, str], dict[str, Any]] = {}
    by_name: dict[str, list[dict[str, Any]]] = {}
    for package in lock["package"]:
        # The project's own entry has no version: it is dynamic (briefgen.__version__).
        packages[package["name"], package.get("version", "")] = package
        by_name.setdefault(package["name"], []).append(package)

    def resolve(edge: dict[str, Any]) -> dict[str, Any]:
        if "version" in edge:
            return packages[edge["name"], edge["version"]]
        (only,) = by_name[edge["name"]]  # uv names the version when there are several
        return only

    (root,) = by_name[PROJECT]
    pending = list(root.get("dependencies", []))
    for group in root.get("dev-dependencies", {}).values():
        pending += group
    found: dict[str, str] = {}
    seen: set[tuple[str, str, tuple[str, ...]]] = set()
    while pending:
        edge = pending.pop()
        if not _edge_applies(edge):
            continue
        package = resolve(edge)
        extras = tuple(sorted(edge.get("extra", [])))
        if (package["name"], package["version"], extras) in seen:
            continue
        seen.add((package["name"], package["version"], extras))
        found[package["name"]] = package["version"]
        pending += package.get("dependencies", [])
        for extra in extras:
            pending += package.get("optional-dependencies", {}).get(extra, [])
    return found


def installed() -> dict[str, str]:
    return {
        canonicalize_name(dist.metadata["Name"]): dist.version for dist in metadata.distributions()
    }


def differences(lock: dict[str, Any], present: dict[str, str]) -> list[str]:
    """How the installed packages differ from the lock, one line per package."""
    expected = locked_for_this_platform(lock)
    expected[PROJECT] = present.get(PROJECT, "<missing>")  # the project is editable
    problems = [
        f"{name}: locked {version}, installed {present.get(name, '<missing>')}"
        for name, version in sorted(expected.items())
        if present.get(name) != version
    ]
    problems += [
        f"{name}: installed {version}, not in uv.lock"
        for name, version in sorted(present.items())
        if name not in expected
    ]
    return problems


def locked_version(lock: dict[str, Any], name: str) -> str:
    (version,) = (p["version"] for p in lock["package"] if p["name"] == name)
    return str(version)


def test_installed_versions_equal_the_lock() -> None:
    lock = read_lock(REPO / "uv.lock")
    problems = differences(lock, installed())
    assert not problems, "\n".join(
        [*problems, ".uv/bin/uv sync --locked restores the lock; docs/toolchain.md upgrades it"]
    )


def test_the_walk_finds_the_runtime_test_and_lint_tools() -> None:
    # Guards the check above against passing because the walk found nothing.
    found = locked_for_this_platform(read_lock(REPO / "uv.lock"))
    for name in ("weasyprint", "pydyf", "fonttools", "pillow", "pytest", "ruff", "mypy"):
        assert name in found
    if not Marker("sys_platform == 'win32'").evaluate():
        assert "colorama" not in found  # locked for Windows only (a marker in the lock)


def test_a_hand_upgrade_is_a_difference() -> None:
    lock = read_lock(REPO / "uv.lock")
    present = {**locked_for_this_platform(lock), PROJECT: "0.1.0"}
    assert differences(lock, present) == []
    present["pydyf"] = "0.0.1"
    present["left-pad"] = "1.0"
    assert differences(lock, present) == [
        f"pydyf: locked {locked_version(lock, 'pydyf')}, installed 0.0.1",
        "left-pad: installed 1.0, not in uv.lock",
    ]


def test_every_locked_file_has_a_hash() -> None:
    for package in read_lock(REPO / "uv.lock")["package"]:
        if package["name"] == PROJECT:
            assert package["source"] == {"editable": "."}
            # Dynamic (briefgen.__version__): a release bumps one line, not the lock.
            assert "version" not in package
            continue
        assert "registry" in package["source"], package["name"]
        files = package.get("wheels", []) + ([package["sdist"]] if "sdist" in package else [])
        assert files, package["name"]
        for file in files:
            assert re.fullmatch(r"sha256:[0-9a-f]{64}", file["hash"]), (package["name"], file)


def test_uv_itself_is_pinned_by_hash_and_required_by_pyproject() -> None:
    text = (REPO / "uv-requirements.txt").read_text(encoding="utf-8")
    requirements = [line for line in text.splitlines() if line and not line.startswith("#")]
    pin = re.fullmatch(r"uv==([0-9.]+) \\", requirements[0])
    assert pin, requirements[0]
    hashes = requirements[1:]
    assert hashes and all(re.fullmatch(r" +--hash=sha256:[0-9a-f]{64}( \\)?", h) for h in hashes)
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["tool"]["uv"]["required-version"] == f"=={pin.group(1)}"

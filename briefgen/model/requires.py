"""``[project] requires``: which briefgen a project builds with (a PEP 440 specifier)."""

from __future__ import annotations

from packaging.specifiers import InvalidSpecifier, Specifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from briefgen import __version__

RUNNING = Version(__version__)
EXAMPLE = f">={RUNNING.major}.{RUNNING.minor}"  # what a project written for this one says


def declared(data: object) -> str | None:
    """``[project] requires`` as written in briefgen.toml's data, if it is a string."""
    project = data.get("project") if isinstance(data, dict) else None
    value = project.get("requires") if isinstance(project, dict) else None
    return value if isinstance(value, str) else None


def parse(value: str) -> SpecifierSet:
    """The specifier set, or ValueError saying what is wrong with it."""
    if not value.strip():
        raise ValueError(f'requires is empty: name the briefgen versions, e.g. "{EXAMPLE}"')
    for part in value.split(","):
        try:
            Specifier(part.strip())
        except InvalidSpecifier:
            raise ValueError(
                f"'{part.strip()}' is not a version specifier (PEP 440): write an operator "
                f'(>=, >, <=, <, ==, !=, ~=) and a version, e.g. "{EXAMPLE}"'
            ) from None
    return SpecifierSet(value)


def _needs_newer(specifier: Specifier) -> bool:
    """Whether a specifier this briefgen fails asks for a later one (else an earlier one)."""
    if specifier.operator in (">", ">=", "!="):
        return True
    if specifier.operator in ("<", "<="):
        return False
    try:  # ==, ~=, ===: the version named, or its prefix for ==X.*
        return Version(specifier.version.removesuffix(".*")) > RUNNING
    except InvalidVersion:
        return True


def unmet(specifiers: SpecifierSet, value: str) -> str | None:
    """What to do when this briefgen is outside the project's ``requires``, else None."""
    if specifiers.contains(RUNNING, prereleases=True):
        return None
    failing = [s for s in specifiers if not s.contains(RUNNING, prereleases=True)]
    newer = {_needs_newer(s) for s in failing}
    said = f"this project requires briefgen {value}; this is briefgen {RUNNING}"
    if newer == {True, False}:
        return f"{said}, and no version can satisfy both bounds: correct `requires`"
    if newer == {True}:
        return f"{said}: upgrade briefgen (pipx upgrade briefgen)"
    return (
        f"{said}: run 'briefgen upgrade' to bring the project to {RUNNING}, "
        f'then set requires = "{EXAMPLE}"'
    )

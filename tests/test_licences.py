"""Every file briefgen ships or runs at test time that it did not write has its licence
listed (docs/licences.md), and the package metadata declares every shipped licence."""

from __future__ import annotations

import fnmatch
import json
import re
import tomllib
from pathlib import Path

from tests.conftest import REPO

TABLE = REPO / "docs" / "licences.md"
ROW = re.compile(r"^\| `([^`]+)` \| [^|]+ \| ([^|]+) \| ([^|]+) \|$")
# What each licence's text must say, so a row cannot name a licence its file does not grant.
TEXTS = {
    "OFL-1.1": re.compile(r"SIL Open Font License,?\s+Version 1\.1", re.I),
    "CPAL-1.0+ OR AGPL-3.0-or-later": re.compile(
        r"Common Public Attribution License.*Affero General Public License", re.S
    ),
    "CC-BY-SA-3.0": re.compile(r'<rights license="http://creativecommons.org/licenses/by-sa/3.0/"'),
    "MIT": re.compile(r"^MIT License|Permission is hereby granted, free of charge", re.M),
    "MPL-2.0": re.compile(r"Mozilla Public License,?\s+v(ersion)?\.? ?2\.0", re.I),
}


def rows() -> list[tuple[str, str, str]]:
    """(files glob, SPDX licence, licence text) for every row of the table."""
    found = [ROW.match(line) for line in TABLE.read_text(encoding="utf-8").splitlines()]
    table = [(m[1], m[2].strip(), m[3].strip()) for m in found if m]
    assert len(table) >= 10, "docs/licences.md lost its table"
    return table


def licence_text(files: str, where: str) -> str:
    """The text that grants a row's licence: its named files, or the files themselves."""
    if where.startswith("(itself") or where.startswith("(themselves"):
        paths = sorted(REPO.glob(files))
    else:
        paths = [REPO / name for name in re.findall(r"`([^`]+)`", where)]
        paths += sorted(REPO.glob(files)) if "<rights>" in where else []
    assert paths, f"{files}: no licence text"
    return "\n".join(p.read_text(encoding="utf-8") for p in paths if p.is_file())


def test_every_packaged_asset_has_its_licence_listed() -> None:
    globs = [files for files, _, _ in rows() if files.startswith("briefgen/")]
    assets = sorted(
        p.relative_to(REPO).as_posix()
        for p in (REPO / "briefgen" / "assets").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    )
    assert assets
    for asset in assets:
        matches = [g for g in globs if fnmatch.fnmatch(asset, g)]
        assert len(matches) == 1, f"{asset}: listed by {matches} in docs/licences.md"


def test_each_listed_licence_is_what_its_text_grants() -> None:
    for files, licence, where in rows():
        assert licence in TEXTS, f"{files}: unknown licence {licence}"
        assert TEXTS[licence].search(licence_text(files, where)), (files, licence, where)


def test_the_package_metadata_declares_every_shipped_licence() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    expression, files = project["license"], project["license-files"]
    shipped = [(f, lic, w) for f, lic, w in rows() if f.startswith("briefgen/")]
    terms = {term.strip("()") for term in expression.split(" AND ")}
    assert terms == {lic for _, lic, _ in shipped}
    for _, _, where in shipped:
        for name in re.findall(r"`([^`]+)`", where):
            if Path(name).name.startswith("LICENSE") or name.endswith("SOURCES.md"):
                assert name in files, f"{name} is not in pyproject's license-files"


def test_every_test_time_node_package_has_its_licence_listed() -> None:
    package = json.loads((REPO / "package.json").read_text(encoding="utf-8"))
    listed = {f.removeprefix("node_modules/"): lic for f, lic, _ in rows() if "node_modules" in f}
    assert sorted(listed) == sorted(package["devDependencies"])
    for name, licence in listed.items():
        installed = json.loads(
            (REPO / "node_modules" / name / "package.json").read_text(encoding="utf-8")
        )
        assert installed["license"] == licence, name

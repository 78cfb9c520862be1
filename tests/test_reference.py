"""docs/reference/ (briefgen/model/reference.py, keys.py): complete, current, and its examples pass.

The reference is generated from the models and briefgen/model/reference.toml; these
tests fail when a model field, settings key or diagnostic code has no meaning, when the
committed pages differ from what the models produce, and when an example in them does
not pass `briefgen check --strict`.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from click.testing import CliRunner
from pydantic import BaseModel

from briefgen import pipeline
from briefgen.cli import main
from briefgen.model import reference
from briefgen.model.keys import Table, descriptions, meaning, tables
from briefgen.model.reference import COMMAND, FILE_TYPES
from briefgen.model.schema import SCHEMA_MODELS
from briefgen.model.settings import Settings
from briefgen.rules import registry
from tests.settings_keys import settings_keys

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs" / "reference"
FILE_BLOCK = re.compile(r"^File `([^`]+)`:\n\n```\w+\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def every_model() -> list[type[BaseModel]]:
    """Every model a content file or briefgen.toml is read with."""
    found: list[type[BaseModel]] = []
    for model in SCHEMA_MODELS.values():
        for inner in [model, *(table.model for table in tables(model))]:
            if inner not in found:
                found.append(inner)
    return found


def test_every_model_field_has_a_meaning() -> None:
    missing = [
        f"[{model.__name__}] {field.alias or name}"
        for model in every_model()
        for name, field in model.model_fields.items()
        if not meaning(model, field.alias or name)
    ]
    assert missing == [], "add a line for each to briefgen/model/reference.toml"


def test_every_meaning_names_a_field() -> None:
    """A line in reference.toml for a field that is gone is stale."""
    models = {model.__name__: model for model in every_model()}
    stale = [
        f"[{name}] {key}"
        for name, lines in descriptions().items()
        for key in lines
        if name not in models
        or key not in {f.alias or n for n, f in models[name].model_fields.items()}
    ]
    assert stale == []


def documented_keys(model: type[BaseModel]) -> set[str]:
    """The dotted keys the reference's tables document, written as settings_keys writes them."""
    keys = {field.alias or name for name, field in model.model_fields.items()}
    for table in tables(model):
        prefix = table_path(table)
        keys |= {f"{prefix}.{f.alias or n}" for n, f in table.model.model_fields.items()}
    return keys


def table_path(table: Table) -> str:
    return table.heading.replace("<name>", "*").replace("[]", ".*")


def test_every_setting_key_is_documented() -> None:
    """The reference walks the settings model as tests/settings_keys.py does: same keys."""
    assert documented_keys(Settings) == settings_keys(Settings)


def test_every_diagnostic_code_has_a_meaning_and_the_reference_links_the_list() -> None:
    assert [code for code, rule in registry().items() if not rule.meaning.strip()] == []
    assert "(../rules.md)" in (DOCS / "README.md").read_text(encoding="utf-8")


def test_docs_reference_is_what_the_models_produce(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["reference", "--out", str(tmp_path / "reference")])
    assert result.exit_code == 0, result.output
    made = {p.name: p.read_text(encoding="utf-8") for p in (tmp_path / "reference").iterdir()}
    committed = {p.name: p.read_text(encoding="utf-8") for p in DOCS.iterdir()}
    differ = sorted(n for n in made.keys() | committed.keys() if made.get(n) != committed.get(n))
    assert differ == [], f"docs/reference/ is out of date ({differ}): run `{COMMAND}`"


# Accepted so old files load, but ignored: the example does not teach it.
IGNORED_KEYS = ["confidence_rules.*.words"]


def example_blocks() -> dict[str, str]:
    """Every `File \\`path\\`:` block of the reference pages: path → its text."""
    blocks: dict[str, str] = {}
    for page in sorted(DOCS.glob("*.md")):
        for path, text in FILE_BLOCK.findall(page.read_text(encoding="utf-8")):
            assert path not in blocks, f"{path} is shown twice"
            blocks[path] = text
    return blocks


def test_the_settings_example_sets_every_key() -> None:
    data = tomllib.loads(example_blocks()["briefgen.toml"])
    Settings.model_validate(data)
    unset = [k for k in sorted(settings_keys(Settings)) if not reachable(data, k.split("."))]
    assert unset == IGNORED_KEYS


def reachable(data: object, path: list[str]) -> bool:
    if not path:
        return True
    step, rest = path[0], path[1:]
    if step == "*":
        values = data.values() if isinstance(data, dict) else data if isinstance(data, list) else []
        return any(reachable(value, rest) for value in values)
    return isinstance(data, dict) and step in data and reachable(data[step], rest)


def test_every_content_file_type_has_an_example() -> None:
    blocks = example_blocks()
    assert sorted(blocks) == sorted(reference.EXAMPLE_FILES)
    for kind in FILE_TYPES:
        assert kind.examples and all(path in blocks for path in kind.examples), kind.name


def test_the_examples_are_a_project_that_passes_check_strict(tmp_path: Path) -> None:
    for path, text in example_blocks().items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text, encoding="utf-8", newline="\n")
    result = pipeline.check(tmp_path)
    # A note says what briefgen read (the date typed in words); it never fails --strict.
    assert not result.diagnostics.failed(strict=True)
    assert [d.format() for d in result.diagnostics.sorted() if d.code != "brief.date-read"] == []
    assert result.project is not None
    project = result.project
    counts = (len(project.sources), len(project.notes), len(project.options), len(project.briefs))
    assert counts == (1, 3, 2, 1)
    assert project.criteria is not None and len(project.judgments) == 2

"""docs/content-format.md's examples pass as written.

Every ```` ```yaml ```` and ```` ```toml ```` block of the page says what it is, in its
info string, and is validated as that:

* ``check=TYPE`` — a whole file of that type (``source``, ``notes``, ``option``,
  ``criteria``, ``judgments``; ``settings`` is a briefgen.toml, given a ``[project]``
  title when the block has no ``[project]`` table): every required key present;
* ``check=TYPE:part`` — some keys of that type (``note``, ``criterion`` and ``judgment``
  are items of a notes, criteria or judgments file; a list is several items): each key
  must be one of the type's, with a value it accepts;
* ``check=none`` — not a content file (the reason is in the prose).

A ```` ```markdown ```` block that starts with ``---`` is a brief: its front matter is
checked as a whole ``brief``.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Annotated, Any

import pytest
from pydantic import BaseModel, TypeAdapter

from briefgen.load.readers import parse_yaml
from briefgen.model.records import CriterionRecord, JudgmentRecord, NoteRecord
from briefgen.model.schema import SCHEMA_MODELS
from tests.conftest import REPO

PAGE = REPO / "docs" / "content-format.md"
FENCE = re.compile(r"^```([^\n]*)\n(.*?)^```$", re.S | re.M)
MODELS: dict[str, type[BaseModel]] = {
    **SCHEMA_MODELS,
    "note": NoteRecord,
    "criterion": CriterionRecord,
    "judgment": JudgmentRecord,
}


def blocks() -> list[tuple[int, str, str, str]]:
    """(line, language, check, text) of every fenced block of the page."""
    text = PAGE.read_text(encoding="utf-8")
    found = []
    for match in FENCE.finditer(text):
        language, *options = match.group(1).split() or [""]
        check = dict(o.split("=", 1) for o in options).get("check", "")
        found.append((text.count("\n", 0, match.start()) + 1, language, check, match.group(2)))
    return found


def read(language: str, text: str) -> Any:
    """The block as briefgen reads it (YAML 1.2, no anchors or tags)."""
    if language == "toml":
        return tomllib.loads(text)
    return parse_yaml(text, Path("example.yaml")).data


def validate_part(model: type[BaseModel], data: Any) -> None:
    """Each key of ``data`` (or of each item, for a list) is a key of ``model`` with a
    value it accepts."""
    for item in data if isinstance(data, list) else [data]:
        assert isinstance(item, dict), f"not a mapping: {item!r}"
        fields = {f.alias or n: f for n, f in model.model_fields.items()}
        for key, value in item.items():
            assert key in fields, f"'{key}' is not a key of {model.__name__}"
            field = fields[key]
            annotation = (
                Annotated[(field.annotation, *field.metadata)]
                if field.metadata
                else field.annotation
            )
            TypeAdapter(annotation).validate_python(value)


EXAMPLES = [
    pytest.param(language, check, text, id=f"content-format.md:{line}")
    for line, language, check, text in blocks()
    if language in ("yaml", "toml") or (language == "markdown" and text.startswith("---\n"))
]


@pytest.mark.parametrize(("language", "check", "text"), EXAMPLES)
def test_the_example_passes_as_written(language: str, check: str, text: str) -> None:
    if language == "markdown":
        assert check in ("", "brief")
        front = text.split("---\n")[1]
        SCHEMA_MODELS["brief"].model_validate(read("yaml", front))
        return
    assert check, "say what the example is: ```yaml check=TYPE (see this test's docstring)"
    if check == "none":
        return
    name, _, part = check.partition(":")
    model = MODELS[name]
    data = read(language, text)
    if part:
        assert part == "part"
        validate_part(model, data)
        return
    if name == "settings" and "project" not in data:
        data = {"project": {"title": "Example"}, **data}
    model.model_validate(data)


def test_the_page_has_examples_of_every_file_type() -> None:
    whole = {check for _, _, check, _ in blocks() if check and ":" not in check}
    assert {"source", "notes", "option", "criteria", "judgments", "settings"} <= whole

"""JSON Schemas of every content file type, for editors to validate and complete.

``briefgen schema`` writes them with the project's one writer (pipeline.write_schemas).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel

from briefgen.model.keys import meaning, tables
from briefgen.model.records import (
    BriefMeta,
    CriteriaFile,
    JudgmentsFile,
    NotesFile,
    OptionRecord,
    SourceRecord,
)
from briefgen.model.settings import Settings

SCHEMA_MODELS: dict[str, type[BaseModel]] = {
    "source": SourceRecord,
    "notes": NotesFile,
    "option": OptionRecord,
    "criteria": CriteriaFile,
    "judgments": JudgmentsFile,
    "brief": BriefMeta,
    "settings": Settings,
}


def schema_texts(brief_types: Iterable[str]) -> dict[str, str]:
    """``<type>.schema.json`` → its text, for each content file type.

    A brief's ``type`` is one of ``brief_types``: the packaged types and the project's.
    """
    texts = {}
    for name, model in SCHEMA_MODELS.items():
        schema = model.model_json_schema(by_alias=True)
        describe(model, schema)
        if model is BriefMeta:
            schema["properties"]["type"]["enum"] = sorted(brief_types)
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["$id"] = f"briefgen:{name}"
        texts[f"{name}.schema.json"] = json.dumps(schema, indent=2, sort_keys=True) + "\n"
    return texts


def describe(model: type[BaseModel], schema: dict[str, Any]) -> None:
    """Each property's meaning (briefgen/model/reference.toml), for an editor to show."""
    found = {inner.model.__name__: inner.model for inner in tables(model)}
    definitions = [(model, schema)] + [
        (found[name], definition)
        for name, definition in schema.get("$defs", {}).items()
        if name in found
    ]
    for inner, definition in definitions:
        for key, prop in definition.get("properties", {}).items():
            line = meaning(inner, key)
            if line is not None:
                prop["description"] = line

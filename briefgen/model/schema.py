"""JSON Schemas of every content file type, for editors to validate and complete."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from pydantic import BaseModel

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


def write_schemas(directory: Path, brief_types: Iterable[str]) -> list[Path]:
    """Write ``<type>.schema.json`` for each content file type; returns the paths.

    A brief's ``type`` is one of ``brief_types``: the packaged types and the project's.
    """
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, model in SCHEMA_MODELS.items():
        schema = model.model_json_schema(by_alias=True)
        if model is BriefMeta:
            schema["properties"]["type"]["enum"] = sorted(brief_types)
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["$id"] = f"briefgen:{name}"
        path = directory / f"{name}.schema.json"
        path.write_text(json.dumps(schema, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        written.append(path)
    return written

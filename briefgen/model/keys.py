"""Every key of a model in words, for the reference (docs/reference/) and the JSON
Schemas: its meaning (``reference.toml``, one line per field, beside the models), its type
and allowed values and its default (read off the pydantic models), and the tables a model
holds, with the paths that reach each.
"""

from __future__ import annotations

import datetime
import enum
import functools
import tomllib
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from typing import Any

import annotated_types
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from briefgen.model.records import (
    DATE_PATTERN,
    ID_PATTERN,
    LANGUAGE_TAG,
    URL_PATTERN,
    SourceRecord,
    language_tag,
)
from briefgen.model.settings import SHA256, toml_key, toml_value


@functools.cache
def descriptions() -> dict[str, dict[str, str]]:
    """``reference.toml``: model class name → field (as written) → its meaning."""
    text = (resources.files("briefgen") / "model" / "reference.toml").read_text("utf-8")
    return tomllib.loads(text)


def key_name(name: str, field: FieldInfo) -> str:
    return field.alias or name


def meaning(model: type[BaseModel], name: str) -> str | None:
    """A key's line in reference.toml (by the name a file writes), looked up through the
    model's parents."""
    found = descriptions()
    for cls in model.__mro__:
        line = found.get(cls.__name__, {}).get(name)
        if line is not None:
            return line
    return None


# --- types ----------------------------------------------------------------------------


def models_in(annotation: Any) -> list[type[BaseModel]]:
    """The models an annotation holds (a field's table, a list's items, a map's values)."""
    origin = typing.get_origin(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    if origin is typing.Annotated:
        return models_in(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType, list, dict):
        args = typing.get_args(annotation)
        return [m for arg in (args[1:] if origin is dict else args) for m in models_in(arg)]
    return []


def _constraints(metadata: list[Any]) -> list[Any]:
    """Constraint objects, with a ``Field(...)`` inside ``Annotated`` opened up."""
    found: list[Any] = []
    for item in metadata:
        found += item.metadata if isinstance(item, FieldInfo) else [item]
    return found


NAMED_PATTERNS = {
    ID_PATTERN: "id",
    DATE_PATTERN: "date YYYY, YYYY-MM or YYYY-MM-DD",
    SHA256: "sha256 (64 lowercase hex digits)",
    URL_PATTERN: "URL (http:// or https://)",
    LANGUAGE_TAG.pattern: "language tag (BCP 47: `en`, `en-GB`, `fr`)",
    SourceRecord.model_fields["language"].metadata[0].pattern: "language tag (BCP 47)",
}


def _number(value: Any) -> str:
    return f"{value:g}"


def _bounds(found: list[Any]) -> str:
    low = high = ""
    for c in found:
        if isinstance(c, annotated_types.Ge):
            low = f"at least {_number(c.ge)}"
        elif isinstance(c, annotated_types.Gt):
            low = f"above {_number(c.gt)}"
        elif isinstance(c, annotated_types.Le):
            high = f"at most {_number(c.le)}"
        elif isinstance(c, annotated_types.Lt):
            high = f"below {_number(c.lt)}"
    return ", ".join(part for part in (low, high) if part)


def _string(found: list[Any]) -> str:
    if any(getattr(c, "func", None) is language_tag for c in found):  # LanguageTag
        return NAMED_PATTERNS[LANGUAGE_TAG.pattern]
    pattern = next((c.pattern for c in found if getattr(c, "pattern", None)), None)
    if pattern in NAMED_PATTERNS:
        return NAMED_PATTERNS[pattern]
    if pattern is not None:
        return f"string matching `{pattern}`"
    min_length = next((c.min_length for c in found if getattr(c, "min_length", None)), None)
    if min_length:
        return "text"
    max_length = next((c.max_length for c in found if getattr(c, "max_length", None)), None)
    return f"string (at most {max_length} characters)" if max_length else "string"


def _choices(values: list[Any]) -> str:
    words = ", ".join(f"`{getattr(v, 'value', v)}`" for v in values)
    return words if len(values) == 1 else f"one of {words}"


def type_text(annotation: Any, metadata: list[Any], table: str) -> str:
    """A type and its allowed values in words: "integer, at least 1, at most 6"."""
    found = _constraints(metadata)
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        inner, *extra = typing.get_args(annotation)
        return type_text(inner, [*extra, *metadata], table)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return ", or ".join(type_text(a, metadata if len(args) == 1 else [], table) for a in args)
    if origin is typing.Literal:
        return _choices(list(typing.get_args(annotation)))
    if origin is list:
        (item,) = typing.get_args(annotation)
        least = next((c.min_length for c in found if isinstance(c, annotated_types.MinLen)), 0)
        more = f" (at least {least})" if least else ""
        words = type_text(item, [], table)
        return f"list{more} of " + (f"({words})" if ", " in words else words)
    if origin is dict:
        key, value = typing.get_args(annotation)
        return f"{table} of {type_text(key, [], table)} → {type_text(value, [], table)}"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return f"[{table}](#{annotation.__name__.lower()})"
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return _choices(list(annotation))
    if annotation is bool:
        return "true or false"
    if annotation is datetime.date:
        return "date"
    if annotation in (int, float):
        bounds = _bounds(found)
        word = "integer" if annotation is int else "number"
        return f"{word}, {bounds}" if bounds else word
    if annotation is str:
        return _string(found)
    raise TypeError(f"the reference cannot describe {annotation!r}")  # a new kind of field


def default_text(field: FieldInfo) -> str:
    if field.is_required():
        return "**required**"
    value = field.get_default(call_default_factory=True)
    if value is None:
        return "unset"
    if isinstance(value, BaseModel):
        changed = value.model_dump(exclude_defaults=True, by_alias=True)
        if not changed:
            return "its keys' defaults"
        return "; ".join(f"`{key} = {_inline(item)}`" for key, item in changed.items())
    if isinstance(value, dict):
        return f"`{_inline(value)}`" if value else "none"
    if isinstance(value, list) and not value:
        return "none"
    return f"`{toml_value(value)}`"


def _inline(value: Any) -> str:
    """A value as TOML writes it inline: tables as ``{ key = value, … }``."""
    if isinstance(value, dict):
        items = ", ".join(f"{toml_key(str(k))} = {_inline(v)}" for k, v in value.items())
        return f"{{ {items} }}"
    return toml_value(value)


# --- sections ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    """A model as a section: its heading and the paths that reach it."""

    model: type[BaseModel]
    heading: str
    uses: tuple[str, ...]


def _walk(
    model: type[BaseModel], path: str, steps: dict[type[BaseModel], list[str]]
) -> Iterator[tuple[type[BaseModel], str]]:
    for name, field in model.model_fields.items():
        for inner, step in _steps(field.annotation):
            child = f"{path}.{key_name(name, field)}{step}".lstrip(".")
            if inner not in steps:
                steps[inner] = []
                yield inner, child
                yield from _walk(inner, child, steps)
            steps[inner].append(child)


def _steps(annotation: Any) -> list[tuple[type[BaseModel], str]]:
    """(model, its path step): "" for a table, "[]" for a list's item, ".<name>" for a map's."""
    origin = typing.get_origin(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [(annotation, "")]
    if origin is typing.Annotated:
        return _steps(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [found for arg in typing.get_args(annotation) for found in _steps(arg)]
    if origin is list:
        return [(m, step + "[]") for m, step in _steps(typing.get_args(annotation)[0])]
    if origin is dict:
        return [(m, ".<name>" + step) for m, step in _steps(typing.get_args(annotation)[1])]
    return []


def tables(model: type[BaseModel]) -> list[Table]:
    """Every model inside ``model``, in the order a reader meets them, with its uses."""
    steps: dict[type[BaseModel], list[str]] = {}
    found = list(_walk(model, "", steps))
    return [Table(inner, path, tuple(steps[inner])) for inner, path in found]


# What a ``<name>`` step of a path stands for, by the key that holds the map.
NAMES: dict[str, str] = {
    "types": "<id>",
    "confidence_rules": "<level>",
    "rules": '"<code>"',
    "scores": "<criterion>",
    "scales": "<scale>",
}


def named(path: str) -> str:
    """'types.<name>' → 'types.<id>': each free name called what it is."""
    parts = path.split(".")
    for i, part in enumerate(parts):
        if part == "<name>" and i:
            parts[i] = NAMES.get(parts[i - 1].removesuffix("[]"), part)
    return ".".join(parts)

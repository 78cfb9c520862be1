"""The keys a briefgen.toml may hold, as dotted paths, read off a pydantic settings model.

Only pydantic is imported, so the same walk runs over an old release's settings module
(tests/test_changelog.py says how its baseline was made).

``pdf.page_size`` is a key of a table; ``*`` stands for any name or position the user
chooses (``types.*.budget``, ``comparison.*.id``). A mapping from free-form names to
plain values (``holders``, ``markings.distribution``) is one key: its entries are the
user's data, not settings.
"""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel


def _models(annotation: Any) -> list[tuple[str, type[BaseModel]]]:
    """Models reachable through an annotation, each with the path step that reaches it."""
    origin = typing.get_origin(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [("", annotation)]
    if origin is typing.Annotated:
        return _models(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [found for arg in typing.get_args(annotation) for found in _models(arg)]
    if origin in (list, tuple, set, frozenset):
        return [(".*" + step, model) for arg in typing.get_args(annotation)
                for step, model in _models(arg)]  # fmt: skip
    if origin is dict:
        _key, value = typing.get_args(annotation)
        return [(".*" + step, model) for step, model in _models(value)]
    return []


def settings_keys(model: type[BaseModel], prefix: str = "") -> set[str]:
    """Every key path of ``model``: each field (by its TOML name), then what it contains."""
    keys: set[str] = set()
    for name, field in model.model_fields.items():
        path = prefix + (field.alias or name)
        keys.add(path)
        for step, inner in _models(field.annotation):
            keys |= settings_keys(inner, path + step + ".")
    return keys

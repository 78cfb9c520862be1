"""Plain data → typed records: pydantic's errors as located diagnostics in the user's terms."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from briefgen.diagnostics import Diagnostics
from briefgen.model.document import Document
from briefgen.model.records import ID_PATTERN, URL_PATTERN
from briefgen.plain import refused

M = TypeVar("M", bound=BaseModel)


def _dotted(loc: list[str | int]) -> str:
    """('notes', 0, 'id') → 'notes[0].id'."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def _describe(error: Any) -> tuple[str, str]:
    """A pydantic error → (code, message) in the user's terms."""
    loc = [p for p in error["loc"] if not str(p).startswith("function-")]
    name = _dotted(loc)
    kind = error["type"]
    if kind == "extra_forbidden":
        where = f" in '{_dotted(loc[:-1])}'" if len(loc) > 1 else ""
        return "schema.unknown-key", f"unknown key '{loc[-1]}'{where}"
    if kind == "missing":
        where = f" in '{_dotted(loc[:-1])}'" if len(loc) > 1 else ""
        return "schema.missing-key", f"missing required key '{loc[-1]}'{where}"
    message = str(error["msg"]).removeprefix("Value error, ")
    if kind.startswith("settings_"):  # settings_renamed → settings.renamed
        return "settings." + kind.removeprefix("settings_").replace("_", "-"), message
    if kind in ("model_type", "dict_type"):
        message = "expected a mapping of keys to values"
    elif kind == "string_pattern_mismatch" and error["ctx"]["pattern"] == ID_PATTERN:
        message = f"'{error['input']}' is not an id (lowercase letters, digits, single hyphens)"
    elif kind == "string_pattern_mismatch" and error["ctx"]["pattern"] == URL_PATTERN:
        message = "not a web address: it must start with http:// or https:// and have no spaces"
        hidden = refused(str(error["input"]))
        if hidden is not None:  # invisible, so name it: a bidi override reverses the text
            message = (
                f"not a web address: it holds {hidden}, which a web address never holds "
                "(a control character, or one that reorders how the text reads); "
                "retype the address"
            )
    return "schema.invalid", f"{name}: {message}" if name else message


def validate_model(model: type[M], document: Document, diagnostics: Diagnostics) -> M | None:
    """Validate a document's data against a model; errors are located diagnostics."""
    try:
        return model.model_validate(document.data)
    except ValidationError as exc:
        for error in exc.errors():
            loc = tuple(p for p in error["loc"] if not str(p).startswith("function-"))
            line = document.line_of(loc)
            if error["type"] == "missing":
                line = document.line_of(loc[:-1])
            code, message = _describe(error)
            diagnostics.error(document.path, line, code, message)
        return None

"""The reference (``docs/reference/``), generated from the models so it cannot lag.

Each key of each content file type and of ``briefgen.toml`` is printed with its type,
allowed values and default, read off the pydantic models, and its meaning, read from
``reference.toml`` (one line per field, beside the models). The examples are files of a
small project shipped in ``briefgen/assets/reference/``; tests/test_reference.py copies
them into a project and checks it with ``--strict``, and fails when a generated file
differs from ``docs/reference/`` (``briefgen reference --out docs/reference`` rewrites
them). Diagnostic codes are ``docs/rules.md``, generated from ``rules.toml`` the same way.
"""

from __future__ import annotations

import datetime
import enum
import functools
import re
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

from briefgen.model.layouts import packaged_tables
from briefgen.model.records import (
    DATE_PATTERN,
    ID_PATTERN,
    LANGUAGE_TAG,
    URL_PATTERN,
    BriefMeta,
    CriteriaFile,
    JudgmentsFile,
    NotesFile,
    OptionRecord,
    SourceRecord,
    language_tag,
)
from briefgen.model.settings import SHA256, Settings, toml_key, toml_value

COMMAND = "briefgen reference --out docs/reference"
NOTICE = f"Generated from briefgen's models by `{COMMAND}`; do not edit."

# The example project: its path → the file in briefgen/assets/reference/.
EXAMPLE_FILES: dict[str, str] = {
    "briefgen.toml": "briefgen.toml",
    "content/sources/us-constitution.txt": "us-constitution.txt",
    "content/sources/us-constitution.yaml": "us-constitution.yaml",
    "content/notes/constitution.yaml": "notes.yaml",
    "content/options/amend-the-preamble.yaml": "amend-the-preamble.yaml",
    "content/options/leave-the-text.yaml": "leave-the-text.yaml",
    "content/criteria.yaml": "criteria.yaml",
    "content/judgments.yaml": "judgments.yaml",
    "content/briefs/constitution-options.md": "constitution-options.md",
}


TERMS = (
    "An *id* is lowercase letters and digits in words joined by single hyphens, at most",
    "80 characters (`first-amendment`). *Text* is a string that is not empty. A *date* is",
    "written 2024-10-15 (a brief's front matter also takes October 15, 2024 or",
    "15 October 2024).",
    "",
)


@dataclass(frozen=True)
class FileType:
    """One kind of content file: its model, where it lives and its example files."""

    name: str
    path: str
    model: type[BaseModel]
    what: str
    examples: tuple[str, ...]


FILE_TYPES: tuple[FileType, ...] = (
    FileType(
        "Source record",
        "content/sources/<id>.yaml",
        SourceRecord,
        "Metadata of one source, whose verbatim text is `<id>.txt` beside it. Each of "
        "`title`, `author`, `outlet` and `date` is an attested value: it says how it is known.",
        ("content/sources/us-constitution.yaml", "content/sources/us-constitution.txt"),
    ),
    FileType(
        "Notes file",
        "content/notes/<name>.yaml",
        NotesFile,
        "Notes taken from sources: each cites one paragraph of one source. A project has "
        "any number of notes files.",
        ("content/notes/constitution.yaml",),
    ),
    FileType(
        "Option",
        "content/options/<id>.yaml",
        OptionRecord,
        "One policy option: analysis, every point of it citing notes.",
        ("content/options/amend-the-preamble.yaml", "content/options/leave-the-text.yaml"),
    ),
    FileType(
        "Criteria",
        "content/criteria.yaml",
        CriteriaFile,
        "The scales and criteria options are scored on (optional; one per project).",
        ("content/criteria.yaml",),
    ),
    FileType(
        "Judgments",
        "content/judgments.yaml",
        JudgmentsFile,
        "Key judgments and recommendations with the notes they rest on (optional).",
        ("content/judgments.yaml",),
    ),
    FileType(
        "Brief",
        "content/briefs/<id>.md",
        BriefMeta,
        "YAML front matter (the keys below) between `---` lines, then the brief's Markdown: "
        "`## Heading` sections, citations `[@note-id]`, analysis in `::: analysis` blocks.",
        ("content/briefs/constitution-options.md",),
    ),
)


@functools.cache
def descriptions() -> dict[str, dict[str, str]]:
    """``reference.toml``: model class name → field (as written) → its meaning."""
    text = (resources.files("briefgen") / "model" / "reference.toml").read_text("utf-8")
    return tomllib.loads(text)


def example_files() -> dict[str, str]:
    """The example project: path in the project → text."""
    folder = resources.files("briefgen") / "assets" / "reference"
    return {path: (folder / name).read_text("utf-8") for path, name in EXAMPLE_FILES.items()}


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


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


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


def toml_heading(path: str) -> str:
    """A settings path as its TOML table header: 'types.<name>' → '[types.<id>]'."""
    text = named(path)
    if text.endswith("[]"):
        return f"[[{text.replace('[]', '')}]]"
    return f"[{text.replace('[]', '')}]"


# --- examples ---------------------------------------------------------------------------


def example_value(data: Any, path: list[str]) -> Any:
    """The first value at ``path`` in the example settings ('*' is any name or item)."""
    if not path:
        return data
    step, rest = path[0], path[1:]
    if step == "*":
        values = data.values() if isinstance(data, dict) else data if isinstance(data, list) else []
        for value in values:
            found = example_value(value, rest)
            if found is not None:
                return found
        return None
    if isinstance(data, dict) and step in data:
        return example_value(data[step], rest)
    return None


def _example_cell(value: Any) -> str:
    if (
        value is None
        or isinstance(value, dict)
        or (isinstance(value, list) and value and isinstance(value[0], dict))
    ):
        return ""
    return f"`{_cell(toml_value(value))}`"


def file_block(path: str, text: str) -> list[str]:
    language = {"toml": "toml", "yaml": "yaml", "md": "markdown"}.get(
        path.rsplit(".", 1)[-1], "text"
    )
    return [f"File `{path}`:", "", f"```{language}", *text.rstrip("\n").split("\n"), "```", ""]


def _path_steps(path: str) -> list[str]:
    """'types.<name>.budget' → ['types', '*', 'budget']; 'comparison[].id' → [.., '*', ..]."""
    steps: list[str] = []
    for part in path.strip(".").split("."):
        if part == "<name>":
            steps.append("*")
        elif part.endswith("[]"):
            steps += [part.removesuffix("[]"), "*"]
        else:
            steps.append(part)
    return steps


def _anchor(model: type[BaseModel]) -> str:
    return f'<a id="{model.__name__.lower()}"></a>'


def key_table(
    model: type[BaseModel], table: str, example: Any = None, path: str | None = None
) -> list[str]:
    with_example = path is not None
    head = "| Key | Type and allowed values | Default |" + (" Example |" if with_example else "")
    lines = [head + " Meaning |", "|---|---|---|" + ("---|" if with_example else "") + "---|"]
    for name, field in model.model_fields.items():
        key = key_name(name, field)
        row = [f"`{key}`", type_text(field.annotation, field.metadata, table), default_text(field)]
        if with_example:
            row.append(_example_cell(example_value(example, _path_steps(f"{path}.{key}"))))
        row.append(meaning(model, key) or "")
        lines.append("| " + " | ".join(_cell(cell) for cell in row) + " |")
    return [*lines, ""]


# --- the pages --------------------------------------------------------------------------


def settings_page() -> str:
    files = example_files()
    example = tomllib.loads(files["briefgen.toml"])
    lines = [
        "# `briefgen.toml` reference",
        "",
        NOTICE,
        "",
        "Every table and key of a project's `briefgen.toml`. Only `[project] title` is",
        "required; every other key has the default shown. Unknown keys are errors",
        "(`schema.unknown-key`), and a value is checked where it is written",
        "(`briefgen.toml:LINE: error: … [schema.invalid]`). *Example* is the key's value in",
        "the complete example at the end of this page, which passes `briefgen check --strict`",
        "with the example content of [content.md](content.md).",
        "",
        *TERMS,
        '<a id="settings"></a>',
        "",
        "## Top-level tables",
        "",
        *key_table(Settings, "table", example, ""),
    ]
    for found in tables(Settings):
        heading = toml_heading(found.heading)
        lines += [_anchor(found.model), "", f"## `{heading}`", ""]
        if found.heading.startswith("rules."):
            lines += [
                'A code may also be set to a level alone: `"note.unused" = "off"`.',
                "",
            ]
        lines += key_table(found.model, "table", example, found.heading)
    lines += [
        "## A complete example",
        "",
        "Every key set (most to their defaults). The font is Debian's `fonts-noto-core`;",
        "point `path` at a font file of yours and pin its `sha256sum`.",
        "",
        *file_block("briefgen.toml", files["briefgen.toml"]),
    ]
    return "\n".join(lines).rstrip("\n") + "\n"


def _brief_types() -> list[str]:
    lines = [
        "The shipped brief types (`briefgen/model/types.toml`; `[types.<id>]` in",
        "[briefgen.toml](settings.md#typetable) adjusts them or adds one). A section's",
        'slug is its heading in lowercase words joined by hyphens ("What we don\'t know" →',
        "`what-we-don-t-know`).",
        "",
        "| Type | Label | Required sections | Optional sections | Budget (pages) "
        "| Max age (months) |",
        "|---|---|---|---|---|---|",
    ]
    for type_id, table in packaged_tables().items():
        required = ", ".join(f"`{s}`" for s in table.required or [])
        optional = ", ".join(f"`{s}`" for s in table.optional or [])
        lines.append(
            f"| `{type_id}` | {table.label} | {required} | {optional} | {table.budget} "
            f"| {table.max_age} |"
        )
    return [*lines, ""]


def content_page() -> str:
    files = example_files()
    lines = [
        "# Content file reference",
        "",
        NOTICE,
        "",
        "Every kind of file under `content/` and every key it holds. Keys marked",
        "**required** must be present; an unknown key is an error (`schema.unknown-key`).",
        "The examples together are one project (with the `briefgen.toml` of",
        "[settings.md](settings.md#a-complete-example)) that passes `briefgen check --strict`.",
        "How the checks use these keys: [content-format.md](../content-format.md).",
        "",
        *TERMS,
    ]
    for kind in FILE_TYPES:
        lines += [
            f"## {kind.name}: `{kind.path}`",
            "",
            kind.what,
            "",
            _anchor(kind.model),
            "",
            *key_table(kind.model, "mapping"),
        ]
        for found in tables(kind.model):
            uses = ", ".join(f"`{named(use)}`" for use in found.uses)
            lines += [
                _anchor(found.model),
                "",
                f"### {_title(found.model)}: {uses}",
                "",
                *key_table(found.model, "mapping"),
            ]
        if kind.model is BriefMeta:
            lines += _brief_types()
        lines += ["### Example", ""]
        for path in kind.examples:
            lines += file_block(path, files[path])
    return "\n".join(lines).rstrip("\n") + "\n"


def _title(model: type[BaseModel]) -> str:
    """'LineMarks' → 'Line marks'."""
    words = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", model.__name__).lower()
    return words[:1].upper() + words[1:]


def index_page() -> str:
    lines = [
        "# Reference",
        "",
        NOTICE,
        "",
        "- [content.md](content.md): every content file type (source record, notes file,",
        "  option, criteria, judgments, brief front matter) with each key's type, default,",
        "  allowed values and meaning, and an example of each.",
        "- [settings.md](settings.md): every `briefgen.toml` table and key, and a complete",
        "  example.",
        "- [rules.md](../rules.md): every diagnostic code with its default level, class,",
        "  meaning and fix (`briefgen rules --markdown`, generated from `briefgen/rules.toml`",
        "  and `briefgen/fixes.toml`).",
        "",
        "The examples are one small project; tests/test_reference.py checks it with",
        "`briefgen check --strict`, and fails when these pages differ from what the models",
        f"produce. After changing a model, run `{COMMAND}`.",
        "",
        "How briefgen uses the keys, with the checks each one feeds:",
        "[content-format.md](../content-format.md).",
    ]
    return "\n".join(lines) + "\n"


def reference_files() -> dict[str, str]:
    """``docs/reference/``: file name → its Markdown."""
    return {"README.md": index_page(), "content.md": content_page(), "settings.md": settings_page()}

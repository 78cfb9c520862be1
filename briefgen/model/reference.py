"""The reference (``docs/reference/``), generated from the models so it cannot lag.

Each key of each content file type and of ``briefgen.toml`` is printed with its type,
allowed values, default and meaning (model/keys.py, which the JSON Schemas share); this
module lays them out as pages with their examples. The examples are files of a small
project shipped in ``briefgen/assets/reference/``; tests/test_reference.py copies them
into a project and checks it with ``--strict``, and fails when a generated file differs
from ``docs/reference/`` (``briefgen reference --out docs/reference`` rewrites them).
Diagnostic codes are ``docs/rules.md``, generated from ``rules.toml`` the same way.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any

from pydantic import BaseModel

from briefgen.model.keys import default_text, key_name, meaning, named, tables, type_text
from briefgen.model.layouts import packaged_tables
from briefgen.model.records import (
    BriefMeta,
    CriteriaFile,
    JudgmentsFile,
    NotesFile,
    OptionRecord,
    SourceRecord,
)
from briefgen.model.settings import Settings, toml_value

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


def example_files() -> dict[str, str]:
    """The example project: path in the project → text."""
    folder = resources.files("briefgen") / "assets" / "reference"
    return {path: (folder / name).read_text("utf-8") for path, name in EXAMPLE_FILES.items()}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


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

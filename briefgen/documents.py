"""Read YAML and Markdown-with-front-matter files into plain data with line numbers.

YAML is read strictly: YAML 1.2 scalars (``no`` stays a string), duplicate keys,
anchors, aliases and explicit tags are errors, and files are size-capped.
"""

from __future__ import annotations

import datetime
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent, NodeEvent, ScalarEvent

MAX_FILE_BYTES = 1_000_000

Loc = tuple[str | int, ...]


class DocumentError(Exception):
    """A file that can't be read as data; carries its 1-based line and a code."""

    def __init__(self, line: int, code: str, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.code = code
        self.message = message


@dataclass
class Document:
    """Plain data read from one file, with the line of every key and item."""

    path: Path
    data: Any
    lines: dict[Loc, int] = field(default_factory=dict)
    body: str = ""
    body_line: int = 1

    def line_of(self, loc: Loc) -> int:
        """The line of ``loc``, or of its nearest located ancestor."""
        for end in range(len(loc), -1, -1):
            line = self.lines.get(tuple(loc[:end]))
            if line is not None:
                return line
        return 1


def read_text(path: Path) -> str:
    """Read a content file as UTF-8, refusing oversized files."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise DocumentError(
            1, "content.too-large", f"file is {size} bytes; the limit is {MAX_FILE_BYTES}"
        )
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DocumentError(1, "content.encoding", f"not valid UTF-8: {exc.reason}") from exc


def _yaml() -> YAML:
    yaml = YAML(typ="rt", pure=True)
    yaml.allow_duplicate_keys = False
    return yaml


def _reject_anchors_and_tags(text: str, line_offset: int) -> None:
    for event in _yaml().parse(text):
        line = event.start_mark.line + 1 + line_offset if event.start_mark else 1
        if isinstance(event, AliasEvent):
            raise DocumentError(line, "yaml.alias", "YAML aliases are not allowed")
        if isinstance(event, NodeEvent) and event.anchor:
            raise DocumentError(line, "yaml.anchor", "YAML anchors are not allowed")
        tag = getattr(event, "tag", None)
        if tag is not None and not (isinstance(event, ScalarEvent) and tag == "!"):
            raise DocumentError(line, "yaml.tag", f"YAML tags are not allowed: {tag}")


def _plain(node: Any, loc: Loc, lines: dict[Loc, int], offset: int) -> Any:
    """Convert ruamel's round-trip nodes to plain Python, recording lines."""
    if isinstance(node, CommentedMap):
        result: dict[str, Any] = {}
        for key, value in node.items():
            line = node.lc.key(key)[0] + 1 + offset
            key_loc = (*loc, str(key))
            lines[key_loc] = line
            result[str(key)] = _plain(value, key_loc, lines, offset)
        return result
    if isinstance(node, CommentedSeq):
        items = []
        for index, value in enumerate(node):
            item_loc = (*loc, index)
            lines[item_loc] = node.lc.item(index)[0] + 1 + offset
            items.append(_plain(value, item_loc, lines, offset))
        return items
    if isinstance(node, str):
        return str(node)
    if isinstance(node, bool | int | float | datetime.date) or node is None:
        return node
    return str(node)


def parse_yaml(text: str, path: Path, line_offset: int = 0) -> Document:
    """Parse YAML text strictly; lines are shifted by ``line_offset``."""
    try:
        _reject_anchors_and_tags(text, line_offset)
        node = _yaml().load(text)
    except DocumentError:
        raise
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + line_offset if mark else 1 + line_offset
        problem = exc.problem or exc.context or "invalid YAML"
        code = "yaml.duplicate-key" if "duplicate key" in str(exc) else "yaml.syntax"
        if code == "yaml.duplicate-key":
            problem = "duplicate key " + str(exc).split('found duplicate key "')[-1].split('"')[0]
            problem = problem.replace("duplicate key ", "duplicate key '") + "'"
        raise DocumentError(line, code, problem) from exc
    except YAMLError as exc:
        raise DocumentError(1 + line_offset, "yaml.syntax", str(exc).splitlines()[0]) from exc
    lines: dict[Loc, int] = {(): 1 + line_offset}
    return Document(path=path, data=_plain(node, (), lines, line_offset), lines=lines)


def load_yaml(path: Path) -> Document:
    """Read one YAML content file."""
    return parse_yaml(read_text(path), path)


def load_front_matter(path: Path) -> Document:
    """Read a Markdown file with a ``---`` YAML front matter block."""
    text = read_text(path)
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        raise DocumentError(1, "front-matter.missing", "file must start with '---' front matter")
    for index in range(1, len(lines)):
        if lines[index].rstrip() == "---":
            break
    else:
        raise DocumentError(1, "front-matter.unclosed", "front matter has no closing '---'")
    document = parse_yaml("\n".join(lines[1:index]), path, line_offset=1)
    document.body = "\n".join(lines[index + 1 :])
    document.body_line = index + 2
    return document


def load_toml(path: Path) -> Document:
    """Read a TOML file; lines of keys are found by a scan of the text."""
    text = read_text(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # Python 3.11's tomllib only says where in its message: "... (at line 2, column 9)".
        found = re.search(r"\(at line (\d+), column \d+\)$", str(exc))
        message = str(exc)[: found.start()].strip() if found else str(exc)
        raise DocumentError(int(found[1]) if found else 1, "toml.syntax", message) from exc
    return Document(path=path, data=data, lines=_toml_lines(text, data))


def _toml_lines(text: str, data: dict[str, Any]) -> dict[Loc, int]:
    """Best-effort key lines: tables by header, keys by their first line in a table."""
    lines: dict[Loc, int] = {(): 1}
    table: Loc = ()
    counts: dict[Loc, int] = {}
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        if line.startswith("[["):
            name = tuple(line.strip("[] ").split("."))
            counts[name] = counts.get(name, -1) + 1
            table = (*name, counts[name])
            lines.setdefault(name, number)
            lines[table] = number
        elif line.startswith("["):
            table = tuple(line.strip("[] ").split("."))
            lines[table] = number
        elif "=" in line and not line.startswith("#"):
            key = line.split("=", 1)[0].strip().strip('"')
            lines.setdefault((*table, key), number)
    return lines

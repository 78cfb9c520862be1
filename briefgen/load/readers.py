"""Read YAML and Markdown-with-front-matter files into plain data with line numbers.

YAML is read strictly: YAML 1.2 scalars (``no`` stays a string), duplicate keys,
anchors, aliases and explicit tags are errors, and files are size-capped.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import tomllib
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    NodeEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)

from briefgen.model.document import MAX_FILE_BYTES, Document, DocumentError, Loc

LINK_MESSAGE = "this is a symbolic link; content is never read through a link"


def linked_part(path: Path, root: Path) -> Path | None:
    """The first folder or file from ``root`` (excluded) down to ``path`` that is a link."""
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        return None
    current = root
    for part in parts:
        current = current / part
        if current.is_symlink():
            return current
    return None


def read_text(path: Path, root: Path | None = None) -> str:
    """Read a content file as UTF-8, refusing oversized files and links.

    With ``root``, no folder between it and the file may be a link either. The file is
    opened with ``O_NOFOLLOW``, so a link swapped in after the check is refused too, and
    nothing of a link's target (its text, size or name) ever reaches a diagnostic.
    """
    link = linked_part(path, root) if root is not None else None
    if link is not None:
        raise DocumentError(0, "content.symlink", LINK_MESSAGE, path=link)
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP or path.is_symlink():
            raise DocumentError(0, "content.symlink", LINK_MESSAGE) from None
        raise
    # Checked before fdopen, which refuses a folder with a bare IsADirectoryError.
    status = os.fstat(descriptor)
    if not stat.S_ISREG(status.st_mode):
        os.close(descriptor)
        raise DocumentError(0, "content.not-a-file", "this is not a regular file")
    with os.fdopen(descriptor, "rb") as file:
        if status.st_size > MAX_FILE_BYTES:
            raise DocumentError(
                1,
                "content.too-large",
                f"file is {status.st_size} bytes; the limit is {MAX_FILE_BYTES}",
            )
        data = file.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:  # grew since it was measured
        raise DocumentError(1, "content.too-large", f"file is over {MAX_FILE_BYTES} bytes")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DocumentError(1, "content.encoding", f"not valid UTF-8: {exc.reason}") from exc


# YAML 1.2 core schema for plain scalars; anything else is a string.
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"^[-+]?[0-9]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")


def _scalar(event: ScalarEvent) -> Any:
    value: str = event.value
    if event.style is not None:  # quoted or block scalars are always strings
        return value
    if _NULL.match(value):
        return None
    if value in _BOOL:
        return _BOOL[value]
    if _INT.match(value):
        return int(value)
    if _FLOAT.match(value):
        return float(value)
    return value


class _Builder:
    """Plain data from a YAML event stream, recording the line of every key and item."""

    def __init__(self, line_offset: int) -> None:
        self.offset = line_offset
        self.lines: dict[Loc, int] = {(): 1 + line_offset}
        self.stack: list[tuple[Any, Loc, list[Any]]] = []  # (container, loc, [pending key])
        self.root: Any = None
        self.documents = 0

    def line(self, event: Any) -> int:
        return int(event.start_mark.line) + 1 + self.offset if event.start_mark else 1

    def feed(self, event: Any) -> None:
        if isinstance(event, DocumentStartEvent):
            self.documents += 1
            if self.documents > 1:
                raise DocumentError(self.line(event), "yaml.syntax", "only one YAML document")
            return
        if isinstance(event, AliasEvent):
            raise DocumentError(self.line(event), "yaml.alias", "YAML aliases are not allowed")
        if isinstance(event, NodeEvent) and event.anchor:
            raise DocumentError(self.line(event), "yaml.anchor", "YAML anchors are not allowed")
        tag = getattr(event, "tag", None)
        if tag is not None and not (isinstance(event, ScalarEvent) and tag == "!"):
            raise DocumentError(self.line(event), "yaml.tag", f"YAML tags are not allowed: {tag}")
        if isinstance(event, MappingEndEvent | SequenceEndEvent):
            self.stack.pop()
        elif isinstance(event, ScalarEvent):
            self.add(event, _scalar(event))
        elif isinstance(event, MappingStartEvent | SequenceStartEvent):
            container: dict[str, Any] | list[Any] = (
                {} if isinstance(event, MappingStartEvent) else []
            )
            self.stack.append((container, self.add(event, container), [None]))

    def add(self, event: Any, value: Any) -> Loc:
        """Place a value (or a new container) in the current container; returns its loc."""
        if not self.stack:
            self.root = value
            return ()
        container, loc, pending = self.stack[-1]
        line = self.line(event)
        if isinstance(container, list):
            item_loc = (*loc, len(container))
            container.append(value)
            self.lines[item_loc] = line
            return item_loc
        if pending[0] is None:  # this is a key
            if isinstance(value, dict | list):
                raise DocumentError(line, "yaml.syntax", "complex mapping keys are not allowed")
            key = "" if value is None else str(value)
            if key in container:
                raise DocumentError(line, "yaml.duplicate-key", f"duplicate key '{key}'")
            pending[0] = key
            self.lines[(*loc, key)] = line
            return loc
        key, pending[0] = pending[0], None
        container[key] = value
        return (*loc, key)


def parse_yaml(text: str, path: Path, line_offset: int = 0) -> Document:
    """Parse YAML text strictly in one pass; lines are shifted by ``line_offset``."""
    builder = _Builder(line_offset)
    try:
        for event in YAML(typ="safe", pure=True).parse(text):
            builder.feed(event)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + line_offset if mark else 1 + line_offset
        problem = exc.problem or exc.context or "invalid YAML"
        if mark:
            problem += f" (column {mark.column + 1})"
        if exc.problem == "mapping values are not allowed here":
            problem += (
                ": a value that contains ': ' must be quoted, e.g. title: \"Cables: a primer\""
            )
        raise DocumentError(line, "yaml.syntax", problem) from exc
    except YAMLError as exc:
        raise DocumentError(1 + line_offset, "yaml.syntax", str(exc).splitlines()[0]) from exc
    return Document(path=path, data=builder.root, lines=builder.lines)


def load_yaml(path: Path, root: Path | None = None) -> Document:
    """Read one YAML content file (never through a link below ``root``)."""
    return parse_yaml(read_text(path, root), path)


def load_front_matter(path: Path, root: Path | None = None) -> Document:
    """Read a Markdown file with a ``---`` YAML front matter block."""
    text = read_text(path, root)
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


def load_toml(path: Path, root: Path | None = None) -> Document:
    """Read a TOML file; lines of keys are found by a scan of the text."""
    return parse_toml(read_text(path, root), path)


def parse_toml(text: str, path: Path) -> Document:
    """TOML text (read from ``path``, or about to be written there) as a located document."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # Python 3.11's tomllib only says where in its message: "... (at line 2, column 9)".
        found = re.search(r"\(at line (\d+), column \d+\)$", str(exc))
        message = str(exc)[: found.start()].strip() if found else str(exc)
        raise DocumentError(int(found[1]) if found else 1, "toml.syntax", message) from exc
    return Document(path=path, data=data, lines=_toml_lines(text, data))


TOML_HEADER = re.compile(r"^\[\[?([^\[\]]*)\]\]?")


def _toml_lines(text: str, data: dict[str, Any]) -> dict[Loc, int]:
    """Best-effort key lines: tables by header, keys by their first line in a table."""
    lines: dict[Loc, int] = {(): 1}
    table: Loc = ()
    counts: dict[Loc, int] = {}
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        header = TOML_HEADER.match(line)  # a comment may follow a header
        if header and line.startswith("[["):
            name = tuple(header[1].strip().split("."))
            counts[name] = counts.get(name, -1) + 1
            table = (*name, counts[name])
            lines.setdefault(name, number)
            lines[table] = number
        elif header:
            table = tuple(header[1].strip().split("."))
            lines[table] = number
        elif "=" in line and not line.startswith("#"):
            key = line.split("=", 1)[0].strip().strip('"')
            lines.setdefault((*table, key), number)
    return lines

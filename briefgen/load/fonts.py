"""The fonts a project declares in ``[fonts] files``, each pinned by its sha256.

Rendering uses no font of the machine's: the packaged fonts cover Latin, Greek and
Cyrillic, and every other script comes from a font file the project names here. A file
is a path relative to the project (read like content: inside it, never through a link)
or an absolute path (a system font such as Debian's Noto CJK). A missing, changed or
unreadable file is a located error at its line in ``briefgen.toml``.

What a font covers and what it is called are read with fontTools (WeasyPrint's own font
library), from the font's tables only: a 25 MB CJK collection is not parsed whole.
"""

from __future__ import annotations

import bisect
import hashlib
import os
import stat
import struct
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from briefgen.diagnostics import Diagnostics
from briefgen.load.readers import LINK_MESSAGE, linked_part, load_toml, read_text
from briefgen.model.document import DocumentError
from briefgen.model.settings import Settings

SETTINGS_FILE = "briefgen.toml"
FONTS_SETTING = "[fonts] files"
# Larger than any real font (Noto CJK collections are about 27 MB) and bounded.
MAX_FONT_BYTES = 256 * 2**20
FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")
DOCS = "docs/fonts.md"
# The first four bytes of a TrueType, OpenType or collection file.
FONT_MAGIC = (b"\x00\x01\x00\x00", b"OTTO", b"true", b"ttcf")


@dataclass(frozen=True)
class DeclaredFont:
    """A declared font file, checked against its pin."""

    path: Path
    sha256: str
    line: int  # of its entry in briefgen.toml

    @property
    def suffix(self) -> str:
        return self.path.suffix.lower()


@dataclass(frozen=True)
class FontSet:
    """The project's fonts, in the order it declares them, and its ``han_default``."""

    files: tuple[DeclaredFont, ...] = ()
    han_default: str | None = None
    line: int = 0  # of [fonts] in briefgen.toml (0: not there)

    @property
    def digest(self) -> str:
        """Identifies the set: the files' hashes in order (part of every PDF's cache key)."""
        return hashlib.sha256(" ".join(f.sha256 for f in self.files).encode()).hexdigest()


def _lines(root: Path, names: list[str]) -> tuple[int, list[int]]:
    """The line of ``[fonts]`` and of each entry (``[[fonts.files]]`` tables carry their
    own; an inline array's entry is found by its path on a later line)."""
    try:
        document = load_toml(root / SETTINGS_FILE, root)
        text = read_text(root / SETTINGS_FILE, root).splitlines()
    except (DocumentError, OSError):
        return 0, [0] * len(names)
    section = document.lines.get(("fonts",), 0)
    array = document.line_of(("fonts", "files"))
    lines = []
    for index, name in enumerate(names):
        line = document.lines.get(("fonts", "files", index))
        if line is None:
            quoted = (f'"{name}"', f"'{name}'")
            later = [n for n in range(array, len(text)) if any(q in text[n] for q in quoted)]
            line = later[0] + 1 if later else array
        lines.append(line)
    return section, lines


def _resolve(root: Path, name: str) -> Path | str:
    """The file ``name`` stands for, or why it may not be read."""
    if name.startswith("/"):
        return Path(name)
    parts = name.split("/")
    if "\\" in name or any(part in ("", ".", "..") for part in parts):
        return "a relative path must stay inside the project (no '..', '.', '\\' or '//')"
    path = root.joinpath(*parts)
    if linked_part(path, root) is not None:
        return LINK_MESSAGE
    return path


def _sha256(path: Path, *, follow: bool) -> str | tuple[str, str]:
    """The file's sha256, or (code, why) it cannot be read as a font file."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)
    if not follow:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        descriptor = os.open(path, flags)
    except FileNotFoundError:
        return "fonts.missing", "does not exist"
    except OSError as exc:
        return "fonts.invalid", f"cannot be read ({exc.strerror})"
    with os.fdopen(descriptor, "rb") as file:
        status = os.fstat(file.fileno())
        if not stat.S_ISREG(status.st_mode):
            return "fonts.invalid", "is not a regular file"
        if status.st_size > MAX_FONT_BYTES:
            return "fonts.invalid", f"is {status.st_size} bytes; the limit is {MAX_FONT_BYTES}"
        digest = hashlib.sha256()
        head = file.read(4)
        if head not in FONT_MAGIC:
            return "fonts.invalid", "is not a TrueType or OpenType font file"
        digest.update(head)
        while chunk := file.read(2**20):
            digest.update(chunk)
    return digest.hexdigest()


def load_fonts(root: Path, settings: Settings, diagnostics: Diagnostics) -> FontSet | None:
    """The declared fonts, each checked against its pin; None after a located error."""
    declared = settings.fonts.files
    section, lines = _lines(root, [entry.path for entry in declared])
    where = root / SETTINGS_FILE
    fonts = []
    for entry, line in zip(declared, lines, strict=True):
        name = entry.path
        resolved = _resolve(root, name)
        if isinstance(resolved, str):
            diagnostics.error(where, line, "fonts.invalid", f"font file '{name}': {resolved}")
            continue
        if resolved.suffix.lower() not in FONT_SUFFIXES:
            message = (
                f"font file '{name}' is not a font briefgen reads "
                f"(TrueType or OpenType: {', '.join(FONT_SUFFIXES)})"
            )
            diagnostics.error(where, line, "fonts.invalid", message)
            continue
        found = _sha256(resolved, follow=resolved.is_absolute())
        if isinstance(found, tuple):
            code, why = found
            hint = (
                "; install it, or change or remove its entry in "
                f"{FONTS_SETTING} ({DOCS} lists where common fonts come from)"
                if code == "fonts.missing"
                else ""
            )
            diagnostics.error(where, line, code, f"font file '{name}' {why}{hint}")
            continue
        if found != entry.sha256:
            message = (
                f"font file '{name}' is not the file {FONTS_SETTING} pins: its sha256 is "
                f'{found}; if this font is meant, write sha256 = "{found}" in its entry'
            )
            diagnostics.error(where, line, "fonts.changed", message)
            continue
        fonts.append(DeclaredFont(resolved, found, line))
    if len(fonts) < len(declared):
        return None
    return FontSet(tuple(fonts), settings.fonts.han_default, section)


@cache
def _tables(font: DeclaredFont) -> tuple[tuple[str, ...], Coverage]:
    """Each face's family name (typographic, else legacy) and what the file covers,
    read in one pass over its tables (the file is closed after)."""
    from fontTools.ttLib import TTCollection, TTFont

    names: list[str] = []
    ranges: set[tuple[int, int]] = set()
    seen: set[bytes] = set()
    with open(font.path, "rb") as file:
        collection = font.suffix in (".ttc", ".otc")
        faces = TTCollection(file, lazy=True).fonts if collection else [TTFont(file, lazy=True)]
        for face in faces:
            table = face["name"]
            name = table.getDebugName(16) or table.getDebugName(1)
            if name and name not in names:
                names.append(name)
            raw = face.reader["cmap"]
            if raw not in seen:  # the faces of a collection often share one cmap
                seen.add(raw)
                ranges.update(_cmap_ranges(raw))
    return tuple(names), Coverage.of(ranges)


class FontUnreadable(Exception):
    """A declared font's tables cannot be read (found when a build first reads them)."""

    def __init__(self, font: DeclaredFont, problem: str) -> None:
        super().__init__(problem)
        self.font, self.problem = font, problem


def families(font: DeclaredFont) -> tuple[str, ...]:
    """Each face's family name (typographic, else legacy), in the file's order."""
    try:
        return _tables(font)[0]
    except Exception as exc:  # fontTools and struct raise many kinds on a damaged file
        raise FontUnreadable(font, f"{type(exc).__name__}: {exc}"[:300]) from exc


def coverage(font: DeclaredFont) -> Coverage:
    """Every code point some face of the file maps to a glyph, as sorted ranges."""
    try:
        return _tables(font)[1]
    except Exception as exc:  # as above
        raise FontUnreadable(font, f"{type(exc).__name__}: {exc}"[:300]) from exc


@dataclass(frozen=True)
class Coverage:
    """Code point ranges (inclusive), merged and sorted, for lookups by bisection."""

    starts: tuple[int, ...]
    ends: tuple[int, ...]

    @classmethod
    def of(cls, ranges: Iterable[tuple[int, int]]) -> Coverage:
        merged: list[list[int]] = []
        for start, end in sorted(ranges):
            if merged and start <= merged[-1][1] + 1:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        return cls(tuple(m[0] for m in merged), tuple(m[1] for m in merged))

    def __contains__(self, code: object) -> bool:
        if not isinstance(code, int):
            return False
        index = bisect.bisect_right(self.starts, code) - 1
        return index >= 0 and code <= self.ends[index]


def _cmap_ranges(raw: bytes) -> list[tuple[int, int]]:
    """The ranges of a raw ``cmap`` table's Unicode subtable (format 12, else format 4).

    Read here rather than by fontTools' ``getBestCmap``, which names every glyph of the
    mapping: seconds for a CJK font's 45,000 characters, against milliseconds for the
    ranges. A format 4 segment counts as covered throughout (fonts keep them tight).
    """
    count = struct.unpack_from(">H", raw, 2)[0]
    offsets: dict[tuple[int, int], int] = {}
    for index in range(count):
        platform, encoding, offset = struct.unpack_from(">HHI", raw, 4 + 8 * index)
        offsets[(platform, encoding)] = offset
    for key in ((3, 10), (0, 6), (0, 4), (3, 1), (0, 3), (0, 1), (0, 0)):
        offset = offsets.get(key)
        if offset is None:
            continue
        subtable = struct.unpack_from(">H", raw, offset)[0]
        if subtable == 12:
            groups = struct.unpack_from(">I", raw, offset + 12)[0]
            return [struct.unpack_from(">II", raw, offset + 16 + 12 * i)[:2] for i in range(groups)]
        if subtable == 4:
            segments = struct.unpack_from(">H", raw, offset + 6)[0] // 2
            ends = struct.unpack_from(f">{segments}H", raw, offset + 14)
            starts = struct.unpack_from(f">{segments}H", raw, offset + 16 + 2 * segments)
            return [(s, e) for s, e in zip(starts, ends, strict=True) if s != 0xFFFF]
    return []

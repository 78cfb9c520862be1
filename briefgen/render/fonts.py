"""Which fonts set a brief, and whether they cover every character it prints.

The package ships Caladea (Latin) and a Greek and Cyrillic cut of Noto Serif, inlined
in every page as data URLs. Every other script comes from the fonts the project
declares (``[fonts] files``), which the PDF renderer finds through a private fontconfig
configuration that lists nothing else (briefgen/write/fonts.py); a browser showing the
HTML brief uses the same families where the reader has them.

Before any PDF is laid out, the characters each page prints are checked against these
fonts: a character none covers is one located error, not a wall of WeasyPrint's
``.notdef`` messages at line 1 of every edition.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable
from functools import cache
from importlib import resources
from pathlib import Path

from briefgen.load.fonts import Coverage, DeclaredFont, FontSet, coverage, families
from briefgen.load.readers import read_text
from briefgen.model.document import DocumentError

BODY_FAMILY = "Caladea"
SCRIPTS_FAMILY = "Noto Serif Greek Cyrillic"
# (file, CSS family, style, weight) of every packaged face.
PACKAGED_FACES = (
    ("Caladea-Regular.ttf", BODY_FAMILY, "normal", 400),
    ("Caladea-Italic.ttf", BODY_FAMILY, "italic", 400),
    ("Caladea-Bold.ttf", BODY_FAMILY, "normal", 700),
    ("Caladea-BoldItalic.ttf", BODY_FAMILY, "italic", 700),
    ("NotoSerif-GreekCyrillic-Regular.ttf", SCRIPTS_FAMILY, "normal", 400),
    ("NotoSerif-GreekCyrillic-Italic.ttf", SCRIPTS_FAMILY, "italic", 400),
    ("NotoSerif-GreekCyrillic-Bold.ttf", SCRIPTS_FAMILY, "normal", 700),
    ("NotoSerif-GreekCyrillic-BoldItalic.ttf", SCRIPTS_FAMILY, "italic", 700),
)
# Characters that print no glyph of their own: controls, format characters (joiners,
# bidi marks, soft hyphen), separators (spaces are set by the layout, not a font) and
# variation selectors.
SILENT = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})
VARIATION_SELECTORS = (range(0xFE00, 0xFE10), range(0xE0100, 0xE01F0))
_SKIPPED = re.compile(r"<(style|script)\b.*?</\1\s*>|<!--.*?-->", re.DOTALL | re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")


def packaged_font(filename: str) -> Path:
    return Path(str(resources.files("briefgen") / "assets" / "fonts" / filename))


@cache
def packaged_coverage(family: str | None = None) -> Coverage:
    """What the packaged faces cover: all of them, or those of one ``family``."""
    ranges: list[tuple[int, int]] = []
    for filename, named, *_ in PACKAGED_FACES:
        if family in (None, named):
            found = coverage(DeclaredFont(packaged_font(filename), "", 0))
            ranges += zip(found.starts, found.ends, strict=True)
    return Coverage.of(ranges)


def families_needed(characters: Iterable[str]) -> frozenset[str]:
    """The packaged families a page's characters call for: the body family always, the
    Greek and Cyrillic family only when a character needs it (each page inlines the
    faces it names, so a Latin page does not carry 600 kB of fonts it never uses)."""
    body, scripts = packaged_coverage(BODY_FAMILY), packaged_coverage(SCRIPTS_FAMILY)
    for character in characters:
        code = ord(character)
        if code not in body and code in scripts:
            return frozenset({BODY_FAMILY, SCRIPTS_FAMILY})
    return frozenset({BODY_FAMILY})


def printed_characters(page: str) -> set[str]:
    """The characters a page's text prints (not its styles, scripts or markup)."""
    text = html.unescape(_TAG.sub(" ", _SKIPPED.sub(" ", page)))
    return {c for c in set(text) if not _silent(c)}


def _silent(character: str) -> bool:
    code = ord(character)
    return unicodedata.category(character) in SILENT or any(
        code in block for block in VARIATION_SELECTORS
    )


def uncovered(characters: Iterable[str], fonts: FontSet) -> list[str]:
    """The characters neither the packaged fonts nor any declared font covers, sorted.

    Declared fonts are read only as far as needed: a Latin-only page reads none.
    """
    missing = sorted(c for c in set(characters) if ord(c) not in packaged_coverage())
    for font in fonts.files:
        if not missing:
            break
        found = coverage(font)
        missing = [c for c in missing if ord(c) not in found]
    return missing


def _css_string(name: str) -> str:
    escaped = "".join(c if c.isalnum() or c in " -_" else f"\\{ord(c):x} " for c in name)
    return f"'{escaped}'"


# A CJK family's regional suffix (Noto's and Source Han's naming) → the languages whose
# Han glyph forms it draws.
HAN_REGIONS = {
    "JP": ("ja",),
    "KR": ("ko",),
    "SC": ("zh", "zh-Hans", "zh-CN", "zh-SG"),
    "TC": ("zh-Hant", "zh-TW"),
    "HK": ("zh-HK", "zh-MO"),
}


def _region(family: str) -> str | None:
    last = family.rsplit(" ", 1)[-1]
    return last if last in HAN_REGIONS else None


def _serves(family: str, language: str) -> bool:
    region = _region(family)
    return region is not None and language.lower() in (t.lower() for t in HAN_REGIONS[region])


def family_stack(fonts: FontSet, language: str | None = None) -> list[str]:
    """The families in the order text looks for a glyph: packaged, then declared; the
    CJK family drawing ``language``'s Han forms before the other regions'."""
    declared: list[str] = []
    for font in fonts.files:
        declared += [name for name in families(font) if name not in declared]
    if language:
        declared.sort(key=lambda name: 0 if _serves(name, language) else 1)  # stable
    return [BODY_FAMILY, SCRIPTS_FAMILY, *declared]


def _rule(selector: str, stack: list[str]) -> str:
    return f"{selector} {{ font-family: {', '.join(_css_string(n) for n in stack)}, serif; }}"


def fonts_css(fonts: FontSet) -> str:
    """font-family rules naming every family, packaged and declared (``serif`` last):
    one for the page, with ``[fonts] han_default``'s Han forms first, and one per
    language a declared CJK family serves, for text whose ``lang`` is that language."""
    rules = [_rule("html, code", family_stack(fonts, fonts.han_default))]
    regions = {r for f in fonts.files for name in families(f) if (r := _region(name))}
    for region in sorted(regions):
        for language in HAN_REGIONS[region]:
            rules.append(_rule(f":lang({language})", family_stack(fonts, language)))
    return "\n".join(rules)


def describe(character: str) -> str:
    """'한' (U+D55C HANGUL SYLLABLE HAN)."""
    name = unicodedata.name(character, "")
    return f"'{character}' (U+{ord(character):04X}{' ' + name if name else ''})"


def line_of(text: str, character: str) -> int:
    """The 1-based line of ``character``'s first occurrence in ``text`` (0 if absent)."""
    index = text.find(character)
    return 0 if index < 0 else text.count("\n", 0, index) + 1


def _searched(root: Path) -> list[Path]:
    """Where a printed character may come from, most likely first."""
    content = root / "content"
    found = sorted(p for p in content.rglob("*") if p.suffix in (".md", ".yaml"))
    found += sorted(p for p in content.rglob("*.txt"))
    found.append(root / "briefgen.toml")
    found += sorted((root / "templates").rglob("*"))
    return found


def locate(root: Path, characters: list[str], fonts_line: int) -> dict[tuple[Path, int], list[str]]:
    """Each character at the file and line of its first occurrence in the project,
    grouped by place; one found nowhere (briefgen's own text) at ``[fonts]``."""
    places: dict[tuple[Path, int], list[str]] = {}
    left = list(characters)
    for path in _searched(root):
        if not left:
            break
        try:
            text = read_text(path, root)
        except (DocumentError, OSError):
            continue
        for character in [c for c in left if c in text]:
            places.setdefault((path, line_of(text, character)), []).append(character)
            left.remove(character)
    for character in left:
        places.setdefault((root / "briefgen.toml", fonts_line), []).append(character)
    return places

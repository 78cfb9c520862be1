"""Plain text where it must be plain: identifiers, type names, keys and URLs.

One list of the characters refused there (``REFUSED``): control characters (C0, DEL
and C1, newlines and tabs among them), the line and paragraph separators, and the
bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), which
make a link or a name read other than it is. Ids and type names are already limited to
``[a-z0-9-]`` (model/records.py ``ID_PATTERN``), and settings keys to the ones briefgen
knows, so these characters reach them only to be refused; a source's ``url`` refuses
them by ``URL_CHARACTERS``. Prose, titles and quotes are not plain text: there such
characters are isolated where shown, never removed (render's business).

Whatever a diagnostic echoes goes through ``escape`` (diagnostics.py), so no input can
split a diagnostic line or forge one: a newline is written ``\\n``, an override
``\\u202e``.
"""

from __future__ import annotations

import re
import unicodedata

# (first, last) code points, inclusive.
REFUSED: tuple[tuple[int, int], ...] = (
    (0x0000, 0x001F),  # C0 controls: NUL, tab, newline, carriage return, escape…
    (0x007F, 0x009F),  # DEL and the C1 controls (U+0085 is a newline to some readers)
    (0x2028, 0x2029),  # line and paragraph separators
    (0x202A, 0x202E),  # bidi embeddings and overrides (LRE, RLE, PDF, LRO, RLO)
    (0x2066, 0x2069),  # bidi isolates (LRI, RLI, FSI, PDI)
)
# The refused characters as the inside of a regular-expression class, written as the
# characters themselves (both Python's ``re`` and pydantic's Rust engine read them).
CLASS = "".join(f"{chr(first)}-{chr(last)}" for first, last in REFUSED)
_REFUSED = re.compile(f"[{CLASS}]")
_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def refused(text: str) -> str | None:
    """The first refused character in ``text``, described, or None."""
    found = _REFUSED.search(text)
    if found is None:
        return None
    char = found.group()
    name = unicodedata.name(char, "a control character")
    return f"U+{ord(char):04X} ({name.lower()})"


def escape(text: str) -> str:
    """``text`` with every refused character written as an escape (``\\n``, ``\\u202e``)."""
    if _REFUSED.search(text) is None:
        return text
    return _REFUSED.sub(lambda m: _SHORT.get(m.group(), f"\\u{ord(m.group()):04x}"), text)

"""``[pdf] page_size``: a CSS ``size`` value WeasyPrint lays out, checked where it is written.

WeasyPrint drops a ``size`` it cannot read with a CSS warning at render time, after
``check`` has said the project is fine; so the value is checked here, against the same
grammar (css-page-3 ``size``: a named size with an optional orientation, or one or two
absolute lengths). tests/test_settings_values.py keeps ``NAMED`` equal to WeasyPrint's
``PAGE_SIZES`` and every value accepted here accepted by WeasyPrint's own validator;
WeasyPrint itself is not imported, so ``check`` does not pay for loading it.
"""

from __future__ import annotations

import difflib
import re

# css-page-3 named sizes, as WeasyPrint knows them (portrait).
NAMED = frozenset(
    [f"{series}{n}" for series in ("a", "b", "c", "jis-b") for n in range(11)]
    + ["letter", "legal", "ledger"]
)
ORIENTATIONS = ("portrait", "landscape")
# Absolute CSS units → millimetres.
UNITS_MM = {"mm": 1.0, "cm": 10.0, "q": 0.25, "in": 25.4, "pt": 25.4 / 72, "pc": 25.4 / 6}
UNITS_MM["px"] = 25.4 / 96
LENGTH = re.compile(r"^(\d+(?:\.\d+)?|\.\d+)([a-z]+)$")
# A page outside these bounds is a typo (a missing unit, "2100mm"), not a paper size.
SMALLEST_MM, LARGEST_MM = 10.0, 5000.0

EXAMPLES = '"A4", "letter", "letter landscape" or "210mm 297mm"'


def page_size_problem(value: str) -> str | None:
    """Why ``value`` is not a page size WeasyPrint lays out; None if it is one."""
    words = value.lower().split()
    if not words:
        return f"the page size is empty: use a named size or one or two lengths, e.g. {EXAMPLES}"
    lengths = [match for match in map(LENGTH.match, words) if match]
    if len(lengths) == len(words) <= 2:
        for match in lengths:
            number, unit = float(match[1]), match[2]
            if unit not in UNITS_MM:
                units = ", ".join(UNITS_MM)
                return f"'{match[0]}' is not an absolute length: use one of the units {units}"
            millimetres = number * UNITS_MM[unit]
            if not SMALLEST_MM <= millimetres <= LARGEST_MM:
                return (
                    f"'{match[0]}' is {millimetres:g} mm; a page side is between "
                    f"{SMALLEST_MM:g} mm and {LARGEST_MM:g} mm"
                )
        return None
    named = [word for word in words if word not in ORIENTATIONS]
    turned = [word for word in words if word in ORIENTATIONS]
    if len(named) == 1 and len(turned) <= 1 and named[0] in NAMED:
        return None
    if not named and len(turned) == 1:
        return None  # A4 in that orientation
    return _not_a_size(value, named)


def _not_a_size(value: str, named: list[str]) -> str:
    guess = difflib.get_close_matches("-".join(named), sorted(NAMED), n=1, cutoff=0.6)
    if not guess and named:
        guess = [word for word in named if word in NAMED][:1]
    hint = f"; did you mean '{guess[0]}'?" if guess else ""
    return (
        f"'{value}' is not a page size: use a named size (A0–A10, B0–B10, C0–C10, "
        f"JIS-B0–JIS-B10, letter, legal, ledger), optionally followed by portrait or "
        f"landscape, or one or two lengths, e.g. {EXAMPLES}{hint}"
    )

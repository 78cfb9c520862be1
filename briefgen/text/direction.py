"""Which way a language is written: a brief in Arabic, Hebrew, Persian or Urdu lays out
right to left.

From the tag's script subtag when it has one (``az-Arab``, ``ug-Cyrl``), else from its
language's usual script, as CLDR's likely-subtags data gives it for the languages
written right to left. A small table rather than a dependency: the list changes only
when Unicode adds a right-to-left script, and Babel (which has it) is not one of
briefgen's dependencies.
"""

from __future__ import annotations

# ISO 15924 scripts written right to left (CLDR's characterOrder "right-to-left").
RTL_SCRIPTS = frozenset(
    {"arab", "hebr", "syrc", "thaa", "nkoo", "adlm", "rohg", "mand", "samr", "yezi", "mend"}
)
# Languages whose likely script (CLDR likelySubtags) is one of those.
RTL_LANGUAGES = frozenset(
    {
        "ar", "arc", "azb", "bal", "bqi", "ckb", "dv", "fa", "glk", "he", "iw", "ji", "ks",
        "lrc", "mzn", "prs", "ps", "sd", "syr", "ug", "ur", "yi",
    }
)  # fmt: skip


def right_to_left(tag: str) -> bool:
    """Whether text in the BCP 47 language ``tag`` is written right to left."""
    parts = tag.lower().split("-")
    scripts = [p for p in parts[1:] if len(p) == 4 and p.isalpha()]
    if scripts:
        return scripts[0] in RTL_SCRIPTS
    return parts[0] in RTL_LANGUAGES


def direction(tag: str) -> str:
    """``"rtl"`` or ``"ltr"``: the ``dir`` of a page in ``tag``."""
    return "rtl" if right_to_left(tag) else "ltr"

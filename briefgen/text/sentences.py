"""Sentence spans: the one sentence splitter the checks use.

pysbd (the "Golden Rules" rule set for English) keeps "U.S.", "Sept. 27" and decimals
inside a sentence, which a regular expression on ". " followed by a capital does not, and
it returns character spans, so a sentence is always located in the text it came from.
It is pure Python with no dependencies, and its last release (0.3.4, 2021) still passes
the tests that pin its behaviour (tests/test_tradecraft.py, tests/test_calibration.py);
the regular-expression splitter validate/likelihood.py had besides it split "U.S. Forces"
in two, so a sentence's confidence level and likelihood term could escape each other.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

import pysbd

# "c. 2015" (circa) is not a sentence end; pysbd does not know the abbreviation, so its
# full stop becomes a one-character leader dot (spans keep indexing the text).
_CIRCA = re.compile(r"(?<![A-Za-z])c\.(?=\s+\d)")


@cache
def _segmenter() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="en", clean=False, char_span=True)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) character spans of the sentences of one paragraph of ``text``, each
    with the white space after it."""
    return list(_spans(text))


@lru_cache(maxsize=4096)
def _spans(text: str) -> tuple[tuple[int, int], ...]:
    """Memoised: several checks split the same paragraphs (a pure function of the text)."""
    return tuple(
        (span.start, span.end) for span in _segmenter().segment(_CIRCA.sub("c\u2024", text))
    )

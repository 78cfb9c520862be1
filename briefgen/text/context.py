"""A quote in its context: the whole source sentence around a fragment, split by the one
sentence splitter (``sentences.py``)."""

from __future__ import annotations

from bisect import bisect_right

from briefgen.text.sentences import sentence_spans

_CLOSING = "”’\"')]"  # closing quotes and brackets after a sentence's last mark
# A quote's context is its sentences: only this much of a paragraph on either side of
# the quote is split (a source paragraph may be a 900 kB page of extracted text).
REACH = 1500


def sentence_around(paragraph: str, quote: str) -> tuple[str, str]:
    """The text of ``quote``'s sentence(s) before and after it.

    ``quote`` is in the paragraph's own characters (validation found it there). Before
    it: from the start of the sentence it starts in. After it: up to the first sentence
    end (its . ! or ?) at or after the quote's end, so a quote that ends with its
    sentence's full stop is followed by the next sentence; to the paragraph's end from
    its last sentence. A sentence that runs on past ``REACH`` characters from the quote
    is cut there.
    """
    start = paragraph.find(quote)
    if start < 0:
        return "", ""
    end = start + len(quote)
    low, high = max(0, start - REACH), min(len(paragraph), end + REACH)
    spans = [(low + a, low + b) for a, b in sentence_spans(paragraph[low:high])]
    starts = [first for first, _ in spans]
    begin = starts[bisect_right(starts, start) - 1] if spans and starts[0] <= start else 0
    finish = high  # the paragraph's end, or as far as was split
    for first, last in spans[max(bisect_right(starts, end) - 1, 0) : -1]:
        mark = len(paragraph[first:last].rstrip().rstrip(_CLOSING)) + first - 1
        if mark >= end:
            finish = mark + 1
            break
    return paragraph[begin:start], paragraph[end:finish].rstrip()

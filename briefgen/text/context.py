"""A quote in its context: the whole source sentence around a fragment, split by the one
sentence splitter (``sentences.py``)."""

from __future__ import annotations

from bisect import bisect_right

from briefgen.text.sentences import sentence_spans

_CLOSING = "”’\"')]"  # closing quotes and brackets after a sentence's last mark


def sentence_around(paragraph: str, quote: str) -> tuple[str, str]:
    """The text of ``quote``'s sentence(s) before and after it.

    ``quote`` is in the paragraph's own characters (validation found it there). Before
    it: from the start of the sentence it starts in. After it: up to the first sentence
    end (its . ! or ?) at or after the quote's end, so a quote that ends with its
    sentence's full stop is followed by the next sentence; to the paragraph's end from
    its last sentence.
    """
    start = paragraph.find(quote)
    if start < 0:
        return "", ""
    end = start + len(quote)
    spans = sentence_spans(paragraph)
    starts = [first for first, _ in spans]
    begin = starts[bisect_right(starts, start) - 1] if spans and starts[0] <= start else 0
    finish = len(paragraph)
    for first, last in spans[max(bisect_right(starts, end) - 1, 0) : -1]:
        mark = len(paragraph[first:last].rstrip().rstrip(_CLOSING)) + first - 1
        if mark >= end:
            finish = mark + 1
            break
    return paragraph[begin:start], paragraph[end:finish].rstrip()

from briefgen.text.citations import find_citations


def test_single_multiple_and_quote_citations() -> None:
    text = "A [@one] and [@two; @three-x]\nthen [>@four]."
    found = list(find_citations(text))
    assert [(c.ids, c.quote, c.line_offset, c.malformed) for c in found] == [
        (("one",), False, 0, None),
        (("two", "three-x"), False, 0, None),
        (("four",), True, 1, None),
    ]
    assert text[found[0].start : found[0].end] == "[@one]"


def test_citation_may_wrap_across_lines() -> None:
    (citation,) = find_citations("see [@a;\n  @b].")
    assert citation.ids == ("a", "b") and citation.malformed is None


def test_malformed_citations_are_explained() -> None:
    bad = [c.malformed for c in find_citations("[@Bad_Id] [@a; b] [>@a; @b]")]
    assert bad == [
        "malformed citation '[@Bad_Id]': '@Bad_Id' is not '@note-id'",
        "malformed citation '[@a; b]': 'b' is not '@note-id'",
        "a quote citation names exactly one note: '[>@a; @b]'",
    ]


def test_plain_brackets_are_not_citations() -> None:
    assert list(find_citations("[link](https://example.org) and [x] and email@host")) == []

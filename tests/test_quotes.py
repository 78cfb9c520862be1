from briefgen.quotes import closest, find_in, locate

PARAGRAPH = "It was a “good first step,” to use the exact words of David Shear."


def test_typographic_and_straight_quotes_match_and_source_characters_are_returned() -> None:
    assert find_in('"good first step,"', PARAGRAPH) == "“good first step,”"


def test_whitespace_differences_are_ignored() -> None:
    assert find_in("the  exact\nwords", PARAGRAPH) == "the exact words"


def test_nothing_else_is_ignored() -> None:
    assert find_in("Good first step", PARAGRAPH) is None  # case
    assert find_in("good first step;", PARAGRAPH) is None  # punctuation
    assert find_in("good first-step", PARAGRAPH) is None  # hyphen vs space


def test_apostrophes_fold() -> None:
    assert find_in("Korea's nuclear", "North Korea’s nuclear and") == "Korea’s nuclear"


def test_locate_and_closest() -> None:
    paragraphs = ["Alpha beta gamma.", PARAGRAPH]
    match = locate("exact words", paragraphs)
    assert match is not None and (match.paragraph, match.text) == (2, "exact words")
    near = closest("the exakt words of", paragraphs)
    assert near is not None and near.paragraph == 2
    assert near.text == "the exact words of"

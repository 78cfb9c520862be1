"""Source records → CSL-JSON items, the input every CSL processor reads.

Only what is known goes in: a value whose status is ``unknown`` is left out (the style
then leaves the part out, or says "n.d." where it needs a word), never the word
"unknown". ``inferred`` values are used as they stand, except a date: an inferred date
goes to the processor as uncertain (CSL-JSON ``circa``), and the style prints it as one.
"""

from __future__ import annotations

import re
from typing import Any

from briefgen.model.records import Attested, SourceKind, SourceRecord, Status

# Words that make an author an office or organisation (a CSL "literal" name, printed as
# written and never inverted), not a person.
_BODY_WORDS = frozenset(
    [
        "administration",
        "agency",
        "association",
        "board",
        "bureau",
        "center",
        "centre",
        "command",
        "commission",
        "committee",
        "council",
        "department",
        "embassy",
        "foundation",
        "government",
        "group",
        "institute",
        "institution",
        "league",
        "ministry",
        "news",
        "office",
        "organisation",
        "organization",
        "party",
        "press",
        "secretariat",
        "service",
        "staff",
        "team",
        "university",
    ]
)
# Words a short title does not end on (CMOS: a short title is up to four key words).
_TRAILING = frozenset(
    [
        "a",
        "an",
        "and",
        "as",
        "at",
        "by",
        "for",
        "from",
        "in",
        "into",
        "of",
        "on",
        "or",
        "the",
        "to",
        "toward",
        "towards",
        "when",
        "where",
        "with",
    ]
)
_LEADING_ARTICLE = re.compile(r"^(?:a|an|the)\s+", re.IGNORECASE)
SHORT_TITLE_WORDS = 4
# No known title: Chicago describes the work instead, unquoted and in sentence case
# (CSL's ``genre``, which the style prints where a title would stand).
UNTITLED = {
    SourceKind.ARTICLE: "Untitled article",
    SourceKind.REPORT: "Untitled report",
    SourceKind.STATEMENT: "Untitled statement",
    SourceKind.TRANSCRIPT: "Untitled transcript",
    SourceKind.OTHER: "Untitled document",
}


def known(value: Attested) -> str | None:
    """A stated or inferred value; ``None`` when it is unknown."""
    return None if value.status is Status.UNKNOWN else value.value


def csl_name(author: str) -> dict[str, str]:
    """A person as family and given names; an office or organisation as a literal.

    "Bruce Klingner" is a person: the last word is the family name. "Family, Given"
    states the split (for names written family name first, as "Han, Min-koo").
    """
    if "," in author:
        family, _, given = author.partition(",")
        if family.strip() and given.strip():
            return {"family": family.strip(), "given": given.strip()}
    words = author.split()
    body = any(word.strip(".,").lower() in _BODY_WORDS for word in words)
    if body or len(words) < 2 or len(words) > 4:
        return {"literal": author}
    return {"family": words[-1], "given": " ".join(words[:-1])}


def short_title(title: str) -> str:
    """Chicago's short title: the main title (before a colon), at most four words,
    without a leading article or a trailing function word."""
    main = title.split(":", 1)[0].strip()
    words = _LEADING_ARTICLE.sub("", main).split()
    if len(words) <= SHORT_TITLE_WORDS:
        return " ".join(words)
    words = words[:SHORT_TITLE_WORDS]
    while len(words) > 1 and words[-1].lower().strip(",;") in _TRAILING:
        words.pop()
    return " ".join(words).rstrip(",;")


def csl_date(value: str, *, circa: bool = False) -> dict[str, Any]:
    """'2016', '2016-10' or '2016-10-20' as CSL date-parts; ``circa``: uncertain."""
    date: dict[str, Any] = {"date-parts": [[int(part) for part in value.split("-")]]}
    if circa:
        date["circa"] = True
    return date


def _type(record: SourceRecord, outlet: str | None) -> str:
    if record.kind is SourceKind.ARTICLE:
        # Chicago sets a news or magazine article as Author, "Title," *Outlet*, date; an
        # article with no known outlet is a stand-alone web article.
        return "article-newspaper" if outlet else "webpage"
    if record.kind is SourceKind.REPORT:
        return "report"
    if record.kind is SourceKind.TRANSCRIPT:
        return "interview"
    if record.kind is SourceKind.STATEMENT:
        return "speech"
    return "document"


def csl_item(source_id: str, record: SourceRecord) -> dict[str, Any]:
    """The CSL-JSON item for one source record."""
    outlet = known(record.outlet)
    title = known(record.title)
    authors = [] if record.author.status is Status.UNKNOWN else record.author.names
    date = known(record.date)
    item: dict[str, Any] = {"id": source_id, "type": _type(record, outlet)}
    if title:
        item["title"] = title
        item["title-short"] = record.short_title or short_title(title)
    else:
        item["genre"] = UNTITLED[record.kind]
    if authors:
        item["author"] = [csl_name(name) for name in authors]
    if outlet:
        item["container-title"] = outlet
    if date:
        item["issued"] = csl_date(date, circa=record.date.status is Status.INFERRED)
    if record.accessed:
        item["accessed"] = csl_date(record.accessed)
    if record.publisher:
        item["publisher"] = record.publisher
    if record.number:
        item["number"] = record.number
    if record.version:
        item["version"] = record.version
    if record.url:
        item["URL"] = record.url
    if record.language:
        item["language"] = record.language
    return item

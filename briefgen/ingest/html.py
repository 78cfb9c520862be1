"""A saved web page (.html, .htm) → the article's paragraphs, with trafilatura.

trafilatura (toolchain.md) removes the boilerplate (navigation, footers, scripts, styles)
and reads the page's metadata (``<title>``, meta tags, JSON-LD). It is always given the
page's text, never a URL, so nothing is fetched. Before it runs: the size limit
(``ingest.extract``), no DTD entity declarations (``import.entities``: an entity can
expand to anything, or name a file), and a nesting depth limit (``import.too-deep``).
"""

from __future__ import annotations

import json
import re
from importlib.metadata import version
from typing import Any

import lxml.etree
import lxml.html
import trafilatura
from trafilatura.settings import Document

from briefgen.ingest import Block, Extracted, ImportFailure, Limits, Recorded, Role
from briefgen.limits import TimeLimitExceeded, time_limit

ENTITY = re.compile(rb"<!ENTITY", re.IGNORECASE)
INVISIBLE = ("script", "style", "noscript", "template", "head")
DATELINE = re.compile(
    r"\b(?:\d{4}-\d{2}-\d{2}|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?"
    r" \d{1,2},? \d{4}|\d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* \d{4})\b"
)
BYLINE = re.compile(r"^by\s", re.IGNORECASE)
# The record's keys and trafilatura's names for them.
FIELDS = (("date", "date"), ("outlet", "sitename"), ("url", "url"))
TOP = 4  # the title, byline and dateline are among the first blocks

NO_ARTICLE = (
    "briefgen found no article text on the page (only menus, scripts or nothing); save "
    "the article itself: the browser's reader view, then Save Page As, or copy its text "
    "into a .txt file"
)


def fold(text: str) -> str:
    return " ".join(text.split())


def _refuse_entities(data: bytes) -> None:
    found = ENTITY.search(data)
    if found is not None:
        line = data.count(b"\n", 0, found.start()) + 1
        raise ImportFailure(
            "import.entities",
            "the page declares XML entities (<!ENTITY>); briefgen never expands them. "
            "Save the page again from a browser, or as text",
            line=line,
        )


def _parse(data: bytes, limits: Limits) -> lxml.html.HtmlElement:
    try:
        tree = lxml.html.document_fromstring(data)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise ImportFailure(
            "import.unreadable", f"the page cannot be read as HTML: {exc}"
        ) from None
    depth = 0
    for event, _ in lxml.etree.iterwalk(tree, events=("start", "end")):
        depth += 1 if event == "start" else -1
        if depth > limits.max_depth:
            raise ImportFailure(
                "import.too-deep",
                f"the page nests elements more than {limits.max_depth} deep; "
                "save it as text instead",
            )
    return tree


def _visible_chars(tree: lxml.html.HtmlElement) -> int:
    """Characters of the text a browser shows in <body>, whitespace runs as one."""
    body = tree.find("body")
    if body is None:
        return 0
    parts: list[str] = []
    for element in body.iter():
        if element.tag in INVISIBLE or not isinstance(element.tag, str):
            continue
        if element.text and not _hidden(element):
            parts.append(element.text)
        if element.tail and not _hidden(element.getparent()):
            parts.append(element.tail)
    return len(fold(" ".join(parts)))


def _hidden(element: lxml.html.HtmlElement | None) -> bool:
    while element is not None:
        if element.tag in INVISIBLE:
            return True
        element = element.getparent()
    return False


def _json_ld(tree: lxml.html.HtmlElement) -> list[dict[str, Any]]:
    """The JSON-LD objects of the page (a @graph's items too); a broken one is skipped."""
    found: list[dict[str, Any]] = []
    for text in tree.xpath('//script[@type="application/ld+json"]/text()'):
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):
            continue
        items = data if isinstance(data, list) else [data]
        for item in items:
            if isinstance(item, dict):
                found.append(item)
                graph = item.get("@graph")
                found += (
                    [g for g in graph if isinstance(g, dict)] if isinstance(graph, list) else []
                )
    return found


def _name(value: Any) -> str | None:
    """A JSON-LD name: a string, {"name": …}, or the first of a list of them."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name")
    return fold(value) if isinstance(value, str) and fold(value) else None


def _head(tree: lxml.html.HtmlElement) -> dict[str, Recorded]:
    """Title and author as the page records them outside its text: JSON-LD first, then
    meta tags, then <title>."""
    found: dict[str, Recorded] = {}
    for item in _json_ld(tree):
        for key, name in (("title", "headline"), ("author", "author")):
            value = _name(item.get(name))
            if value and key not in found:
                found[key] = Recorded(value, "JSON-LD")
    for key, names in (
        ("title", ("og:title", "twitter:title", "dc.title")),
        ("author", ("author", "article:author", "dc.creator")),
    ):
        for meta in tree.xpath("//meta[@content]"):
            label = (meta.get("property") or meta.get("name") or "").lower()
            value = fold(meta.get("content"))
            if label in names and value and key not in found:
                found[key] = Recorded(value, "HTML meta")
    title = fold(" ".join(tree.xpath("//head/title//text()")))
    if title and "title" not in found:
        found["title"] = Recorded(title, "HTML <title>")
    return found


def _origin(value: str, tree: lxml.html.HtmlElement) -> str | None:
    """Where in the page a metadata value stands: JSON-LD, a meta tag or <title>; None
    when only the visible text has it (then the text states it, or it was guessed)."""
    needle = fold(value).casefold()
    json_ld = tree.xpath('//script[@type="application/ld+json"]/text()')
    if any(needle in fold(text).casefold() for text in json_ld):
        return "JSON-LD"
    if any(needle in fold(text).casefold() for text in tree.xpath("//meta/@content")):
        return "HTML meta"
    if any(needle in fold(text).casefold() for text in tree.xpath("//title//text()")):
        return "HTML <title>"
    return None


def _blocks(body: lxml.etree._Element) -> list[tuple[str, str]]:
    """(tag, text) of each paragraph of trafilatura's XML body, in reading order."""
    found: list[tuple[str, str]] = []
    for element in body:
        if element.tag == "list":
            found += [("item", fold("".join(i.itertext()))) for i in element.iter("item")]
        elif element.tag == "table":
            for row in element.iter("row"):
                cells = [fold("".join(c.itertext())) for c in row.iter("cell")]
                found.append(("row", " | ".join(c for c in cells if c)))
        else:
            rend = element.get("rend", "") if element.tag == "head" else ""
            found.append((f"{element.tag}{rend}", fold("".join(element.itertext()))))
    return [(tag, text) for tag, text in found if text]


def _roles(found: list[tuple[str, str]], metadata: dict[str, Recorded]) -> list[Block]:
    """Blocks with roles: the first h1 (or the recorded title) near the top is the title,
    a "By …" line or the recorded author's name the byline, a short dated line the
    dateline ("other"), every other head a heading."""
    title = fold(metadata["title"].value).casefold() if "title" in metadata else None
    author = fold(metadata["author"].value).casefold() if "author" in metadata else None
    blocks: list[Block] = []
    seen: set[str] = set()
    for index, (tag, text) in enumerate(found):
        role: Role = "body"
        near_top = index < TOP and not any(b.role == "body" for b in blocks)
        if near_top and "title" not in seen and (tag == "headh1" or text.casefold() == title):
            role = "title"
        elif (
            near_top
            and "byline" not in seen
            and len(text) < 120
            and (BYLINE.match(text) or (author and text.casefold() == author))
        ):
            role = "byline"
        elif near_top and "other" not in seen and len(text) < 80 and DATELINE.search(text):
            role = "other"
        elif tag.startswith("head"):
            role = "heading"
        seen.add(role)
        blocks.append(Block(text, role))
    return blocks


def extract(data: bytes, limits: Limits) -> Extracted:
    """The article's paragraphs and the metadata the page records."""
    if len(data) > limits.max_bytes:
        raise ImportFailure("import.too-large", f"the page is over {limits.max_bytes} bytes")
    _refuse_entities(data)
    tree = _parse(data, limits)
    html = lxml.html.tostring(tree, encoding="unicode")  # decoded once, as lxml read it
    try:
        with time_limit(limits.seconds):
            document = trafilatura.bare_extraction(
                html,
                url=None,  # never fetch: the page is given as text
                with_metadata=True,
                include_comments=False,
                include_tables=True,
                include_images=False,
                include_links=False,
                favor_precision=True,
                deduplicate=False,
            )
    except RecursionError:
        raise ImportFailure("import.too-deep", "the page nests elements too deeply") from None
    except TimeLimitExceeded:
        raise ImportFailure(
            "import.timeout",
            f"reading the page took more than {limits.seconds:g} s of processor time",
        ) from None
    if not isinstance(document, Document) or document.body is None:
        raise ImportFailure("import.no-text", NO_ARTICLE)
    metadata = _head(tree)  # title and author exactly as recorded
    for key, name in FIELDS:
        if key in metadata:
            continue
        value = getattr(document, name, None)
        origin = _origin(value, tree) if isinstance(value, str) and fold(value) else None
        if isinstance(value, str) and origin is not None:
            metadata[key] = Recorded(fold(value), origin)
    blocks = _roles(_blocks(document.body), metadata)
    if not blocks:
        raise ImportFailure("import.no-text", NO_ARTICLE)
    return Extracted(
        blocks=blocks,
        metadata=metadata,
        original_chars=_visible_chars(tree),
        extractor=f"trafilatura {version('trafilatura')}",
    )

"""PDF/UA repairs WeasyPrint cannot make yet, applied to every PDF it writes.

One deterministic pass with pikepdf (its output depends only on its input), so the
cached PDF already holds it and rebuilds stay byte-identical. ``VERSION`` is part of
the PDF cache key: change it whenever this module's output changes.

1. Running heads and page numbers become ``/Artifact`` (``/Pagination``). WeasyPrint
   tags the page-margin boxes into structure elements it never links to the tree
   (Kozea/WeasyPrint#1836), so they are neither structure nor artifact.
2. Every ``TH`` gets ``/Scope``: ``/Column`` in a header row group, ``/Row`` when it
   starts a body row (our templates write ``scope`` exactly so; Kozea/WeasyPrint#2508).
3. An ``/IDTree`` resolves the ``/ID`` of every element (table cells point at header
   ids through ``/Headers``; ISO 32000-1 requires the tree once any element has an ID).
4. A link annotation's ``/Contents`` is the link's accessible name in the HTML
   (``aria-label`` or its text), not the fragment id WeasyPrint puts there.
5. For PDF/A-3b, the PDF/UA identification joins the single XMP packet (``standard``).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

import pikepdf

from briefgen.render.pdfspec import REPAIR_VERSION

VERSION = REPAIR_VERSION  # part of the PDF cache key (render/cache.py)
PAGINATION = pikepdf.Dictionary(Type=pikepdf.Name.Pagination)
MARKED = re.compile(rb"/[A-Za-z]+\s*<<\s*/MCID\s+(\d+)\s*>>\s*BDC")
# [pdf] standard → WeasyPrint's pdf_variant; the page names it in <meta name="pdf-standard">.
STANDARDS = {"ua-1": "pdf/ua-1", "a-3b+ua-1": "pdf/a-3b"}
# PDF/UA identification for a PDF/A file's XMP, with the extension schema PDF/A-2/3
# require for a namespace outside their predefined ones (pdfuaid is one).
UA_XMP = """<rdf:Description rdf:about="" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">\
<pdfuaid:part>1</pdfuaid:part></rdf:Description>
<rdf:Description rdf:about="" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/" \
xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" \
xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>
<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">
<pdfaProperty:name>part</pdfaProperty:name>
<pdfaProperty:valueType>Integer</pdfaProperty:valueType>
<pdfaProperty:category>internal</pdfaProperty:category>
<pdfaProperty:description>Indicates which part of ISO 14289 is followed</pdfaProperty:description>
</rdf:li></rdf:Seq></pdfaSchema:property>
</rdf:li></rdf:Bag></pdfaExtension:schemas></rdf:Description>
"""


def standard_of(page: Any) -> str:
    """The ``[pdf] standard`` a page asks for (``<meta name="pdf-standard">``), else ua-1."""
    for meta in page.iter():
        if not str(meta.tag).endswith("meta") or meta.get("name") != "pdf-standard":
            continue
        if meta.get("content") in STANDARDS:
            return str(meta.get("content"))
    return "ua-1"


def repair(data: bytes, html_text: str, *, ua_in_xmp: bool = False) -> bytes:
    """``data`` (a tagged PDF WeasyPrint wrote from ``html_text``) with the repairs above."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        root = pdf.Root.StructTreeRoot
        elements = list(_elements(root))
        _artifact_margins(pdf, root, {e.objgen for e in elements if e.is_indirect})
        for element in elements:
            if element.get("/S") == pikepdf.Name.TH:
                _scope(element)
        _id_tree(pdf, root, elements)
        _link_contents(elements, links(html_text))
        if ua_in_xmp:
            _declare_ua(pdf)
        out = io.BytesIO()
        # Deterministic: the file /ID is derived from the content, not from the clock.
        pdf.save(out, deterministic_id=True)
    return out.getvalue()


def _declare_ua(pdf: pikepdf.Pdf) -> None:
    """Add the PDF/UA identification to the one XMP packet WeasyPrint wrote.

    Not WeasyPrint's ``xmp_metadata`` (it appends a second ``rdf:RDF``, which readers
    ignore) and not pikepdf's metadata editor (it cannot declare the extension schema).
    """
    stream = pdf.Root.Metadata
    xmp = stream.read_bytes().decode("utf-8")
    if xmp.count("</rdf:RDF>") != 1:
        raise RuntimeError("expected one rdf:RDF in WeasyPrint's XMP packet")
    stream.write(xmp.replace("</rdf:RDF>", UA_XMP + "</rdf:RDF>").encode("utf-8"))


def _elements(root: pikepdf.Object) -> Iterator[pikepdf.Dictionary]:
    """Every structure element reachable from the root, in tree order."""
    stack = [root.get("/K")]
    seen: set[tuple[int, int]] = set()
    while stack:
        kid = stack.pop()
        if isinstance(kid, pikepdf.Array):
            stack.extend(reversed(list(kid)))
        elif isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            if kid.is_indirect:
                if kid.objgen in seen:
                    continue
                seen.add(kid.objgen)
            yield kid
            if "/K" in kid:
                stack.append(kid.K)


def _parent_tree(root: pikepdf.Object) -> dict[int, pikepdf.Object]:
    """The flat ``/Nums`` of the parent tree (WeasyPrint writes one node), by key."""
    nums = root.ParentTree.Nums
    return {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}


def _artifact_margins(
    pdf: pikepdf.Pdf, root: pikepdf.Object, reachable: set[tuple[int, int]]
) -> None:
    tree = _parent_tree(root)
    for page in pdf.pages:
        key = page.obj.get("/StructParents")
        if key is None or int(key) not in tree:
            continue
        entries = tree[int(key)]
        orphans = {
            mcid
            for mcid, element in enumerate(entries)
            if isinstance(element, pikepdf.Dictionary) and element.objgen not in reachable
        }
        if not orphans:
            continue
        for mcid in orphans:
            entries[mcid] = None
        if not _artifact_by_bytes(pdf, page, orphans):
            _artifact_by_parsing(pdf, page, orphans)


def _artifact_by_bytes(pdf: pikepdf.Pdf, page: pikepdf.Page, orphans: set[int]) -> bool:
    """Rewrite the orphans' ``BDC`` in the raw stream: fast, used when it is unambiguous.

    Parsing a page's content costs about 0.1 s; WeasyPrint writes each marked-content
    opening as ``/Tag <</MCID n>> BDC`` and its text as hex strings, so a byte match is
    exact. It is accepted only if every orphan matched exactly once.
    """
    contents = page.obj.get("/Contents")
    if not isinstance(contents, pikepdf.Stream):
        return False
    counts = dict.fromkeys(orphans, 0)

    def artifact(match: re.Match[bytes]) -> bytes:
        mcid = int(match.group(1))
        if mcid not in counts:
            return match.group(0)
        counts[mcid] += 1
        return b"/Artifact <</Type /Pagination>> BDC"

    rewritten = MARKED.sub(artifact, contents.read_bytes())
    if any(count != 1 for count in counts.values()):
        return False
    page.obj.Contents = pdf.make_stream(rewritten)
    return True


def _artifact_by_parsing(pdf: pikepdf.Pdf, page: pikepdf.Page, orphans: set[int]) -> None:
    instructions: list[pikepdf.ContentStreamInstruction | pikepdf.ContentStreamInlineImage] = []
    for instruction in pikepdf.parse_content_stream(page):
        if (
            isinstance(instruction, pikepdf.ContentStreamInstruction)
            and str(instruction.operator) == "BDC"
            and _mcid(list(instruction.operands)) in orphans
        ):
            artifact = [pikepdf.Name.Artifact, PAGINATION]
            instruction = pikepdf.ContentStreamInstruction(artifact, instruction.operator)
        instructions.append(instruction)
    page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(instructions))


def _mcid(operands: list[pikepdf.Object]) -> int | None:
    if len(operands) == 2 and isinstance(operands[1], pikepdf.Dictionary):
        mcid = operands[1].get("/MCID")
        return None if mcid is None else int(mcid)
    return None


def _scope(th: pikepdf.Dictionary) -> None:
    row = th.get("/P")
    group = row.get("/P") if isinstance(row, pikepdf.Dictionary) else None
    in_head = isinstance(group, pikepdf.Dictionary) and group.get("/S") == pikepdf.Name.THead
    first = isinstance(row, pikepdf.Dictionary) and _first_kid(row) == th.objgen
    scope = pikepdf.Name.Row if first and not in_head else pikepdf.Name.Column
    table_attributes = pikepdf.Dictionary(O=pikepdf.Name.Table, Scope=scope)
    existing = th.get("/A")
    if existing is None:
        th.A = table_attributes
        return
    attributes = list(existing) if isinstance(existing, pikepdf.Array) else [existing]
    for attribute in attributes:
        if isinstance(attribute, pikepdf.Dictionary) and attribute.get("/O") == pikepdf.Name.Table:
            attribute.Scope = scope
            return
    th.A = pikepdf.Array([*attributes, table_attributes])


def _first_kid(element: pikepdf.Dictionary) -> tuple[int, int] | None:
    kids = element.get("/K")
    kid = kids[0] if isinstance(kids, pikepdf.Array) and len(kids) else kids
    return kid.objgen if isinstance(kid, pikepdf.Dictionary) and kid.is_indirect else None


def _id_tree(pdf: pikepdf.Pdf, root: pikepdf.Object, elements: list[pikepdf.Dictionary]) -> None:
    ids: dict[bytes, pikepdf.Object] = {}
    for element in elements:
        value = element.get("/ID")
        if isinstance(value, pikepdf.String):
            ids.setdefault(bytes(value), element)
    if ids:
        names: list[pikepdf.Object] = []
        for key in sorted(ids):  # a name tree's keys are sorted bytewise
            names += [pikepdf.String(key), ids[key]]
        root.IDTree = pdf.make_indirect(pikepdf.Dictionary(Names=pikepdf.Array(names)))


def _link_contents(elements: list[pikepdf.Dictionary], links: list[tuple[str, str]]) -> None:
    """Name each link annotation after its ``<a>``: Link elements follow document order.

    Walks the Link elements in tree order beside the page's links, matching each to the
    next ``<a>`` with the same target; links that are not laid out (hidden in print) are
    passed over. The fragment id stays where no ``<a>`` matches.
    """
    position = 0
    for element in elements:
        if element.get("/S") != pikepdf.Name.Link:
            continue
        annotations = [kid.Obj for kid in _kids(element) if kid.get("/Type") == pikepdf.Name.OBJR]
        target = _target(annotations[0]) if annotations else None
        if position and links[position - 1][0] == target:
            match: int | None = position - 1  # one <a> laid out as several Link elements
        else:
            match = next((i for i in range(position, len(links)) if links[i][0] == target), None)
        if match is None or not links[match][1]:
            continue
        position = match + 1
        for annotation in annotations:
            annotation.Contents = pikepdf.String(links[match][1])


def _kids(element: pikepdf.Dictionary) -> list[pikepdf.Dictionary]:
    kids = element.get("/K")
    items = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
    return [kid for kid in items if isinstance(kid, pikepdf.Dictionary)]


def _target(annotation: pikepdf.Object) -> str | None:
    """The ``href`` an annotation came from: ``#fragment`` or the URI."""
    destination = annotation.get("/Dest")
    if isinstance(destination, pikepdf.String | pikepdf.Name):
        return "#" + str(destination).lstrip("/")
    action = annotation.get("/A")
    if isinstance(action, pikepdf.Dictionary) and "/URI" in action:
        return str(action.URI)
    return None


class _Links(HTMLParser):
    """Every link's target and accessible name (``aria-label``, else its text), in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []
        self._open: list[tuple[int, str | None, list[str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            attributes = dict(attrs)
            href = attributes.get("href")
            if href:
                self.links.append((href, ""))
                self._open.append((len(self.links) - 1, attributes.get("aria-label"), []))

    def handle_data(self, data: str) -> None:
        for _, _, text in self._open:
            text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._open:
            index, label, text = self._open.pop()
            self.links[index] = (self.links[index][0], " ".join((label or "".join(text)).split()))


def links(html_text: str) -> list[tuple[str, str]]:
    """(href, accessible name) of every link in ``html_text``, in document order."""
    parser = _Links()
    parser.feed(html_text)
    parser.close()
    return parser.links

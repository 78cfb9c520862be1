"""PDF/UA structure checks pdfua does not make (or crashes on), with pikepdf.

``findings(path)`` lists every breach; an accessible PDF gives ``[]``:
- every marked-content sequence with an MCID is reached from the structure tree (the
  rest of the page content is ``/Artifact``);
- every ``TH`` has ``/Scope``; an ``/IDTree`` resolves every element ``/ID`` and every
  ``/Headers`` reference;
- no ``Table`` without a ``TH`` (a layout table tagged as data);
- every link annotation's ``/Contents`` is a name, not the fragment id it points to;
- every ``Figure`` has ``/Alt``; no heading is empty (pdfua's rule for that crashes).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pikepdf

HEADINGS = {f"/H{n}" for n in range(1, 7)} | {"/H"}


def _walk(kid: object, seen: set[tuple[int, int]]) -> Iterator[pikepdf.Dictionary]:
    if isinstance(kid, pikepdf.Array):
        for item in kid:
            yield from _walk(item, seen)
    elif isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
        if kid.is_indirect:
            if kid.objgen in seen:
                return
            seen.add(kid.objgen)
        yield kid
        yield from _walk(kid.get("/K"), seen)


def _marked(kid: object, page: tuple[int, int] | None) -> Iterator[tuple[tuple[int, int], int]]:
    """(page, MCID) of every piece of content directly under a structure element."""
    if isinstance(kid, int | pikepdf.Object) and not isinstance(
        kid, pikepdf.Dictionary | pikepdf.Array
    ):
        if page is not None:
            yield page, int(kid)
    elif isinstance(kid, pikepdf.Array):
        for item in kid:
            yield from _marked(item, page)
    elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == pikepdf.Name.MCR:
        yield kid.Pg.objgen, int(kid.MCID)


def _content_mcids(page: pikepdf.Page) -> Iterator[int]:
    for instruction in pikepdf.parse_content_stream(page):
        if isinstance(instruction, pikepdf.ContentStreamInstruction):
            operands = list(instruction.operands)
            if str(instruction.operator) == "BDC" and len(operands) == 2:
                properties = operands[1]
                if isinstance(properties, pikepdf.Dictionary) and "/MCID" in properties:
                    yield int(properties.MCID)


def _has_content(element: pikepdf.Dictionary) -> bool:
    if "/ActualText" in element or "/Alt" in element:
        return True
    kids = element.get("/K")
    items = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
    for kid in items:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            if _has_content(kid):
                return True
        elif kid is not None:
            return True
    return False


def _scope(th: pikepdf.Dictionary) -> object:
    attributes = th.get("/A")
    items = list(attributes) if isinstance(attributes, pikepdf.Array) else [attributes]
    for item in items:
        if isinstance(item, pikepdf.Dictionary) and "/Scope" in item:
            return item.Scope
    return None


def findings(path: Path) -> list[str]:
    """Every structure breach in the PDF at ``path`` (see the module docstring)."""
    found: list[str] = []
    name = path.name
    with pikepdf.open(path) as pdf:
        root = pdf.Root.get("/StructTreeRoot")
        if root is None:
            return [f"{name}: not tagged (no /StructTreeRoot)"]
        elements = list(_walk(root.get("/K"), set()))
        in_tree: set[tuple[tuple[int, int], int]] = set()
        for element in elements:
            page = element.Pg.objgen if "/Pg" in element else None
            in_tree.update(_marked(element.get("/K"), page))
        for number, page in enumerate(pdf.pages, 1):
            stray = sorted(m for m in _content_mcids(page) if (page.obj.objgen, m) not in in_tree)
            if stray:
                found.append(
                    f"{name}: p.{number}: content neither in the tree nor artifact: {stray}"
                )
        ids: dict[bytes, pikepdf.Object] = {}
        for element in elements:
            if isinstance(element.get("/ID"), pikepdf.String):
                ids[bytes(element.ID)] = element
        id_tree = root.get("/IDTree")
        resolved: dict[bytes, tuple[int, int]] = {}
        if id_tree is not None:
            for leaf in [id_tree, *id_tree.get("/Kids", [])]:
                names = leaf.get("/Names", [])
                for i in range(0, len(names), 2):
                    resolved[bytes(names[i])] = names[i + 1].objgen
        if ids and id_tree is None:
            found.append(f"{name}: {len(ids)} element /ID(s) but no /IDTree")
        elif ids:
            missing = sorted(k.decode() for k in ids if resolved.get(k) != ids[k].objgen)
            if missing:
                found.append(f"{name}: /IDTree does not resolve {missing[:5]}")
        for element in elements:
            role = str(element.S)
            if role == "/TH" and _scope(element) is None:
                found.append(f"{name}: a TH has no /Scope")
            if role == "/TD":
                attributes = element.get("/A")
                items = list(attributes) if isinstance(attributes, pikepdf.Array) else [attributes]
                for item in items:
                    for ref in (
                        item.get("/Headers", []) if isinstance(item, pikepdf.Dictionary) else []
                    ):
                        if bytes(ref) not in resolved:
                            found.append(f"{name}: a TD's /Headers names unknown id {bytes(ref)!r}")
            if role == "/Table" and not any(
                str(e.S) == "/TH" for e in _walk(element.get("/K"), set())
            ):
                found.append(f"{name}: a Table without TH (a layout table tagged as data)")
            if role == "/Figure" and not str(element.get("/Alt", "")).strip():
                found.append(f"{name}: a Figure without /Alt")
            if role in HEADINGS and not _has_content(element):
                found.append(f"{name}: an empty {role[1:]}")
        for number, page in enumerate(pdf.pages, 1):
            for annotation in page.obj.get("/Annots", []):
                if annotation.get("/Subtype") != pikepdf.Name.Link:
                    continue
                contents = str(annotation.get("/Contents", "")).strip()
                destination = annotation.get("/Dest")
                if not contents or (destination is not None and contents == str(destination)):
                    found.append(f"{name}: p.{number}: link /Contents {contents!r} is no name")
    return found

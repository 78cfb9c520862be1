"""``briefgen source verify ID``: extract a source's original again and compare.

The ``.txt`` of an imported source is what its extractor made of ``<id>.orig.<ext>``.
Verifying re-runs the current extractor on the original (whose SHA-256 the record
pins) and compares paragraph by paragraph: an edited ``.txt``, a changed original or an
extractor that now reads the file differently all show as a unified diff.
"""

from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass
from pathlib import Path

from briefgen.diagnostics import Diagnostics
from briefgen.ingest import ImportFailure, Limits, extract
from briefgen.load.project import load_project
from briefgen.load.readers import linked_part
from briefgen.sources.add import SOURCES, read_user_file
from briefgen.sources.record import source_text


@dataclass
class Verified:
    diagnostics: Diagnostics
    diff: str = ""  # a unified diff of paragraphs: the .txt → a fresh extraction
    pinned: str = ""  # the extractor the record names
    current: str = ""  # the extractor that ran now
    paragraphs: int = 0

    @property
    def same(self) -> bool:
        return not self.diff and not self.diagnostics.errors


def verify_source(root: Path, source_id: str, limits: Limits | None = None) -> Verified:
    """Compare source ``source_id``'s text with a fresh extraction of its original."""
    diagnostics = Diagnostics(root)
    verified = Verified(diagnostics)
    project, _ = load_project(root, diagnostics)
    if project is None:
        return verified
    source = project.sources.get(source_id)
    if source is None:
        diagnostics.error(root / SOURCES, 0, "source.unknown", f"there is no source '{source_id}'")
        return verified
    original = source.record.original
    path, line = source.origin.path, source.origin.line()
    if original is None:
        diagnostics.error(
            path, line, "source.no-original", "this source has no 'original:' to verify against"
        )
        return verified
    line = source.origin.line("original")
    copy = root / SOURCES / original.file
    if linked_part(copy, root) is not None:
        diagnostics.error(copy, 0, "content.symlink", "is a symbolic link; never read")
        return verified
    verified.pinned = original.extractor
    try:
        data = read_user_file(copy, limits or Limits())
        if hashlib.sha256(data).hexdigest() != original.sha256:
            diagnostics.error(
                path,
                source.origin.line("original", "sha256"),
                "source.original-changed",
                f"'{original.file}' no longer has the sha256 this record pins",
            )
            return verified
        extracted = extract("." + original.file.rsplit(".", 1)[1], data, limits or Limits())
    except ImportFailure as failure:
        code = "source.no-original" if failure.code == "import.not-a-file" else failure.code
        diagnostics.error(copy, failure.line or 0, code, failure.message)
        return verified
    verified.current = extracted.extractor
    fresh = source_text(extracted.blocks).splitlines()
    kept = source.text.splitlines()
    verified.paragraphs = len(kept)
    verified.diff = "".join(
        f"{row}\n"
        for row in difflib.unified_diff(
            kept,
            fresh,
            f"{source_id}.txt",
            f"{original.file} ({extracted.extractor})",
            lineterm="",
        )
    )
    if verified.diff:
        diagnostics.error(
            path,
            line,
            "source.extraction-differs",
            f"'{source.record.text}' is not what {extracted.extractor} extracts from "
            f"'{original.file}' (the diff above)",
        )
    return verified

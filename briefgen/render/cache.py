"""What a build can skip: the content-addressed PDF cache and the project fingerprint.

A brief's PDF is a pure function of its HTML (which embeds the content, templates,
stylesheet and fonts it uses) and of the renderer: its cache key hashes exactly
those. Editing a note changes the HTML of the briefs that cite it, and only theirs.
A whole-project fingerprint lets a build with nothing to do stop before parsing
anything, let alone importing WeasyPrint.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from briefgen import __version__
from briefgen.render.pdfspec import PDF_VARIANT, REPAIR_VERSION, Pdf, pdf_css
from briefgen.render.toolchain import toolchain_versions
from briefgen.write.cache_folder import CACHE_DIR, keep_only, put_files


def renderer_stamp(versions: Sequence[tuple[str, str]] | None = None) -> str:
    """Everything besides the HTML that shapes a PDF (``versions``: this process's toolchain)."""
    toolchain = toolchain_versions() if versions is None else versions
    described = "; ".join(f"{name} {version}" for name, version in toolchain)
    # The PDF-only stylesheet and the PDF/UA repair pass shape the PDF beside the HTML.
    stylesheet = hashlib.sha256(pdf_css().encode()).hexdigest()[:16]
    return (
        f"briefgen {__version__}; {described}; {PDF_VARIANT}; "
        f"pdf.css {stylesheet}; {REPAIR_VERSION}"
    )


def pdf_key(html_text: str, stamp: str | None = None, *, fonts: str = "") -> str:
    """The cache key of the PDF of ``html_text`` rendered by ``stamp`` (default: this one)
    with the font set ``fonts`` (its digest: the fonts the project declares)."""
    digest = hashlib.sha256((renderer_stamp() if stamp is None else stamp).encode())
    digest.update(f"\nfonts {fonts}\n".encode())
    digest.update(html_text.encode("utf-8"))
    return digest.hexdigest()


def _tree_files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file())


def project_fingerprint(root: Path, selection: str) -> str:
    """A hash of every input of the build: content, templates, settings, package, options."""
    digest = hashlib.sha256(f"{renderer_stamp()}\n{selection}\n".encode())
    package = Path(str(resources.files("briefgen")))
    inputs = [root / "briefgen.toml"]
    inputs += _tree_files(root / "content") + _tree_files(root / "templates")
    inputs += [p for p in _tree_files(package) if "__pycache__" not in p.parts]
    for path in inputs:
        name = path.relative_to(package if path.is_relative_to(package) else root)
        digest.update(f"{name}\n".encode())
        digest.update(path.read_bytes() if path.is_file() else b"<missing>")
    return digest.hexdigest()


__all__ = ["CACHE_DIR", "PdfCache", "pdf_key", "project_fingerprint", "renderer_stamp"]


class PdfCache:
    """Rendered PDFs by key, kept across builds (also failed ones)."""

    def __init__(self, root: Path) -> None:
        self.directory = root / CACHE_DIR

    def _path(self, key: str) -> Path:
        return self.directory / f"{key}.pdf"

    def get(self, key: str) -> Pdf | None:
        """The entry's PDF, as the renderer made it; None if absent or damaged in any way."""
        path, meta = self._path(key), self.directory / f"{key}.json"
        try:
            data = path.read_bytes()
            info = json.loads(meta.read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError):  # missing, unreadable, not JSON
            return None
        if not isinstance(info, dict):
            return None
        pages, sha256 = info.get("pages"), info.get("sha256")
        body, summary = info.get("body_pages"), info.get("summary_pages")
        if type(pages) is not int or pages < 1 or sha256 != hashlib.sha256(data).hexdigest():
            return None  # a damaged entry is re-rendered, never trusted
        if type(body) is not int or not 1 <= body <= pages:
            return None
        if summary is not None and (type(summary) not in (int, float) or not 0 <= summary <= pages):
            return None
        return Pdf(data, pages, body, summary)

    def put(self, key: str, pdf: Pdf) -> None:
        info = {
            "pages": pdf.pages,
            "body_pages": pdf.body_pages,
            "summary_pages": pdf.summary_pages,
            "sha256": hashlib.sha256(pdf.data).hexdigest(),
        }
        put_files(
            self.directory, [(f"{key}.pdf", pdf.data), (f"{key}.json", json.dumps(info).encode())]
        )

    def keep_only(self, keys: set[str]) -> None:
        """Drop entries no current brief uses (with the project lock held, so no other
        build can be using them)."""
        keep_only(self.directory, keys)

"""What a build can skip: content-addressed PDF cache and the output manifest.

A brief's PDF is a pure function of its HTML (which embeds the content, templates,
stylesheet and fonts it uses) and of the renderer: its cache key hashes exactly
those. Editing a note changes the HTML of the briefs that cite it, and only theirs.
A whole-project fingerprint lets a build with nothing to do stop before parsing
anything, let alone importing WeasyPrint.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from briefgen import __version__
from briefgen.render import PDF_VARIANT
from briefgen.toolchain import toolchain_versions

CACHE_DIR = ".briefgen-cache"
MANIFEST = "manifest.json"


def renderer_stamp(versions: Sequence[tuple[str, str]] | None = None) -> str:
    """Everything besides the HTML that shapes a PDF (``versions``: this process's toolchain)."""
    toolchain = toolchain_versions() if versions is None else versions
    described = "; ".join(f"{name} {version}" for name, version in toolchain)
    return f"briefgen {__version__}; {described}; {PDF_VARIANT}"


def pdf_key(html_text: str, stamp: str | None = None) -> str:
    """The cache key of the PDF of ``html_text`` rendered by ``stamp`` (default: this one)."""
    digest = hashlib.sha256((renderer_stamp() if stamp is None else stamp).encode())
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


class PdfCache:
    """Rendered PDFs by key, kept across builds (also failed ones)."""

    def __init__(self, root: Path) -> None:
        self.directory = root / CACHE_DIR

    def _path(self, key: str) -> Path:
        return self.directory / f"{key}.pdf"

    def get(self, key: str) -> tuple[bytes, int] | None:
        path, meta = self._path(key), self.directory / f"{key}.json"
        if not (path.is_file() and meta.is_file()):
            return None
        data = path.read_bytes()
        info = json.loads(meta.read_text(encoding="utf-8"))
        if info.get("sha256") != hashlib.sha256(data).hexdigest():
            return None  # a damaged entry is re-rendered, never trusted
        return data, int(info["pages"])

    def put(self, key: str, data: bytes, pages: int) -> None:
        if self.directory.is_symlink():
            raise OSError(f"refusing to write through symlink {self.directory}")
        self.directory.mkdir(exist_ok=True)
        info = {"pages": pages, "sha256": hashlib.sha256(data).hexdigest()}
        for suffix, payload in ((".pdf", data), (".json", json.dumps(info).encode())):
            handle, temporary = tempfile.mkstemp(dir=self.directory, prefix=".tmp-")
            with os.fdopen(handle, "wb") as file:
                file.write(payload)
            os.replace(temporary, self.directory / f"{key}{suffix}")

    def keep_only(self, keys: set[str]) -> None:
        """Drop entries no current brief uses."""
        if not self.directory.is_dir():
            return
        for path in self.directory.iterdir():
            if path.stem not in keys:
                path.unlink() if path.is_file() else shutil.rmtree(path)


@dataclass(frozen=True)
class Entry:
    brief: str
    sha256: str
    size: int
    pages: int | None
    inputs: str


def read_manifest(output: Path) -> tuple[str | None, dict[str, Entry]]:
    """The previous build's project fingerprint and file entries (empty if none)."""
    try:
        data: dict[str, Any] = json.loads((output / MANIFEST).read_text(encoding="utf-8"))
        files = {name: Entry(**entry) for name, entry in data["files"].items()}
        return data.get("project"), files
    except (OSError, ValueError, KeyError, TypeError):
        return None, {}


def manifest_bytes(project: str | None, files: dict[str, Entry]) -> bytes:
    data = {
        "briefgen": __version__,
        "project": project,
        "files": {name: vars(files[name]) for name in sorted(files)},
    }
    return (json.dumps(data, indent=2, sort_keys=True) + "\n").encode("utf-8")


def up_to_date(output: Path, fingerprint: str) -> bool:
    """Whether output/ already holds the build of exactly these inputs, intact."""
    project, files = read_manifest(output)
    if project != fingerprint or not files:
        return False
    for name, entry in files.items():
        path = output / name
        if not path.is_file() or path.stat().st_size != entry.size:
            return False
    return True

"""The output manifest: what each file in output/ is, and the fingerprint of the build
that wrote it, so a build with nothing to do can stop before parsing anything."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from briefgen import __version__

MANIFEST = "manifest.json"


@dataclass(frozen=True)
class Entry:
    brief: str
    sha256: str
    size: int
    pages: int | None
    inputs: str


ENTRY_FIELDS = frozenset(Entry.__dataclass_fields__)


def _entry(raw: object) -> Entry:
    """One manifest entry, exactly the shape ``manifest_bytes`` writes; else ValueError."""
    if not isinstance(raw, dict) or set(raw) != ENTRY_FIELDS:
        raise ValueError("not a manifest entry")
    entry = Entry(**raw)
    pages_ok = entry.pages is None or (type(entry.pages) is int and entry.pages > 0)
    texts = (entry.brief, entry.sha256, entry.inputs)
    if not (all(isinstance(t, str) for t in texts) and type(entry.size) is int and pages_ok):
        raise ValueError("not a manifest entry")
    return entry


def read_manifest(output: Path) -> tuple[str | None, dict[str, Entry]]:
    """The previous build's project fingerprint and file entries.

    A missing or damaged manifest (not JSON, too deeply nested, wrong shapes) reads
    as no manifest at all: the next build simply rebuilds.
    """
    try:
        data = json.loads((output / MANIFEST).read_text(encoding="utf-8"))
        if not isinstance(data, dict) or not isinstance(data.get("files"), dict):
            raise ValueError("not a manifest")
        project = data.get("project")
        if project is not None and not isinstance(project, str):
            raise ValueError("not a manifest")
        files = {str(name): _entry(raw) for name, raw in data["files"].items()}
    except (OSError, ValueError, RecursionError):
        return None, {}
    return project, files


def manifest_bytes(project: str | None, files: dict[str, Entry]) -> bytes:
    data = {
        "briefgen": __version__,
        "project": project,
        "files": {name: vars(files[name]) for name in sorted(files)},
    }
    return (json.dumps(data, indent=2, sort_keys=True) + "\n").encode("utf-8")


def up_to_date(output: Path, fingerprint: str) -> bool:
    """Whether output/ holds exactly the build of these inputs: the files its manifest
    lists, no others, each hashing as the manifest says."""
    project, files = read_manifest(output)
    if project != fingerprint or not files:
        return False
    listed = sorted(p.relative_to(output).as_posix() for p in output.rglob("*") if not p.is_dir())
    if listed != sorted([*files, MANIFEST]):
        return False
    for name, entry in files.items():
        path = output / name
        if path.is_symlink() or not path.is_file():
            return False
        if hashlib.sha256(path.read_bytes()).hexdigest() != entry.sha256:
            return False
    return True

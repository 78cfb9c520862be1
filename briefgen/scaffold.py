"""``briefgen init``: a new project that builds at once, from files shipped in the package.

The project is its settings (every key, set or commented out with its default), a
``.gitignore`` and ``.gitattributes``, and a small example: one public-domain source,
two notes and a one-pager, all of them marked as an example. The example builds; while it
remains, ``project.example-content`` warns (validate/example.py), so ``--strict`` fails.

Existing files are never overwritten and nothing is written through a symbolic link.
Every file is staged in a temporary folder inside the project, then linked into place
(a rename that refuses to replace); on any failure, everything made is removed.
"""

from __future__ import annotations

import datetime
import json
import os
from contextlib import suppress
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from briefgen.validate.example import EXAMPLE_BRIEF, EXAMPLE_SOURCE
from briefgen.write.confined import write_error
from briefgen.write.project_files import write_files

# (path in the project, file in briefgen/assets/init/), in the order they are reported.
FILES: tuple[tuple[str, str], ...] = (
    ("briefgen.toml", "briefgen.toml"),
    (".gitignore", "gitignore"),
    (".gitattributes", "gitattributes"),
    (f"content/sources/{EXAMPLE_SOURCE}.txt", f"{EXAMPLE_SOURCE}.txt"),
    (f"content/sources/{EXAMPLE_SOURCE}.yaml", f"{EXAMPLE_SOURCE}.yaml"),
    ("content/notes/example.yaml", "example-notes.yaml"),
    (f"content/briefs/{EXAMPLE_BRIEF}.md", f"{EXAMPLE_BRIEF}.md"),
)
EXAMPLE_FILES = tuple(path for path, _ in FILES if path.startswith("content/"))
STAGE_PREFIX = ".briefgen-init-"


class InitRefused(Exception):
    """The folder can't be set up as asked; nothing was written."""


@dataclass
class InitResult:
    root: Path
    written: list[str] = field(default_factory=list)  # project-relative, as in FILES
    kept: list[str] = field(default_factory=list)  # existed already: left as they were


def template(name: str) -> str:
    """A file of ``briefgen/assets/init/``."""
    return (resources.files("briefgen") / "assets" / "init" / name).read_text("utf-8")


def project_texts(root: Path, today: datetime.date) -> dict[str, str]:
    """Every file of a new project at ``root``: its path in the project → its text."""
    title = json.dumps(root.resolve().name or "My briefs", ensure_ascii=False)
    texts = {path: template(name) for path, name in FILES}
    texts["briefgen.toml"] = texts["briefgen.toml"].replace("@TITLE@", title)
    brief = f"content/briefs/{EXAMPLE_BRIEF}.md"
    texts[brief] = texts[brief].replace("@TODAY@", today.isoformat())
    return texts


def init_project(
    root: Path, *, force: bool = False, today: datetime.date | None = None
) -> InitResult:
    """Write a new project into ``root`` (made if missing): all of it, or nothing."""
    if root.is_symlink():
        raise InitRefused(f"{root} is a symbolic link; briefgen never writes through one")
    if root.exists() and not root.is_dir():
        raise InitRefused(f"{root} exists and is not a folder")
    present = sorted(p.name for p in root.iterdir()) if root.exists() else []
    if present and not force:
        shown = ", ".join(present[:5]) + (", …" if len(present) > 5 else "")
        raise InitRefused(
            f"{root} is not empty ({shown}); choose an empty folder, or add --force to add "
            "the files that are missing (existing files are never overwritten)"
        )
    texts = project_texts(root, today or datetime.date.today())
    result = InitResult(root)
    for name in texts:
        _refuse_links(root, name)
        (result.kept if os.path.lexists(root / name) else result.written).append(name)
    if result.written:
        _place(root, {name: texts[name] for name in result.written})
    return result


def _refuse_links(root: Path, name: str) -> None:
    """No folder between ``root`` and the file may be a link (the file itself, if it
    exists, is kept whatever it is)."""
    folder = root
    for part in Path(name).parent.parts:
        folder = folder / part
        if folder.is_symlink():
            raise InitRefused(
                f"{folder} is a symbolic link; briefgen never writes through one "
                "(nothing was written)"
            )
        if folder.exists() and not folder.is_dir():
            raise InitRefused(f"{folder} exists and is not a folder (nothing was written)")


def _place(root: Path, texts: dict[str, str]) -> None:
    """Write every file with the project's one writer (all or nothing, never through a
    link, never over an existing file); a folder made for them is removed on failure."""
    made_root = not root.exists()
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise write_error(exc, root) from exc
    try:
        write_files(root, {Path(name): text for name, text in texts.items()}, new=True)
    except BaseException:
        if made_root:
            with suppress(OSError):
                root.rmdir()
        raise

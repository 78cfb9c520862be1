"""The template sandbox: what an untrusted project template can reach, read and spend.

- Templates receive plain data only (``page.py``) and render in Jinja's
  ``ImmutableSandboxedEnvironment``, which also forbids mutating lists and dicts.
- They are read only from the project's ``templates/`` and the package's defaults,
  never through a symbolic link and never from a path that resolves elsewhere.
- Rendering runs under a time limit and an address-space limit, so an endless loop
  or a huge string is a located error, not a hang or an exhausted machine.
"""

from __future__ import annotations

import os
import resource
import stat
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from jinja2.loaders import split_template_path
from jinja2.sandbox import ImmutableSandboxedEnvironment

from briefgen.limits import time_limit
from briefgen.model.document import MAX_FILE_BYTES
from briefgen.text.markdown import in_language, isolate

TEMPLATES_DIR = "templates"


class TemplateRefused(jinja2.TemplateError):
    """A template file briefgen will not read; ``path`` is where it stands.

    Not a ``TemplateNotFound``: ``{% include … ignore missing %}`` must not hide it.
    """

    def __init__(self, name: str, path: Path, code: str, reason: str) -> None:
        super().__init__(f"{reason} (loading template '{name}')")
        self.name = name
        self.path = path
        self.code = code
        self.reason = reason


def package_templates() -> Path:
    """The package's default templates folder."""
    return Path(str(resources.files("briefgen") / TEMPLATES_DIR))


class ConfinedLoader(jinja2.BaseLoader):
    """Loads ``name`` from the first root that has it, refusing links and escapes.

    Every component from the root down is checked with ``lstat`` (a root that is
    itself a link is refused too), and the file is opened with ``O_NOFOLLOW``, so
    neither a link planted in ``templates/`` nor ``..`` reaches another file.
    """

    def __init__(self, roots: Sequence[Path]) -> None:
        self.roots = tuple(roots)

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        pieces = split_template_path(template)  # refuses '..' and absolute names
        for root in self.roots:
            path = self._find(template, root, pieces)
            if path is not None:
                return self._read(template, path), str(path), lambda: True
        raise jinja2.TemplateNotFound(template)

    def locate(self, template: str) -> Path | None:
        """Where ``template`` would be read from (no file is opened)."""
        pieces = split_template_path(template)
        return next((p for r in self.roots if (p := self._find(template, r, pieces))), None)

    # One environment serves one build, so a template once read stays as read.

    def _find(self, name: str, root: Path, pieces: list[str]) -> Path | None:
        path = root
        for piece in ("", *pieces):
            path = path / piece if piece else path
            try:
                mode = os.lstat(path).st_mode
            except FileNotFoundError:
                return None
            except OSError as exc:
                raise TemplateRefused(
                    name, path, "template.unreadable", exc.strerror or "cannot be read"
                ) from exc
            if stat.S_ISLNK(mode):
                raise TemplateRefused(
                    name,
                    path,
                    "template.symlink",
                    "is a symbolic link; templates are never read through links",
                )
        return path

    def _read(self, name: str, path: Path) -> str:
        try:
            # O_NONBLOCK: a FIFO in templates/ must not block the build until it times out.
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK)
        except OSError as exc:
            raise TemplateRefused(
                name, path, "template.unreadable", exc.strerror or "cannot be read"
            ) from exc
        with os.fdopen(fd, "rb") as file:
            info = os.fstat(file.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise TemplateRefused(name, path, "template.not-a-file", "is not a regular file")
            if info.st_size > MAX_FILE_BYTES:
                raise TemplateRefused(
                    name,
                    path,
                    "template.too-large",
                    f"is {info.st_size} bytes; the limit is {MAX_FILE_BYTES}",
                )
            data = file.read(MAX_FILE_BYTES + 1)
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise TemplateRefused(
                name, path, "template.encoding", f"is not valid UTF-8: {exc.reason}"
            ) from exc

    def list_templates(self) -> list[str]:
        return []  # never walked: templates are loaded by name only


class Sandbox(ImmutableSandboxedEnvironment):
    """An immutable sandbox where ``a.b`` on plain data means the key ``b``.

    Views are read-only mappings; looking a key up first keeps a field named like a
    mapping method (``items``, ``values``) meaning the field.
    """

    def __init__(self, templates: ConfinedLoader, **options: Any) -> None:
        super().__init__(loader=templates, **options)
        self.templates = templates
        self.filters["bdi"] = isolate
        self.filters["lang"] = in_language

    def getattr(self, obj: Any, attribute: str) -> Any:
        if isinstance(obj, Mapping) and attribute in obj:
            return obj[attribute]
        return super().getattr(obj, attribute)


def template_environment(project_root: Path) -> Sandbox:
    """Project templates first, package defaults second; strict and autoescaped."""
    return Sandbox(
        ConfinedLoader(((project_root / TEMPLATES_DIR).absolute(), package_templates())),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


class MemoryLimitExceeded(Exception):
    """Raised when the limited block ran out of its address-space allowance."""


def _address_space() -> int:
    """This process's current virtual size in bytes (0 if unknown)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


@contextmanager
def memory_limit(extra_bytes: int) -> Iterator[None]:
    """Let the block grow this process by at most ``extra_bytes`` of address space.

    The parent process never loads Pango (only render workers do, and RLIMIT_AS breaks
    Pango), so a temporary ``RLIMIT_AS`` here turns a huge allocation into a
    ``MemoryError`` at once instead of a machine that swaps.
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    current = _address_space()
    limit = current + extra_bytes
    if not current or (hard != resource.RLIM_INFINITY and limit > hard):
        yield
        return
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    try:
        yield
    except MemoryError as exc:
        raise MemoryLimitExceeded from exc
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


@contextmanager
def bounded(seconds: float, memory_bytes: int) -> Iterator[None]:
    """Both limits over one template rendering."""
    with time_limit(seconds), memory_limit(memory_bytes):
        yield

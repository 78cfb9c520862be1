"""A private fontconfig configuration per font set, so the PDF renderer sees no machine font.

``.briefgen-cache/fonts/<set>/`` holds a copy (or a hard link) of each declared font,
fontconfig's own cache of them, and ``fonts.conf``, which lists that folder and nothing
else: no system folder, no user folder, no ``conf.d`` rules. Render workers point
``FONTCONFIG_FILE`` at it before WeasyPrint loads its fonts. The packaged fonts do not
appear here: every page inlines them as ``@font-face`` data URLs.

``machine.conf`` adds the machine's configuration after the declared fonts: used only,
during fonts.uncovered's warning phase, for a page that prints a character no declared
font covers (docs/fonts.md).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import os
import shutil
import stat
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from briefgen.write.confined import create_file, open_folder

if TYPE_CHECKING:  # a no-op build imports the cache, never the content model
    from briefgen.load.fonts import FontSet

FONTS_DIR = "fonts"  # the private fontconfig folders, under the cache folder
# A file being written beside its final name, here and in the PDF cache (render/cache.py).
TEMPORARY = ".tmp-"
# fontconfig's own file names (the ".conf" suffix is its convention).
PRIVATE, MACHINE = "fonts" + ".conf", "machine" + ".conf"
DEFAULT_SYSTEM_CONFIG = "/etc/fonts/fonts.conf"


def _machine_config() -> str:
    """The machine's own fontconfig file (what an unconfigured process would load)."""
    name = ctypes.util.find_library("fontconfig")
    try:
        library = ctypes.CDLL(name or "libfontconfig.so.1")
        library.FcConfigFilename.restype = ctypes.c_void_p
        library.FcConfigFilename.argtypes = [ctypes.c_char_p]
        pointer = library.FcConfigFilename(None)
        if pointer:
            found = ctypes.string_at(pointer).decode()
            library.FcStrFree(ctypes.c_void_p(pointer))
            return found
    except (OSError, AttributeError, UnicodeDecodeError):
        pass
    return DEFAULT_SYSTEM_CONFIG


def _place(source: Path, folder: int, name: str, sha256: str) -> None:
    """``name`` in ``folder`` holds ``source``'s bytes: a hard link where possible, else a
    copy; made beside it (never through a link) and renamed in."""
    found = _lstat(folder, name)
    if found is not None and stat.S_ISREG(found.st_mode):
        return
    temporary = f"{TEMPORARY}{name}"
    with suppress(FileNotFoundError):
        os.unlink(temporary, dir_fd=folder)  # a link is removed, never followed
    try:
        os.link(source, temporary, dst_dir_fd=folder)
    except OSError:
        create_file(folder, temporary, source.read_bytes(), 0o644)
    digest = hashlib.sha256()
    fd = os.open(temporary, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=folder)
    with os.fdopen(fd, "rb") as file:
        while chunk := file.read(2**20):
            digest.update(chunk)
    if digest.hexdigest() != sha256:  # changed since it was checked: not this build's font
        os.unlink(temporary, dir_fd=folder)
        raise OSError(f"font file {source} changed during the build")
    os.replace(temporary, name, src_dir_fd=folder, dst_dir_fd=folder)


def _write(folder: int, name: str, text: str) -> None:
    data = text.encode("utf-8")
    found = _lstat(folder, name)
    if found is not None and stat.S_ISREG(found.st_mode):
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=folder)
        with os.fdopen(fd, "rb") as file:
            if file.read(len(data) + 1) == data:
                return
    temporary = f"{TEMPORARY}{name}"
    with suppress(FileNotFoundError):
        os.unlink(temporary, dir_fd=folder)
    create_file(folder, temporary, data, 0o644)
    os.replace(temporary, name, src_dir_fd=folder, dst_dir_fd=folder)


def _lstat(folder: int, name: str) -> os.stat_result | None:
    try:
        return os.stat(name, dir_fd=folder, follow_symlinks=False)
    except FileNotFoundError:
        return None


@contextmanager
def _folder(base: int, shown: Path) -> Iterator[int]:
    """The folder ``shown.name`` in ``base``, made if missing, never through a link."""
    fd = open_folder(base, (shown.name,), shown.parent, make=True)
    try:
        yield fd
    finally:
        os.close(fd)


def font_configs(cache: Path, fonts: FontSet) -> tuple[Path, Path]:
    """The set's private ``fonts.conf`` and its ``machine.conf``, written if needed.

    Other sets' folders under ``cache/fonts`` are removed (fonts the project no longer
    declares). ``cache`` is the project's cache folder, never a link (checked earlier).
    """
    top = cache / FONTS_DIR
    base = top / fonts.digest[:16]
    files = base / "files"
    # Every folder below the project's cache opened without following a link: a project
    # that ships .briefgen-cache/fonts as a link can't make the build write (or remove
    # the folders) where it points.
    with suppress(FileExistsError):
        os.mkdir(cache)
    cache_fd = os.open(cache, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    try:
        with (
            _folder(cache_fd, top) as top_fd,
            _folder(top_fd, base) as base_fd,
            _folder(base_fd, files) as files_fd,
        ):
            os.close(open_folder(base_fd, ("fc-cache",), base, make=True))
            with os.scandir(top_fd) as entries:
                others = [e.name for e in entries if e.name != base.name]
            for other in others:  # another font set's: rmtree never follows a link
                if stat.S_ISDIR(os.stat(other, dir_fd=top_fd, follow_symlinks=False).st_mode):
                    shutil.rmtree(other, dir_fd=top_fd, ignore_errors=True)
            wanted = set()
            for index, font in enumerate(fonts.files):
                name = f"{index:03d}-{font.sha256[:16]}{font.suffix}"
                wanted.add(name)
                _place(font.path, files_fd, name, font.sha256)
            with os.scandir(files_fd) as entries:
                stale = [e.name for e in entries if e.name not in wanted]
            for name in stale:
                found = _lstat(files_fd, name)
                if found is not None and not stat.S_ISDIR(found.st_mode):
                    os.unlink(name, dir_fd=files_fd)
            configs = _configs(files, base)
            _write(base_fd, PRIVATE, configs[0])
            _write(base_fd, MACHINE, configs[1])
    finally:
        os.close(cache_fd)
    # Absolute: fontconfig looks a relative FONTCONFIG_FILE up in its own folder (/etc/fonts),
    # so a build run as `briefgen build` in the project saw no declared font at all.
    return (base / PRIVATE).absolute(), (base / MACHINE).absolute()


def _configs(files: Path, base: Path) -> tuple[str, str]:
    """The text of the set's ``fonts.conf`` and of its ``machine.conf``."""
    own = (
        f"  <dir>{escape(str(files.resolve()))}</dir>\n"
        f"  <cachedir>{escape(str((base / 'fc-cache').resolve()))}</cachedir>\n"
    )
    header = '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
    system = f'  <include ignore_missing="yes">{escape(_machine_config())}</include>\n'
    return (
        f"{header}<fontconfig>\n{own}</fontconfig>\n",
        f"{header}<fontconfig>\n{own}{system}</fontconfig>\n",
    )

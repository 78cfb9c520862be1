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
from pathlib import Path
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from briefgen.write.cache import FONTS_DIR

if TYPE_CHECKING:  # a no-op build imports the cache, never the content model
    from briefgen.load.fonts import FontSet

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


def _place(source: Path, target: Path, sha256: str) -> None:
    """``target`` holds ``source``'s bytes: a hard link where possible, else a copy."""
    if target.is_file() and not target.is_symlink():
        return
    temporary = target.with_name(f".tmp-{target.name}")
    temporary.unlink(missing_ok=True)
    try:
        os.link(source, temporary)
    except OSError:
        shutil.copyfile(source, temporary)
    digest = hashlib.sha256()
    with open(temporary, "rb") as file:
        while chunk := file.read(2**20):
            digest.update(chunk)
    if digest.hexdigest() != sha256:  # changed since it was checked: not this build's font
        temporary.unlink()
        raise OSError(f"font file {source} changed during the build")
    os.replace(temporary, target)


def _write(path: Path, text: str) -> None:
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return
    temporary = path.with_name(f".tmp-{path.name}")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def font_configs(cache: Path, fonts: FontSet) -> tuple[Path, Path]:
    """The set's private ``fonts.conf`` and its ``machine.conf``, written if needed.

    Other sets' folders under ``cache/fonts`` are removed (fonts the project no longer
    declares). ``cache`` is the project's cache folder, never a link (checked earlier).
    """
    top = cache / FONTS_DIR
    base = top / fonts.digest[:16]
    files = base / "files"
    files.mkdir(parents=True, exist_ok=True)
    (base / "fc-cache").mkdir(exist_ok=True)
    for other in top.iterdir():
        if other != base and other.is_dir() and not other.is_symlink():
            shutil.rmtree(other, ignore_errors=True)
    wanted = set()
    for index, font in enumerate(fonts.files):
        name = f"{index:03d}-{font.sha256[:16]}{font.suffix}"
        wanted.add(name)
        _place(font.path, files / name, font.sha256)
    for stale in files.iterdir():
        if stale.name not in wanted:
            stale.unlink()
    own = (
        f"  <dir>{escape(str(files.resolve()))}</dir>\n"
        f"  <cachedir>{escape(str((base / 'fc-cache').resolve()))}</cachedir>\n"
    )
    header = '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
    private = base / PRIVATE
    _write(private, f"{header}<fontconfig>\n{own}</fontconfig>\n")
    machine = base / MACHINE
    system = f'  <include ignore_missing="yes">{escape(_machine_config())}</include>\n'
    _write(machine, f"{header}<fontconfig>\n{own}{system}</fontconfig>\n")
    # Absolute: fontconfig looks a relative FONTCONFIG_FILE up in its own folder (/etc/fonts),
    # so a build run as `briefgen build` in the project saw no declared font at all.
    return private.absolute(), machine.absolute()

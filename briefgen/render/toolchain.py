"""The versions of what, besides the HTML and briefgen itself, shapes a PDF's bytes.

The PDF cache key hashes them, so upgrading any of these packages or libraries renders
every brief again instead of reusing PDFs the old toolchain wrote. They are read without
importing WeasyPrint (a no-op build and the parent process never do): package versions
from their installed metadata, library versions by loading the same shared libraries
WeasyPrint loads and asking them. Computed once per process.
"""

from __future__ import annotations

import ctypes
from functools import cache
from importlib import metadata

# Python packages whose code runs while WeasyPrint lays out and writes a PDF.
PDF_PACKAGES = ("weasyprint", "pydyf", "fonttools", "tinycss2", "cssselect2", "pyphen", "pillow")

# The names weasyprint/text/ffi.py tries for each library, in its order, so the version
# read here is the version of the library WeasyPrint ends up with.
_PANGO = (
    "libpango-1.0-0",
    "pango-1.0-0",
    "pango-1.0",
    "libpango-1.0.so.0",
    "libpango-1.0.dylib",
    "libpango-1.0-0.dll",
)
_HARFBUZZ = (
    "libharfbuzz-0",
    "harfbuzz",
    "harfbuzz-0.0",
    "libharfbuzz.so.0",
    "libharfbuzz.0.dylib",
    "libharfbuzz-0.dll",
)
# Whether it loads decides how fonts are subset (HarfBuzz, or fontTools otherwise), and
# so the bytes of every embedded font.
_HARFBUZZ_SUBSET = (
    "libharfbuzz-subset-0",
    "harfbuzz-subset",
    "harfbuzz-subset-0.0",
    "libharfbuzz-subset.so.0",
    "libharfbuzz-subset.0.dylib",
    "libharfbuzz-subset-0.dll",
)
ABSENT = "absent"


def _load(names: tuple[str, ...]) -> ctypes.CDLL | None:
    for name in names:
        try:
            return ctypes.CDLL(name)
        except OSError:
            continue
    return None


def _version_string(names: tuple[str, ...], function: str) -> str:
    library = _load(names)
    if library is None:
        return ABSENT
    version_string = getattr(library, function)
    version_string.restype = ctypes.c_char_p
    version_string.argtypes = []
    value: bytes = version_string()
    return value.decode("ascii")


def library_versions() -> tuple[tuple[str, str], ...]:
    """Pango's and HarfBuzz's versions as loaded here, and whether HarfBuzz subsetting is."""
    subset = ABSENT if _load(_HARFBUZZ_SUBSET) is None else "present"
    return (
        ("pango", _version_string(_PANGO, "pango_version_string")),
        ("harfbuzz", _version_string(_HARFBUZZ, "hb_version_string")),
        ("harfbuzz-subset", subset),
    )


def package_version(name: str) -> str:
    """An installed package's version, from its metadata (nothing is imported)."""
    return metadata.version(name)


@cache
def toolchain_versions() -> tuple[tuple[str, str], ...]:
    """(name, version) of every package and library that shapes a PDF's bytes."""
    packages = tuple((name, package_version(name)) for name in PDF_PACKAGES)
    return packages + library_versions()

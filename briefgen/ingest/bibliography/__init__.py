"""A reference manager's export → entries of metadata, for ``briefgen source import``.

Two formats, each read by a well-kept parser, never by hand:

* **CSL-JSON** (``.json``; Zotero, Better BibTeX): plain JSON (the standard library),
  a list of items, each with an ``id`` (the citation key);
* **BibTeX / BibLaTeX** (``.bib``): ``bibtexparser`` 2 (MIT), which also decodes LaTeX
  accents and macros to Unicode (``pylatexenc``) and splits author lists into names.

An entry is its key, the line it starts on and the fields briefgen knows (title, author,
outlet, date, url, accessed, publisher, number, version, short_title), each with its
line; a value briefgen cannot use (a date it can't read, an author list that is not a
list) is a ``Skipped`` value with the reason, never a guess. A file that is not valid
JSON or BibTeX, too deep, or not UTF-8 is an ``ImportFailure``, never a traceback.
"""

from __future__ import annotations

from collections.abc import Callable

from briefgen.ingest import ImportFailure
from briefgen.ingest.bibliography.bibtex import read_bibtex
from briefgen.ingest.bibliography.csl_json import read_csl_json
from briefgen.ingest.bibliography.entry import Bibliography
from briefgen.plain import refused

MAX_BIBLIOGRAPHY_BYTES = 5 * 2**20  # some 10,000 entries of a reference manager's export


def read_bibliography(
    suffix: str, data: bytes, wanted: Callable[[str], bool] = lambda _key: True
) -> Bibliography:
    """The entries of a ``.json`` (CSL-JSON) or ``.bib`` (BibTeX) file's bytes; only the
    ``wanted`` keys' fields are read (LaTeX decoding is slow: a whole library's 10,000
    entries would take a minute; the few a project has, a moment)."""
    if len(data) > MAX_BIBLIOGRAPHY_BYTES:
        raise ImportFailure(
            "import.too-large",
            f"the file is {len(data)} bytes; briefgen reads a bibliography of at most "
            f"{MAX_BIBLIOGRAPHY_BYTES}: export only the items of this project",
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportFailure(
            "import.encoding",
            "is not UTF-8 text: export it again as UTF-8 (Zotero and Better BibTeX do)",
            line=line,
        ) from None
    found = refused(text.replace("\n", "").replace("\r", "").replace("\t", ""))
    if found is not None:
        raise ImportFailure(
            "import.bad-bibliography", f"contains {found}, which no bibliography field holds"
        )
    if suffix == ".json":
        return read_csl_json(text, wanted)
    return read_bibtex(text, wanted)

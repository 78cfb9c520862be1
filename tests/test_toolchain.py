"""The PDF cache key covers every package and library that shapes a PDF's bytes."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import metadata

from briefgen.render.cache import pdf_key, renderer_stamp
from briefgen.render.toolchain import ABSENT, PDF_PACKAGES, toolchain_versions

HTML = "<!doctype html><title>t</title><p>One brief.</p>"


def test_stamp_names_every_pdf_package_and_library() -> None:
    versions = dict(toolchain_versions())
    assert list(versions) == [*PDF_PACKAGES, "pango", "harfbuzz", "harfbuzz-subset"]
    for name in PDF_PACKAGES:
        assert versions[name] == metadata.version(name)
    # The Makefile installs the libraries; a missing one would hide in the key as "absent".
    assert versions["pango"] != ABSENT
    assert versions["harfbuzz"] != ABSENT
    assert versions["harfbuzz-subset"] == "present"


def test_pdf_key_changes_when_any_toolchain_version_changes() -> None:
    versions = toolchain_versions()
    key = pdf_key(HTML, renderer_stamp(versions))
    assert key == pdf_key(HTML)  # the default stamp is this process's toolchain
    for index, (name, version) in enumerate(versions):
        changed = [*versions]
        changed[index] = (name, f"{version}.post1")
        assert pdf_key(HTML, renderer_stamp(changed)) != key, name
    absent = [(n, ABSENT) if n == "harfbuzz-subset" else (n, v) for n, v in versions]
    assert pdf_key(HTML, renderer_stamp(absent)) != key


# Run apart: the library versions WeasyPrint loads, and that the stamp never imports it.
PROBE = """
import json, sys
from briefgen.render.cache import renderer_stamp
from briefgen.render.toolchain import toolchain_versions
renderer_stamp()
stamped_without_weasyprint = "weasyprint" not in sys.modules
versions = dict(toolchain_versions())
from weasyprint.text.ffi import harfbuzz, harfbuzz_subset, pango
major, minor, micro = (int(part) for part in versions["harfbuzz"].split("."))
print(json.dumps({
    "stamped_without_weasyprint": stamped_without_weasyprint,
    "pango": versions["pango"],
    "weasyprint_pango": pango.pango_version(),
    "harfbuzz_at_least": bool(harfbuzz.hb_version_atleast(major, minor, micro)),
    "harfbuzz_newer": bool(harfbuzz.hb_version_atleast(major, minor, micro + 1)),
    "subset": versions["harfbuzz-subset"],
    "weasyprint_subset": harfbuzz_subset is not None,
}))
"""


def test_library_versions_are_those_of_the_libraries_weasyprint_loads() -> None:
    run = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120, check=True
    )
    seen = json.loads(run.stdout)
    assert seen["stamped_without_weasyprint"] is True
    major, minor, micro = (int(part) for part in seen["pango"].split("."))
    assert seen["weasyprint_pango"] == major * 10000 + minor * 100 + micro
    assert seen["harfbuzz_at_least"] is True
    assert seen["harfbuzz_newer"] is False
    assert seen["subset"] == ("present" if seen["weasyprint_subset"] else ABSENT)

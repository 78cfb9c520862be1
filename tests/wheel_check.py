"""The wheel, as users install it (`make wheel-check`, run by `make test`).

Builds the wheel from the repository's tracked files, installs it with the locked
versions of its dependencies (hash-checked) in a fresh venv outside the repository, and
builds a small project there with the installed `briefgen`, from a directory outside the
repository. Checks that the wheel holds every file under briefgen/, that its metadata
declares every licence it ships, that the package runs from the venv and nowhere else,
and that the output has the packaged fonts and the citation processor's formatting.

Standard library only: it never imports briefgen. Any problem exits non-zero; nothing
is skipped. Run with `python -I tests/wheel_check.py` (the Makefile does).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import tomllib
import zipfile
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

REPO = Path(__file__).resolve().parent.parent
MINIMAL = REPO / "tests" / "fixtures" / "minimal"
# The small project: the minimal fixture's one-pager and everything it cites.
PROJECT_FILES = (
    "briefgen.toml",
    "content/briefs/one.md",
    "content/notes/test-notes.yaml",
    "content/sources/test-source.yaml",
    "content/sources/test-source.txt",
)
BRIEF = "one"
# The one-pager cites inline with the style's short note, which only citeproc-js running
# the vendored Chicago style writes like this: surname, title without its article, the
# comma inside the quotation marks, "para." from the locale.
CHICAGO_SHORT_NOTE = "(Roe, “Test Title,” para. 3)"
# Environment that could make the installed briefgen import or read something else.
LEAKY_ENVIRONMENT = (
    "PYTHONPATH",
    "PYTHONHOME",
    "PYTHONSTARTUP",
    "PYTHONUSERBASE",
    "VIRTUAL_ENV",
    "CONDA_PREFIX",
    "UV_PROJECT_ENVIRONMENT",
)
# As in `make wheel`: no network, no build isolation, so the venv's locked setuptools.
BUILD_WHEEL = ("build", "--wheel", "--no-build-isolation", "--offline")
TIMEOUT = 900  # seconds per command; a hang guard, not a timing target


class CheckFailed(Exception):
    """The wheel, its installation or what it built is not as it should be."""


def run(
    command: Sequence[str | Path], cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run a command; a non-zero exit is a failure that shows the command's output."""
    args = [str(part) for part in command]
    try:
        return subprocess.run(
            args,
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            check=True,
            timeout=TIMEOUT,
        )
    except subprocess.CalledProcessError as error:
        raise CheckFailed(
            f"exit {error.returncode}: {' '.join(args)}\n(in {cwd})\n"
            f"--- stdout\n{error.stdout}--- stderr\n{error.stderr}"
        ) from None
    except subprocess.TimeoutExpired:
        raise CheckFailed(f"no answer in {TIMEOUT} s: {' '.join(args)}") from None


def require(condition: bool, message: str) -> None:
    if not condition:
        raise CheckFailed(message)


def copy_tracked_tree(target: Path) -> Path:
    """The repository's tracked files as they are in the work tree, as CI checks them out.

    The wheel is built from this copy, not in place: setuptools keeps build/ between
    runs, and a module deleted from briefgen/ stays in build/lib and in the next wheel.
    """
    listing = run(["git", "ls-files", "-z", "--cached"], REPO).stdout
    for name in sorted(set(filter(None, listing.split("\0")))):
        source = REPO / name
        if not source.is_file():  # deleted in the work tree, not yet in the index
            continue
        destination = target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, destination)
    return target


def build_wheel(uv: Path, build_python: Path, tree: Path, out: Path) -> Path:
    """The wheel, built by the same command as `make wheel`."""
    run([uv, *BUILD_WHEEL, "--python", build_python, "-o", out, tree], tree)
    wheels = sorted(out.glob("*.whl"))
    require(len(wheels) == 1, f"expected one wheel in {out}, found {wheels}")
    return wheels[0]


def check_wheel_contents(wheel: Path, tree: Path) -> list[str]:
    """Every file under briefgen/ (templates, styles, fonts, CSL, TOML) is in the wheel,
    byte for byte, and nothing else is; returns the wheel's file list."""
    with zipfile.ZipFile(wheel) as archive:
        names = sorted(archive.namelist())
        packaged = {n: archive.read(n) for n in names if n.startswith("briefgen/")}
    expected = {
        path.relative_to(tree).as_posix(): path.read_bytes()
        for path in sorted((tree / "briefgen").rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }
    missing = sorted(set(expected) - set(packaged))
    extra = sorted(set(packaged) - set(expected))
    require(not missing, f"files under briefgen/ missing from the wheel: {missing}")
    require(not extra, f"files in the wheel that are not in briefgen/: {extra}")
    changed = sorted(n for n in expected if expected[n] != packaged[n])
    require(not changed, f"files that differ in the wheel: {changed}")
    return names


def declared_licences(tree: Path) -> tuple[str, list[str]]:
    """pyproject.toml's licence expression and licence files, which must cover every
    LICENSE* file in the package (a vendored asset's licence is never left out)."""
    project = tomllib.loads((tree / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    expression, files = project["license"], project["license-files"]
    require(isinstance(expression, str), "project.license must be an SPDX expression (PEP 639)")
    found = sorted(p.relative_to(tree).as_posix() for p in (tree / "briefgen").rglob("LICENSE*"))
    unlisted = sorted(set(found) - set(files))
    require(not unlisted, f"licence files not in pyproject's license-files: {unlisted}")
    return expression, files


def install(uv: Path, python: str, wheel: Path, tree: Path, scratch: Path) -> Path:
    """A fresh venv with the wheel and exactly the locked versions of what it requires."""
    constraints = scratch / "locked.txt"
    # The lock without the dev group or the project itself, with every artifact's hash:
    # uv checks the hashes of constrained packages, so PyPI serves nothing unlocked.
    run(
        [uv, "export", "--frozen", "--no-dev", "--no-emit-project", "--quiet", "-o", constraints],
        tree,
    )
    venv = scratch / "venv"
    run([uv, "venv", "--quiet", "--python", python, "--no-python-downloads", venv], scratch)
    target: list[str | Path] = ["--python", venv / "bin" / "python"]
    # The wheel's own Requires-Dist decides what is installed; the lock pins each version.
    run([uv, "pip", "install", "--quiet", *target, "-c", constraints, wheel], scratch)
    run([uv, "pip", "check", "--quiet", *target], scratch)
    pins = dict(
        re.findall(r"^([A-Za-z0-9._-]+)==([^\s;\\]+)", constraints.read_text(), re.MULTILINE)
    )
    locked = {_normal(name): version for name, version in pins.items()}
    frozen = run([uv, "pip", "freeze", *target], scratch).stdout.splitlines()
    require(any(line.startswith("briefgen @ ") for line in frozen), f"no briefgen: {frozen}")
    for line in frozen:
        if line.startswith("briefgen @ "):  # the wheel, by its path
            continue
        name, _, version = line.partition("==")
        require(
            locked.get(_normal(name)) == version,
            f"installed {line}, but the lock has {locked.get(_normal(name))}",
        )
    return venv


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def clean_environment(venv: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in LEAKY_ENVIRONMENT}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', os.defpath)}"
    return env


INSPECT = """
import importlib.metadata, importlib.resources, json, sys
import briefgen
meta = importlib.metadata.metadata("briefgen")
dist = importlib.metadata.distribution("briefgen")
licences = sorted(str(f) for f in dist.files or () if "/licenses/" in str(f))
print(json.dumps({
    "module": briefgen.__file__,
    "resources": str(importlib.resources.files("briefgen")),
    "sys_path": sys.path,
    "expression": meta.get("License-Expression"),
    "license": meta.get("License"),
    "license_files": meta.get_all("License-File") or [],
    "licence_paths": {f: str(dist.locate_file(f)) for f in licences},
}))
"""


def check_installed(venv: Path, cwd: Path, expression: str, files: list[str]) -> None:
    """The venv imports briefgen from its own site-packages, and the installed metadata
    declares the licence expression and every licence file, each present on disk."""
    python = venv / "bin" / "python"
    facts = json.loads(run([python, "-I", "-c", INSPECT], cwd, clean_environment(venv)).stdout)
    venv_root = venv.resolve()
    for key in ("module", "resources"):
        where = Path(facts[key]).resolve()
        require(where.is_relative_to(venv_root), f"briefgen {key} is {where}, not in {venv}")
    leaks = [p for p in facts["sys_path"] if p and Path(p).resolve().is_relative_to(REPO)]
    require(not leaks, f"the venv's sys.path reaches into the repository: {leaks}")
    require(
        facts["expression"] == expression,
        f"License-Expression is {facts['expression']!r}, expected {expression!r}",
    )
    require(facts["license"] is None, f"a legacy License field too: {facts['license']!r}")
    require(
        facts["license_files"] == files,
        f"License-File fields {facts['license_files']}, expected {files}",
    )
    for name in files:
        matches = [p for f, p in facts["licence_paths"].items() if f.endswith(f"/licenses/{name}")]
        require(len(matches) == 1, f"licence file {name} is not in the installed dist-info")
        require(Path(matches[0]).is_file(), f"licence file {matches[0]} is missing on disk")


def make_project(target: Path) -> Path:
    for name in PROJECT_FILES:
        destination = target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(MINIMAL / name, destination)
    return target


def build_project(venv: Path, project: Path) -> str:
    """The installed `briefgen build`, as a user runs it: from the project, on PATH."""
    env = clean_environment(venv)
    briefgen = shutil.which("briefgen", path=env["PATH"])
    require(
        briefgen is not None and Path(briefgen).resolve().is_relative_to(venv.resolve()),
        f"`briefgen` on PATH is {briefgen}, not the venv's",
    )
    # --strict: a warning is a failure; -j 1: the machine's cores are shared.
    return run(["briefgen", "build", "--strict", "-j", "1"], project, env).stdout


def check_output(project: Path) -> None:
    """The brief's PDF embeds the packaged Caladea and its HTML has the fonts inlined and
    the notes formatted by citeproc-js with the vendored Chicago style and locale."""
    output = project / "output"
    pdf, html = output / f"{BRIEF}.pdf", output / f"{BRIEF}.html"
    for path in (pdf, html):
        require(path.is_file(), f"{path} was not written")
    require(pdf.read_bytes().startswith(b"%PDF-"), f"{pdf} is not a PDF")
    fonts = pdf_fonts(pdf)
    require(bool(fonts), f"{pdf} has no fonts")
    not_embedded = [name for name, embedded in fonts if not embedded]
    require(not not_embedded, f"fonts not embedded in {pdf}: {not_embedded}")
    families = {name.split("+", 1)[-1] for name, _ in fonts}
    require("Caladea" in families, f"{pdf} does not embed Caladea; its fonts: {families}")
    text = html.read_text(encoding="utf-8")
    require(
        "@font-face { font-family: 'Caladea'" in text,
        f"{html} does not inline the packaged Caladea",
    )
    require(CHICAGO_SHORT_NOTE in text, f"{html} lacks the Chicago short note {CHICAGO_SHORT_NOTE}")


def pdf_fonts(pdf: Path) -> list[tuple[str, bool]]:
    """(name, embedded) for each font, read by poppler's pdffonts (columns by its rule)."""
    require(shutil.which("pdffonts") is not None, "pdffonts (poppler-utils) is not installed")
    lines = run(["pdffonts", pdf], pdf.parent).stdout.splitlines()
    require(len(lines) >= 2 and set(lines[1]) <= {"-", " "}, f"pdffonts said: {lines}")
    spans = [m.span() for m in re.finditer(r"-+", lines[1])]
    header = [lines[0][a:b].strip() for a, b in spans]
    name_column, emb_column = header.index("name"), header.index("emb")
    fonts = []
    for line in lines[2:]:
        cells = [line[a:b].strip() for a, b in spans]
        fonts.append((cells[name_column], cells[emb_column] == "yes"))
    return fonts


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", default="python3", help="interpreter for the fresh venv")
    parser.add_argument("--uv", type=Path, default=REPO / ".uv" / "bin" / "uv")
    parser.add_argument("--build-python", type=Path, default=REPO / ".venv" / "bin" / "python")
    parser.add_argument("--list", action="store_true", help="print the wheel's file list")
    args = parser.parse_args(argv)
    # A terminated run still removes its scratch directory (the `with` below).
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _exit_on_signal)
    started = time.monotonic()
    steps: list[tuple[str, float]] = []

    def step(name: str) -> None:
        steps.append((name, time.monotonic()))

    try:
        with tempfile.TemporaryDirectory(prefix="briefgen-wheel-check-") as tmp:
            scratch = Path(tmp).resolve()
            require(not scratch.is_relative_to(REPO), f"scratch {scratch} is in the repository")
            tree = copy_tracked_tree(scratch / "source")
            step("copy")
            wheel = build_wheel(args.uv, args.build_python, tree, scratch / "dist")
            names = check_wheel_contents(wheel, tree)
            expression, files = declared_licences(tree)
            step("build")
            venv = install(args.uv, args.python, wheel, tree, scratch)
            step("install")
            project = make_project(scratch / "project")
            check_installed(venv, project, expression, files)
            build_project(venv, project)
            check_output(project)
            step("build a project")
            if args.list:
                print("\n".join(names))
            size = wheel.stat().st_size
            print(
                f"wheel-check: ok: {wheel.name}, {size:,} bytes, {len(names)} files, "
                f"sha256 {digest(wheel)[:16]}…"
            )
    except CheckFailed as failure:
        print(f"wheel-check: FAILED: {failure}", file=sys.stderr)
        return 1
    times, previous = [], started
    for name, at in steps:
        times.append(f"{name} {at - previous:.1f} s")
        previous = at
    print(f"wheel-check: {time.monotonic() - started:.1f} s ({', '.join(times)})")
    return 0


def _exit_on_signal(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


if __name__ == "__main__":
    sys.exit(main())

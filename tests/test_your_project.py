"""docs/your-project.md, run as written: every command, every file, in order.

The page's fenced blocks are read in order:

* ```` ```sh ````: each line is a command, run in the current folder: ``briefgen …``
  with this venv's briefgen (it must exit 0), ``cd DIR``, or ``rm FILE…`` (inside the
  project only);
* ```` ```yaml file=PATH ```` / ```` ```markdown file=PATH ````: a file written as shown;
* ```` ```yaml edit=PATH ````: each top-level ``key: …`` line replaces that key's line;
* ```` ```console ````: shown to the reader, not run (install steps, sample output);
  a console block that shows a note skeleton must be what ``quote find`` printed.

The raw files are the import fixtures, under the names the page gives them.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import FIXTURES, REPO

PAGE = REPO / "docs" / "your-project.md"
BRIEFGEN = Path(sys.executable).with_name("briefgen")
FENCE = re.compile(r"^```([^\n]*)\n(.*?)^```$", re.S | re.M)
RAW = {
    "harbour-times.html": "article.html",
    "working-paper.pdf": "wrapped.pdf",
    "statement.docx": "sample.docx",
}


def _blocks() -> list[tuple[str, dict[str, str], str]]:
    blocks = []
    for match in FENCE.finditer(PAGE.read_text(encoding="utf-8")):
        kind, *options = match.group(1).split()
        blocks.append((kind, dict(o.split("=", 1) for o in options), match.group(2)))
    return blocks


def _edit(path: Path, block: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    for new in block.splitlines():
        key = new.split(":", 1)[0] + ":"
        [index] = [n for n, line in enumerate(lines) if line.startswith(key)]
        lines[index] = new
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _run(line: str, cwd: Path, top: Path, printed: list[str]) -> Path:
    words = shlex.split(line)
    if words[0] == "cd":
        return (cwd / words[1]).resolve()
    if words[0] == "rm":
        for name in words[1:]:
            target = (cwd / name).resolve()
            assert target.is_relative_to(top), target
            target.unlink()
        return cwd
    assert words[0] == "briefgen", f"not a command this page may run: {line}"
    done = subprocess.run(
        [str(BRIEFGEN), *words[1:]], cwd=cwd, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, f"{line}\n{done.stdout}{done.stderr}"
    printed.append(done.stdout)
    return cwd


def test_the_guide_runs_as_written(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    for name, fixture in RAW.items():
        shutil.copyfile(FIXTURES / "import" / fixture, raw / name)
    cwd, printed = tmp_path, []
    for kind, options, body in _blocks():
        if kind == "sh":
            for line in body.splitlines():
                if line.strip():
                    cwd = _run(line, cwd, tmp_path, printed)
        elif "file" in options:
            target = cwd / options["file"]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(body, encoding="utf-8")
        elif "edit" in options:
            _edit(cwd / options["edit"], body)
        elif kind == "console" and "- id:" in body:
            # The skeleton the page shows is the one quote find printed (comments aside).
            shown = [line.rstrip() for line in body.splitlines()]
            output = "\n".join(printed)
            for line in shown:
                assert line.split("  #")[0].rstrip() in output, line
        else:
            assert kind == "console", f"a block this test does not know: {kind} {options}"
    project = tmp_path / "cables"
    assert cwd == project
    for name in ("sharing-one-pager.pdf", "sharing-one-pager.html"):
        assert (project / "output" / name).is_file()
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(project / "output" / "sharing-one-pager.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    folded = " ".join(text.split())
    assert "“the text binds both governments to protect what the other shares”" in folded
    assert "EXAMPLE" not in folded

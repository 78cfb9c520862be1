"""briefgen init (briefgen/scaffold.py) and project.example-content (validate/example.py)."""

from __future__ import annotations

import datetime
import os
import re
import shutil
import tomllib
from pathlib import Path
from typing import Any

import pypdf
import pytest
from click.testing import CliRunner

from briefgen import pipeline, scaffold
from briefgen.cli import main
from briefgen.model.settings import Settings
from tests.settings_keys import settings_keys

WRITTEN = [
    "briefgen.toml",
    ".gitignore",
    ".gitattributes",
    "content/sources/example-us-constitution.txt",
    "content/sources/example-us-constitution.yaml",
    "content/notes/example.yaml",
    "content/briefs/example-one-pager.md",
]
FIRST_AMENDMENT = (
    "Congress shall make no law respecting an establishment of religion, or prohibiting the "
    "free exercise thereof; or abridging the freedom of speech, or of the press; or the right "
    "of the people peaceably to assemble, and to petition the Government for a redress of "
    "grievances."
)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


@pytest.fixture(scope="module")
def initialised(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A project made by `briefgen init` (read-only: copy it to change it), and its output."""
    root = tmp_path_factory.mktemp("init") / "my-briefs"
    code, out, err = run("init", str(root))
    assert (code, err) == (0, ""), out
    return root, out


@pytest.fixture(scope="module")
def built(
    initialised: tuple[Path, str], tmp_path_factory: pytest.TempPathFactory
) -> pipeline.Result:
    """One real build (HTML and PDF) of a copy of the new project, shared by the tests."""
    root = tmp_path_factory.mktemp("built") / "project"
    shutil.copytree(initialised[0], root)
    return pipeline.build(root)


def test_init_writes_the_project_and_says_what_next(initialised: tuple[Path, str]) -> None:
    root, out = initialised
    assert sorted(files(root)) == sorted(WRITTEN)
    lines = out.splitlines()
    assert lines[: len(WRITTEN)] == [f"wrote {root.as_posix()}/{name}" for name in WRITTEN]
    assert (
        "The example builds as it is, but 'briefgen build --strict' fails "
        "(project.example-content) until you delete or replace its files:"
    ) in lines
    assert lines[-4:] == [
        "Next:",
        f"  briefgen build --root {root.as_posix()}                 # output/<brief>.pdf and .html",
        f"  briefgen source show example-us-constitution --root {root.as_posix()}   # its ¶ "
        "numbered",
        f'  briefgen quote find "freedom of speech" --root {root.as_posix()}   # a note to paste',
    ]
    assert (root / ".gitignore").read_text().splitlines()[1:] == [
        "output/",
        ".briefgen-cache/",
        ".briefgen-lock",
    ]
    attributes = (root / ".gitattributes").read_text().splitlines()
    assert "content/sources/*.txt -text" in attributes
    assert "content/sources/*.orig.* binary" in attributes
    assert tomllib.loads((root / "briefgen.toml").read_text())["project"]["title"] == "my-briefs"
    brief = (root / "content/briefs/example-one-pager.md").read_text()
    assert f"date: {datetime.date.today().isoformat()}\n" in brief


@pytest.mark.build
def test_the_new_project_builds_with_only_the_example_warnings(built: pipeline.Result) -> None:
    assert built.written
    diagnostics = built.diagnostics
    assert [(d.path, d.line, d.code) for d in diagnostics.sorted()] == [
        ("content/briefs/example-one-pager.md", 1, "project.example-content"),
        ("content/notes/example.yaml", 1, "project.example-content"),
        ("content/sources/example-us-constitution.yaml", 1, "project.example-content"),
    ]
    assert diagnostics.sorted()[2].message == (
        "holds the example source 'example-us-constitution' (delete it with its text, "
        "content/sources/example-us-constitution.txt) that 'briefgen init' wrote: delete or "
        "replace it with your own before the brief goes out"
    )
    assert not diagnostics.failed() and diagnostics.failed(strict=True)
    assert sorted(a.path.relative_to(a.path.parents[1]).as_posix() for a in built.artifacts) == [
        "annex/example-one-pager.html",
        "annex/example-one-pager.pdf",
        "output/example-one-pager.html",
        "output/example-one-pager.pdf",
    ]
    pdf = next(a.path for a in built.artifacts if a.path.name == "example-one-pager.pdf")
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(pdf).pages)
    text = re.sub(r"\s+", " ", text)
    assert "EXAMPLE — NOT FOR DISTRIBUTION" in text
    assert "“Congress shall make no law respecting an establishment of religion”" in text


def test_strict_fails_only_for_the_example_and_passes_once_it_is_gone(
    initialised: tuple[Path, str], tmp_path: Path
) -> None:
    root = shutil.copytree(initialised[0], tmp_path / "project")
    code, out, err = run("check", "--strict", "--root", str(root))
    assert (code, out) == (1, "")
    assert [line.rsplit(" ", 1)[-1] for line in err.splitlines()[:-1]] == [
        "[project.example-content]"
    ] * 3
    for name in scaffold.EXAMPLE_FILES:
        (root / name).unlink()
    code, out, err = run("check", "--strict", "--root", str(root))
    assert (code, out, err) == (0, "ok: 0 sources, 0 notes, 0 options, 0 briefs\n", "")


def test_the_example_source_is_the_constitution_verbatim(initialised: tuple[Path, str]) -> None:
    text = (initialised[0] / "content/sources/example-us-constitution.txt").read_bytes()
    preamble, amendment = text.decode().splitlines()
    assert preamble.startswith("We the People of the United States, in Order to form a more")
    assert preamble.endswith(
        "do ordain and establish this Constitution for the United States of America."
    )
    assert amendment == FIRST_AMENDMENT
    assert text.endswith(b".\n") and b"\r" not in text


def _reachable(data: Any, path: list[str]) -> bool:
    if not path:
        return True
    step, rest = path[0], path[1:]
    if step == "*":
        values = data.values() if isinstance(data, dict) else data if isinstance(data, list) else []
        return any(_reachable(value, rest) for value in values)
    return isinstance(data, dict) and step in data and _reachable(data[step], rest)


def test_the_settings_template_names_every_setting() -> None:
    """Uncommented, the template is a valid briefgen.toml holding every key of Settings,
    so it cannot lag behind the model."""
    text = scaffold.template("briefgen.toml").replace("@TITLE@", '"t"')
    uncommented = "\n".join(
        match[1] if (match := re.match(r'^# ((?:\[|"|[a-z0-9_]+ =).*)$', line)) else line
        for line in text.splitlines()
    )
    data = tomllib.loads(uncommented)
    Settings.model_validate(data)
    missing = [k for k in sorted(settings_keys(Settings)) if not _reachable(data, k.split("."))]
    assert missing == []
    assert "docs/fonts.md" in text


def test_a_folder_that_is_not_empty_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    code, out, err = run("init", str(tmp_path))
    assert (code, out) == (1, "")
    assert "is not empty (notes.txt); choose an empty folder, or add --force" in err
    assert "nothing was written" in err
    assert files(tmp_path) == {"notes.txt": b"mine"}


def test_force_adds_what_is_missing_and_keeps_every_existing_file(tmp_path: Path) -> None:
    mine = {
        "briefgen.toml": b'[project]\ntitle = "Mine"\n',
        "content/notes/example.yaml": b"notes: []\n",
        ".gitignore": b"*.bak\r\n",
    }
    for name, data in mine.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(data)
    code, out, _ = run("init", "--force", str(tmp_path))
    assert code == 0
    after = files(tmp_path)
    assert {name: after[name] for name in mine} == mine
    assert sorted(after) == sorted(WRITTEN)
    for name in mine:
        assert f"kept {tmp_path.as_posix()}/{name}: it exists; not overwritten" in out
    assert f"wrote {tmp_path.as_posix()}/briefgen.toml" not in out


def test_a_symlinked_folder_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "target"
    target.mkdir()
    (tmp_path / "link").symlink_to(target)
    code, _, err = run("init", str(tmp_path / "link"))
    assert code == 1 and "is a symbolic link; briefgen never writes through one" in err
    assert list(target.iterdir()) == []
    # --force in a project whose content/ is a link: nothing at all is written.
    project = tmp_path / "project"
    project.mkdir()
    (project / "content").symlink_to(target)
    code, _, err = run("init", "--force", str(project))
    assert code == 1 and f"{project}/content is a symbolic link" in err
    assert sorted(p.name for p in project.iterdir()) == ["content"]
    assert list(target.iterdir()) == []


def test_a_failure_midway_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The disk fills up at the second file's rename: every file and folder made goes."""
    from briefgen.write import project_files
    from briefgen.write.confined import WriteError

    calls = []
    replace = os.replace

    def failing(*args: Any, **kwargs: Any) -> None:
        calls.append(args)
        if len(calls) == 4:  # the journal twice, then the files
            raise OSError(28, "No space left on device")
        replace(*args, **kwargs)

    monkeypatch.setattr(project_files.os, "replace", failing)
    root = tmp_path / "new"
    with pytest.raises(WriteError, match="No space left"):
        scaffold.init_project(root)
    assert len(calls) == 4 and not root.exists()
    (tmp_path / "kept").mkdir()
    (tmp_path / "kept" / "mine").write_text("x")
    calls.clear()
    with pytest.raises(WriteError):
        scaffold.init_project(tmp_path / "kept", force=True)
    assert files(tmp_path / "kept") == {"mine": b"x"}
    assert sorted(p.name for p in (tmp_path / "kept").iterdir()) == ["mine"]

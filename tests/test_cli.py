"""The command line, run for real on fixture projects."""

from __future__ import annotations

import importlib
import json
import re
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from click.testing import CliRunner

import briefgen
from briefgen.cli import main
from tests.conftest import FIXTURES, MINIMAL, copy_project


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_check_ok(minimal: Path) -> None:
    code, out, err = run("check", "--root", str(minimal))
    assert (code, out, err) == (0, "ok: 1 sources, 3 notes, 2 options, 3 briefs\n", "")


def test_check_reports_located_errors_and_exits_1(minimal: Path) -> None:
    shutil.copytree(FIXTURES / "bad" / "misquote", minimal, dirs_exist_ok=True)
    code, out, err = run("check", "--root", str(minimal))
    assert code == 1 and out == ""
    assert err.splitlines() == [
        "content/notes/test-notes.yaml:18: error: quote of note 'first-step' not found in "
        "source 'test-source'; closest passage is in ¶4: a “good first step” [quote.mismatch]",
        "1 error(s), 0 warning(s)",
    ]


def test_strict_turns_warnings_into_failure(minimal: Path) -> None:
    shutil.copytree(FIXTURES / "bad" / "unsourced-passage", minimal, dirs_exist_ok=True)
    assert run("check", "--root", str(minimal))[0] == 0
    assert run("check", "--strict", "--root", str(minimal))[0] == 1


def test_build_html_only_prints_progress_and_summary(minimal: Path) -> None:
    code, out, err = run("build", "--root", str(minimal), "--format", "html")
    assert code == 0
    assert err == ""  # HTML only is fast: no progress lines
    lines = out.splitlines()
    assert [line.split(" (")[0] for line in lines] == [
        "wrote output/issue.html",
        "wrote output/memo.html",
        "wrote output/one.html",
        "wrote output/annex/issue.html",
        "wrote output/annex/memo.html",
        "wrote output/annex/one.html",
    ]


def test_failed_build_says_output_was_kept(minimal: Path) -> None:
    shutil.copytree(FIXTURES / "bad" / "dangling-citation", minimal, dirs_exist_ok=True)
    code, _, err = run("build", "--root", str(minimal))
    assert code == 1
    assert err.splitlines()[-1] == "build failed: output/ left as it was"


def test_list(minimal: Path) -> None:
    code, out, _ = run("list", "--root", str(minimal))
    assert code == 0
    assert out.splitlines() == [
        "issue\tissue-brief\tPUBLIC\tTest issue brief",
        "memo\tdecision-memo\tINTERNAL\tTest memo",
        "one\tone-pager\tPUBLIC\tTest one-pager",
    ]


def test_missing_settings_is_reported(tmp_path: Path) -> None:
    code, _, err = run("check", "--root", str(tmp_path))
    assert code == 1
    assert err.splitlines()[0] == (
        f"briefgen.toml: error: no briefgen.toml in {tmp_path} [settings.missing]"
    )


def test_schema_command_knows_the_project_types(tmp_path: Path) -> None:
    """A project's own brief types are valid values of a brief's `type` in the schema."""
    root = copy_project(MINIMAL, tmp_path / "project")
    shutil.copytree(FIXTURES / "types", root, dirs_exist_ok=True)
    code, out, _ = run("schema", "--root", str(root), str(tmp_path / "s"))
    assert code == 0
    assert sorted(out.splitlines()) == sorted(
        f"wrote {tmp_path / 's' / name}.schema.json"
        for name in ("source", "notes", "option", "criteria", "judgments", "brief", "settings")
    )
    brief = json.loads((tmp_path / "s" / "brief.schema.json").read_text(encoding="utf-8"))
    assert brief["properties"]["type"]["enum"] == [
        "decision-memo",
        "fact-card",
        "fact-sheet",
        "issue-brief",
        "one-pager",
        "options-paper",
    ]


def test_version_names_briefgen_and_the_renderer_it_loads() -> None:
    # The installed console script, as a user runs it: its metadata and the package agree.
    script = Path(sys.executable).parent / "briefgen"
    done = subprocess.run(
        [str(script), "--version"], capture_output=True, text=True, check=True, timeout=60
    )
    first, second = done.stdout.splitlines()
    assert first == "briefgen 0.2.0"
    assert metadata.version("briefgen") == briefgen.__version__ == "0.2.0"
    # Checked against the libraries WeasyPrint's own cffi bindings load (the CLI asks them
    # through ctypes). WeasyPrint declares no *_version_string, but it does declare
    # pango_version() (an encoded int) and hb_version_atleast().
    from weasyprint import __version__ as weasyprint_version
    from weasyprint.text.ffi import harfbuzz, pango

    match = re.fullmatch(
        r"WeasyPrint (\S+), Pango (\d+)\.(\d+)\.(\d+), HarfBuzz (\d+)\.(\d+)\.(\d+)", second
    )
    assert match, second
    assert match[1] == weasyprint_version
    p_major, p_minor, p_micro = (int(part) for part in match.groups()[1:4])
    assert pango.pango_version() == p_major * 10000 + p_minor * 100 + p_micro
    h_major, h_minor, h_micro = (int(part) for part in match.groups()[4:7])
    assert harfbuzz.hb_version_atleast(h_major, h_minor, h_micro)
    assert not harfbuzz.hb_version_atleast(h_major, h_minor, h_micro + 1)
    assert done.stderr == ""


def test_every_command_a_group_module_defines_is_in_the_table() -> None:
    """A command is reachable only through briefgen.cli.COMMANDS (loaded when it runs): one
    defined in a group module but missing from the table would be silently unreachable."""
    import click

    from briefgen import cli

    for module_name in sorted({module for module, _ in cli.COMMANDS.values()}):
        module = importlib.import_module(f"briefgen.cli.{module_name}")
        commands = [c for c in vars(module).values() if isinstance(c, click.Command)]
        grouped = {
            id(sub) for c in commands if isinstance(c, click.Group) for sub in c.commands.values()
        }
        defined = {c.name for c in commands if id(c) not in grouped}
        listed = {name for name, (m, _) in cli.COMMANDS.items() if m == module_name}
        assert defined == listed, module_name
        for name in listed:
            assert main.get_command(click.Context(main), name).name == name  # type: ignore[union-attr]


def test_a_command_that_needs_no_project_loads_neither_the_models_nor_the_pipeline() -> None:
    """'briefgen rules' and '--version' start in a fraction of a second: the command groups,
    pydantic and the pipeline are loaded only by the commands that use them."""
    probe = (
        "import sys\n"
        "from briefgen.cli import main\n"
        "try:\n"
        "    main([sys.argv[1]])\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = ('pydantic', 'briefgen.pipeline', 'briefgen.model.records',\n"
        "         'briefgen.cli.briefs')\n"
        "print(*sorted(set(heavy) & set(sys.modules)), file=sys.stderr)\n"
    )
    for argument in ("rules", "--version"):
        done = subprocess.run(
            [sys.executable, "-c", probe, argument], capture_output=True, text=True, timeout=60
        )
        assert (done.returncode, done.stderr) == (0, "\n"), argument

"""The one writer (write/project_files.py) through real commands.

* kill -9 at five points of ``migrate-locators`` on 202 files (the test-only fault hook
  ``BRIEFGEN_TEST_FAULT_AFTER`` ends the process with ``os._exit`` after step N), and once
  at a moment chosen by the clock: the next writing command leaves the project wholly as
  it was or wholly migrated, and says which;
* links planted at every path each command writes, inside and outside the project:
  nothing is written through one;
* every OSError a user can cause is a located ``write.failed``, nothing half done.

Nothing here renders a PDF. The fault runs are subprocesses; the rest run in-process.
"""

from __future__ import annotations

import errno
import os
import pwd
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefgen.cli import main
from tests.conftest import FIXTURES, copy_project
from tests.processes import HANG_GUARD

EXTRA = 200
FILES = EXTRA + 2  # the notes above, the fixture's notes file and its source record
JOURNAL = ".briefgen-journal.json"
NOTES = "content/notes/test-notes.yaml"
RECORD = "content/sources/test-source.yaml"
# The writer's steps for FILES files: 1 journal (prepare), FILES staged, 1 journal
# (commit), FILES renames, 1 tidy-up. Kill after: the prepare journal; half the files
# staged; the commit journal; half the renames; every rename but before the tidy-up.
COMMIT = FILES + 2
KILL_POINTS = [1, FILES // 2, COMMIT, COMMIT + FILES // 2, COMMIT + FILES]


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result
    return result.exit_code, result.stdout, result.stderr


def briefgen(*args: str, **options: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "briefgen", *args],
        capture_output=True,
        text=True,
        timeout=HANG_GUARD,
        **options,  # type: ignore[call-overload]
    )


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file of the project but the lock and the schemas (which a command adds)."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and path.name != ".briefgen-lock" and "schemas" not in path.parts
    }


def leftovers(root: Path) -> list[str]:
    return sorted(
        p.relative_to(root).as_posix()
        for p in root.rglob(".briefgen-*")
        if p.name not in (".briefgen-lock", ".briefgen-cache")  # kept between runs
    )


def many_notes(root: Path) -> Path:
    for number in range(1, EXTRA + 1):
        (root / "content" / "notes" / f"n{number:03}.yaml").write_text(
            f"notes:\n  - id: extra-{number:03}\n    source: test-source\n    paragraph: 3\n"
            "    credibility: 2\n    kind: fact\n"
            '    quote: The "alliance" agreed to share data in 2014.\n'
            f"    body: Extra {number}.\n",
            encoding="utf-8",
        )
    return root


@pytest.fixture(scope="module")
def states(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes], dict]:
    """The 202-file project, and its files before and after a whole migration."""
    base = tmp_path_factory.mktemp("writer")
    template = many_notes(copy_project(FIXTURES / "unmigrated", base / "template"))
    migrated = shutil.copytree(template, base / "migrated")
    code, out, err = run("migrate-locators", "--root", str(migrated))
    assert code == 0, err
    assert out.endswith(f"in {FILES} file(s)\n")
    return template, snapshot(template), snapshot(migrated)


@pytest.mark.parametrize("step", KILL_POINTS)
def test_kill_at_any_step_then_the_next_command_leaves_all_or_nothing(
    states: tuple[Path, dict[str, bytes], dict[str, bytes]], tmp_path: Path, step: int
) -> None:
    template, before, after = states
    root = shutil.copytree(template, tmp_path / "p")
    killed = briefgen(
        "migrate-locators",
        "--root",
        str(root),
        env={**os.environ, "BRIEFGEN_TEST_FAULT_AFTER": str(step)},
    )
    assert killed.returncode == 137, killed.stderr
    assert (root / JOURNAL).is_file()
    # A command that writes (here `schema`) finishes or undoes the change first.
    code, _, err = run("schema", "--root", str(root))
    assert code == 0, err
    if step < COMMIT:
        assert snapshot(root) == before
        assert err.startswith(f"{JOURNAL}: an earlier run was interrupted before it changed")
    else:
        assert snapshot(root) == after
        assert err.startswith(f"{JOURNAL}: finished writing {FILES} files an earlier run was")
    assert leftovers(root) == []


def test_a_read_only_command_reports_an_interrupted_change_and_changes_nothing(
    states: tuple[Path, dict[str, bytes], dict[str, bytes]], tmp_path: Path
) -> None:
    template, _, _ = states
    root = shutil.copytree(template, tmp_path / "p")
    env = {**os.environ, "BRIEFGEN_TEST_FAULT_AFTER": str(COMMIT + 3)}
    assert briefgen("migrate-locators", "--root", str(root), env=env).returncode == 137
    half = snapshot(root)
    for command in (["check"], ["list"], ["impact", "test-source"]):
        code, _, err = run(*command, "--root", str(root))
        assert code == 1
        assert (
            f"{JOURNAL}: error: an earlier command was interrupted while writing project files: "
            "run a command that writes (briefgen build, upgrade or migrate-locators) to finish "
            "or undo it [write.interrupted]"
        ) in err.splitlines()
    code, _, err = run("migrate-locators", "--check", "--root", str(root))
    assert code == 1 and "[write.interrupted]" in err
    assert snapshot(root) == half and (root / JOURNAL).is_file()


def test_a_kill_at_a_moment_chosen_by_the_clock(
    states: tuple[Path, dict[str, bytes], dict[str, bytes]], tmp_path: Path
) -> None:
    """SIGKILL as soon as the first file changes (as the review did), no fault hook."""
    template, before, after = states
    root = shutil.copytree(template, tmp_path / "p")
    first = root / "content" / "notes" / "n001.yaml"
    inode = first.stat().st_ino
    process = subprocess.Popen(
        [sys.executable, "-m", "briefgen", "migrate-locators", "--root", str(root)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while process.poll() is None and first.stat().st_ino == inode:
            pass  # busy: the kill must land within the renames
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(timeout=HANG_GUARD)
    code, _, err = run("schema", "--root", str(root))
    assert code == 0, err
    assert snapshot(root) in (before, after)
    assert snapshot(root) == after  # the first rename came after the commit
    assert leftovers(root) == []


# --- links --------------------------------------------------------------------------


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder outside every project, with one file; checked unchanged by each test."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "keep.txt").write_text("outside\n", encoding="utf-8")
    return folder


def unchanged(folder: Path) -> bool:
    return snapshot(folder) == {"keep.txt": b"outside\n"}


@pytest.fixture
def unmigrated(tmp_path: Path) -> Path:
    return copy_project(FIXTURES / "unmigrated", tmp_path / "p")


@pytest.mark.parametrize("planted", [NOTES, RECORD, "content/notes", "content/sources"])
def test_migrate_never_writes_through_a_link(unmigrated: Path, outside: Path, planted: str) -> None:
    path = unmigrated / planted
    if path.is_dir():
        shutil.rmtree(path)
        path.symlink_to(outside)
    else:
        path.unlink()
        path.symlink_to(outside / "keep.txt")
    code, _, err = run("migrate-locators", "--root", str(unmigrated))
    assert code == 1 and "symbolic link" in err
    assert unchanged(outside)


def test_migrate_replaces_a_hard_linked_file_never_writes_through_it(
    unmigrated: Path, outside: Path
) -> None:
    record = unmigrated / RECORD
    os.link(record, outside / "record.yaml")
    old = record.read_bytes()
    code, _, err = run("migrate-locators", "--root", str(unmigrated))
    assert code == 0, err
    assert (outside / "record.yaml").read_bytes() == old
    assert b"numbering: body" in record.read_bytes()
    assert record.stat().st_ino != (outside / "record.yaml").stat().st_ino


def test_a_journal_planted_as_a_link_is_never_written_through(
    unmigrated: Path, outside: Path
) -> None:
    (unmigrated / JOURNAL).symlink_to(outside / "keep.txt")
    code, _, err = run("migrate-locators", "--root", str(unmigrated))
    assert code == 1
    assert f"{JOURNAL}: error: could not write: is not a file briefgen wrote" in err
    assert unchanged(outside)


@pytest.mark.parametrize("planted", ["schemas", "schemas/notes.schema.json"])
def test_schema_never_writes_through_a_link_in_the_project(
    minimal: Path, outside: Path, planted: str
) -> None:
    if planted == "schemas":
        (minimal / "schemas").symlink_to(outside)
    else:
        (minimal / "schemas").mkdir()
        (minimal / planted).symlink_to(outside / "keep.txt")
    code, out, err = run("schema", "--root", str(minimal))
    assert (code, out) == (1, "")
    assert err.splitlines()[0] == (
        f"{planted}: error: could not write: is a symbolic link; briefgen never writes through "
        "a symbolic link: remove the link; nothing was changed [write.failed]"
    )
    assert unchanged(outside)
    assert leftovers(minimal) == []


def test_schema_replaces_a_hard_linked_schema(minimal: Path, outside: Path) -> None:
    (minimal / "schemas").mkdir()
    os.link(outside / "keep.txt", minimal / "schemas" / "notes.schema.json")
    code, _, err = run("schema", "--root", str(minimal))
    assert code == 0, err
    assert unchanged(outside)
    assert (minimal / "schemas" / "notes.schema.json").read_text().startswith("{")


def test_schema_default_folder_is_under_root_not_the_current_folder(
    minimal: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    code, out, _ = run("schema", "--root", str(minimal))
    assert code == 0
    assert out.splitlines()[0] == f"wrote {minimal / 'schemas' / 'brief.schema.json'}"
    assert list(elsewhere.iterdir()) == []
    assert len(list((minimal / "schemas").iterdir())) == 7


def test_schema_into_a_folder_outside_reached_through_a_link_is_refused(
    minimal: Path, outside: Path, tmp_path: Path
) -> None:
    (tmp_path / "via").symlink_to(outside)
    code, _, err = run("schema", "--root", str(minimal), str(tmp_path / "via" / "s"))
    assert code == 1
    assert err.startswith(f"{tmp_path / 'via'}: error: could not write: is a symbolic link")
    assert unchanged(outside)
    code, _, err = run("schema", "--root", str(minimal), str(outside / "new" / "s"))
    assert code == 0, err  # a real folder outside, named by the user: fine, made as needed
    assert len(list((outside / "new" / "s").iterdir())) == 7
    assert leftovers(outside) == []


def test_source_add_never_writes_through_a_link(tmp_path: Path, outside: Path) -> None:
    root = copy_project(FIXTURES / "minimal", tmp_path / "p")
    (tmp_path / "new.txt").write_text("One paragraph.\n", encoding="utf-8")
    shutil.rmtree(root / "content" / "sources")
    (root / "content" / "sources").symlink_to(outside)
    code, _, err = run("source", "add", "--root", str(root), str(tmp_path / "new.txt"))
    assert code == 1 and "symbolic link" in err
    assert unchanged(outside)


def test_upgrade_never_writes_through_a_link(tmp_path: Path, outside: Path) -> None:
    root = copy_project(FIXTURES / "old-project-0.1", tmp_path / "p")
    shutil.copy(root / "briefgen.toml", outside / "settings.toml")
    settings = (outside / "settings.toml").read_bytes()
    (root / "briefgen.toml").unlink()
    (root / "briefgen.toml").symlink_to(outside / "settings.toml")
    code, _, err = run("upgrade", "--root", str(root))
    assert code == 1 and "symbolic link" in err
    assert (outside / "settings.toml").read_bytes() == settings


def test_init_never_writes_through_a_link(tmp_path: Path, outside: Path) -> None:
    project = tmp_path / "new"
    (project / "content").mkdir(parents=True)
    (project / "content" / "briefs").symlink_to(outside)
    code, _, err = run("init", "--force", str(project))
    assert code == 1 and "symbolic link" in err
    assert unchanged(outside)
    assert sorted(p.name for p in project.rglob("*")) == ["briefs", "content"]


# --- errors a user can cause ---------------------------------------------------------


def test_schema_arguments_a_user_can_get_wrong_are_located_errors(
    minimal: Path, tmp_path: Path
) -> None:
    (tmp_path / "afile").write_text("x")
    long = tmp_path / ("x" * 5000)
    cases = [
        (
            tmp_path / "afile" / "sub",
            f"{tmp_path / 'afile'}: error: could not write: is not a folder",
        ),
        (long, f"{long}: error: could not write: File name too long; choose a shorter name"),
        (Path("/proc/1/schemas"), "/proc/1: error: could not write: "),
    ]
    for directory, expected in cases:
        code, out, err = run("schema", "--root", str(minimal), str(directory))
        assert (code, out) == (1, ""), err
        assert err.startswith(expected), err
        assert err.splitlines()[0].endswith("nothing was changed [write.failed]")


def _small_disk() -> None:
    """The kernel refuses any write past 300 bytes, as a full disk would."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (300, 300))


def test_migrate_on_a_full_disk_is_located_and_changes_nothing(unmigrated: Path) -> None:
    before = snapshot(unmigrated)
    done = briefgen("migrate-locators", "--root", str(unmigrated), preexec_fn=_small_disk)
    assert done.returncode == 1
    assert done.stderr.splitlines()[0] == (
        f"{NOTES}: error: could not write: File too large; free some disk space (or raise "
        "the file size limit), then run it again; nothing was changed [write.failed]"
    )
    assert snapshot(unmigrated) == before
    assert leftovers(unmigrated) == []


@pytest.fixture
def nobody() -> Iterator[tuple[Path, tuple[str, ...]]]:
    """A project an unprivileged user owns, and the command prefix that runs as them."""
    home = Path(tempfile.mkdtemp())
    root = copy_project(FIXTURES / "unmigrated", home / "p")
    user: tuple[str, ...] = ()
    if os.geteuid() == 0:
        who = pwd.getpwnam("nobody")
        for path in [home, *home.rglob("*")]:
            os.chown(path, who.pw_uid, who.pw_gid)
        user = ("setpriv", f"--reuid={who.pw_uid}", f"--regid={who.pw_gid}", "--clear-groups")
    yield root, user
    shutil.rmtree(home, ignore_errors=True)


def test_migrate_into_an_unwritable_folder_is_located_and_changes_nothing(
    nobody: tuple[Path, tuple[str, ...]],
) -> None:
    root, user = nobody
    (root / "content" / "sources").chmod(0o555)
    before = snapshot(root)
    done = subprocess.run(
        [*user, sys.executable, "-m", "briefgen", "migrate-locators", "--root", str(root)],
        capture_output=True,
        text=True,
        timeout=HANG_GUARD,
    )
    assert done.returncode == 1, done.stderr
    assert done.stderr.splitlines()[0] == (
        f"{RECORD}: error: could not write: Permission denied; make it and its folder "
        "writable (chmod u+w), then run the command again; nothing was changed [write.failed]"
    )
    assert snapshot(root) == before
    assert leftovers(root) == []


def test_migrate_with_an_immutable_file_is_located_and_changes_nothing(unmigrated: Path) -> None:
    record = unmigrated / RECORD
    if (
        shutil.which("chattr") is None
        or subprocess.run(["chattr", "+i", str(record)], capture_output=True).returncode
    ):
        pytest.skip("chattr +i is not available here (needs root on ext4/xfs/btrfs)")
    try:
        before = snapshot(unmigrated)
        code, _, err = run("migrate-locators", "--root", str(unmigrated))
        assert code == 1
        assert err.splitlines()[0].startswith(
            f"{RECORD}: error: could not write: Operation not permitted; make it and its "
            "folder writable (chmod u+w; chattr -i if immutable)"
        )
        assert snapshot(unmigrated) == before
        assert leftovers(unmigrated) == []
    finally:
        subprocess.run(["chattr", "-i", str(record)], check=True)
    code, _, err = run("migrate-locators", "--root", str(unmigrated))
    assert code == 0, err  # once fixed, the command simply runs: no repair by hand


def test_errno_hints_cover_every_error_a_user_can_cause() -> None:
    from briefgen.write.confined import HINTS

    for code in (errno.ENOSPC, errno.EACCES, errno.EPERM, errno.EROFS, errno.ENAMETOOLONG):
        assert code in HINTS


def _tiny_disk() -> None:
    """The kernel refuses any write past 2 kB, as a full disk would."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (2000, 2000))


def test_a_build_that_fills_the_disk_leaves_no_stage_behind(minimal: Path) -> None:
    """Review case disk-full-during-csl-build: a partial build copies the last output into
    its stage first; a full disk there left ``.briefgen-stage-*`` for the next build."""
    from briefgen import pipeline

    assert pipeline.build(minimal, formats=("html",)).written  # HTML only: no PDF rendered
    before = snapshot(minimal / "output")
    done = briefgen(
        "build", "--root", str(minimal), "--format", "html", "--brief", "one",
        preexec_fn=_tiny_disk,
    )  # fmt: skip
    assert done.returncode == 1
    assert "could not write: File too large; free some disk space" in done.stderr
    assert "[output.write-failed]" in done.stderr
    assert snapshot(minimal / "output") == before
    assert sorted(minimal.glob(".briefgen-stage-*")) == []


def test_a_planted_journal_cannot_remove_or_move_a_project_file(minimal: Path) -> None:
    """A project may arrive with a journal in it: recovery touches only names it makes."""
    settings = (minimal / "briefgen.toml").read_bytes()
    (minimal / JOURNAL).write_text(
        '{"state": "prepare", "folders": [], "files": [["x.yaml", "briefgen.toml", null]]}',
        encoding="utf-8",
    )
    code, out, err = run("schema", "--root", str(minimal))
    assert (code, out) == (1, "")
    assert err.startswith(
        f"{JOURNAL}: error: could not write: is not a journal briefgen wrote "
        "('briefgen.toml' is not a name briefgen makes); restore the project from version "
        "control, then delete this file; nothing was changed [write.failed]"
    )
    assert (minimal / "briefgen.toml").read_bytes() == settings


# --- hostile journals ------------------------------------------------------------------
# A project may arrive with any file at .briefgen-journal.json. The next writing command
# (here `schema`) refuses a journal it did not write, located at the journal, without a
# traceback, a hang, a change in the project or a write outside it.

STAGED = ".briefgen-0123abcd-0.new"  # a name the writer makes, planted with the journal
REFUSED = f"{JOURNAL}: error: could not write: is not a journal briefgen wrote"


def _journal(files: list[list[object]], state: str = "commit") -> str:
    import json

    return json.dumps({"state": state, "folders": [], "files": files})


def _huge(path: Path) -> None:
    """A well-formed journal (naming nothing) padded past the 16 MiB the writer reads."""
    path.write_text(_journal([]) + " " * (17 * 2**20), encoding="utf-8")


HOSTILE_JOURNALS: dict[str, object] = {
    "huge": _huge,
    "binary": bytes(range(256)) * 64,
    "not-json": '{"state": "commit",\n "files": [oops]}',
    "deep-list": "[" * 200_000,
    "deep-in-a-record": '{"state": "commit", "folders": [], "files": ' + "[" * 200_000,
    "wrong-shape": '{"state": "commit", "folders": [], "files": "abc"}',
    "number-for-a-name": '{"state": "commit", "folders": [], "files": [[1, 2, null]]}',
    "unknown-state": _journal([["briefgen.toml", STAGED, None]], "done"),
    "absolute-target": _journal([["/etc/passwd", STAGED, None]]),
    "target-above": _journal([["../outside.txt", STAGED, None]]),
    "nul-in-target": _journal([["brief\x00gen.toml", STAGED, None]]),
    "surrogate-in-target": '{"state": "commit", "folders": [], '
    '"files": [["\\ud800.toml", "' + STAGED + '", null]]}',
    "folder-not-made-for-a-target": '{"state": "prepare", "folders": ["content/briefs"], '
    '"files": [["x.yaml", "' + STAGED + '", null]]}',
    "legacy-moves-a-dotfile": '[[".gitignore", "briefgen.toml"]]',
}


@pytest.mark.parametrize("case", sorted(HOSTILE_JOURNALS))
def test_a_hostile_journal_is_refused_located_and_changes_nothing(
    minimal: Path, outside: Path, case: str
) -> None:
    journal, planted = minimal / JOURNAL, HOSTILE_JOURNALS[case]
    if callable(planted):
        planted(journal)
    else:
        journal.write_bytes(planted if isinstance(planted, bytes) else planted.encode())
    (minimal / STAGED).write_text("staged\n", encoding="utf-8")
    (minimal / ".gitignore").write_text("output/\n", encoding="utf-8")
    (minimal / "content" / "briefs" / ".gitkeep").unlink(missing_ok=True)
    before = snapshot(minimal)
    code, out, err = run("schema", "--root", str(minimal))
    assert (code, out) == (1, ""), err
    first = err.splitlines()[0]
    assert first.startswith(REFUSED) or first.startswith(f"{JOURNAL}:2: error: could not"), err
    assert first.endswith("[write.failed]") and "Traceback" not in err
    assert snapshot(minimal) == before and unchanged(outside)
    assert not (minimal / "schemas").exists()


def test_a_journal_naming_a_file_through_a_link_changes_nothing(
    minimal: Path, outside: Path
) -> None:
    """A commit journal whose second file lies behind a linked folder: refused before the
    first file is touched (not half completed), and nothing outside is renamed."""
    (minimal / "content" / "linked").symlink_to(outside)
    shutil.copy(outside / "keep.txt", outside / STAGED)
    (minimal / STAGED).write_text("staged\n", encoding="utf-8")
    (minimal / JOURNAL).write_text(
        _journal(
            [
                ["a.txt", STAGED, None],
                ["content/linked/keep.txt", f"content/linked/{STAGED}", None],
            ]
        ),
        encoding="utf-8",
    )
    before = snapshot(minimal)
    code, _, err = run("schema", "--root", str(minimal))
    assert code == 1
    assert err.startswith(
        f"{JOURNAL}: error: could not write: is not a journal briefgen wrote "
        "(content/linked/keep.txt is reached through a symbolic link: content/linked)"
    ), err
    assert snapshot(minimal) == before
    assert sorted(p.name for p in outside.iterdir()) == sorted([STAGED, "keep.txt"])
    assert (outside / "keep.txt").read_text(encoding="utf-8") == "outside\n"


def test_a_journal_that_is_a_fifo_does_not_hang(minimal: Path) -> None:
    os.mkfifo(minimal / JOURNAL)
    done = briefgen("schema", "--root", str(minimal))  # the hang guard bounds it
    assert done.returncode == 1
    assert done.stderr.startswith(
        f"{JOURNAL}: error: could not write: is not a file briefgen wrote; remove it"
    ), done.stderr


# --- a recovery is said, in build and serve ------------------------------------------
# The unmigrated fixture's migration writes 2 files: step 1 is the prepare journal, step 4
# the commit journal.


def test_a_build_says_in_one_line_what_it_completed(unmigrated: Path) -> None:
    env = {**os.environ, "BRIEFGEN_TEST_FAULT_AFTER": "5"}  # one of two renames done
    assert briefgen("migrate-locators", "--root", str(unmigrated), env=env).returncode == 137
    done = briefgen("build", "--root", str(unmigrated), "--format", "html", "--brief", "one")
    said = [line for line in done.stderr.splitlines() if JOURNAL in line or "interrupted" in line]
    assert said == [
        f"{JOURNAL}: finished writing 2 files an earlier run was interrupted in: {NOTES}, {RECORD}"
    ], done.stderr
    assert done.returncode == 0, done.stderr
    assert leftovers(unmigrated) == []
    assert "numbering: body" in (unmigrated / RECORD).read_text(encoding="utf-8")


def test_serve_finishes_an_interrupted_change_and_says_so(unmigrated: Path) -> None:
    """The preview's check used to report write.interrupted on every save, so the build
    that would recover it never ran."""
    from briefgen.preview import Preview

    before = snapshot(unmigrated)
    env = {**os.environ, "BRIEFGEN_TEST_FAULT_AFTER": "2"}  # one of two files staged
    assert briefgen("migrate-locators", "--root", str(unmigrated), env=env).returncode == 137
    brief = unmigrated / "content" / "briefs" / "one.md"
    brief.write_text(brief.read_text(encoding="utf-8") + "\nMore [@nope].\n", encoding="utf-8")
    logs: list[str] = []
    preview = Preview(unmigrated, logs.append)
    try:
        assert preview.rebuild_if_changed()  # the check fails at [@nope]: nothing built
    finally:
        preview.close()
    assert logs[0] == (
        f"{JOURNAL}: an earlier run was interrupted before it changed anything: undone, "
        f"2 file(s) left as they were ({NOTES}, {RECORD})"
    )
    assert "[cite.unknown-note]" in logs[1] and "write.interrupted" not in "".join(logs)
    assert leftovers(unmigrated) == []
    assert {k: v for k, v in snapshot(unmigrated).items() if k != "content/briefs/one.md"} == {
        k: v for k, v in before.items() if k != "content/briefs/one.md"
    }

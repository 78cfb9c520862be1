"""``briefgen upgrade`` on tests/fixtures/old-project-0.1, the seed as it stood before
the settings renames (commit 77f1a15^), through the real CLI.

The project is upgraded once per module (each run checks the whole project, a few
seconds); a test that changes it works on a copy.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefgen.cli import main
from briefgen.diagnostics import Diagnostics
from briefgen.upgrade.settings import plan_settings
from tests.conftest import FIXTURES, REPO, copy_project

OLD = FIXTURES / "old-project-0.1"
TODO = re.compile(r"^(content/[\w/.-]+):(\d+): todo: (.+) \[([a-z]+\.[a-z-]+)\]$")

# The diff upgrading the old project prints (reviewed by hand; a change to it is on purpose).
DIFF = (REPO / "tests/golden/upgrade/old-project-0.1.diff").read_text(encoding="utf-8")

# Every to-do the old seed gets: file, line and the diagnostic it stands for.
TODOS = [
    "content/briefs/gsomia-decision-memo.md:2 memo.principal",
    "content/briefs/gsomia-decision-memo.md:5 brief.stale",
    "content/briefs/gsomia-decision-memo.md:6 brief.author",
    "content/briefs/gsomia-decision-memo.md:7 brief.unapproved",
    "content/briefs/gsomia-decision-memo.md:16 brief.missing-section",
    "content/briefs/gsomia-decision-memo.md:26 memo.that-you",
    "content/briefs/trilateral-one-pager.md:5 brief.stale",
    "content/briefs/trilateral-one-pager.md:6 brief.author",
    "content/briefs/trilateral-one-pager.md:7 brief.unapproved",
    "content/briefs/trilateral-one-pager.md:14 brief.too-many-citations",
    "content/briefs/trilateral-options-issue-brief.md:6 brief.stale",
    "content/briefs/trilateral-options-issue-brief.md:7 brief.author",
    "content/briefs/trilateral-options-issue-brief.md:8 brief.unapproved",
    "content/briefs/trilateral-options-issue-brief.md:17 brief.missing-section",
    "content/briefs/trilateral-options-paper.md:6 brief.stale",
    "content/briefs/trilateral-options-paper.md:7 brief.author",
    "content/briefs/trilateral-options-paper.md:8 brief.unapproved",
    "content/briefs/trilateral-options-paper.md:18 brief.missing-section",
    "content/judgments.yaml:13 judgment.confidence-unearned",
    "content/judgments.yaml:25 judgment.confidence-unearned",
    "content/notes/klingner-gsomia.yaml:32 note.missing-holder",
    "content/notes/klingner-gsomia.yaml:43 note.missing-holder",
    "content/notes/klingner-gsomia.yaml:84 note.missing-holder",
    "content/notes/klingner-gsomia.yaml:153 note.conflict-unstated",
    "content/notes/klingner-gsomia.yaml:172 note.missing-holder",
    "content/notes/klingner-gsomia.yaml:186 note.missing-holder",
    "content/notes/klingner-gsomia.yaml:229 note.missing-holder",
    "content/notes/klingner-gsomia.yaml:259 note.missing-holder",
    "content/notes/klingner-gsomia.yaml:291 note.missing-holder",
    "content/notes/klingner-gsomia.yaml:309 note.missing-holder",
    "content/notes/klingner-gsomia.yaml:323 note.missing-holder",
    "content/notes/klingner-gsomia.yaml:351 note.missing-holder",
    "content/notes/klingner-gsomia.yaml:365 note.missing-holder",
    "content/notes/klingner-gsomia.yaml:379 note.missing-holder",
    "content/notes/klingner-gsomia.yaml:406 note.missing-holder",
    "content/notes/klingner-gsomia.yaml:419 note.missing-holder",
    "content/notes/klingner-gsomia.yaml:432 note.missing-holder",
    "content/notes/klingner-gsomia.yaml:443 note.missing-holder",
    "content/notes/klingner-gsomia.yaml:455 note.missing-holder",
    "content/notes/klingner-gsomia.yaml:465 note.missing-holder",
    "content/notes/klingner-gsomia.yaml:478 note.missing-holder",
    "content/notes/klingner-gsomia.yaml:492 note.missing-holder",
    "content/notes/klingner-gsomia.yaml:506 note.missing-holder",
    "content/notes/klingner-gsomia.yaml:517 note.missing-holder",
    "content/notes/klingner-gsomia.yaml:530 note.missing-holder",
    "content/notes/klingner-gsomia.yaml:543 note.missing-holder",
    "content/notes/klingner-gsomia.yaml:557 note.missing-holder",
    "content/notes/klingner-gsomia.yaml:569 note.missing-holder",
    "content/notes/mou-article.yaml:26 note.missing-holder",
    "content/notes/mou-article.yaml:49 note.missing-holder",
    "content/notes/mou-article.yaml:85 note.missing-holder",
    "content/notes/mou-article.yaml:99 note.missing-holder",
    "content/notes/mou-article.yaml:128 note.conflict-unstated",
    "content/notes/mou-article.yaml:133 note.missing-holder",
    "content/notes/mou-article.yaml:146 note.missing-holder",
    "content/notes/mou-article.yaml:158 note.missing-holder",
    "content/notes/mou-article.yaml:171 note.missing-holder",
    "content/notes/mou-article.yaml:184 note.missing-holder",
    "content/notes/mou-article.yaml:225 note.missing-holder",
    "content/notes/mou-article.yaml:239 note.missing-holder",
]


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and not path.name.startswith(".briefgen")
    }


@pytest.fixture(scope="module")
def upgraded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, str, str]:
    """The old project upgraded once: its folder, exit status, stdout and stderr."""
    root = copy_project(OLD, tmp_path_factory.mktemp("old") / "project")
    return (root, *run("upgrade", "--root", str(root)))


def todos_of(out: str) -> list[str]:
    return [line for line in out.splitlines() if ": todo: " in line]


def test_upgrade_rewrites_the_settings_and_prints_the_diff(
    upgraded: tuple[Path, int, str, str],
) -> None:
    root, status, out, err = upgraded
    assert (status, err) == (0, "")
    assert out.startswith(DIFF)
    assert out.splitlines()[-1] == "upgraded 1 file(s); 60 to-do(s)"
    # Only briefgen.toml changed; every content file is byte for byte the old one.
    before, after = snapshot(OLD), snapshot(root)
    assert [name for name in before if before[name] != after[name]] == ["briefgen.toml"]


def test_upgrade_lists_every_decision_left_as_a_located_todo(
    upgraded: tuple[Path, int, str, str],
) -> None:
    _, _, out, _ = upgraded
    lines = todos_of(out)
    assert len(lines) == len(TODOS) == 60
    found = [TODO.match(line) for line in lines]
    assert all(found), [line for line, match in zip(lines, found, strict=True) if not match]
    assert [f"{m[1]}:{m[2]} {m[4]}" for m in found if m] == TODOS
    assert out.count("[note.missing-holder]") == 38
    assert (
        "content/notes/mou-article.yaml:26: todo: note 'shear-good-first-step' is a quote: "
        "add `holder:`, the person or outlet the source names as whose words it quotes "
        "[note.missing-holder]"
    ) in lines
    # A holder to add lists the sentences that will have to name it (no hidden round).
    assert (
        "content/notes/klingner-gsomia.yaml:229: todo: note 'mou-2014-not-real-time' is an "
        "assessment: add `holder:`, the person or outlet the source names as holding this "
        "view; then check that the 4 sentence(s) citing it name that holder "
        "(content/briefs/trilateral-one-pager.md:20, "
        "content/briefs/trilateral-options-issue-brief.md:23, "
        "content/briefs/trilateral-options-issue-brief.md:95, "
        "content/briefs/trilateral-options-paper.md:33), or mark them '::: analysis' "
        "[note.missing-holder]"
    ) in lines
    assert (
        "content/briefs/trilateral-one-pager.md:7: todo: marking 'PUBLIC' claims an approval "
        "([markings.claims_approval] in briefgen.toml); add approved_by and approved_on, or "
        "use a marking that claims none [brief.unapproved]"
    ) in lines


HOLDERS = {  # the person or outlet each source names, as the to-dos ask
    "content/notes/klingner-gsomia.yaml": "Klingner",
    "content/notes/mou-article.yaml": "the c. 2015 article",
}


def apply_todos(root: Path, out: str) -> None:
    """Make exactly the edits the to-dos ask for, nothing else (bottom-up in each file)."""
    by_file: dict[str, list[tuple[int, str, str]]] = {}
    for line in todos_of(out):
        found = TODO.match(line)
        assert found
        by_file.setdefault(found[1], []).append((int(found[2]), found[4], found[3]))
    for name, todos in by_file.items():
        path = root / name
        lines = path.read_text(encoding="utf-8").split("\n")
        for number, code, message in sorted(todos, reverse=True):
            at = lines[number - 1]
            if code == "note.missing-holder":
                lines.insert(number, f"    holder: {HOLDERS[name]}")
            elif code == "note.conflict-unstated":
                lines.insert(number, "    conflict: signed then pulled, or signed but unratified")
            elif code == "brief.author":
                lines[number - 1] = "author: Northeast Asia desk"
            elif code == "memo.principal":
                lines.insert(number, "principal: Assistant Secretary for East Asian Affairs")
            elif code == "brief.stale":
                lines.insert(number, "retrospective: true")
            elif code == "brief.unapproved":
                lines[number:number] = ["approved_by: Jane Doe", "approved_on: 2026-11-23"]
            elif code == "judgment.confidence-unearned":
                lines[number - 1] = at.replace("confidence: high", "confidence: moderate")
            elif code == "memo.that-you":  # the first paragraph after the heading
                first = next(i for i in range(number, len(lines)) if lines[i].strip())
                lines[first] = "That you, " + lines[first][0].lower() + lines[first][1:]
            elif code == "brief.missing-section":
                heading = re.search(r"'## (.+?)' section", message)
                assert heading
                lines += [f"## {heading[1]}", "", "::: analysis", "Tokyo's view is unknown.", ":::"]
            elif code == "brief.too-many-citations":  # cite fewer: drop three of eight
                text = "\n".join(lines)
                for mark in (
                    " [@mou-2014-not-real-time]",
                    "\n  [@gsomia-2012-not-ratified; @gsomia-2012-cancelled-at-signing]",
                ):
                    assert text.count(mark) == 1
                    text = text.replace(mark, "")
                lines = text.split("\n")
            else:
                raise AssertionError(f"no scripted fix for {code}")
        path.write_text("\n".join(lines), encoding="utf-8")


def test_doing_the_todos_makes_the_project_check_and_upgrade_again_is_a_no_op(
    upgraded: tuple[Path, int, str, str], tmp_path: Path
) -> None:
    root = copy_project(upgraded[0], tmp_path / "project")
    apply_todos(root, upgraded[2])
    status, out, err = run("check", "--root", str(root))
    assert status == 0, err
    assert out == "ok: 2 sources, 59 notes, 5 options, 4 briefs\n"
    before = snapshot(root)
    # Run again: nothing to rewrite. With the holders named, the sentences that cite
    # their views without naming them are the next to-dos (warnings for `check`).
    status, out, err = run("upgrade", "--root", str(root))
    assert (status, err) == (0, "")
    assert out.splitlines()[-1] == (
        "nothing to upgrade: the project is in the current format; 27 to-do(s)"
    )
    codes = {TODO.match(line)[4] for line in todos_of(out)}  # type: ignore[index]
    assert codes == {"brief.unattributed-opinion"}
    assert len(todos_of(out)) == 27
    assert snapshot(root) == before


def test_upgrade_twice_changes_nothing_and_says_so(
    upgraded: tuple[Path, int, str, str], tmp_path: Path
) -> None:
    root = copy_project(upgraded[0], tmp_path / "project")
    before = snapshot(root)
    status, out, err = run("upgrade", "--root", str(root))
    assert (status, err) == (0, "")
    assert todos_of(out) == todos_of(upgraded[2])  # still to do, but nothing to rewrite
    assert out.splitlines()[-1] == (
        "nothing to upgrade: the project is in the current format; 60 to-do(s)"
    )
    assert snapshot(root) == before


def test_check_option_prints_the_diff_and_writes_nothing(tmp_path: Path) -> None:
    root = copy_project(OLD, tmp_path / "project")
    status, out, err = run("upgrade", "--check", "--root", str(root))
    assert (status, err) == (1, "")
    assert out.startswith(DIFF)
    assert len(todos_of(out)) == 60
    assert out.splitlines()[-1] == "would upgrade 1 file(s); nothing written; 60 to-do(s)"
    assert snapshot(root) == snapshot(OLD)


def test_a_file_that_cannot_be_edited_leaves_every_file_untouched(tmp_path: Path) -> None:
    """Settings to move and ¶ to renumber; one note in flow style stops them all."""
    root = copy_project(FIXTURES / "unmigrated", tmp_path / "project")
    settings = root / "briefgen.toml"
    settings.write_text(settings.read_text() + "\n[analysis]\nsamples = 100\n")
    notes = root / "content/notes/test-notes.yaml"
    text = notes.read_text(encoding="utf-8")
    old = "  - id: first-step\n    source: test-source\n    paragraph: 5\n"
    assert text.count(old) == 1
    notes.write_text(
        text.replace(
            old,
            "  - {id: first-step, source: test-source, paragraph: 5,\n"
            "     credibility: 2, kind: quote, quote: good first step,\n"
            "     body: Officials called it a first step., holder: Officials}\n"
            "  - id: unused\n    source: test-source\n    paragraph: 5\n",
        ),
        encoding="utf-8",
    )
    before = snapshot(root)
    status, out, err = run("upgrade", "--root", str(root))
    assert (status, out) == (1, "")
    assert err.splitlines() == [
        "content/notes/test-notes.yaml:15: error: cannot rewrite 'paragraph: 5' in place "
        "(flow style, or a ¶ split by a comment): write it in block style, then run the "
        "command again [migrate.cannot-edit]",
        "1 error(s), 0 warning(s)",
        "nothing written: fix the errors above, then run the command again",
    ]
    assert snapshot(root) == before


def test_upgrade_runs_the_locator_migration_as_a_step(tmp_path: Path) -> None:
    root = copy_project(FIXTURES / "unmigrated", tmp_path / "project")
    status, out, err = run("upgrade", "--root", str(root))
    assert (status, err) == (0, "")
    assert "+numbering: body  # ¶ numbers in notes count body paragraphs only" in out
    assert out.splitlines()[-1] == "upgraded 2 file(s); 0 to-do(s)"
    status, out, _ = run("migrate-locators", "--root", str(root))  # the alias agrees
    assert (status, out) == (
        0,
        "nothing to migrate: no source marks its lines without 'numbering: body'\n",
    )


def test_upgrade_in_the_current_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = copy_project(FIXTURES / "unmigrated", tmp_path / "project")
    monkeypatch.chdir(root)
    status, out, err = run("upgrade")
    assert (status, err) == (0, "")
    assert out.splitlines()[-1] == "upgraded 2 file(s); 0 to-do(s)"
    assert sorted(p.name for p in root.iterdir()) == [".briefgen-lock", "briefgen.toml", "content"]
    assert sorted(p.name for p in (root / "content/notes").iterdir()) == ["test-notes.yaml"]


def test_migrate_locators_takes_root_like_every_command(tmp_path: Path) -> None:
    root = copy_project(FIXTURES / "unmigrated", tmp_path / "project")
    by_option = run("migrate-locators", "--check", "--root", str(root))
    by_argument = run("migrate-locators", "--check", str(root))
    assert by_option == by_argument
    assert by_option[0] == 1


def test_a_symlinked_settings_file_is_refused(tmp_path: Path) -> None:
    root = copy_project(OLD, tmp_path / "project")
    outside = tmp_path / "elsewhere.toml"
    (root / "briefgen.toml").rename(outside)
    os.symlink(outside, root / "briefgen.toml")
    before = outside.read_bytes()
    status, out, err = run("upgrade", "--root", str(root))
    assert (status, out) == (1, "")
    assert err.splitlines()[0] == (
        "briefgen.toml: error: this is a symbolic link; content is never read through a "
        "link [content.symlink]"
    )
    assert outside.read_bytes() == before
    assert (root / "briefgen.toml").is_symlink()


@pytest.mark.parametrize(
    ("statement", "claims"),
    [
        ("Approved for public release.", "true"),
        ("Releasable to partners.", "true"),
        ("Cleared by the press office.", "true"),
        ("Authorized for distribution to staff.", "true"),
        ("For the team only; do not forward.", "false"),
    ],
)
def test_a_marking_claims_approval_unless_its_statement_has_no_such_wording(
    statement: str, claims: str, tmp_path: Path
) -> None:
    text = (
        '[project]\ntitle = "T"\n\n[markings]\nlevels = ["A"]\n\n'
        f'[markings.distribution]\n"A" = "{statement}"\n'
    )
    new = plan_settings(text, tmp_path / "briefgen.toml", Diagnostics(tmp_path))
    assert new is not None
    assert new.splitlines()[-1].startswith(f'"A" = {claims}')


def test_a_level_without_a_statement_is_not_declared_to_claim_nothing_by_its_name(
    tmp_path: Path,
) -> None:
    text = '[markings]\nlevels = ["RELEASABLE", "TEAM"]\n'
    new = plan_settings(text, tmp_path / "briefgen.toml", Diagnostics(tmp_path))
    assert new is not None
    assert new.splitlines()[-2:] == [
        '"RELEASABLE" = true  # its statement has approval or release wording',
        '"TEAM" = false',
    ]


def test_old_and_new_form_together_stop_the_upgrade_naming_both_lines(tmp_path: Path) -> None:
    root = copy_project(FIXTURES / "minimal", tmp_path / "project")
    shutil.copy(FIXTURES / "renamed-settings/both-forms/briefgen.toml", root / "briefgen.toml")
    before = snapshot(root)
    status, out, err = run("upgrade", "--root", str(root))
    assert (status, out) == (1, "")
    assert err.splitlines() == [
        "briefgen.toml:12: error: [budgets] issue-brief = 8 (line 12) and its new form "
        "[types.issue-brief] budget (line 9) are both set: keep one value, in the new form "
        "[settings.both-forms]",
        "briefgen.toml:16: error: [analysis] samples = 100 (line 16) and its new form "
        "[sensitivity] samples (line 19) are both set: keep one value, in the new form "
        "[settings.both-forms]",
        "2 error(s), 0 warning(s)",
        "nothing written: fix the errors above, then run the command again",
    ]
    assert snapshot(root) == before


def test_an_inline_old_table_cannot_be_edited_in_place(tmp_path: Path) -> None:
    text = 'budgets = { issue-brief = 6 }\n\n[project]\ntitle = "T"\n'
    diagnostics = Diagnostics(tmp_path)
    assert plan_settings(text, tmp_path / "briefgen.toml", diagnostics) is None
    assert [d.format() for d in diagnostics.sorted()] == [
        "briefgen.toml:1: error: cannot rewrite [budgets] in place (an inline table, a dotted "
        "key or a value over several lines): write it as a [table] with one key per line, "
        "then run the command again [upgrade.cannot-edit]"
    ]


def test_a_moved_key_joins_its_table_when_the_table_exists(tmp_path: Path) -> None:
    text = (
        "[types.one-pager]\nmax_citations = 8\n\n"
        "[budgets]  # pages\none-pager = 2  # tight\nissue-brief = 20\n\n"
        "[analysis]\nseed = 7\n"
    )
    new = plan_settings(text, tmp_path / "briefgen.toml", Diagnostics(tmp_path))
    assert new == (
        "[types.one-pager]\nmax_citations = 8\nbudget = 2  # tight\n\n"
        "[types.issue-brief]\nbudget = 20\n\n"
        "[sensitivity]\nseed = 7\n"
    )


def test_a_write_interrupted_between_renames_is_finished_by_the_next_run(
    upgraded: tuple[Path, int, str, str], tmp_path: Path
) -> None:
    """As a crash leaves it: the new briefgen.toml staged and journaled, not yet renamed.

    The staged name is one 0.2's writer made (``mkstemp``: '.<file>.<8 of [a-z0-9_]>'); a
    0.2 journal naming anything else is refused since the hostile-journal hardening."""
    root = copy_project(OLD, tmp_path / "project")
    new = (upgraded[0] / "briefgen.toml").read_bytes()
    (root / ".briefgen.toml.k3j9x_2a").write_bytes(new)
    (root / ".briefgen-journal.json").write_text('[[".briefgen.toml.k3j9x_2a", "briefgen.toml"]]')
    status, out, err = run("upgrade", "--check", "--root", str(root))
    assert (status, out) == (1, "")
    assert err.splitlines()[0] == (
        ".briefgen-journal.json: error: an earlier run was interrupted while writing project "
        "files: run the command without --check to finish it [write.interrupted]"
    )
    status, out, err = run("upgrade", "--root", str(root))
    assert status == 0
    assert err == "briefgen.toml: finished writing it (an earlier run was interrupted)\n"
    assert out.splitlines()[-1] == (
        "nothing to upgrade: the project is in the current format; 60 to-do(s)"
    )
    assert (root / "briefgen.toml").read_bytes() == new
    assert sorted(p.name for p in root.iterdir()) == [".briefgen-lock", "briefgen.toml", "content"]

"""CHANGELOG.md names every diagnostic code and briefgen.toml key changed since 0.1.0.

A project notices a new rule, a renamed setting or a removed code; the changelog must
say so. These tests fail when briefgen/rules.toml or the Settings model changes without
an entry naming the code or key in backticks (`quote.mismatch`, `types.*.budget`).

The baseline, tests/fixtures/release-0.1.0.json, is 0.1.0 = commit 938b997, made once:

- ``codes``: the string literals shaped like a code in that commit's source, less the
  file names among them (brief.css, briefgen.toml, criteria.yaml, judgments.yaml,
  manifest.json)::

      git grep -hoE "[\\"'][a-z][a-z0-9_]*\\.[a-z][a-z0-9-]*[\\"']" 938b997 -- 'briefgen/*.py'

  0.1.0 built every code from a literal (no f-strings). The result is exactly the codes
  rules.toml marks ``since = "0.1.0"``, plus the three ``*.duplicate-id`` codes that
  ``id.duplicate`` replaced; that pattern missed the two codes whose area has a hyphen,
  ``front-matter.missing`` and ``front-matter.unclosed`` (in 938b997's
  briefgen/documents.py), added by hand once the registry test found them.
- ``settings_keys``: tests/settings_keys.py (which imports only pydantic) run over that
  commit's ``briefgen.settings.Settings``::

      git archive 938b997 briefgen | tar -x -C /tmp/bg-0.1.0
      cp tests/settings_keys.py /tmp/bg-0.1.0/
      cd /tmp/bg-0.1.0 && .venv/bin/python -I -c "import sys; sys.path.insert(0, '.');
        from briefgen.settings import Settings; from settings_keys import settings_keys;
        print(sorted(settings_keys(Settings)))"

The baseline is history: it never changes. The next release adds its own baseline.
"""

from __future__ import annotations

import json
import re

import briefgen
from briefgen.model.settings import Settings
from briefgen.rules import registry, version_tuple
from tests.conftest import FIXTURES, REPO
from tests.settings_keys import settings_keys

BASELINE = json.loads((FIXTURES / "release-0.1.0.json").read_text(encoding="utf-8"))
CHANGELOG = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
SECTIONS = {"Added", "Changed", "Deprecated", "Removed", "Fixed", "Security"}


def since_baseline(changelog: str) -> str:
    """The entries written after 0.1.0: everything above 0.1.0's heading."""
    heading = re.search(r"^## \[0\.1\.0\]", changelog, re.MULTILINE)
    assert heading, "CHANGELOG.md has no '## [0.1.0]' heading"
    return changelog[: heading.start()]


def unnamed(names: set[str], changelog: str) -> list[str]:
    """The names no backticked span of the entries since 0.1.0 spells exactly."""
    named = set(re.findall(r"`([^`\n]+)`", since_baseline(changelog)))
    return sorted(names - named)


def test_the_baseline_is_release_0_1_0() -> None:
    assert BASELINE["release"] == "0.1.0"
    assert BASELINE["commit"].startswith("938b997")
    assert "quote.mismatch" in BASELINE["codes"] and "pdf.page_size" in BASELINE["settings_keys"]


def test_since_agrees_with_the_baseline() -> None:
    # since = "0.1.0" exactly for the codes 0.1.0 had; every other code came later, at
    # most in the next minor version (the one [Unreleased] becomes).
    major, minor, *_ = version_tuple(briefgen.__version__)
    wrong = [
        f"{code}: since {found.since}, {'in' if code in BASELINE['codes'] else 'not in'} 0.1.0"
        for code, found in registry().items()
        if (found.since == "0.1.0") != (code in BASELINE["codes"])
        or version_tuple(found.since) > (major, minor + 1, 0)
    ]
    assert wrong == []


def test_every_code_added_since_0_1_0_is_in_the_changelog() -> None:
    added = set(registry()) - set(BASELINE["codes"])
    assert unnamed(added, CHANGELOG) == []


def test_every_code_removed_since_0_1_0_is_in_the_changelog() -> None:
    removed = set(BASELINE["codes"]) - set(registry())
    assert removed  # the *.duplicate-id codes: guards the walk against comparing nothing
    assert unnamed(removed, CHANGELOG) == []


def test_every_settings_key_added_since_0_1_0_is_in_the_changelog() -> None:
    added = settings_keys(Settings) - set(BASELINE["settings_keys"])
    assert "project.requires" in added and "types.*.budget" in added
    assert unnamed(added, CHANGELOG) == []


def test_every_settings_key_removed_since_0_1_0_is_in_the_changelog() -> None:
    removed = set(BASELINE["settings_keys"]) - settings_keys(Settings)
    assert unnamed(removed, CHANGELOG) == []


def test_a_code_or_key_left_out_of_the_changelog_is_reported() -> None:
    # The same check on a changelog that lost two names: each is reported, nothing else.
    edited = CHANGELOG.replace("`memo.that-you`", "memo.that-you").replace(
        "`types.*.max_citations`", "max_citations"
    )
    assert unnamed({"memo.that-you", "types.*.max_citations"}, edited) == [
        "memo.that-you",
        "types.*.max_citations",
    ]
    # A name only in 0.1.0's entry (below its heading) does not count.
    assert unnamed({"id.duplicate"}, "## [0.2.0]\n\n## [0.1.0]\n\n- `id.duplicate`\n") == [
        "id.duplicate"
    ]


def test_the_changelog_keeps_a_changelog_form() -> None:
    versions = re.findall(r"^## \[([^\]]+)\](?: - (\d{4}-\d{2}-\d{2}))?$", CHANGELOG, re.M)
    assert [v for v, _ in versions] == ["Unreleased", briefgen.__version__, "0.1.0"]
    assert dict(versions)["0.1.0"] == "2026-11-23"  # the date of commit 938b997
    assert all(date for version, date in versions if version != "Unreleased")
    sections = set(re.findall(r"^### (.+)$", CHANGELOG, re.M))
    assert sections <= SECTIONS, sections - SECTIONS
    # Every heading line is one of the above (no stray level-2 headings).
    assert len(re.findall(r"^## ", CHANGELOG, re.M)) == len(versions)

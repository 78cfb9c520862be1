"""Identifiers, type names, keys and URLs are plain (briefgen/plain.py), and no
diagnostic line can be split or forged by what it echoes (issue 22, item 4)."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefgen import pipeline
from briefgen.diagnostics import Diagnostic, Severity
from briefgen.plain import escape, refused


def test_a_newline_in_a_type_id_cannot_split_a_diagnostic(minimal: Path) -> None:
    """Review case types-hostile-ids-and-parts: ``[types."x\\ny"]`` printed a raw newline,
    so a key could split one error line or forge a located one."""
    with (minimal / "briefgen.toml").open("a", encoding="utf-8") as settings:
        settings.write('\n[types."x\\ny"]\nbudget = 100\n')
    lines = [d.format() for d in pipeline.check(minimal).diagnostics.sorted()]
    assert lines == [
        "briefgen.toml:1: error: types.x\\ny.[key]: 'x\\ny' is not an id (lowercase letters, "
        "digits, single hyphens) [schema.invalid]"
    ]
    assert all("\n" not in line for line in lines)


def test_a_forged_line_stays_inside_its_own(minimal: Path) -> None:
    forged = "x\ncontent/briefs/issue.md:1: error: all is well [quote.mismatch]"
    with (minimal / "briefgen.toml").open("a", encoding="utf-8") as settings:
        settings.write(f"\n[types.{forged!r}]\nbudget = 100\n".replace("'", '"'))
    lines = [d.format() for d in pipeline.check(minimal).diagnostics.sorted()]
    assert len(lines) == 1 and lines[0].startswith("briefgen.toml:")
    assert "x\\ncontent/briefs/issue.md:1: error: all is well [quote.mismatch]" in lines[0]


@pytest.mark.parametrize(
    ("char", "named"),
    [
        ("\u202e", "U+202E (right-to-left override)"),
        ("\u2066", "U+2066 (left-to-right isolate)"),
        ("\x85", "U+0085 (a control character)"),
        ("\x1b", "U+001B (a control character)"),
    ],
)
def test_a_source_url_refuses_bidi_and_control_characters(
    minimal: Path, char: str, named: str
) -> None:
    """Review case meta-url-javascript-and-quote-breakout: an RLO in a url made a live link
    whose text read reversed (``https://x.test/\\u202egnp.exe`` shows as "exe.png")."""
    record = minimal / "content" / "sources" / "test-source.yaml"
    escaped = f"\\u{ord(char):04x}"
    text = record.read_text(encoding="utf-8")
    record.write_text(
        text.replace(
            "text: test-source.txt\n",
            f'text: test-source.txt\nurl: "https://x.test/{escaped}gnp.exe"\n',
        ),
        encoding="utf-8",
    )
    lines = [d.format() for d in pipeline.check(minimal).diagnostics.sorted()]
    assert lines == [
        f"content/sources/test-source.yaml:3: error: url: not a web address: it holds {named}, "
        "which a web address never holds (a control character, or one that reorders how the "
        "text reads); retype the address [schema.invalid]"
    ]


def test_escape_and_refused() -> None:
    assert escape("a\nb\r\tc\u202ed\u2069e\x00") == "a\\nb\\r\\tc\\u202ed\\u2069e\\u0000"
    assert escape("plain – text, ünïcode") == "plain – text, ünïcode"
    assert refused("ok") is None
    assert refused("a\u2028b") == "U+2028 (line separator)"


def test_every_diagnostic_is_one_line() -> None:
    diagnostic = Diagnostic("content/x\n.yaml", 3, Severity.ERROR, "a\u202eb", "schema.invalid")
    assert diagnostic.format() == ("content/x\\n.yaml:3: error: a\\u202eb [schema.invalid]")

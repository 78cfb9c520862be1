"""Property-based fuzzing: any input yields output or diagnostics, never a traceback."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefgen import pipeline
from briefgen.load.readers import parse_yaml
from briefgen.model.document import Document, DocumentError
from briefgen.text.markdown import render
from tests.conftest import FORBIDDEN_TAGS, MINIMAL, Markup, copy_project

YAMLISH = st.text(
    alphabet=st.sampled_from(list("abc:-[]{}&*!|>'\"#%@` \n\t0123456789.~,?")), max_size=300
)
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(st.one_of(YAMLISH, st.text(max_size=300)))
def test_yaml_reader_returns_data_or_a_located_error(text: str) -> None:
    try:
        document = parse_yaml(text, Path("x.yaml"))
    except DocumentError as exc:
        assert exc.line >= 1 and exc.code.startswith("yaml.")
    else:
        assert isinstance(document, Document)


TOKENS = [
    *"[]()@>;:!*_`#-<>/\"'=\n abc",
    "<script>",
    "javascript:",
    " onclick=",
    "[@a]",
    "](",
    "::: analysis\n",
    ":::\n",
    "<img src=",
    "{: ",
]
MARKDOWNISH = st.lists(st.sampled_from(TOKENS), max_size=120).map("".join)


def cite(ids: tuple[str, ...], quote: bool) -> str:
    return "<sup>" + ",".join(ids) + "</sup>"


@FUZZ
@given(st.one_of(MARKDOWNISH, st.text(max_size=400)))
def test_markdown_path_always_yields_sanitized_html(text: str) -> None:
    markup = Markup()
    markup.feed(str(render(text, cite)))
    assert not markup.tags & FORBIDDEN_TAGS
    assert markup.bad_attributes == []


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.one_of(YAMLISH, st.text(max_size=200)))
def test_check_never_raises_on_a_mangled_notes_file(tmp_path_factory, text: str) -> None:  # type: ignore[no-untyped-def]
    root = copy_project(MINIMAL, tmp_path_factory.mktemp("fuzz") / "p")
    (root / "content" / "notes" / "test-notes.yaml").write_text(text, encoding="utf-8")
    result = pipeline.check(root)
    assert result.diagnostics.errors  # the minimal briefs cite notes that are now gone

from pathlib import Path

import pytest

from briefgen.load.readers import load_front_matter, load_toml, load_yaml
from briefgen.model.document import MAX_FILE_BYTES, DocumentError


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def error_of(loader, path: Path) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    with pytest.raises(DocumentError) as info:
        loader(path)
    return info.value.line, info.value.code, info.value.message


def test_lines_of_keys_and_items(tmp_path: Path) -> None:
    doc = load_yaml(write(tmp_path, "a.yaml", "# c\nnotes:\n  - id: a\n    body: x\n  - id: b\n"))
    assert doc.data == {"notes": [{"id": "a", "body": "x"}, {"id": "b"}]}
    assert doc.line_of(("notes",)) == 2
    assert doc.line_of(("notes", 1, "id")) == 5
    assert doc.line_of(("notes", 0, "body")) == 4
    assert doc.line_of(("notes", 0, "missing")) == 3  # nearest located ancestor


def test_yaml_12_keeps_no_and_yes_as_strings(tmp_path: Path) -> None:
    doc = load_yaml(write(tmp_path, "a.yaml", "a: no\nb: yes\nc: on\n"))
    assert doc.data == {"a": "no", "b": "yes", "c": "on"}


def test_duplicate_key_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "a.yaml", "title: a\nbody: b\ntitle: c\n")
    line, code, message = error_of(load_yaml, path)
    assert (line, code) == (3, "yaml.duplicate-key")
    assert "title" in message


def test_anchor_and_alias_are_errors(tmp_path: Path) -> None:
    path = write(tmp_path, "a.yaml", "a: &x 1\nb: 2\n")
    assert error_of(load_yaml, path)[:2] == (1, "yaml.anchor")
    path = write(tmp_path, "b.yaml", "a: 1\nb: *x\n")
    assert error_of(load_yaml, path)[:2] == (2, "yaml.alias")


def test_custom_tag_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "a.yaml", "a: 1\nb: !!python/object:os.system x\n")
    assert error_of(load_yaml, path)[:2] == (2, "yaml.tag")


def test_syntax_error_is_located(tmp_path: Path) -> None:
    path = write(tmp_path, "a.yaml", "a: 1\nb: [1, 2\nc: 3\n")
    line, code, _ = error_of(load_yaml, path)
    assert code == "yaml.syntax"
    assert line == 3


def test_oversized_file_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "a.yaml", "a: " + "x" * MAX_FILE_BYTES)
    assert error_of(load_yaml, path)[:2] == (1, "content.too-large")


def test_front_matter_lines_are_file_lines(tmp_path: Path) -> None:
    path = write(tmp_path, "b.md", "---\ntitle: T\ntype: x\n---\n\n## A\ntext\n")
    doc = load_front_matter(path)
    assert doc.line_of(("type",)) == 3
    assert doc.body_line == 5
    assert doc.body == "\n## A\ntext\n"


def test_front_matter_missing_and_unclosed(tmp_path: Path) -> None:
    assert error_of(load_front_matter, write(tmp_path, "a.md", "# no front matter\n"))[:2] == (
        1,
        "front-matter.missing",
    )
    assert error_of(load_front_matter, write(tmp_path, "b.md", "---\ntitle: x\n"))[:2] == (
        1,
        "front-matter.unclosed",
    )


def test_malformed_front_matter_yaml_is_located_in_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "a.md", "---\ntitle: x\nkeywords: [a\n---\n## A\n")
    line, code, _ = error_of(load_front_matter, path)
    assert code == "yaml.syntax"
    assert line == 3  # the line of the unclosed '['


def test_toml_lines(tmp_path: Path) -> None:
    path = write(tmp_path, "b.toml", '[project]\ntitle = "x"\n\n[[comparison]]\nid = "a"\n')
    doc = load_toml(path)
    assert doc.line_of(("project", "title")) == 2
    assert doc.line_of(("comparison", 0, "id")) == 5
    bad = write(tmp_path, "c.toml", "[project]\ntitle = \n")
    assert error_of(load_toml, bad)[:2] == (2, "toml.syntax")

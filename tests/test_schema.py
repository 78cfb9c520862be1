import json
from pathlib import Path

from briefgen.model.schema import schema_texts


def test_schemas_are_written_and_strict(tmp_path: Path) -> None:
    texts = schema_texts(["one-pager", "fact-sheet"])
    (tmp_path / "schemas").mkdir()
    for name, text in texts.items():
        (tmp_path / "schemas" / name).write_text(text, encoding="utf-8")
    assert sorted(texts) == [
        "brief.schema.json",
        "criteria.schema.json",
        "judgments.schema.json",
        "notes.schema.json",
        "option.schema.json",
        "settings.schema.json",
        "source.schema.json",
    ]
    notes = json.loads((tmp_path / "schemas" / "notes.schema.json").read_text())
    note = notes["$defs"]["NoteRecord"]
    assert note["additionalProperties"] is False
    assert set(note["required"]) == {"id", "source", "paragraph", "kind", "body", "credibility"}
    settings = json.loads((tmp_path / "schemas" / "settings.schema.json").read_text())
    assert "budget" in settings["$defs"]["TypeTable"]["properties"]
    brief = json.loads((tmp_path / "schemas" / "brief.schema.json").read_text())
    assert brief["properties"]["type"]["enum"] == ["fact-sheet", "one-pager"]


def test_every_property_has_its_meaning_for_editors() -> None:
    """The reference's lines (briefgen/model/reference.toml) are the schemas' descriptions."""
    missing = []
    for name, text in schema_texts(["one-pager"]).items():
        schema = json.loads(text)
        for where, definition in [("", schema), *schema.get("$defs", {}).items()]:
            for key, prop in definition.get("properties", {}).items():
                if not prop.get("description"):
                    missing.append(f"{name} {where} {key}")
    assert missing == []
    notes = json.loads(schema_texts([])["notes.schema.json"])
    assert notes["$defs"]["NoteRecord"]["properties"]["credibility"]["description"].startswith(
        "Admiralty credibility"
    )

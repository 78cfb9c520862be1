"""The template API (analyse/views.py builds it, analyse/frozen.py freezes it, render/page.py
adds the stylesheet): templates receive plain frozen data only."""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterator
from pathlib import Path
from types import MappingProxyType

import pytest
from markupsafe import Markup

from briefgen import pipeline
from briefgen.analyse.frozen import freeze, is_plain
from briefgen.model.records import Status
from briefgen.render.page import page_context
from tests.conftest import FIXTURES, MINIMAL, REPO, copy_project

# Every project the suite builds cleanly: the seed and the valid fixtures.
PROJECTS = {"seed": REPO, "minimal": MINIMAL, "scoring": FIXTURES / "scoring"}


def not_plain(value: object, where: str = "") -> Iterator[str]:
    """The path of every value in ``value`` outside the plain types."""
    if type(value) is tuple:
        for index, item in enumerate(value):
            yield from not_plain(item, f"{where}[{index}]")
    elif type(value) is MappingProxyType:
        for key, item in value.items():
            if type(key) is not str:
                yield f"{where} key {key!r}"
            yield from not_plain(item, f"{where}.{key}")
    elif not is_plain(value):
        yield f"{where}: {type(value).__qualname__}"


@pytest.mark.parametrize("name", sorted(PROJECTS))
def test_every_view_is_plain_data(name: str, tmp_path: Path) -> None:
    root = copy_project(PROJECTS[name], tmp_path / name)
    result = pipeline.check(root)
    assert not result.diagnostics.errors, [d.format() for d in result.diagnostics.sorted()]
    assert result.views, "the project has briefs"
    for brief_id, view in sorted(result.views.items()):
        context = page_context(view, stylesheet="p {}")
        assert list(not_plain(context)) == [], brief_id
        # Nothing reaches a file: no path, date or model object under any key.
        assert "brief" not in context["view"] and "origin" not in context["meta"]
        # Built once, by analyse: the renderer hands on the very values, adding only the
        # stylesheet; the view itself is frozen and holds no model object.
        assert list(context) == ["view", "meta", "stylesheet"]
        assert context["view"] is view.values["view"] and context["meta"] is view.values["meta"]
        with pytest.raises(dataclasses.FrozenInstanceError):
            view.reader_notes = 0  # type: ignore[misc]
        assert [type(c.note) for c in view.cited] == [str] * len(view.cited)
        assert set(vars(view)) == {"id", "path", "values", "cited", "reader_notes"}


def test_the_walk_finds_what_is_not_plain() -> None:
    """The walk itself can fail: each kind of object a template must not get is found."""
    tainted = MappingProxyType(
        {
            "path": Path("/etc/passwd"),
            "date": datetime.date(2016, 1, 1),
            "enum": Status.STATED,  # a str subclass with methods of its own
            "list": [1],
            "dict": {"a": 1},
            "nested": (MappingProxyType({"deep": Path(".")}),),
        }
    )
    assert sorted(not_plain(tainted)) == [
        ".date: date",
        ".dict: dict",
        ".enum: Status",
        ".list: list",
        ".nested[0].deep: PosixPath",
        ".path: PosixPath",
    ]


@pytest.mark.parametrize(
    "value", [Path("/"), datetime.date(2016, 1, 1), Status.STATED, object(), {1: "a"}]
)
def test_freeze_refuses_anything_but_plain_data(value: object) -> None:
    with pytest.raises(TypeError, match="template"):
        freeze(value)


def test_freeze_makes_read_only_tuples_and_mappings() -> None:
    frozen = freeze({"a": [1, {"b": Markup("<i>x</i>")}], "c": None})
    assert frozen == MappingProxyType({"a": (1, MappingProxyType({"b": "<i>x</i>"})), "c": None})
    assert type(frozen["a"][1]["b"]) is Markup
    with pytest.raises(TypeError):
        frozen["c"] = 1  # type: ignore[index]


def keys_of(value: object) -> Iterator[str]:
    if type(value) is tuple:
        for item in value:
            yield from keys_of(item)
    elif type(value) is MappingProxyType:
        for key, item in value.items():
            yield key
            if key == "sections":  # keyed by section slug: content, not API
                for section in item.values():
                    yield from keys_of(section)
            else:
                yield from keys_of(item)


def test_docs_list_every_key_a_template_receives(tmp_path: Path) -> None:
    """docs/templates.md is the override API: every key the seed's views hold is in it."""
    docs = (REPO / "docs" / "templates.md").read_text(encoding="utf-8")
    root = copy_project(REPO, tmp_path / "seed")
    keys: set[str] = set()
    for view in pipeline.check(root).views.values():
        keys.update(keys_of(page_context(view, stylesheet="")))
    assert sorted(k for k in keys if f"`{k}`" not in docs) == []

"""The repository root is a briefgen project: its templates/ holds the seed's house style."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefgen import pipeline
from tests.conftest import REPO

HOUSE_RULE = "border-top: 3px solid var(--accent)"


def html_of(result: pipeline.Result) -> list[str]:
    pages = [a.path for a in result.artifacts if a.format == "html"]
    assert pages
    return [p.read_text(encoding="utf-8") for p in pages]


def test_the_seed_project_overrides_only_its_house_style() -> None:
    assert sorted(p.name for p in (REPO / "templates").iterdir()) == ["README.md", "house.css"]
    package_house = (REPO / "briefgen" / "templates" / "house.css").read_text("utf-8")
    assert "{" not in package_house  # the package ships no house style


@pytest.mark.build
def test_the_house_style_reaches_every_seed_page_and_no_other_project(
    seed_build: pipeline.Result, minimal_build: pipeline.Result
) -> None:
    house = (REPO / "templates" / "house.css").read_text("utf-8")
    for page in html_of(seed_build):
        # Inlined after brief.css, so it wins the cascade.
        assert page.index("--accent: #2b2b2b") < page.index(HOUSE_RULE)
        assert house.strip() in page
    for page in html_of(minimal_build):
        assert HOUSE_RULE not in page and "--accent: #2b2b2b" in page


def test_a_project_house_css_is_loaded_like_any_template(tmp_path: Path) -> None:
    """A link in place of house.css is refused like any template link."""
    from tests.conftest import MINIMAL, copy_project

    root = copy_project(MINIMAL, tmp_path / "p")
    (root / "templates").mkdir()
    secret = tmp_path / "secret.css"
    secret.write_text("body { color: red; }", encoding="utf-8")
    (root / "templates" / "house.css").symlink_to(secret)
    result = pipeline.build(root, formats=["html"])
    assert [d.format() for d in result.diagnostics.sorted()] == [
        "templates/house.css: error: is a symbolic link; templates are never read through "
        "links (loading template 'house.css') [template.symlink]"
    ]

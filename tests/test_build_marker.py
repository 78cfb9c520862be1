"""The ``build`` marker (issue 25): ``pytest -m "not build"`` gives the fast layers and
never starts a build. tests/conftest.py marks every test that uses a build fixture, and
fails a test that renders a PDF in this process without the marker."""

from __future__ import annotations

import os

import pytest

from tests.conftest import BUILD_FIXTURES, REPO


def test_every_test_that_uses_a_build_fixture_is_marked_build(
    request: pytest.FixtureRequest,
) -> None:
    items = request.session.items
    assert items
    unmarked = [
        item.nodeid
        for item in items
        if BUILD_FIXTURES.intersection(getattr(item, "fixturenames", ()))
        and item.get_closest_marker("build") is None
    ]
    assert unmarked == []


INNER = """
import os

import pytest
from briefgen.render.workers import Job, WorkerPool

HELLO = '<html lang="en"><head><title>t</title></head><body><p>Hello</p></body></html>'


def render():
    replies = []
    with WorkerPool(1) as pool:
        pool.run([Job("k", HELLO)], replies.append, seconds=120, memory_bytes=2**31)
    assert replies[0].pdf is not None


def test_renders_unmarked():
    render()


@pytest.mark.build
def test_renders_marked():
    render()


def test_uses_the_pool_unmarked(render_pool):
    pass


def test_renders_nothing():
    pass
"""


@pytest.mark.build  # its pytest of its own renders a PDF
def test_a_test_that_renders_without_the_marker_fails_and_fixtures_mark(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In a pytest of its own (a subprocess, with this conftest) asked for the fast layers:
    the test that uses the session's pool is deselected although it has no marker, the
    marked one too, and the unmarked test that renders fails, naming the marker."""
    pytester.makeini("[pytest]\nmarkers =\n    build: renders a PDF\n")
    pytester.makeconftest("from tests.conftest import *  # noqa: F403\n")
    pytester.makepyfile(test_inner=INNER)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(REPO), os.environ["PYTHONPATH"]]))
    result = pytester.runpytest_subprocess("-p", "no:randomly", "-m", "not build", "-rf")
    result.assert_outcomes(passed=1, failed=1, deselected=2)
    result.stdout.fnmatch_lines(
        ["*test_renders_unmarked rendered 1 PDF(s) but is not marked build: add*"]
    )

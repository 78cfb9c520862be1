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


def test_a_test_that_renders_without_the_marker_fails_and_fixtures_mark(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In a run of its own (a subprocess, with this conftest): the unmarked render fails
    naming the marker, and ``-m "not build"`` deselects the test that uses the pool."""
    pytester.makeini("[pytest]\nmarkers =\n    build: renders a PDF\n")
    pytester.makeconftest("from tests.conftest import *  # noqa: F403\n")
    pytester.makepyfile(test_inner=INNER)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(REPO), os.environ["PYTHONPATH"]]))
    result = pytester.runpytest_subprocess("-p", "no:randomly", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines(
        ["*test_renders_unmarked rendered 1 PDF(s) but is not marked build: add*"]
    )
    fast = pytester.runpytest_subprocess("-p", "no:randomly", "-m", "not build", "--co", "-q")
    fast.stdout.fnmatch_lines(
        ["test_inner.py::test_renders_unmarked", "test_inner.py::test_renders_nothing"]
    )
    assert "test_uses_the_pool_unmarked" not in fast.stdout.str()
    assert "test_renders_marked" not in fast.stdout.str()

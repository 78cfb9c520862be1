"""Shared fixtures: real projects copied into temporary directories."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

# Render workers are forked from this process: with WeasyPrint already imported here they
# start ready instead of importing it each (about 2 s of processor time a worker), as in
# a whole run, where tests/test_accessibility.py imports it at collection.
import weasyprint  # noqa: F401

from briefgen import pipeline
from briefgen.diagnostics import Diagnostic, Diagnostics, RenderError
from briefgen.ingest import ImportFailure
from briefgen.model.document import DocumentError
from briefgen.render.sandbox import TemplateRefused
from briefgen.render.workers import WorkerPool
from briefgen.rules import registry
from briefgen.text.csl import keep_processors_warm
from tests import checkers

# One citation processor per style for the whole run, as serve keeps one (issue 25):
# each in-process check no longer pays V8's start. The CLI tests run the one-shot path.
keep_processors_warm()

# tests/test_build_marker.py runs this conftest in a pytest of its own.
pytest_plugins = ("pytester",)

FORBIDDEN_TAGS = {"script", "iframe", "object", "embed", "link", "form", "input", "img", "image"}


class Markup(HTMLParser):
    """Tags and dangerous attributes actually present (not text that mentions them)."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.bad_attributes: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        for name, value in attrs:
            url = (value or "").strip().lower()
            if name.startswith("on") or url.startswith(("javascript:", "vbscript:")):
                self.bad_attributes.append((tag, name))
            if tag == "meta" and name == "http-equiv":
                self.bad_attributes.append((tag, name))


REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
MINIMAL = FIXTURES / "minimal"


def copy_project(source: Path, target: Path) -> Path:
    """Copy a project's settings, content and templates (never its output)."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source / "briefgen.toml", target / "briefgen.toml")
    shutil.copytree(source / "content", target / "content")
    if (source / "templates").is_dir():
        shutil.copytree(source / "templates", target / "templates")
    return target


@pytest.fixture
def minimal(tmp_path: Path) -> Path:
    """A fresh copy of the small valid fixture project."""
    return copy_project(MINIMAL, tmp_path / "minimal")


@pytest.fixture
def edit() -> Callable[[Path, str, str, str], None]:
    """Replace exactly one occurrence of ``old`` in a project file."""

    def replace(root: Path, name: str, old: str, new: str) -> None:
        path = root / name
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{old!r} must occur once in {name}"
        path.write_text(text.replace(old, new), encoding="utf-8")

    return replace


def copy_built(source: Path, target: Path) -> Path:
    """Copy a built project whole: settings, content, templates, ``output/`` and its
    ``.briefgen-cache/`` (plain copies, never hard links, so a test may change any file).

    The build fingerprint hashes relative names and bytes, so the copy is up to date, and
    its PDF cache serves every page the test leaves unchanged: a test starts where a cold
    first build would have left it, without paying for one (as Sphinx shares a build).
    """
    shutil.copytree(source, target, symlinks=True)
    return target


@pytest.fixture(scope="session")
def browser() -> Iterator[checkers.Chromium]:
    """One headless Chromium for the whole run (axe-core on every page, browser printing):
    each check opens its own tab (``Chromium.page``) and closes it."""
    with checkers.chromium() as chromium:
        yield chromium


@pytest.fixture(scope="session")
def render_pool() -> Iterator[WorkerPool]:
    """Warm render workers for the builds of the minimal project (one font set) that do
    not test the workers' own limits: each such build would otherwise start its own.
    Two, so that the builds made with it are parallel ones (test_cache compares them
    with a serial build)."""
    with WorkerPool(2) as pool:
        yield pool


def build_copy(
    source: Path, factory: pytest.TempPathFactory, pool: WorkerPool | None = None
) -> pipeline.Result:
    """Build a fresh copy of a project; it must build cleanly."""
    root = copy_project(source, factory.mktemp(source.name) / "project")
    result = pipeline.build(root, pool=pool)
    assert result.written, [d.format() for d in result.diagnostics.sorted()]
    return result


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory: pytest.TempPathFactory) -> pipeline.Result:
    """The repository's own content, built once for the whole session."""
    return build_copy(REPO, tmp_path_factory)


@pytest.fixture(scope="session")
def minimal_build(
    tmp_path_factory: pytest.TempPathFactory, render_pool: WorkerPool
) -> pipeline.Result:
    """The minimal project, built once for the whole session (never change its files:
    ``minimal_built`` gives a test its own copy)."""
    return build_copy(MINIMAL, tmp_path_factory, render_pool)


@pytest.fixture(scope="session")
def minimal_forced(
    minimal_build: pipeline.Result,
    render_pool: WorkerPool,
    tmp_path_factory: pytest.TempPathFactory,
) -> pipeline.Result:
    """A copy of the session's minimal build, elsewhere and deeper (another path, over an
    existing output and cache), rebuilt with ``force``: every page rendered again by the
    session's workers. Read only: the tests of ``force`` and of reproducibility share it."""
    root = copy_built(minimal_build.diagnostics.root, tmp_path_factory.mktemp("forced") / "a" / "b")
    result = pipeline.build(root, force=True, pool=render_pool)
    assert result.written, [d.format() for d in result.diagnostics.sorted()]
    return result


@pytest.fixture
def minimal_built(minimal_build: pipeline.Result, tmp_path: Path) -> Path:
    """A fresh copy of the minimal project as its first build left it (content,
    ``output/`` and the PDF cache): what a test that asserts a *second* build starts from."""
    return copy_built(minimal_build.diagnostics.root, tmp_path / "minimal")


def overlay_build(overlay: Path, factory: pytest.TempPathFactory) -> pipeline.Result:
    """Build the minimal project with ``overlay``'s files laid over it."""
    root = copy_project(MINIMAL, factory.mktemp(overlay.name) / "project")
    for path in sorted(overlay.rglob("*")):
        if path.is_file() and path.name != "expect.txt":
            target = root / path.relative_to(overlay)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
    result = pipeline.build(root)
    assert result.written, [d.format() for d in result.diagnostics.sorted()]
    return result


@pytest.fixture(scope="session")
def scoring_build(tmp_path_factory: pytest.TempPathFactory) -> pipeline.Result:
    return build_copy(FIXTURES / "scoring", tmp_path_factory)


@pytest.fixture(scope="session")
def types_build(tmp_path_factory: pytest.TempPathFactory) -> pipeline.Result:
    """The types fixture laid over the minimal project (as the CLI tests use it)."""
    return overlay_build(FIXTURES / "types", tmp_path_factory)


# Codes no content can raise on purpose: the render worker's catch-all for an exception
# in the renderer itself (render/workers.py), reported per brief rather than as a crash.
RAISED_ONLY_BY_A_BUG = {"render.failed"}

# Every code a test raises (the session check below needs each registered code raised
# once): in this process, as a diagnostic or as one of the exceptions that carry a code
# to where it becomes one; and in every process the tests start (the CLI, `serve`, the
# render workers), which tests/subprocess_codes/sitecustomize.py appends to CODES_FILE.
RAISED: set[str] = set()
_add = Diagnostics._add


def _recording_add(self: Diagnostics, diagnostic: Diagnostic) -> None:
    RAISED.add(diagnostic.code)
    _add(self, diagnostic)


Diagnostics._add = _recording_add  # type: ignore[method-assign]


def _record_code_of(exception: type[Exception]) -> None:
    init = exception.__init__

    def recording_init(self: Any, *args: Any, **kwargs: Any) -> None:
        init(self, *args, **kwargs)
        RAISED.add(self.code)

    exception.__init__ = recording_init  # type: ignore[method-assign]


for _exception in (DocumentError, ImportFailure, RenderError, TemplateRefused):
    _record_code_of(_exception)

_descriptor, _codes_file = tempfile.mkstemp(prefix="briefgen-test-codes-", suffix=".txt")
os.close(_descriptor)
os.chmod(_codes_file, 0o666)  # the tests that run briefgen as an unprivileged user record too
CODES_FILE = Path(_codes_file)
os.environ["BRIEFGEN_TEST_CODES"] = str(CODES_FILE)
os.environ["PYTHONPATH"] = os.pathsep.join(
    filter(None, [str(Path(__file__).parent / "subprocess_codes"), os.environ.get("PYTHONPATH")])
)


def raised_in_subprocesses() -> set[str]:
    return set(CODES_FILE.read_text(encoding="utf-8").split()) if CODES_FILE.exists() else set()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fails a whole run when a registered code was raised by no test (a rule nobody
    checked), naming each.

    Only a run of the whole suite can tell, so selections (-k, -m, paths, --lf, -x)
    skip this, and a run that already failed is not failed twice.
    """
    raised = RAISED | raised_in_subprocesses()
    CODES_FILE.unlink(missing_ok=True)
    options = session.config.option
    whole = (
        not options.collectonly
        and not options.keyword
        and not options.markexpr
        and not getattr(options, "lf", False)
        and not options.maxfail
        and [Path(a).resolve() for a in session.config.args] == [Path(__file__).parent]
    )
    if not whole or exitstatus != 0:
        return
    unraised = sorted(set(registry()) - raised - RAISED_ONLY_BY_A_BUG)
    if unraised:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(
                f"FAILED: {len(unraised)} registered codes no test raised (give each a test "
                "that raises it, with its exact location): " + ", ".join(unraised),
                red=True,
            )


# The fixtures that build a project or render with the session's workers (directly or
# through another fixture: pytest's closure of a test's fixtures is transitive).
BUILD_FIXTURES = frozenset(
    {"seed_build", "minimal_build", "render_pool", "scoring_build", "types_build"}
)


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Marks ``build`` every test that uses a build fixture, so ``pytest -m "not build"``
    never starts a build: the fixture already says so, and a forgotten marker would put a
    slow test in the fast layer without anyone noticing. (Tests that build on their own,
    with ``pipeline.build``, are checked when they run: ``pytest_runtest_call`` below.)"""
    for item in items:
        uses = BUILD_FIXTURES.intersection(getattr(item, "fixturenames", ()))
        if uses and item.get_closest_marker("build") is None:
            item.add_marker(pytest.mark.build)


# PDF jobs handed to a render worker by this process (a build's, or a pool's).
RENDER_JOBS = [0]
_give = WorkerPool._give


def _counting_give(self: WorkerPool, index: int, job: Any) -> bool:
    RENDER_JOBS[0] += 1
    return _give(self, index, job)


WorkerPool._give = _counting_give  # type: ignore[method-assign]
_JOBS_BEFORE = pytest.StashKey[int]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Iterator[None]:
    item.stash[_JOBS_BEFORE] = RENDER_JOBS[0]  # before any fixture of the test is set up
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """Fails a test that rendered a PDF in this process (in its fixtures or its body)
    without the ``build`` marker: ``pytest -m "not build"`` would run it."""
    result = yield
    rendered = RENDER_JOBS[0] - item.stash.get(_JOBS_BEFORE, RENDER_JOBS[0])
    if rendered and item.get_closest_marker("build") is None:
        pytest.fail(
            f"{item.nodeid} rendered {rendered} PDF(s) but is not marked build: add "
            "@pytest.mark.build (or pytestmark = pytest.mark.build for the module)",
            pytrace=False,
        )
    return result


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite tests/golden/ from the current output instead of comparing",
    )

"""A guard: outside ``briefgen/write`` nothing in the package writes a file itself.

Every file briefgen makes goes through ``briefgen/write`` (the project writer, the build's
stage, the PDF cache, serve's scratch folder), which never writes through a link and never
outside the folder it was given. This test reads the package's source (its syntax tree,
not its text) for calls that create, replace or remove files, and fails on any outside
``briefgen/write`` that the allow-list below does not name with its reason.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "briefgen"
WRITER = PACKAGE / "write"

# Calls that change the file system, by the name called (a method or a function).
CHANGES = frozenset(
    {
        "write_text", "write_bytes", "touch", "mkdir", "makedirs", "rmdir", "removedirs",
        "unlink", "remove", "rename", "renames", "symlink", "symlink_to", "link",
        "hardlink_to", "chmod", "lchmod", "chown", "truncate", "mkfifo", "mknod", "utime",
        "copy", "copy2", "copyfile", "copytree", "copymode", "copystat", "move", "rmtree",
        "mkstemp", "mkdtemp", "NamedTemporaryFile", "TemporaryDirectory",
        "TemporaryFile", "SpooledTemporaryFile",
    }
)  # fmt: skip
WRITE_FLAGS = frozenset({"O_WRONLY", "O_RDWR", "O_CREAT", "O_APPEND", "O_TRUNC"})

# (module, function, call) → why it may change the file system outside briefgen/write.
ALLOWED = {
    ("scaffold.py", "_place", "mkdir"): "init makes the project folder the user named",
    ("scaffold.py", "_place", "rmdir"): "init removes that folder again if it made it and "
    "writing the files failed (rmdir: only when empty)",
    ("text/csl/engine.py", "__init__", "TemporaryFile"): "an anonymous file (no name in "
    "any folder) for the citation processor's start-up messages",
}


def changes(path: Path) -> list[tuple[str, str, int]]:
    """Each call in ``path`` that may change the file system: (function, call, line)."""
    found: list[tuple[str, str, int]] = []
    scope: list[tuple[str, dict[str, set[str]]]] = []

    class Visitor(ast.NodeVisitor):
        def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
            scope.append((node.name, scope[-1][1] | assigned_flags(node)))
            self.generic_visit(node)
            scope.pop()

        visit_AsyncFunctionDef = visit_FunctionDef  # type: ignore[assignment]

        def visit_Call(self, node: ast.Call) -> None:
            function, flags = scope[-1]
            called = call_name(node, flags)
            if called is not None:
                found.append((function, called, node.lineno))
            self.generic_visit(node)

    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    scope.append(("<module>", assigned_flags(tree)))  # module constants such as _READ
    Visitor().visit(tree)
    return found


def flag_names(expression: ast.AST, known: dict[str, set[str]]) -> set[str]:
    """The os.O_* names an expression of flags may hold ('?' for one it can't tell)."""
    names = set()
    for node in ast.walk(expression):
        if isinstance(node, ast.Attribute):
            names.add(node.attr)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            names.add(node.value)  # getattr(os, "O_NOFOLLOW", 0)
        elif isinstance(node, ast.Name) and node.id not in ("os", "getattr"):
            names |= known.get(node.id, {"?"})
    return names


def assigned_flags(where: ast.AST) -> dict[str, set[str]]:
    """What each name is assigned (``flags = ...``, ``flags |= ...``), as flag names."""
    known: dict[str, set[str]] = {}
    for node in ast.walk(where):
        if isinstance(node, ast.Assign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name):
                    known.setdefault(target.id, set()).update(flag_names(node.value, {}))
    return known


def call_name(node: ast.Call, flags: dict[str, set[str]]) -> str | None:
    function = node.func
    if isinstance(function, ast.Attribute):
        name, owner = function.attr, function.value
    elif isinstance(function, ast.Name):
        name, owner = function.id, None
    else:
        return None
    from_os = isinstance(owner, ast.Name) and owner.id in ("os", "shutil")
    if name in CHANGES:
        if name == "copy" and not node.args:
            return None  # dict.copy(), list.copy()
        if name in ("remove", "link", "truncate") and not from_os:
            return None  # list.remove(x), set.remove(x), a file object's truncate()
        return name
    if name == "replace" and isinstance(function, ast.Attribute):
        # Path.replace(target) and os.replace(a, b); not str.replace(old, new) nor
        # dataclasses.replace(obj, **changes).
        if from_os or (len(node.args) == 1 and not node.keywords):
            return "replace"
        return None
    if name == "open" and from_os:
        if len(node.args) < 2:
            return None
        named = flag_names(node.args[1], flags)
        return "os.open" if named & (WRITE_FLAGS | {"?"}) else None
    if name == "open":  # open(path, mode) and Path.open(mode)
        modes = [k.value for k in node.keywords if k.arg == "mode"]
        if owner is None:
            modes += node.args[1:2]
        elif node.args and isinstance(node.args[0], ast.Constant):
            modes += node.args[:1]  # Path.open("w"); pikepdf.open(stream) is not a mode
        for mode in modes:
            if not (isinstance(mode, ast.Constant) and set(str(mode.value)) <= set("rbt")):
                return "open"
    return None


def test_only_briefgen_write_changes_files() -> None:
    unexpected, used = [], set()
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.is_relative_to(WRITER):
            continue
        module = path.relative_to(PACKAGE).as_posix()
        for function, called, line in changes(path):
            key = (module, function, called)
            if key in ALLOWED:
                used.add(key)
            else:
                unexpected.append(f"briefgen/{module}:{line}: {called} in {function}")
    assert unexpected == [], "write through briefgen/write (or allow it here, with why)"
    assert sorted(set(ALLOWED) - used) == []  # a stale allowance is removed


def test_the_guard_sees_the_writes_it_looks_for(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import os, shutil\n"
        "def f(p, q):\n"
        "    p.write_text('x')\n"
        "    open(p, 'w')\n"
        "    open(p, mode='ab')\n"
        "    p.open('w')\n"
        "    os.replace(p, q)\n"
        "    p.replace(q)\n"
        "    shutil.copyfile(p, q)\n"
        "    os.open(p, os.O_WRONLY | os.O_CREAT)\n"
        "    open(p)\n"
        "    open(p, 'rb')\n"
        "    'a'.replace('a', 'b')\n"
        "    os.open(p, os.O_RDONLY | os.O_NOFOLLOW)\n"
        "    flags = os.O_RDONLY\n"
        "    flags |= os.O_CREAT\n"
        "    os.open(p, flags)\n"
        "    [1].copy()\n"
        "    [1].remove(1)\n"
        "    os.remove(p)\n",
        encoding="utf-8",
    )
    assert [called for _, called, _ in changes(sample)] == [
        "write_text", "open", "open", "open", "replace", "replace", "copyfile", "os.open",
        "os.open", "remove",
    ]  # fmt: skip


# --- what the guard led to --------------------------------------------------------------


def test_a_linked_font_folder_in_the_cache_is_never_written_through(tmp_path: Path) -> None:
    """A project that ships ``.briefgen-cache/fonts`` as a link: the build's private font
    configuration used to be written where it pointed, and every other folder there was
    removed as another font set's."""
    import errno

    import pytest

    from briefgen.load.fonts import FontSet
    from briefgen.write.fonts import font_configs

    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "documents").mkdir(parents=True)
    (elsewhere / "documents" / "keep.txt").write_text("mine\n", encoding="utf-8")
    cache = tmp_path / "project" / ".briefgen-cache"
    cache.mkdir(parents=True)
    (cache / "fonts").symlink_to(elsewhere)
    with pytest.raises(OSError) as raised:
        font_configs(cache, FontSet())
    assert (raised.value.errno, raised.value.filename) == (errno.ELOOP, str(cache / "fonts"))
    assert [p.relative_to(elsewhere).as_posix() for p in sorted(elsewhere.rglob("*"))] == [
        "documents",
        "documents/keep.txt",
    ]
    # One set's folder planted as a link is refused the same way.
    (cache / "fonts").unlink()
    (cache / "fonts").mkdir()
    (cache / "fonts" / FontSet().digest[:16]).symlink_to(elsewhere)
    with pytest.raises(OSError, match="symbolic link"):
        font_configs(cache, FontSet())
    assert sorted(p.name for p in elsewhere.iterdir()) == ["documents"]
    # Without links: written, and written again unchanged.
    (cache / "fonts" / FontSet().digest[:16]).unlink()
    private, machine = font_configs(cache, FontSet())
    assert private.read_text(encoding="utf-8").startswith("<?xml")
    assert font_configs(cache, FontSet()) == (private, machine)


def test_serve_scratch_folder_is_private_and_never_written_through_a_link(
    tmp_path: Path,
) -> None:
    """serve's preview pages (write/scratch.py): a folder of its own outside the project,
    mode 0700, every page made O_EXCL|O_NOFOLLOW; a link planted in it is never followed."""
    import errno
    import stat

    import pytest

    from briefgen.write.scratch import Scratch

    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.html").write_text("secret", encoding="utf-8")
    scratch = Scratch("briefgen-test-")
    try:
        assert stat.S_IMODE(scratch.path.stat().st_mode) == 0o700
        first = scratch.new_folder("1")
        scratch.write(first, "one.html", b"<p>one</p>")
        assert scratch.read(first, "one.html") == b"<p>one</p>"
        (first / "two.html").symlink_to(outside / "secret.html")
        assert scratch.read(first, "two.html") is None  # a linked page is not copied on
        with pytest.raises(OSError) as raised:
            scratch.write(first, "two.html", b"x")
        assert raised.value.errno == errno.EEXIST
        (scratch.path / "2").symlink_to(outside)  # where the next preview's pages go
        with pytest.raises(FileExistsError):
            scratch.new_folder("2")
        with pytest.raises(OSError, match="symbolic link"):
            scratch.write(scratch.path / "2", "one.html", b"x")
        scratch.discard(first)
        assert not first.exists()
    finally:
        scratch.close()
    assert not scratch.path.exists()
    assert sorted(p.name for p in outside.iterdir()) == ["secret.html"]
    assert (outside / "secret.html").read_text(encoding="utf-8") == "secret"

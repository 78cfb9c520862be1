"""The shape of briefgen's import graph, from the code's own imports (grimp, as lint-imports
reads them; imports under ``TYPE_CHECKING`` and inside functions count too).

Prints, so two commits can be compared side by side:

* modules and lines per layer of the layers contract (pyproject ``[tool.importlinter]``);
* rooms (a top-level module, or a folder counted as one), arrows between rooms, and floors:
  the rooms on the longest chain of arrows (the height of the house);
* module circles (strongly connected groups of more than one module);
* the longest chain of module imports, printed;
* every module over 400 lines.

The command groups ``briefgen.cli`` loads by name when a command runs (``COMMANDS``) are
arrows from ``briefgen.cli`` too, though no import statement names them.

    .venv/bin/python bench/import_graph.py
"""

from __future__ import annotations

import importlib
import sys
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path

import grimp

PACKAGE = "briefgen"
ROOT = Path(__file__).resolve().parent.parent
LONG = 400


def _components(nodes: Iterable[str], edges: Mapping[str, set[str]]) -> list[list[str]]:
    """Strongly connected components (Tarjan, iterative), in reverse topological order."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in sorted(nodes):
        if start in index:
            continue
        work = [(start, iter(sorted(edges.get(start, ()))))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                found.append(sorted(group))
    return found


def _longest(nodes: Iterable[str], edges: Mapping[str, set[str]]) -> list[str]:
    """The longest chain of arrows, each strongly connected group taken as one step."""
    groups = _components(nodes, edges)
    group_of = {member: number for number, group in enumerate(groups) for member in group}
    best: dict[int, list[str]] = {}
    for number, group in enumerate(groups):  # reverse topological: callees come first
        longest: list[str] = []
        for member in group:
            for child in sorted(edges.get(member, ())):
                target = group_of[child]
                if target != number and len(best[target]) > len(longest):
                    longest = best[target]
        name = group[0] if len(group) == 1 else "{" + ", ".join(group) + "}"
        best[number] = [name, *longest]
    return max(best.values(), key=len) if best else []


def _room(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2])


def _lines(module: str) -> int:
    path = ROOT / Path(*module.split("."))
    file = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
    return len(file.read_text("utf-8").splitlines())


def main() -> None:
    sys.path.insert(0, str(ROOT))
    graph = grimp.build_graph(PACKAGE)
    modules = sorted(graph.modules)
    edges = {m: set(graph.find_modules_directly_imported_by(m)) for m in modules}
    commands = getattr(importlib.import_module(f"{PACKAGE}.cli"), "COMMANDS", {})
    edges[f"{PACKAGE}.cli"] |= {f"{PACKAGE}.cli.{module}" for module, _ in commands.values()}
    lines = {m: _lines(m) for m in modules}

    settings = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    contract = settings["tool"]["importlinter"]["contracts"][0]
    print("modules (lines) per layer, top first:")
    for layer in contract["layers"]:
        names = [n.strip() for n in layer.split("|")]
        inside = [m for m in modules if any(m == n or m.startswith(n + ".") for n in names)]
        print(f"  {layer}: {len(inside)} ({sum(lines[m] for m in inside):,})")

    rooms = sorted({_room(m) for m in modules if m != PACKAGE})
    arrows = {r: set() for r in rooms}
    for source, targets in edges.items():
        for target in targets:
            if source == PACKAGE or target == PACKAGE:
                continue
            if _room(source) != _room(target):
                arrows[_room(source)].add(_room(target))
    floors = _longest(rooms, arrows)
    print(f"rooms {len(rooms)}, arrows {sum(map(len, arrows.values()))}, floors {len(floors)}:")
    print("  " + " -> ".join(floors))

    circles = [group for group in _components(modules, edges) if len(group) > 1]
    print(f"module circles: {len(circles)}")
    for group in circles:
        print("  " + ", ".join(group))
    chain = _longest(modules, edges)
    print(f"longest module chain: {len(chain)} modules")
    print("  " + "\n  -> ".join(chain))
    long = sorted((m for m in modules if lines[m] > LONG), key=lambda m: -lines[m])
    print(f"modules over {LONG} lines: {len(long)}")
    for module in long:
        print(f"  {module} {lines[module]}")
    print(f"modules {len(modules)}, lines {sum(lines.values()):,}")


if __name__ == "__main__":
    main()

"""Plain frozen data: the only kind of value a template receives.

A project's templates are untrusted. They receive only ``str``, ``int``, ``float``,
``bool``, ``None``, ``Html`` (markupsafe.Markup) and tuples and read-only mappings of
these: never a model object, a path, a date or anything else with methods that touch
files or processes. ``analyse`` builds each brief's values once and freezes them here;
``render`` only reads them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields, is_dataclass
from types import MappingProxyType
from typing import Any

from briefgen.text.markdown import Html

PLAIN_TYPES: tuple[type, ...] = (str, Html, int, float, bool, type(None))

Plain = Any  # str | int | float | bool | None | Html | tuple[Plain, ...] | Mapping[str, Plain]


def freeze(value: object) -> Plain:
    """``value`` as plain frozen data; anything else is a bug (``TypeError``).

    Types are matched exactly: a ``str`` subclass such as an enum member, or an object
    that merely looks like data, is refused rather than passed through. A dataclass
    becomes the mapping of its fields, in their order.
    """
    if type(value) in PLAIN_TYPES:
        return value
    if isinstance(value, list | tuple):
        return tuple(freeze(item) for item in value)
    if isinstance(value, Mapping):
        return MappingProxyType({_key(k): freeze(v) for k, v in value.items()})
    if is_dataclass(value) and not isinstance(value, type):
        return MappingProxyType({f.name: freeze(getattr(value, f.name)) for f in fields(value)})
    raise TypeError(f"not plain data for a template: {type(value).__qualname__}")


def _key(key: object) -> str:
    if type(key) is not str:
        raise TypeError(f"template mapping keys are strings, not {type(key).__qualname__}")
    return key


def is_plain(value: object) -> bool:
    """True when ``value`` is made only of the plain types (used by the tests' walk)."""
    if type(value) in PLAIN_TYPES:
        return True
    if type(value) is tuple:
        return all(is_plain(item) for item in value)
    if type(value) is MappingProxyType:
        return all(type(k) is str and is_plain(v) for k, v in value.items())
    return False


def fields_of(value: object) -> dict[str, object]:
    """A dataclass's fields by name, in order (to add computed keys beside them)."""
    return {f.name: getattr(value, f.name) for f in fields(value)}  # type: ignore[arg-type]

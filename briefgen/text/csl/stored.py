"""Formatted citations kept between runs, so a check whose citations did not change
starts no processor (the processor's start is most of a ``check``'s time).

An entry holds the processor's raw replies (the HTML strings it returned, before
``csl_html`` rebuilds them) to each request made for one state of the inputs; its key
hashes every input of those replies: the items, the style, the locale, citeproc-js, the
setup code around it and the JavaScript engine's version. The entry is JSON read back
with checks, never code: a missing, damaged or foreign entry is a miss, the processor
formats afresh, and whatever an entry holds still passes through ``csl_html``'s allowlist
as a fresh reply does.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from functools import cache
from typing import Any, Protocol

FORMAT = "briefgen citations 1"


class ReplyStore(Protocol):
    """Where entries are kept (``write.cache_folder.CitationStore``): best effort."""

    def get(self, key: str) -> bytes | None: ...

    def put(self, key: str, data: bytes) -> None: ...


@cache
def _tools() -> str:
    """What besides the items and the style shapes a reply: the processor and its setup."""
    from importlib.metadata import PackageNotFoundError, version

    from briefgen.text.csl.child import SETUP, asset

    try:
        racer = version("mini-racer")
    except PackageNotFoundError:  # pragma: no cover - it is a dependency
        racer = "unknown"
    digest = hashlib.sha256(f"{FORMAT}\nmini-racer {racer}\n".encode())
    for text in (SETUP, asset("citeproc.js"), asset("locales-en-US.xml")):
        digest.update(hashlib.sha256(text.encode()).digest())
    return digest.hexdigest()


def entry_key(style_xml: str, items: Mapping[str, Any]) -> str:
    """The key of the replies to any request for these items in this style."""
    digest = hashlib.sha256(_tools().encode())
    digest.update(hashlib.sha256(style_xml.encode()).digest())
    digest.update(json.dumps(items, sort_keys=True, ensure_ascii=False).encode())
    return digest.hexdigest()


def request_key(function: str, argument: object) -> str:
    return json.dumps([function, argument], sort_keys=True, ensure_ascii=False)


def read_replies(data: bytes | None, key: str) -> dict[str, list[str]]:
    """The replies an entry holds, by request; none if it is not a sound entry for ``key``."""
    if data is None:
        return {}
    try:
        entry = json.loads(data.decode("utf-8"))
    except (ValueError, RecursionError):
        return {}
    if not isinstance(entry, dict) or entry.get("key") != key:
        return {}
    replies = entry.get("replies")
    if not isinstance(replies, dict):
        return {}
    return {
        request: value
        for request, value in replies.items()
        if isinstance(value, list) and all(isinstance(v, str) for v in value)
    }


def write_replies(key: str, replies: Mapping[str, list[str]]) -> bytes:
    return json.dumps({"key": key, "replies": dict(replies)}, ensure_ascii=False).encode("utf-8")

"""The live preview's event hub: what ``briefgen serve`` tells the open tabs, in order.

Each save of the project becomes a few numbered events (server-sent events, one stream
per tab): ``update`` (pages re-rendered, or nothing rendered and the problems changed),
``problems`` (only the problems changed) and ``pdf`` (a preview PDF is ready, or
failed). The hub keeps the last ``KEPT_EVENTS`` so a tab that reconnects with
``Last-Event-ID`` gets what it missed; a stream waits on ``changed`` for the next one.
"""

from __future__ import annotations

import json
import threading
from collections import deque
from dataclasses import dataclass

KEPT_EVENTS = 64  # a stream that resumes further back than this gets the latest state


@dataclass(frozen=True)
class Event:
    """One message to the open pages (server-sent events): ``kind`` and JSON data."""

    id: int
    kind: str  # "update" (pages re-rendered), "problems", "pdf" (a preview PDF is ready)
    data: str


class EventHub:
    """The numbered events of a preview, and the problems of its last save."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.lock = threading.Lock()
        self.changed = threading.Condition(self.lock)  # notified on each new event
        self.events: deque[Event] = deque(maxlen=KEPT_EVENTS)
        self.closing = False

    @property
    def version(self) -> int:
        """The id of the last event (0 before the first)."""
        with self.lock:
            return self.events[-1].id if self.events else 0

    def newest(self) -> int:
        """The last event's id; the caller holds ``lock`` (``changed``)."""
        return self.events[-1].id if self.events else 0

    def end_streams(self) -> None:
        """Every stream waiting for an event returns."""
        with self.lock:
            self.closing = True
            self.changed.notify_all()

    def events_since(self, last: int) -> list[Event]:
        """Events after id ``last``; only the latest when the stream is too far behind."""
        with self.lock:
            newer = [e for e in self.events if e.id > last]
            if newer and self.events and newer[0].id != last + 1:
                updates = [e for e in newer if e.kind == "update"]
                return updates[-1:] or newer[-1:]
            return newer

    def event(self, kind: str, data: dict[str, object]) -> None:
        """Append an event and wake every stream."""
        with self.lock:
            last = self.events[-1].id if self.events else 0
            self.events.append(Event(last + 1, kind, json.dumps(data)))
            self.changed.notify_all()

    def set_problems(self, problems: list[str]) -> list[str]:
        """Record the last save's problems; those that are new since the one before."""
        with self.lock:
            new = [p for p in problems if p not in self.problems]
            self.problems = problems
        return new

"""Time limits in the main process count processor time; the clock is only a guard."""

from __future__ import annotations

import time

import pytest

from briefgen import limits
from briefgen.limits import TimeLimitExceeded, time_limit


def test_waiting_for_the_processor_is_not_past_a_time_limit() -> None:
    """On a loaded machine a build waits for a core far longer than it computes, and a
    limit by the clock would fail sound content at random. A block that spends its
    time waiting (sleeping here, the extreme of starvation) uses none of its limit."""
    started = time.monotonic()
    with time_limit(0.3):
        time.sleep(0.6)
    assert time.monotonic() - started >= 0.6


def test_computing_past_a_time_limit_is_stopped() -> None:
    with pytest.raises(TimeLimitExceeded), time_limit(0.1):
        deadline = time.process_time() + 30
        while time.process_time() < deadline:
            pass


def test_a_block_that_waits_past_the_clock_guard_is_stopped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Waiting without computing (a blocking call) is still bounded, by the clock."""
    monkeypatch.setattr(limits, "WALL_EXTRA_SECONDS", 0.0)
    started = time.monotonic()
    with pytest.raises(TimeLimitExceeded), time_limit(0.05):  # guard: 0.5 s
        time.sleep(30)
    assert time.monotonic() - started < 10


def test_a_starved_block_that_makes_progress_outlives_the_clock_guard(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Under heavy load a block computes a little now and then for far longer than the
    guard: the guard stops only a block that used no processor time for that long."""
    monkeypatch.setattr(limits, "WALL_EXTRA_SECONDS", 0.0)
    ended = time.monotonic() + 3
    with time_limit(0.2):  # guard: 2 s without progress
        while time.monotonic() < ended:
            time.sleep(0.4)
            busy = time.process_time() + 0.01
            while time.process_time() < busy:
                pass

"""The live preview: server-sent events, in-place swaps, the problems overlay, the watcher.

One served copy of the minimal project for the whole module (its first build is the
slow part); the tests run in order and each leaves the project valid.
"""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from briefgen.serve import MAX_STREAMS, Preview, make_server
from tests.checkers import Chromium, chromium
from tests.conftest import MINIMAL, copy_project

pytestmark = pytest.mark.build  # the served project builds its PDFs in this process

HANG_GUARD = 120  # seconds; a generous bound so a regression fails instead of hanging
IDLE = 2.0  # the server's idle timeout here: streams must outlive it on heartbeats


class Live:
    def __init__(self, root: Path) -> None:
        self.logs: list[str] = []
        self.preview = Preview(root, self.logs.append)
        assert self.preview.rebuild_if_changed()
        self.server = make_server(self.preview, "127.0.0.1", 0, idle_seconds=IDLE)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.port: int = self.server.server_address[1]
        self.root = root

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def get(self, path: str) -> tuple[int, str]:
        status, body = self.get_bytes(path)
        return status, body.decode("utf-8", errors="replace")

    def get_bytes(self, path: str) -> tuple[int, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=HANG_GUARD)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def replace(self, name: str, old: str, new: str) -> None:
        path = self.root / name
        text = path.read_text("utf-8")
        assert text.count(old) == 1, old
        path.write_text(text.replace(old, new), "utf-8")

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.preview.close()


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    served = Live(copy_project(MINIMAL, tmp_path_factory.mktemp("live") / "project"))
    try:
        yield served
    finally:
        served.close()


def open_stream(port: int, query: str = "", last: str | None = None) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=HANG_GUARD)
    extra = f"Last-Event-ID: {last}\r\n" if last is not None else ""
    request = f"GET /__briefgen/events{query} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{extra}\r\n"
    sock.sendall(request.encode())
    return sock


def read_until(sock: socket.socket, marker: bytes, seconds: float = HANG_GUARD) -> bytes:
    data = b""
    deadline = time.monotonic() + seconds
    while marker not in data:
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def events(data: bytes) -> list[tuple[str, str, dict[str, object]]]:
    """(id, kind, data) of each server-sent event in ``data``."""
    found = []
    for block in data.decode("utf-8").split("\n\n"):
        fields = dict(
            line.split(": ", 1) for line in block.splitlines() if ": " in line and line[0] != ":"
        )
        if "event" in fields:
            found.append((fields["id"], fields["event"], json.loads(fields["data"])))
    return found


def test_forty_tabs_eight_streams_the_rest_refused_politely_pages_still_load(live: Live) -> None:
    streams = [open_stream(live.port, "?page=issue.html") for _ in range(40)]
    try:
        heads = [read_until(s, b"\r\n\r\n") for s in streams]
        accepted = [
            s for s, h in zip(streams, heads, strict=True) if b" 200 " in h.split(b"\r\n")[0]
        ]
        refused = [h for h in heads if h.startswith(b"HTTP/1.0 503 ")]
        assert len(accepted) == MAX_STREAMS and len(refused) == 40 - MAX_STREAMS
        assert all(b"Retry-After: " in h for h in refused)  # EventSource retries later
        assert any(b"too many live tabs" in h for h in refused)
        # Streams hold their own slots: every page connection is still free for pages.
        for _ in range(3):
            assert live.get("/issue.html")[0] == 200
        # No idle timeout for streams: heartbeats, each shorter than it, keep them open.
        time.sleep(IDLE * 2)
        for sock in accepted:
            assert b": heartbeat" in read_until(sock, b": heartbeat", IDLE)
    finally:
        for sock in streams:
            sock.close()
    # Closed tabs give their slots back.
    deadline = time.monotonic() + HANG_GUARD
    while True:
        with open_stream(live.port) as sock:
            if b" 200 " in read_until(sock, b"\r\n\r\n").split(b"\r\n")[0]:
                break
        assert time.monotonic() < deadline
        time.sleep(0.1)


def test_one_update_per_save_and_page_and_a_resume_gets_what_it_missed(live: Live) -> None:
    before = live.preview.version
    live.logs.clear()
    with open_stream(live.port, "?page=memo.html") as sock:
        read_until(sock, b"retry: 1000\n\n")
        live.replace("content/briefs/memo.md", "Test memo", "Edited memo")
        assert live.preview.rebuild_if_changed()
        got = events(read_until(sock, b"event: update", 5))
    updates = [e for e in events_after(live, before) if e[1] == "update"]
    # The viewed brief first, alone; the others together: one update names each page once.
    assert [u[2]["pages"] for u in updates] == [["memo.html"], ["issue.html", "one.html"]]
    assert got[0][1] == "update" and got[0][2]["pages"] == ["memo.html"]
    assert "Edited memo" in live.get("/memo.html")[1]
    # Its reader PDF was laid out ahead of the build, under /__briefgen/, then its annex
    # and the other briefs' PDFs (from the cache, unchanged): the build took them all from
    # the cache; output/ holds the full build.
    pdfs = [e[2] for e in events_after(live, before) if e[1] == "pdf"]
    assert pdfs[0]["name"] == "memo" and pdfs[0]["page"] == "memo.html"
    assert sorted(p["name"] for p in pdfs) == sorted(
        f"{prefix}{brief}" for brief in ("issue", "memo", "one") for prefix in ("", "annex/")
    )
    assert all(p["error"] == "" for p in pdfs)
    assert "PDFs: 0 rendered, 6 from cache" in live.logs
    output = live.root / "output"
    assert "Edited memo" in (output / "memo.html").read_text("utf-8")
    for name in ("memo", "annex/memo", "one", "annex/issue"):
        status, body = live.get_bytes(f"/__briefgen/pdf/{name}.pdf")
        assert status == 200 and body == (output / f"{name}.pdf").read_bytes()
    # The PDF tab of any brief; nothing else is looked up under /__briefgen/.
    assert live.get("/__briefgen/pdf-view/one")[0] == 200
    assert live.get("/__briefgen/pdf-view/annex/issue")[0] == 200
    for path in ("/__briefgen/pdf-view/nope", "/__briefgen/pdf/../briefgen.toml.pdf"):
        assert live.get(path)[0] == 404
    # A tab that reconnects with Last-Event-ID gets exactly the events after it.
    with open_stream(live.port, "?page=memo.html", last=str(before)) as sock:
        resumed = events(read_until(sock, f"id: {live.preview.version}\n".encode(), 5))
    assert [int(e[0]) for e in resumed] == list(range(before + 1, live.preview.version + 1))


def events_after(live: Live, last: int) -> list[tuple[str, str, dict[str, object]]]:
    return [(str(e.id), e.kind, json.loads(e.data)) for e in live.preview.events_since(last)]


def open_tab(browser: Chromium, url: str) -> tuple[str, str]:
    target = browser.call("Target.createTarget", url="about:blank")["targetId"]
    session = browser.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
    browser.call(
        "Emulation.setDeviceMetricsOverride",
        session,
        width=1000,
        height=500,
        deviceScaleFactor=1,
        mobile=False,
    )
    browser.call("Page.enable", session)
    browser.call("Page.navigate", session, url=url)
    browser.wait_for("Page.loadEventFired", session)
    return target, session


def wait_in_page(browser: Chromium, session: str, expression: str) -> None:
    deadline = time.monotonic() + HANG_GUARD
    while not browser.evaluate(session, expression):
        assert time.monotonic() < deadline, expression
        time.sleep(0.05)


def test_the_browser_swaps_once_per_save_keeps_its_scroll_and_shows_problems_on_top(
    live: Live,
) -> None:
    with chromium() as browser:
        target, session = open_tab(browser, f"{live.url}/issue.html")
        try:
            wait_in_page(browser, session, "document.body.scrollHeight > 1500")
            browser.evaluate(session, "window.scrollTo(0, 700); window.loaded = 'first'; 1")
            wait_in_page(browser, session, "window.scrollY === 700")
            wait_in_page(browser, session, "window.briefgenLive === true")  # its stream
            live.replace("content/briefs/issue.md", "Officials called", "Officials first called")
            assert live.preview.rebuild_if_changed()
            wait_in_page(
                browser,
                session,
                "document.querySelector('main').textContent.includes('Officials first called')",
            )
            time.sleep(1)  # time for a second swap or reload, which must not come
            state = browser.evaluate(
                session, "[window.loaded, window.briefgenSwaps, window.scrollY]"
            )
            assert state == ["first", 1, 700]  # one in-place swap, no reload, scroll kept

            # A broken save: its problems on top, each file:line: ... [code]; the last good
            # render underneath.
            live.replace(
                "content/briefs/issue.md", "Officials first called", "[@nope] Officials called"
            )
            assert live.preview.rebuild_if_changed()
            wait_in_page(browser, session, "!!document.getElementById('briefgen-problems')")
            box = browser.evaluate(
                session,
                "(() => { const b = document.getElementById('briefgen-problems');"
                " const r = b.getBoundingClientRect();"
                " return [b.innerText, r.top, getComputedStyle(b).position]; })()",
            )
            assert "content/briefs/issue.md:" in box[0] and "[cite.unknown-note]" in box[0]
            assert box[1:] == [0, "fixed"]
            assert browser.evaluate(
                session,
                "document.querySelector('main').textContent.includes('Officials first called')",
            )
            assert browser.evaluate(session, "window.briefgenSwaps") == 1

            # The next good save clears them.
            live.replace("content/briefs/issue.md", "[@nope] Officials called", "Officials called")
            assert live.preview.rebuild_if_changed()
            wait_in_page(browser, session, "!document.getElementById('briefgen-problems')")
            wait_in_page(browser, session, "window.briefgenSwaps === 2")
            assert browser.evaluate(session, "[window.loaded, window.scrollY]") == ["first", 700]
        finally:
            browser.call("Target.closeTarget", targetId=target)


def test_the_pdf_tab_reloads_once_per_save_and_says_updating_or_what_is_wrong(
    live: Live,
) -> None:
    assert 'href="__briefgen/pdf-view/memo"' in live.get("/")[1]  # linked from the index
    frame = "document.getElementById('briefgen-pdf').getAttribute('src')"
    with chromium() as browser:
        target, session = open_tab(browser, f"{live.url}/__briefgen/pdf-view/memo")
        try:
            wait_in_page(browser, session, "window.briefgenLive === true")
            shown = browser.evaluate(session, frame)
            old = live.get_bytes(shown)[1]
            assert old == (live.root / "output" / "memo.pdf").read_bytes()
            live.replace("content/briefs/memo.md", "Edited memo", "Tabbed memo")
            assert live.preview.rebuild_if_changed()
            wait_in_page(browser, session, "window.briefgenPdfReloads === 1")
            time.sleep(1)  # time for a second reload, which must not come
            state = browser.evaluate(
                session,
                "[window.briefgenPdfReloads, window.briefgenPdfStates,"
                " document.getElementById('briefgen-pdf-status').innerText]",
            )
            assert state[0] == 1 and state[1][:1] == ["updating"] and state[1][-1] == "ready"
            assert "up to date" in state[2]
            new = live.get_bytes(browser.evaluate(session, frame))[1]
            assert new.startswith(b"%PDF-") and new != old
            assert new == (live.root / "output" / "memo.pdf").read_bytes()  # the build's

            # A broken save: the tab says so and keeps the last good PDF.
            live.replace("content/briefs/memo.md", "[@share-2014]", "[@nope]")
            assert live.preview.rebuild_if_changed()
            wait_in_page(browser, session, "window.briefgenPdfStates.at(-1) === 'error'")
            status = browser.evaluate(
                session, "document.getElementById('briefgen-pdf-status').innerText"
            )
            assert "content/briefs/memo.md:16:" in status and "[cite.unknown-note]" in status
            assert browser.evaluate(session, "window.briefgenPdfReloads") == 1

            # The repair: up to date again, and its PDF is the one on show (no reload).
            live.replace("content/briefs/memo.md", "[@nope]", "[@share-2014]")
            assert live.preview.rebuild_if_changed()
            wait_in_page(browser, session, "window.briefgenPdfStates.at(-1) === 'ready'")
            assert browser.evaluate(session, "window.briefgenPdfReloads") == 1
        finally:
            browser.call("Target.closeTarget", targetId=target)


def test_a_newer_save_cancels_the_rest_of_the_one_being_handled(live: Live) -> None:
    output = live.root / "output"
    before_output = {p: p.read_bytes() for p in sorted(output.rglob("*")) if p.is_file()}
    before = live.preview.version
    edited = str(live.root / "content/briefs/one.md")
    live.replace("content/briefs/one.md", "Test one-pager", "Stale one-pager")

    def log(message: str) -> None:  # the next save arrives as this one starts
        live.logs.append(message)
        if message.startswith("changed: "):
            live.preview.saved({edited})

    live.preview.log = log
    try:
        assert live.preview.rebuild_if_changed({edited})
    finally:
        live.preview.log = live.logs.append
    # Once its check is done the save is stale: nothing of it is shown or built.
    assert events_after(live, before) == []
    assert "a newer save arrived: the rest of this one is dropped" in live.logs
    assert {p: p.read_bytes() for p in sorted(output.rglob("*")) if p.is_file()} == before_output
    # The newer save is handled in full.
    live.replace("content/briefs/one.md", "Stale one-pager", "Test one-pager")
    assert live.preview.rebuild_if_changed()
    assert "Stale one-pager" not in live.get("/one.html")[1]
    assert "Test one-pager" in (live.root / "output" / "one.html").read_text("utf-8")


def test_a_newer_save_cancels_the_pdfs_left_in_the_background(
    live: Live, monkeypatch: pytest.MonkeyPatch
) -> None:
    output = live.root / "output"
    before_output = {p: p.read_bytes() for p in sorted(output.rglob("*")) if p.is_file()}
    before = live.preview.version
    edited = str(live.root / "content/briefs/issue.md")
    live.replace("content/briefs/issue.md", "Officials called", "Officials had called")
    live.preview.view("issue.html")
    publish = live.preview.event

    def event(kind: str, data: dict[str, object]) -> None:  # a save as the 2nd PDF is ready
        publish(kind, data)
        if kind == "pdf" and len([e for e in events_after(live, before) if e[1] == "pdf"]) == 2:
            live.preview.saved({edited})

    with monkeypatch.context() as patch:
        patch.setattr(live.preview, "event", event)
        assert live.preview.rebuild_if_changed({edited})
    pdfs = [e[2]["name"] for e in events_after(live, before) if e[1] == "pdf"]
    assert len(pdfs) == 2 and pdfs[0] == "issue"  # the viewed brief's, one more: no others
    assert "a newer save arrived: the rest of this one is dropped" in live.logs
    assert {p: p.read_bytes() for p in sorted(output.rglob("*")) if p.is_file()} == before_output
    assert not any(w.job for w in live.preview.pdfs.workers().workers)  # none still busy
    # The newer save is handled in full: every PDF, then the build.
    live.replace("content/briefs/issue.md", "Officials had called", "Officials called")
    middle = live.preview.version
    assert live.preview.rebuild_if_changed()
    assert len([e for e in events_after(live, middle) if e[1] == "pdf"]) == 6
    assert "Officials called" in (output / "issue.html").read_text("utf-8")


def test_the_watcher_rebuilds_on_a_save_and_stops_cleanly(live: Live) -> None:
    stop = threading.Event()
    watcher = threading.Thread(target=live.preview.watch, args=(stop,), daemon=True)
    before = live.preview.version
    watcher.start()
    try:
        time.sleep(1)  # the watch is set up
        live.replace("content/briefs/one.md", "Test one-pager", "Watched one-pager")
        deadline = time.monotonic() + HANG_GUARD
        while "Watched one-pager" not in live.get("/one.html")[1]:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        assert any("changed: content/briefs/one.md" in line for line in live.logs)
        assert live.preview.version > before
    finally:
        stop.set()
        watcher.join(HANG_GUARD)
    assert not watcher.is_alive()

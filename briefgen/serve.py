"""``briefgen serve``: a loopback-only preview server that rebuilds on save.

The server answers only GET and HEAD, only for a ``Host`` naming the loopback address
and port it is bound to (so a page on another site can't read it by DNS rebinding),
and only for the files it lists itself: the preview pages, the PDF tabs, the preview's
PDFs and ``output/``'s. A URL is looked up by name, never turned into a filesystem
path. Connections are capped and time out when idle (``loopback``); event streams
(server-sent events, one per open tab) have a cap of their own and a heartbeat instead
of the idle timeout. Pages it sends get a small live script injected (``livepages``),
which follows the event stream and swaps the page in place once per save; files in
``output/`` never contain it.
"""

from __future__ import annotations

import os
import shutil
import signal
import stat
import threading
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from types import FrameType
from typing import Any
from urllib.parse import parse_qs, unquote

from briefgen.livepages import (
    PDF_VIEW_PREFIX,
    RELOAD_SCRIPT,
    index_page,
    live_script,
    pdf_view_page,
    problems_box,
)
from briefgen.loopback import (
    IDLE_SECONDS,
    MAX_CONNECTIONS,
    MAX_STREAMS,
    NotLoopbackError,
    PreviewServer,
    ServeError,
    bind,
)
from briefgen.preview import Preview
from briefgen.previewpdf import PDF_PREFIX

__all__ = [
    "MAX_CONNECTIONS",
    "MAX_STREAMS",
    "RELOAD_SCRIPT",
    "NotLoopbackError",
    "Preview",
    "ServeError",
    "make_server",
    "serve",
]

VERSION_PATH = "__briefgen/version"
EVENTS_PATH = "__briefgen/events"


class Handler(BaseHTTPRequestHandler):
    server: PreviewServer
    server_version = "briefgen"

    def setup(self) -> None:
        super().setup()
        self.connection.settimeout(self.server.idle_seconds)  # per socket operation

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the terminal shows builds, not requests

    def parse_request(self) -> bool:
        """The request line and headers, then what this server refuses."""
        if not super().parse_request():
            return False
        hosts = self.headers.get_all("Host") or []
        if self.command not in ("GET", "HEAD"):
            self._reply(HTTPStatus.METHOD_NOT_ALLOWED, b"only GET and HEAD\n", allow=True)
        elif len(hosts) != 1:
            self._reply(HTTPStatus.BAD_REQUEST, b"exactly one Host header, please\n")
        elif hosts[0].strip().lower() not in self.server.hosts:
            allowed = " or ".join(sorted(self.server.hosts))
            body = f"this preview answers only for Host {allowed}\n".encode()
            self._reply(HTTPStatus.MISDIRECTED_REQUEST, body)
        elif not self.path.startswith("/") or self.path.startswith("//"):
            self._reply(HTTPStatus.BAD_REQUEST, b"only origin-form request targets\n")
        else:
            return True
        return False

    def do_GET(self) -> None:
        name = self._name()
        if name is None:
            self._reply(HTTPStatus.BAD_REQUEST, b"malformed path\n")
        elif name == VERSION_PATH:
            self._reply(HTTPStatus.OK, str(self.server.preview.version).encode(), "text/plain")
        elif name == EVENTS_PATH:
            self._stream()
        elif name.startswith(PDF_PREFIX) and name.endswith(".pdf"):
            self._send_preview_pdf(name.removeprefix(PDF_PREFIX).removesuffix(".pdf"))
        elif name.startswith(PDF_VIEW_PREFIX):
            self._send_pdf_view(name.removeprefix(PDF_VIEW_PREFIX))
        elif name == "":
            self._reply(HTTPStatus.OK, self._index().encode(), "text/html; charset=utf-8")
        elif name.endswith(".html"):
            self._send_page(name)
        elif name.endswith(".pdf"):
            self._send_file(self.server.preview.output, name, "application/pdf")
        else:
            self._reply(HTTPStatus.NOT_FOUND, b"not found\n")

    do_HEAD = do_GET

    def _name(self) -> str | None:
        """The name asked for (``""`` for the index); None when it isn't valid UTF-8."""
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        try:
            return unquote(path[1:], errors="strict")
        except UnicodeDecodeError:
            return None

    def _reply(
        self,
        status: HTTPStatus,
        body: bytes,
        content_type: str = "text/plain",
        allow: bool = False,
        retry: bool = False,
    ) -> None:
        self.send_response(status)
        if retry:
            self.send_header("Retry-After", "5")
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        if allow:
            self.send_header("Allow", "GET, HEAD")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _open(self, folder: Path, name: str) -> int | None:
        """A regular file that ``folder`` lists by exactly this name, opened; else None."""
        try:
            if name not in os.listdir(folder):
                return None
            fd = os.open(folder / name, os.O_RDONLY | os.O_NOFOLLOW)
        except OSError:
            return None  # no folder yet, or it was just replaced by a newer build
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            return None
        return fd

    def _send_page(self, name: str) -> None:
        preview = self.server.preview
        since = preview.version  # before the page is read: a save after it is an event
        file = preview.page_file(name)
        fd = self._open(file.parent, file.name) if file else self._open(preview.output, name)
        if fd is None:
            self._reply(HTTPStatus.NOT_FOUND, b"not found\n")
            return
        preview.view(name)
        with open(fd, "rb") as handle:
            page = handle.read().decode("utf-8", errors="replace")
        page = page.replace("</body>", self._problems() + live_script(since) + "</body>", 1)
        self._reply(HTTPStatus.OK, page.encode("utf-8"), "text/html; charset=utf-8")

    def _send_preview_pdf(self, name: str) -> None:
        """An edition's PDF as the preview laid it out ahead of the build (else the last
        build's): ``memo`` or ``annex/memo``."""
        file = self.server.preview.pdf_file(name)
        if file is None:
            self._reply(HTTPStatus.NOT_FOUND, b"no PDF for this brief yet\n")
        else:
            self._send_file(file.parent, file.name, "application/pdf")

    def _send_pdf_view(self, name: str) -> None:
        """The PDF tab of a brief's edition (``livepages.pdf_view_page``)."""
        preview = self.server.preview
        since = preview.version
        brief = name.rpartition("/")[2]
        if preview.pdf_file(name) is None or (
            preview.page_file(f"{brief}.html") is None
            and f"{brief}.html" not in _listing(preview.output, ".html")
        ):
            self._reply(HTTPStatus.NOT_FOUND, b"no such brief\n")
            return
        preview.view(f"{brief}.html")
        page = pdf_view_page(name, preview.pdfs.key(name), since)
        self._reply(HTTPStatus.OK, page.encode("utf-8"), "text/html; charset=utf-8")

    def _stream(self) -> None:
        """Server-sent events until the tab closes or the server stops (``Preview.events``).

        A stream holds one of its own slots, not a page slot, and no idle timeout applies:
        a comment line every ``heartbeat`` seconds keeps it open. A tab that reconnects
        sends ``Last-Event-ID`` and gets what it missed.
        """
        server, preview = self.server, self.server.preview
        if not server.streams.acquire(blocking=False):
            body = b"too many live tabs are open; close some (this tab retries)\n"
            self._reply(HTTPStatus.SERVICE_UNAVAILABLE, body, retry=True)
            return
        try:
            server.give_back_page_slot()
            query = parse_qs(self.path.partition("?")[2])
            page = query.get("page", [""])[0]
            resume = self.headers.get("Last-Event-ID") or query.get("since", [""])[0]
            last = int(resume) if resume.strip().isdigit() else preview.version
            preview.view(page)
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if self.command == "HEAD":
                return
            self._write(b"retry: 1000\n\n")
            while True:
                with preview.changed:
                    if not preview.closing and preview.newest() <= last:
                        preview.changed.wait(server.heartbeat)
                    if preview.closing:
                        return
                events = preview.events_since(last)
                if not events:
                    self._write(b": heartbeat\n\n")
                    continue
                for event in events:
                    self._write(
                        f"id: {event.id}\nevent: {event.kind}\ndata: {event.data}\n\n".encode()
                    )
                last = events[-1].id
        except OSError:
            return  # the tab went away, or stopped reading for longer than the idle timeout
        finally:
            server.streams.release()

    def _write(self, data: bytes) -> None:
        self.wfile.write(data)
        self.wfile.flush()

    def _send_file(self, folder: Path, name: str, content_type: str) -> None:
        fd = self._open(folder, name)
        if fd is None:
            self._reply(HTTPStatus.NOT_FOUND, b"not found\n")
            return
        # The open file is one whole build even if a rebuild swaps output/ meanwhile.
        with open(fd, "rb") as handle:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(os.fstat(fd).st_size))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if self.command != "HEAD":
                shutil.copyfileobj(handle, self.wfile)

    def _problems(self) -> str:
        preview = self.server.preview
        with preview.lock:
            return problems_box(list(preview.problems))

    def _index(self) -> str:
        preview = self.server.preview
        since = preview.version
        pages = preview.page_names() or _listing(preview.output, ".html")
        pdfs = set(_listing(preview.output, ".pdf"))
        with preview.lock:
            problems = list(preview.problems)
        return index_page(pages, pdfs, problems, since)


def _listing(folder: Path, suffix: str) -> list[str]:
    try:
        return sorted(name for name in os.listdir(folder) if name.endswith(suffix))
    except OSError:
        return []


def make_server(
    preview: Preview,
    host: str,
    port: int,
    *,
    max_connections: int = MAX_CONNECTIONS,
    idle_seconds: float = IDLE_SECONDS,
) -> PreviewServer:
    """A server bound (and listening) on a loopback address; refuses anything else."""
    return bind(
        preview, host, port, Handler, max_connections=max_connections, idle_seconds=idle_seconds
    )


def serve(root: Path, host: str, port: int, log: Callable[[str], None]) -> None:
    """Listen, build, and rebuild on change until interrupted.

    The port is bound before the first build, so a busy port fails at once.
    """
    preview = Preview(root, log)
    # SIGTERM stops the server as Ctrl-C does, so the preview pages are removed.
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        server = make_server(preview, host, port)
        try:
            threading.Thread(target=server.serve_forever, daemon=True).start()
            log(f"serving {server.url} (Ctrl-C to stop)")
            # Builds stay in the main thread, where their Markdown time limit can apply.
            preview.watch(threading.Event())
        except KeyboardInterrupt:
            pass
        finally:
            server.shutdown()
            server.server_close()
    finally:
        preview.close()
        signal.signal(signal.SIGTERM, previous)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt

"""``briefgen serve``: a loopback-only preview server that rebuilds on save.

The server answers only GET and HEAD, only for a ``Host`` naming the loopback address
and port it is bound to (so a page on another site can't read it by DNS rebinding),
and only for the files it lists itself: the preview pages and ``output/``'s PDFs. A URL
is looked up by name, never turned into a filesystem path. Connections are capped and
time out when idle; event streams (server-sent events, one per open tab) have a cap of
their own and a heartbeat instead of the idle timeout. Pages it sends get a small live
script injected, which follows the event stream and swaps the page in place once per
save; files in ``output/`` never contain it.
"""

from __future__ import annotations

import errno
import html
import ipaddress
import os
import shutil
import signal
import socket
import socketserver
import stat
import sys
import threading
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import FrameType
from typing import Any
from urllib.parse import parse_qs, unquote

from briefgen.preview import Preview

__all__ = [
    "MAX_CONNECTIONS",
    "MAX_STREAMS",
    "RELOAD_SCRIPT",
    "Preview",
    "ServeError",
    "make_server",
    "serve",
]

MAX_CONNECTIONS = 32
IDLE_SECONDS = 10.0
VERSION_PATH = "__briefgen/version"
BUSY = b"HTTP/1.0 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Length: 0\r\n\r\n"

MAX_STREAMS = 8  # live tabs (event streams), counted apart from page connections
EVENTS_PATH = "__briefgen/events"
PDF_PREFIX = "__briefgen/pdf/"

# The live script (without its <script> tag, which carries the event id the page was
# served at): it follows /__briefgen/events, swaps the page in place when the save
# re-rendered it (the scroll position kept), and shows the build's problems on top.
RELOAD_SCRIPT = """
(function () {
  var me = document.currentScript;
  var since = (me && me.getAttribute("data-briefgen-since")) || "0";
  var page = decodeURIComponent(location.pathname.slice(1));
  window.briefgenSwaps = 0;
  function overlay(problems) {
    var box = document.getElementById("briefgen-problems");
    if (!problems.length) { if (box) { box.remove(); } return; }
    if (!box) {
      box = document.createElement("aside");
      box.id = "briefgen-problems";
      box.setAttribute("role", "alert");
      document.body.prepend(box);
    }
    box.style.cssText = "position:fixed;top:0;left:0;right:0;z-index:2147483647;" +
      "max-height:40vh;overflow:auto;margin:0;padding:.5em 1em;background:#fff4f4;" +
      "color:#600;border-bottom:2px solid #b00;font:14px/1.4 monospace";
    var list = document.createElement("ul");
    problems.forEach(function (p) {
      var item = document.createElement("li");
      item.textContent = p;
      list.append(item);
    });
    var title = document.createElement("strong");
    title.textContent = "briefgen: the last save has problems " +
      "(the page shows the last good render)";
    box.replaceChildren(title, list);
  }
  function swap() {
    var x = window.scrollX, y = window.scrollY;
    fetch(location.href, {cache: "no-store"}).then(function (r) {
      if (!r.ok) { throw new Error(r.status); }
      return r.text();
    }).then(function (text) {
      var next = new DOMParser().parseFromString(text, "text/html");
      // This script keeps running: its copy in the new page must not start again.
      next.querySelectorAll("script").forEach(function (s) { s.remove(); });
      document.title = next.title;
      document.head.replaceWith(document.adoptNode(next.head));
      document.body.replaceWith(document.adoptNode(next.body));
      window.scrollTo(x, y);
      window.briefgenSwaps += 1;
    }).catch(function () { location.reload(); });
  }
  function connect() {
    var url = "/__briefgen/events?page=" + encodeURIComponent(page) + "&since=" + since;
    var source = new EventSource(url);
    source.addEventListener("update", function (e) {
      var d = JSON.parse(e.data);
      since = e.lastEventId;
      if (d.pages.indexOf(page) >= 0 || (page === "" && d.done)) { swap(); }
      else { overlay(d.problems); }
    });
    source.addEventListener("problems", function (e) {
      since = e.lastEventId;
      overlay(JSON.parse(e.data).problems);
    });
    source.addEventListener("pdf", function (e) {
      since = e.lastEventId;
      var d = JSON.parse(e.data);
      if (d.page === page) { window.briefgenPdf = "/" + d.pdf; }
    });
    source.onopen = function () { window.briefgenLive = true; };
    source.onerror = function () {  // refused (too many tabs) or the server is gone
      if (source.readyState === 2) { setTimeout(connect, 5000); }
    };
  }
  connect();
})();
"""


class ServeError(Exception):
    """The server can't start (busy port, no IPv6, ...): the user can fix it."""


class NotLoopbackError(ServeError, ValueError):
    """``--host`` is not a loopback IP address."""


class PreviewServer(ThreadingHTTPServer):
    """A threading server with a cap on connections and an idle timeout for each."""

    request_queue_size = 64  # listen backlog: a burst of connects isn't refused

    def __init__(
        self,
        address: tuple[str, int],
        preview: Preview,
        *,
        max_connections: int,
        idle_seconds: float,
        max_streams: int = MAX_STREAMS,
    ) -> None:
        ip = ipaddress.ip_address(address[0])
        self.address_family = socket.AF_INET6 if ip.version == 6 else socket.AF_INET
        self.preview = preview
        self.idle_seconds = idle_seconds
        self.slots = threading.BoundedSemaphore(max_connections)
        self.streams = threading.BoundedSemaphore(max_streams)
        # An event stream is answered within the idle timeout, so a heartbeat keeps it open.
        self.heartbeat = min(idle_seconds / 2, 15.0)
        self.local = threading.local()  # per request thread: does it still hold a page slot?
        self.ip = ip
        super().__init__(address, Handler)
        name = f"[{ip.compressed}]" if ip.version == 6 else ip.compressed
        port = self.server_address[1]
        self.url = f"http://{name}:{port}/"
        self.hosts = {f"{name}:{port}", f"localhost:{port}"}
        if port == 80:
            self.hosts |= {name, "localhost"}

    def server_bind(self) -> None:
        # HTTPServer.server_bind asks DNS for a name (getfqdn), which we never use.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = str(self.ip), self.server_address[1]

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self.slots.acquire(blocking=False):
            self._turn_away(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self.slots.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        # socketserver's own version, with the slot given back before the hang-up: a
        # client that sees its connection closed always finds the slot free again.
        self.local.page_slot = True
        try:
            self.finish_request(request, client_address)
        except Exception:
            self.handle_error(request, client_address)
        finally:
            self.give_back_page_slot()
            self.shutdown_request(request)

    def give_back_page_slot(self) -> None:
        """This thread's connection no longer counts among the pages (once)."""
        if getattr(self.local, "page_slot", False):
            self.local.page_slot = False
            self.slots.release()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that goes away before its reply is sent (a tab closed mid-load, a
        reload) is normal: nothing to print. Anything else is a bug, with its traceback."""
        if isinstance(sys.exc_info()[1], ConnectionError):  # BrokenPipe, ConnectionReset
            return
        super().handle_error(request, client_address)

    def _turn_away(self, request: socket.socket) -> None:
        """Every slot is taken: answer 503 without blocking the accept loop."""
        try:
            request.setblocking(False)
            request.send(BUSY)
        except OSError:
            pass
        self.shutdown_request(request)


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
        page = page.replace("</body>", self._problems() + _live(since) + "</body>", 1)
        self._reply(HTTPStatus.OK, page.encode("utf-8"), "text/html; charset=utf-8")

    def _send_preview_pdf(self, brief_id: str) -> None:
        """The viewed brief's reader PDF, laid out by the preview ahead of the build."""
        file = self.server.preview.pdf_file(brief_id)
        if file is None:
            self._reply(HTTPStatus.NOT_FOUND, b"no preview PDF for this brief yet\n")
        else:
            self._send_file(file.parent, file.name, "application/pdf")

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
            problems = list(preview.problems)
        if not problems:
            return ""
        items = "".join(f"<li>{html.escape(p)}</li>" for p in problems)
        style = (
            "position:fixed;top:0;left:0;right:0;z-index:2147483647;max-height:40vh;"
            "overflow:auto;margin:0;padding:.5em 1em;background:#fff4f4;color:#600;"
            "border-bottom:2px solid #b00;font:14px/1.4 monospace"
        )
        return (
            f'<aside id="briefgen-problems" class="build-problems" role="alert" style="{style}">'
            "<strong>briefgen: the last save has problems (the page shows the last good "
            f"render)</strong><ul>{items}</ul></aside>"
        )

    def _index(self) -> str:
        preview = self.server.preview
        pages = preview.page_names() or _listing(preview.output, ".html")
        pdfs = set(_listing(preview.output, ".pdf"))
        items = []
        for page in pages:
            pdf = page.removesuffix(".html") + ".pdf"
            link = f' (<a href="{html.escape(pdf)}">PDF</a>)' if pdf in pdfs else ""
            items.append(f'<li><a href="{html.escape(page)}">{html.escape(page)}</a>{link}</li>')
        return (
            "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            "<title>briefgen preview</title></head><body><h1>Briefs</h1>"
            f"<ul>{''.join(items)}</ul>{self._problems()}{_live(preview.version)}</body></html>"
        )


def _live(since: int) -> str:
    return f'<script data-briefgen-since="{since}">{RELOAD_SCRIPT}</script>'


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
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        ip = None
    if ip is None or not ip.is_loopback:
        raise NotLoopbackError(
            f"refusing to serve on {host}: the preview is loopback-only "
            "(use an address such as 127.0.0.1 or ::1)"
        )
    where = f"[{ip.compressed}]:{port}" if ip.version == 6 else f"{ip.compressed}:{port}"
    try:
        return PreviewServer(
            (ip.compressed, port),
            preview,
            max_connections=max_connections,
            idle_seconds=idle_seconds,
        )
    except OSError as exc:
        raise ServeError(f"cannot serve on {where}: {_why(exc, ip.version)}") from exc


def _why(exc: OSError, version: int) -> str:
    if exc.errno == errno.EADDRINUSE:
        return (
            "the port is already in use (another 'briefgen serve'?); "
            "choose another with --port, or --port 0 for any free one"
        )
    if version == 6 and exc.errno in (errno.EADDRNOTAVAIL, errno.EAFNOSUPPORT):
        return f"IPv6 is not available on this machine ({exc.strerror}); use --host 127.0.0.1"
    if exc.errno == errno.EACCES:
        return f"{exc.strerror} (ports below 1024 need privileges); choose another with --port"
    return exc.strerror or str(exc)


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

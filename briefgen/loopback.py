"""The socket side of ``briefgen serve``: a threading HTTP server on a loopback address.

It binds only a loopback IP address (``bind`` refuses anything else, and says what to do
when the port is busy or IPv6 is missing), caps its connections (a connection past the
cap gets a 503 without blocking the accept loop) and gives each an idle timeout. Event
streams hold a slot of their own (``streams``, ``MAX_STREAMS``) and give their page slot
back (``give_back_page_slot``), so open tabs never starve page loads. What it answers is
``serve.Handler``'s business.
"""

from __future__ import annotations

import errno
import ipaddress
import socket
import socketserver
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from briefgen.preview import Preview

MAX_CONNECTIONS = 32
IDLE_SECONDS = 10.0
MAX_STREAMS = 8  # live tabs (event streams), counted apart from page connections
BUSY = b"HTTP/1.0 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Length: 0\r\n\r\n"


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
        handler: type[BaseHTTPRequestHandler],
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
        super().__init__(address, handler)
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


def bind(
    preview: Preview,
    host: str,
    port: int,
    handler: type[BaseHTTPRequestHandler],
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
            handler,
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

"""The preview server, run for real on loopback against the minimal project."""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import textwrap
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import pytest

from briefgen.serve import RELOAD_SCRIPT, Preview, make_server
from tests.processes import snapshot, wait_until

pytestmark = pytest.mark.build  # every test here renders a PDF (or checks one)

HANG_GUARD = 60  # seconds; a generous bound so a regression fails instead of hanging


@dataclass
class Served:
    preview: Preview
    port: int
    logs: list[str] = field(default_factory=list)

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"


@dataclass(frozen=True)
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


def start(preview: Preview, **options: int) -> Callable[[], None]:
    """Serve ``preview`` on a free loopback port in a thread; returns the stopper."""
    server = make_server(preview, "127.0.0.1", 0, **options)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        server.server_close()

    stop.port = server.server_address[1]  # type: ignore[attr-defined]
    return stop


@pytest.fixture
def served(minimal_built: Path) -> Iterator[Served]:
    """A preview of a copy of the session's minimal build (output and PDF cache): its
    first rebuild finds the output up to date, as after a `briefgen build`."""
    logs: list[str] = []
    preview = Preview(minimal_built, logs.append)
    assert preview.rebuild_if_changed()
    stop = start(preview)
    try:
        yield Served(preview, stop.port, logs)  # type: ignore[attr-defined]
    finally:
        stop()
        preview.close()


def request(
    port: int, path: str, *, method: str = "GET", host: str | None = None, ip: str = "127.0.0.1"
) -> Reply:
    """One real HTTP request with an explicit ``Host`` (the loopback one by default)."""
    connection = http.client.HTTPConnection(ip, port, timeout=HANG_GUARD)
    try:
        connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        connection.putheader("Host", host if host is not None else f"127.0.0.1:{port}")
        connection.endheaders()
        response = connection.getresponse()
        return Reply(response.status, response.headers, response.read())
    finally:
        connection.close()


def raw(port: int, data: bytes) -> bytes:
    """Send raw bytes, read until the server closes."""
    with socket.create_connection(("127.0.0.1", port), timeout=HANG_GUARD) as sock:
        sock.sendall(data)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def append(root: Path, name: str, text: str) -> None:
    path = root / name
    path.write_text(path.read_text("utf-8") + text, "utf-8")


def test_pages_get_the_reload_script_but_output_does_not(served: Served) -> None:
    page = request(served.port, "/issue.html").text
    assert RELOAD_SCRIPT in page
    output = served.preview.root / "output" / "issue.html"
    assert "/__briefgen/version" not in output.read_text("utf-8")
    index = request(served.port, "/").text
    assert 'href="issue.html"' in index
    assert 'href="issue.pdf"' in index
    pdf = request(served.port, "/issue.pdf")
    assert pdf.headers["Content-Type"] == "application/pdf"
    assert pdf.body == (served.preview.root / "output" / "issue.pdf").read_bytes()


def test_a_save_rebuilds_and_bumps_the_version(served: Served, edit: Callable[..., None]) -> None:
    before = request(served.port, "/__briefgen/version").text
    assert not served.preview.rebuild_if_changed()  # nothing changed yet
    edit(served.preview.root, "content/briefs/memo.md", "Test memo", "Edited memo")
    assert served.preview.rebuild_if_changed()
    assert request(served.port, "/__briefgen/version").text != before
    assert "Edited memo" in request(served.port, "/memo.html").text
    assert "Edited memo" in (served.preview.root / "output" / "memo.html").read_text("utf-8")


def test_build_problems_show_in_the_page(served: Served, edit: Callable[..., None]) -> None:
    edit(served.preview.root, "content/briefs/memo.md", "[@share-2014]", "[@nope]")
    assert served.preview.rebuild_if_changed()
    page = request(served.port, "/memo.html").text
    problem = "error: citation of unknown note &#x27;nope&#x27; [cite.unknown-note]"
    assert f"content/briefs/memo.md:16: {problem}" in page


def test_only_loopback_addresses_are_served(minimal: Path) -> None:
    preview = Preview(minimal, print)
    try:
        for host in ("0.0.0.0", "::", "192.0.2.1", "localhost"):
            with pytest.raises(ValueError, match="loopback"):
                make_server(preview, host, 0)
    finally:
        preview.close()


# H4 -------------------------------------------------------------------------------------


def test_serve_host_header_dns_rebinding(served: Served) -> None:
    port = served.port
    foreign = [
        "attacker.example",
        f"attacker.example:{port}",
        f"127.0.0.1.attacker.example:{port}",
        f"localhost.attacker.example:{port}",
        f"[::1]:{port}",  # the server is bound to 127.0.0.1, not ::1
        "127.0.0.1:1",
        "127.0.0.1",
        f"127.0.0.2:{port}",
        f"user@127.0.0.1:{port}",
        f"127.0.0.1:{port}/x",
    ]
    for host in foreign:
        for path in ("/", "/one.html", "/one.pdf", "/__briefgen/version"):
            reply = request(port, path, host=host)
            assert (reply.status, host, path) == (421, host, path)
            assert b"Test one-pager" not in reply.body and b"%PDF" not in reply.body
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"LocalHost:{port}"):
        assert request(port, "/one.html", host=host).status == 200
    assert raw(port, b"GET /one.html HTTP/1.0\r\n\r\n").startswith(b"HTTP/1.0 400 ")
    twice = f"GET / HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\nHost: attacker.example\r\n\r\n"
    assert raw(port, twice.encode()).startswith(b"HTTP/1.0 400 ")


def test_serve_refuses_methods_other_than_get_and_head(served: Served) -> None:
    for method in ("POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "PROPFIND", "BREW"):
        reply = request(served.port, "/one.html", method=method)
        assert (reply.status, reply.headers["Allow"]) == (405, "GET, HEAD"), method
    page = request(served.port, "/one.html")
    head = request(served.port, "/one.html", method="HEAD")
    assert (head.status, head.body) == (200, b"")
    assert head.headers["Content-Length"] == str(len(page.body))


# M2 -------------------------------------------------------------------------------------


def test_serve_content_edit_kills_server(served: Served) -> None:
    append(served.preview.root, "content/briefs/one.md", "\n" + "- " * 100 + "x\n")
    assert served.preview.rebuild_if_changed()  # must not raise
    assert request(served.port, "/").status == 200
    page = request(served.port, "/memo.html").text
    assert '<aside id="briefgen-problems"' in page
    # The nesting is refused before anything recursive sees it: a located error.
    assert "content/briefs/one.md:" in page and "[markdown.too-deep]" in page


def test_serve_survives_an_internal_error(served: Served, monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug under the build (a fault injected into Jinja, below our code) is logged with
    its traceback; the server keeps the last good output and recovers on the next save."""
    output = served.preview.root / "output"
    before = snapshot(output)

    def broken(*_args: object, **_kwargs: object) -> None:
        raise ZeroDivisionError("injected")

    with monkeypatch.context() as patch:
        patch.setattr(jinja2.Environment, "get_template", broken)
        append(
            served.preview.root,
            "content/briefs/one.md",
            "\nOne more line from the critics [@critics].\n",
        )
        assert served.preview.rebuild_if_changed()  # must not raise
    log = "\n".join(served.logs)
    assert "Traceback (most recent call last)" in log and "ZeroDivisionError" in log
    page = request(served.port, "/one.html").text
    assert "Test one-pager" in page  # the last good preview
    assert "internal error" in page and "ZeroDivisionError" in page
    assert snapshot(output) == before
    append(served.preview.root, "content/briefs/one.md", "\n")
    assert served.preview.rebuild_if_changed()
    assert "build-problems" not in request(served.port, "/one.html").text


# L9 -------------------------------------------------------------------------------------


def test_serve_failed_pdf_build_leaves_output_half_updated(served: Served) -> None:
    output = served.preview.root / "output"
    before = snapshot(output)
    filler = "".join(
        f"\nFiller paragraph {i} has critics widen the sharing [@critics].\n" for i in range(60)
    )
    append(served.preview.root, "content/briefs/one.md", filler)
    assert served.preview.rebuild_if_changed()
    assert snapshot(output) == before
    page = request(served.port, "/one.html").text
    assert "Filler paragraph 59" in page  # the preview shows the edit
    assert re.search(r"one-pager &#x27;one&#x27; has \d pages of body; its budget is 1", page)
    assert "[brief.over-budget]" in page


def test_serve_nul_byte_in_path(served: Served) -> None:
    port = served.port
    paths = [
        "/one.html%00.pdf",
        "/%00",
        "/one.pdf%00",
        "/one%00.html",
        "/one.html%ff",
        "/%2e%2e/briefgen.toml",
        "/..%2fbriefgen.toml",
        "/../briefgen.toml",
        "//etc/passwd",
        "/%2fetc%2fpasswd",
        "/content/briefs/one.md",
        "/manifest.json",
        "/one.html/",
        "/.",
        "/%5c..%5cbriefgen.toml",
    ]
    for path in paths:
        reply = request(port, path)
        assert reply.status in (400, 404), path
        assert b"Test one-pager" not in reply.body and b"Test project" not in reply.body
    for target in ("http://127.0.0.1/one.html", "one.html", "*"):
        reply = request(port, target)
        assert reply.status == 400, target
    assert request(port, "/one.html").status == 200


def test_serve_idle_connections_unbounded(served: Served) -> None:
    from briefgen.serve import MAX_CONNECTIONS

    threads = threading.active_count()
    half_open = []
    try:
        for _ in range(MAX_CONNECTIONS + 8):
            sock = socket.create_connection(("127.0.0.1", served.port), timeout=HANG_GUARD)
            sock.sendall(f"GET / HTTP/1.1\r\nHost: {served.host}\r\n".encode())
            half_open.append(sock)
        with socket.create_connection(("127.0.0.1", served.port), timeout=HANG_GUARD) as sock:
            assert sock.recv(100).startswith(b"HTTP/1.0 503 ")
        assert threading.active_count() - threads <= MAX_CONNECTIONS
    finally:
        for sock in half_open:
            sock.close()


def test_serve_idle_connections_time_out(minimal: Path) -> None:
    preview = Preview(minimal, lambda _message: None)
    stop = start(preview, max_connections=2, idle_seconds=1)
    port = stop.port  # type: ignore[attr-defined]
    try:
        idle = [socket.create_connection(("127.0.0.1", port), timeout=HANG_GUARD) for _ in "ab"]
        idle[0].sendall(b"GET / HTTP/1.1\r\n")  # a request that never ends
        for sock in idle:  # the server hangs up on both once they idle past 1 s
            assert sock.recv(100) == b""
            sock.close()
        assert request(port, "/").status == 200
    finally:
        stop()
        preview.close()


def serve_command(root: Path, *options: str) -> list[str]:
    return [sys.executable, "-m", "briefgen", "serve", "--root", str(root), *options]


def test_serve_port_in_use(minimal: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        run = subprocess.run(
            serve_command(minimal, "--port", str(port)),
            capture_output=True,
            text=True,
            timeout=HANG_GUARD,
        )
    assert run.returncode == 1
    assert run.stderr == (
        f"Error: cannot serve on 127.0.0.1:{port}: the port is already in use "
        "(another 'briefgen serve'?); choose another with --port, or --port 0 for any free one\n"
    )
    assert not (minimal / "output").exists()  # refused before the initial build


# IPv6: both branches run for real, each in a network namespace of its own -------------

IN_NAMESPACE = textwrap.dedent(
    """
    import http.client, json, subprocess, sys
    server = subprocess.Popen(sys.argv[1:], stderr=subprocess.PIPE, text=True)
    line = server.stderr.readline()
    port = int(line.split("]:")[1].split("/")[0])
    statuses = {}
    for host in (f"[::1]:{port}", f"localhost:{port}", f"127.0.0.1:{port}"):
        connection = http.client.HTTPConnection("::1", port, timeout=60)
        connection.putrequest("GET", "/__briefgen/version", skip_host=True)
        connection.putheader("Host", host)
        connection.endheaders()
        statuses[host] = connection.getresponse().status
        connection.close()
    server.terminate()
    code = server.wait(60)
    print(json.dumps({"line": line, "statuses": statuses, "code": code}))
    """
)


def in_network_namespace(
    ipv6: bool, command: list[str], tmp: Path
) -> subprocess.CompletedProcess[str]:
    """Run ``command`` in a fresh network namespace (loopback up; IPv6 on or off),
    with ``tmp`` as its temporary folder."""
    if shutil.which("unshare") is None or shutil.which("ip") is None:
        pytest.fail("the IPv6 tests need util-linux 'unshare' and iproute2 'ip'")
    setup = "ip link set lo up"
    if not ipv6:
        setup += " && sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.lo.disable_ipv6=1"
    script = f'{setup} && exec "$@"'
    return subprocess.run(
        ["unshare", "--map-root-user", "--net", "sh", "-c", script, "sh", *command],
        capture_output=True,
        text=True,
        timeout=HANG_GUARD,
        env={**os.environ, "PYTHONUNBUFFERED": "1", "TMPDIR": str(tmp)},
    )


def test_serve_ipv6_loopback(minimal: Path, tmp_path: Path) -> None:
    command = serve_command(minimal, "--host", "::1", "--port", "0")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    run = in_network_namespace(True, [sys.executable, "-c", IN_NAMESPACE, *command], tmp)
    assert run.returncode == 0, run.stderr
    seen = json.loads(run.stdout)
    assert seen["line"].startswith("serving http://[::1]:")
    port = seen["line"].split("]:")[1].split("/")[0]
    assert seen["statuses"] == {f"[::1]:{port}": 200, f"localhost:{port}": 200} | {
        f"127.0.0.1:{port}": 421
    }
    assert seen["code"] == 0  # SIGTERM stops it as Ctrl-C does: cleanly,
    assert list(tmp.iterdir()) == []  # and the preview pages are removed


def test_serve_ipv6_loopback_where_ipv6_is_off(minimal: Path, tmp_path: Path) -> None:
    command = serve_command(minimal, "--host", "::1", "--port", "8000")
    run = in_network_namespace(False, command, tmp_path)
    assert run.returncode == 1
    assert run.stderr == (
        "Error: cannot serve on [::1]:8000: IPv6 is not available on this machine "
        "(Cannot assign requested address); use --host 127.0.0.1\n"
    )
    assert not (minimal / "output").exists()


def test_a_client_that_goes_away_is_normal(
    minimal: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A client that hangs up before the reply (a browser tab closed mid-load, a reload):
    the server once printed a BrokenPipeError or ConnectionResetError traceback for each
    (socketserver's handle_error), which is what filled the test log. No build needed:
    the index page is enough."""
    import struct

    preview = Preview(minimal, lambda _message: None)
    stop = start(preview)
    port = stop.port  # type: ignore[attr-defined]
    threads = threading.active_count()
    try:
        for abrupt in [False, True] * 10:
            sock = socket.create_connection(("127.0.0.1", port), timeout=HANG_GUARD)
            # The headers never end: at the hang-up the server reads the end of the
            # stream as their end and answers a client that is gone.
            sock.sendall(f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n".encode())
            if abrupt:  # a reset (RST), not a close (FIN)
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            sock.close()
        wait_until(lambda: threading.active_count() == threads, "the handlers to end")
        assert request(port, "/").status == 200  # and it still serves
    finally:
        stop()
        preview.close()
    printed = capsys.readouterr()
    assert "Traceback" not in printed.err and "Exception occurred" not in printed.err, printed.err

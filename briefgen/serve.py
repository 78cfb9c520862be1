"""``briefgen serve``: a loopback-only preview server that rebuilds on save.

A watcher polls the project's inputs; on a change it builds the HTML first (fast),
then the PDFs. Pages the server sends get a small reload script injected, so the
browser refreshes after each build; files in ``output/`` never contain it.
"""

from __future__ import annotations

import html
import ipaddress
import threading
from collections.abc import Callable
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from briefgen import pipeline
from briefgen.cache import project_fingerprint

RELOAD_SCRIPT = """<script>
(function () {
  var seen = null;
  setInterval(function () {
    fetch("/__briefgen/version").then(function (r) { return r.text(); }).then(function (v) {
      if (seen !== null && v !== seen) { location.reload(); }
      seen = v;
    }).catch(function () {});
  }, 1000);
})();
</script>"""


class Preview:
    """Builds the project when its inputs change and remembers the last outcome."""

    def __init__(self, root: Path, log: Callable[[str], None]) -> None:
        self.root = root
        self.log = log
        self.version = 0
        self.problems: list[str] = []
        self.fingerprint = ""
        self.lock = threading.Lock()

    def rebuild_if_changed(self) -> bool:
        fingerprint = project_fingerprint(self.root, "serve")
        if fingerprint == self.fingerprint:
            return False
        self.fingerprint = fingerprint
        for formats in (("html",), pipeline.FORMATS):
            result = pipeline.build(self.root, formats=formats, progress=self.log)
            with self.lock:
                self.problems = [d.format() for d in result.diagnostics.sorted()]
                self.version += 1
            if self.problems:
                self.log("\n".join(self.problems))
            if not (result.written or result.up_to_date):
                break
        return True

    def watch(self, stop: threading.Event, interval: float = 0.5) -> None:
        while not stop.is_set():
            self.rebuild_if_changed()
            stop.wait(interval)


def _handler(preview: Preview) -> type[SimpleHTTPRequestHandler]:
    output = preview.root / pipeline.OUTPUT_DIR

    class Handler(SimpleHTTPRequestHandler):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(output), **kwargs)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # the terminal shows builds, not requests

        def _send(self, body: bytes, content_type: str) -> None:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            if path == "/__briefgen/version":
                self._send(str(preview.version).encode(), "text/plain")
            elif path == "/":
                self._send(self._index().encode("utf-8"), "text/html; charset=utf-8")
            elif path.endswith(".html") and "/" not in path[1:]:
                target = output / path[1:]
                if not target.is_file():
                    self.send_error(HTTPStatus.NOT_FOUND)
                    return
                page = target.read_text(encoding="utf-8")
                page = page.replace("</body>", self._problems() + RELOAD_SCRIPT + "</body>", 1)
                self._send(page.encode("utf-8"), "text/html; charset=utf-8")
            else:
                super().do_GET()

        def _problems(self) -> str:
            with preview.lock:
                problems = list(preview.problems)
            if not problems:
                return ""
            items = "".join(f"<li>{html.escape(p)}</li>" for p in problems)
            return f'<aside class="build-problems"><h2>Last build</h2><ul>{items}</ul></aside>'

        def _index(self) -> str:
            names = sorted(p.name for p in output.glob("*.html")) if output.is_dir() else []
            links = "".join(
                f'<li><a href="{html.escape(n)}">{html.escape(n)}</a> '
                f'(<a href="{html.escape(n[:-5])}.pdf">PDF</a>)</li>'
                for n in names
            )
            return (
                "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
                "<title>briefgen preview</title></head><body><h1>Briefs</h1>"
                f"<ul>{links}</ul>{self._problems()}{RELOAD_SCRIPT}</body></html>"
            )

    return Handler


def make_server(preview: Preview, host: str, port: int) -> ThreadingHTTPServer:
    """A server bound to a loopback address only."""
    if not ipaddress.ip_address(host).is_loopback:
        raise ValueError(f"refusing to serve on {host}: the preview is loopback-only")
    return ThreadingHTTPServer((host, port), _handler(preview))


def serve(root: Path, host: str, port: int, log: Callable[[str], None]) -> None:
    """Build, serve, and rebuild on change until interrupted."""
    preview = Preview(root, log)
    preview.rebuild_if_changed()
    server = make_server(preview, host, port)
    # Builds stay in the main thread, where their Markdown time limit can apply.
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    log(f"serving http://{host}:{server.server_address[1]}/ (Ctrl-C to stop)")
    try:
        preview.watch(threading.Event())
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        server.server_close()

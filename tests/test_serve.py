"""The preview server, run for real on loopback against the minimal project."""

from __future__ import annotations

import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from briefgen.serve import RELOAD_SCRIPT, Preview, make_server


@pytest.fixture
def served(minimal: Path) -> Iterator[tuple[Preview, str]]:
    preview = Preview(minimal, lambda _message: None)
    assert preview.rebuild_if_changed()
    server = make_server(preview, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield preview, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return str(response.read().decode("utf-8"))


def test_pages_get_the_reload_script_but_output_does_not(served: tuple[Preview, str]) -> None:
    preview, base = served
    page = get(f"{base}/issue.html")
    assert RELOAD_SCRIPT in page
    assert "/__briefgen/version" not in (preview.root / "output" / "issue.html").read_text("utf-8")
    assert 'href="issue.html"' in get(f"{base}/")


def test_a_save_rebuilds_and_bumps_the_version(served: tuple[Preview, str]) -> None:
    preview, base = served
    before = get(f"{base}/__briefgen/version")
    assert not preview.rebuild_if_changed()  # nothing changed yet
    memo = preview.root / "content" / "briefs" / "memo.md"
    memo.write_text(memo.read_text("utf-8").replace("Test memo", "Edited memo"), "utf-8")
    assert preview.rebuild_if_changed()
    assert get(f"{base}/__briefgen/version") != before
    assert "Edited memo" in get(f"{base}/memo.html")


def test_build_problems_show_in_the_page(served: tuple[Preview, str]) -> None:
    preview, base = served
    memo = preview.root / "content" / "briefs" / "memo.md"
    memo.write_text(memo.read_text("utf-8").replace("[@share-2014]", "[@nope]"), "utf-8")
    assert preview.rebuild_if_changed()
    page = get(f"{base}/memo.html")
    assert "citation of unknown note &#x27;nope&#x27; [cite.unknown-note]" in page


def test_only_loopback_addresses_are_served(minimal: Path) -> None:
    with pytest.raises(ValueError, match="loopback-only"):
        make_server(Preview(minimal, print), "0.0.0.0", 0)

"""The finished-page check is an allowlist: what the templates emit passes, nothing else."""

from __future__ import annotations

import pytest

from briefgen import pipeline
from briefgen.diagnostics import RenderError
from briefgen.render.safety import check_page

VECTORS = {
    '<img alt="" srcset="http://x/a.png 1x">': "<img>",
    '<video poster="http://x/p.png"></video>': "<video>",
    '<audio src="http://x/a.mp3" autoplay></audio>': "<audio>",
    '<a href="#x" ping="http://x/ping">x</a>': "ping= on <a>",
    '<link rel="prefetch" href="http://x/">': "<link>",
    '<base href="http://x/">': "<base>",
    '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>': (
        "href='data:text/html;base64,PHNjcmlwdD4=' on <a>"
    ),
    '<svg><a><animate attributeName="href" values="x;javascript:alert(1)"/></a></svg>': (
        "<animate>"
    ),
    '<svg><set attributeName="href" to="javascript:alert(1)"/></svg>': "<set>",
    '<a href="jav\tascript:alert(1)">x</a>': "href='jav\\tascript:alert(1)' on <a>",
    '<meta http-equiv="refresh" content="0;url=http://x/">': "http-equiv= on <meta>",
    "<style>@import 'http://x/a.css';</style>": "@import or a CSS escape in <style>",
    "<style>p { background: u\\72l(http://x/) }</style>": "@import or a CSS escape in <style>",
    '<p style="background:url(http://x/)">x</p>': "style= on <p>",
    '<td style="background:url(http://x/)">x</td>': ("style='background:url(http://x/)' on <td>"),
    '<svg><rect fill="url(http://x/p.svg#g)"/></svg>': "fill='url(http://x/p.svg#g)' on <rect>",
}


@pytest.mark.parametrize("html", sorted(VECTORS))
def test_template_active_content_check_bypass(html: str) -> None:
    """M4: each vector the review found past the old blocklist is refused by name."""
    with pytest.raises(RenderError) as caught:
        check_page(f"<html><body>{html}</body></html>")
    assert caught.value.code == "render.active-content"
    assert caught.value.message == f"the page would contain active content: {VECTORS[html]}"


@pytest.mark.build
def test_every_page_of_the_seed_passes(seed_build: pipeline.Result) -> None:
    """The allowlist holds everything the package templates and charts emit."""
    pages = [a.path for a in seed_build.artifacts if a.format == "html"]
    assert len(pages) >= 4
    for path in pages:
        check_page(path.read_text(encoding="utf-8"))


def test_allowed_links_and_alignment_pass() -> None:
    check_page(
        '<a href="#note-1">1</a><a href="https://example.org/a?b=c">x</a>'
        '<a href="mailto:a@example.org">m</a><td style="text-align: center">x</td>'
        '<svg viewBox="0 0 1 1"><rect fill="url(#g)"/></svg>'
    )

import re
from pathlib import Path

from briefgen import pipeline
from briefgen.text.markdown import render, render_inline


def cite(ids: tuple[str, ...], quote: bool) -> str:
    return f'<sup class="cite">{",".join(ids)}{"!" if quote else ""}</sup>'


def test_citations_become_trusted_markup() -> None:
    html = str(render("Fact [@a; @b].", cite))
    assert html == '<p>Fact<sup class="cite">a,b</sup>.</p>'


def test_raw_html_and_script_are_removed() -> None:
    html = str(render('Hi <script>alert(1)</script><img src="file:///etc/passwd"> there', cite))
    assert "<script" not in html and "<img" not in html and "alert(1)" not in html
    assert html.startswith("<p>Hi ")


def test_javascript_links_and_event_handlers_are_removed() -> None:
    html = str(render('[x](javascript:alert(1)) <a href="#" onclick="evil()">y</a>', cite))
    assert "javascript:" not in html and "onclick" not in html


def test_analysis_blocks_are_wrapped_and_labelled() -> None:
    html = str(render("Sourced [@a].\n\n::: analysis\nOur view.\n:::\n\nMore [@b].", cite))
    assert html == (
        '<p>Sourced<sup class="cite">a</sup>.</p>\n'
        '<div class="analysis" role="note" aria-label="Analysis">'
        '<p class="analysis-label">Analysis</p><p>Our view.</p></div>\n'
        '<p>More<sup class="cite">b</sup>.</p>'
    )


def test_a_fenced_block_in_an_analysis_section_has_no_second_label() -> None:
    html = str(render("::: analysis\nOur view.\n:::", cite, analysis=True))
    assert html == "<p>Our view.</p>"


def test_an_analysis_section_prints_one_badge(minimal: Path) -> None:
    """new-user-3 row 22: "What we don't know" (analysis by nature, its heading badged)
    with its body also fenced '::: analysis' printed ANALYSIS twice."""
    brief = minimal / "content" / "briefs" / "issue.md"
    text = brief.read_text(encoding="utf-8")
    fenced = "## What we don't know\n\n::: analysis\nWhat the other side made of it.\n:::\n"
    brief.write_text(
        text.replace("## What we don't know\n\nWhat the other side made of it.\n", fenced),
        encoding="utf-8",
    )
    result = pipeline.build(minimal, briefs=["issue"], formats=("html",))
    assert not result.diagnostics.errors, result.diagnostics.sorted()
    page = (minimal / "output" / "issue.html").read_text(encoding="utf-8")
    section = re.search(r'<section id="what-we-don-t-know".*?</section>', page, re.DOTALL)
    assert section is not None
    assert re.findall(r">\s*Analysis\s*<", section[0]) == [">Analysis<"]  # the heading's
    assert "What the other side made of it." in section[0]
    # A fenced block in a sourced section keeps its label.
    points = re.search(r'<section id="key-points".*?</section>', page, re.DOTALL)
    assert points is not None and '<p class="analysis-label">Analysis</p>' in points[0]


def test_inline_render_drops_the_paragraph() -> None:
    assert (
        str(render_inline("Low *cost* [@a]", cite)) == 'Low <em>cost</em><sup class="cite">a</sup>'
    )


def test_citation_token_inside_link_corrupts_output() -> None:
    """L4: a citation inside a link's title or URL, or in code, stays the text written."""
    html = str(render('[link](https://x/ "[>@first-step]") [@a]', cite))
    assert html == (
        '<p><a href="https://x/" title="[&gt;@first-step]" rel="noopener noreferrer">'
        'link</a><sup class="cite">a</sup></p>'
    )
    html = str(render("[x](https://x/[@critics])", cite))
    assert html == '<p><a href="https://x/[@critics]" rel="noopener noreferrer">x</a></p>'
    assert str(render("`[@critics]` and [@a]", cite)) == (
        '<p><code>[@critics]</code> and<sup class="cite">a</sup></p>'
    )


def test_only_live_citations_are_numbered() -> None:
    """A citation shown as code is not cited: the cite callback never sees it."""
    seen: list[tuple[str, ...]] = []

    def numbering(ids: tuple[str, ...], quote: bool) -> str:
        seen.append(ids)
        return f"<sup>{len(seen)}</sup>"

    html = str(render("    code [@a]\n\ntext [@b] `[@c]` [@d]", numbering))
    assert seen == [("b",), ("d",)]
    assert html == (
        "<pre><code>code [@a]\n</code></pre>\n<p>text<sup>1</sup> <code>[@c]</code><sup>2</sup></p>"
    )

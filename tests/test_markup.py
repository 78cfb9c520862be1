from briefgen.markup import render, render_inline


def cite(ids: tuple[str, ...], quote: bool) -> str:
    return f'<sup class="cite">{",".join(ids)}{"!" if quote else ""}</sup>'


def test_citations_become_trusted_markup() -> None:
    html = str(render("Fact [@a; @b].", cite))
    assert html == '<p>Fact <sup class="cite">a,b</sup>.</p>'


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
        '<p>Sourced <sup class="cite">a</sup>.</p>\n'
        '<div class="analysis" role="note" aria-label="Analysis">'
        '<p class="analysis-label">Analysis</p><p>Our view.</p></div>\n'
        '<p>More <sup class="cite">b</sup>.</p>'
    )


def test_inline_render_drops_the_paragraph() -> None:
    assert (
        str(render_inline("Low *cost* [@a]", cite)) == 'Low <em>cost</em> <sup class="cite">a</sup>'
    )

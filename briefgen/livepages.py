"""The pages ``briefgen serve`` makes itself, and the live scripts it injects.

- every preview page gets ``assets/live/page.js``: it follows ``/__briefgen/events``,
  swaps the page in place when a save re-rendered it (the scroll position kept) and
  shows the build's problems at the top;
- the index lists the briefs, each with its output PDF and its live PDF tab;
- the PDF tab (``/__briefgen/pdf-view/<id>``, ``…/annex/<id>``) embeds the preview PDF
  with ``assets/live/pdf-view.js``, which reloads it when the save's PDF is ready.

Every value put into a page is escaped; nothing here reads the project.
"""

from __future__ import annotations

import html
from importlib import resources

__all__ = [
    "PDF_VIEW_PREFIX",
    "PDF_VIEW_SCRIPT",
    "RELOAD_SCRIPT",
    "index_page",
    "live_script",
    "pdf_view_page",
    "problems_box",
]

PDF_VIEW_PREFIX = "__briefgen/pdf-view/"


def _asset(name: str) -> str:
    return (resources.files("briefgen") / "assets" / "live" / name).read_text("utf-8")


RELOAD_SCRIPT = _asset("page.js")
PDF_VIEW_SCRIPT = _asset("pdf-view.js")
BOX_STYLE = (
    "position:fixed;top:0;left:0;right:0;z-index:2147483647;max-height:40vh;"
    "overflow:auto;margin:0;padding:.5em 1em;background:#fff4f4;color:#600;"
    "border-bottom:2px solid #b00;font:14px/1.4 monospace"
)
PDF_VIEW_STYLE = (
    "html,body{margin:0;height:100%}"
    "body{display:flex;flex-direction:column;font:14px/1.4 system-ui,sans-serif}"
    "#briefgen-pdf-status{padding:.3em 1em;background:#f4f4f4;color:#333;"
    "border-bottom:1px solid #ccc}"
    "#briefgen-pdf-status[data-state=updating]{color:#555;font-style:italic}"
    "#briefgen-pdf-status[data-state=error]{background:#fff4f4;color:#600;"
    "border-bottom:2px solid #b00}"
    "#briefgen-pdf-problems{margin:.2em 0;font-family:monospace}"
    "#briefgen-pdf-problems:empty{display:none}"
    "#briefgen-pdf{flex:1;border:0;width:100%}"
)


def live_script(since: int) -> str:
    """The live script for a page served at event id ``since``."""
    return f'<script data-briefgen-since="{since}">{RELOAD_SCRIPT}</script>'


def problems_box(problems: list[str]) -> str:
    """The overlay at the top of a page listing the last save's problems ("" if none)."""
    if not problems:
        return ""
    items = "".join(f"<li>{html.escape(p)}</li>" for p in problems)
    return (
        f'<aside id="briefgen-problems" class="build-problems" role="alert" '
        f'style="{BOX_STYLE}"><strong>briefgen: the last save has problems (the page '
        f"shows the last good render)</strong><ul>{items}</ul></aside>"
    )


def index_page(pages: list[str], pdfs: set[str], problems: list[str], since: int) -> str:
    """The list of briefs: each page, its PDF in output/ and its live PDF tab."""
    items = []
    for page in pages:
        brief = page.removesuffix(".html")
        links = [f'<a href="{html.escape(PDF_VIEW_PREFIX + brief)}">PDF (live)</a>']
        if f"{brief}.pdf" in pdfs:
            links.append(f'<a href="{html.escape(brief)}.pdf">PDF of the last build</a>')
        items.append(
            f'<li><a href="{html.escape(page)}">{html.escape(page)}</a> ({", ".join(links)})</li>'
        )
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<title>briefgen preview</title></head><body><h1>Briefs</h1>"
        f"<ul>{''.join(items)}</ul>{problems_box(problems)}{live_script(since)}</body></html>"
    )


def pdf_view_page(name: str, key: str, since: int) -> str:
    """The PDF tab of edition ``name`` (``memo``, ``annex/memo``): its preview PDF
    embedded (``key``: the one on show), updated by the event stream."""
    brief = name.rpartition("/")[2]
    title = html.escape(f"{name}.pdf")
    source = html.escape(f"/__briefgen/pdf/{name}.pdf?v={key}")
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{title} (briefgen preview)</title><style>{PDF_VIEW_STYLE}</style></head>"
        f'<body data-name="{html.escape(name)}" data-key="{html.escape(key)}">'
        '<div id="briefgen-pdf-status" data-state="ready" role="status">'
        f'<strong>{title}</strong> (<a href="/{html.escape(brief)}.html">HTML</a>, '
        '<a href="/">all briefs</a>): <span id="briefgen-pdf-state">up to date</span>'
        '<ul id="briefgen-pdf-problems"></ul></div>'
        f'<iframe id="briefgen-pdf" title="{title}" src="{source}"></iframe>'
        f'<script data-briefgen-since="{since}">{PDF_VIEW_SCRIPT}</script></body></html>'
    )

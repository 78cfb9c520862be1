"""The finished-page check: templates are untrusted too, so every page is checked for
anything that could run or load something in a reader's browser."""

from __future__ import annotations

from html.parser import HTMLParser

from briefgen.errors import RenderError

UNSAFE_TAGS = frozenset(
    {"script", "iframe", "object", "embed", "frame", "frameset", "applet", "form"}
)


class _ActiveContent(HTMLParser):
    """Finds anything in a finished page that could run or load something in a browser."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in UNSAFE_TAGS or (tag == "meta" and any(n == "http-equiv" for n, _ in attrs)):
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            url = "".join((value or "").split()).lower()
            if name.startswith("on") or url.startswith(("javascript:", "vbscript:")):
                self.found.append(f"{name}= on <{tag}>")


def check_page(html_text: str) -> None:
    """Templates are untrusted too: a page with active content is refused."""
    parser = _ActiveContent()
    parser.feed(html_text)
    parser.close()
    if parser.found:
        raise RenderError(
            "render.active-content",
            "the page would contain active content: " + ", ".join(parser.found[:5]),
        )

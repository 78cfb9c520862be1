"""Stage 4, render: views -> HTML (sandboxed Jinja2) -> PDF (WeasyPrint workers)."""

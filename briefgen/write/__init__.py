"""Stage 5, write: the PDF cache, the project lock, staged atomic output."""

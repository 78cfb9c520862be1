"""Text syntax shared by the stages: citations, quotes, blocks, Markdown."""

"""briefgen: turn structured research notes into trusted policy briefs."""

# Semantic versions (CHANGELOG.md); pyproject.toml reads this one value.
__version__ = "0.2.0"

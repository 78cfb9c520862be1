"""briefgen: turn structured research notes into trusted policy briefs."""

__version__ = "0.1.0"

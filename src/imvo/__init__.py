"""IMVO Monitor: monitoring for the Dutch covenants on responsible business conduct."""

__version__ = "0.1.0"

"""Kept for the importers in tools/ and engine/ until they import certifier.core.locate (one locate, in the
lowest layer, because source/ and sandbox/ need it too)."""

from certifier.core.locate import TOOLS_VENV, locate

__all__ = ["TOOLS_VENV", "locate"]

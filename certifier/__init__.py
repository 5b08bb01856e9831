"""certifier: a staged certification and validation pipeline for commerce Connectors."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("certifier")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+source"

REPORT_SCHEMA_VERSION = "1.0.0"

"""certifier: a staged certification and validation pipeline for commerce Connectors."""

import sys

# jsonschema imports rfc3987-syntax (pulled in by cyclonedx-python-lib's json-validation extra) when it
# is installed, and that package compiles 39 lark grammars at import: ~2 s added to every certifier
# process (CLI, service, worker). Our schemas use the date, date-time and uri formats, which jsonschema
# checks without it (uri through rfc3986-validator); only the iri formats go unchecked. Measured with
# `python -X importtime -c "import certifier.certify"`.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]


def __getattr__(name: str) -> str:
    """`__version__`, read from the installed metadata on first use: importlib.metadata costs ~10 ms at
    import, which `certifier manifest` (a pre-commit hook) does not need."""
    if name != "__version__":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    global __version__
    try:
        __version__ = version("certifier")
    except PackageNotFoundError:  # running from a source tree without installation
        __version__ = "0.0.0+source"
    return __version__


REPORT_SCHEMA_VERSION = "1.2.0"  # 1.2.0: optional `delta` (a 1.1.0 report is still valid)

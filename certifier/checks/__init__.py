"""Checks, one module per check, grouped in one package per stage.

Import `certifier.checks.registry` to declare or list checks; `registry.load_all()` imports every
module below this package so each `@check` registers itself.
"""

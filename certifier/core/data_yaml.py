"""certifier's own YAML data (the files under rules/), parsed by libyaml when ruamel.yaml.clib is installed.

The pure-Python parser takes ~40 ms per rule file, and a run reads about twenty of them just as its checks
start: under the GIL that held back the launch of the scanners by seconds. Connector files (connect.yaml,
lockfiles) and reviewer files (profiles, waivers) keep their own loaders: they need line numbers, size
guards or their own constructors.
"""

from __future__ import annotations

from typing import Any

from ruamel.yaml import YAML


def load_data(text: str) -> Any:
    """Plain data (mappings, lists, scalars) of a trusted YAML text; ruamel's errors pass through."""
    return YAML(typ="safe").load(text)  # the C parser when available, else the same pure-Python one

"""Merchant Center custom applications/views and assets: the build output exists, and the custom
application config agrees with connect.yaml (entry point path, cloud identifier)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from certifier.core.model import Severity
from certifier.collect.preview.probes.problems import Problem

OUTPUT_DIRS = ("public", "dist", "build", "out")
CONFIG_STEMS = ("custom-application-config", "custom-view-config")
CONFIG_SUFFIXES = (".json", ".mjs", ".js", ".cjs", ".ts", ".mts")
MAX_CONFIG_BYTES = 200_000
# (config field, connect.yaml key) pairs that must agree
FIELDS = (("entryPointUriPath", "ENTRY_POINT_URI_PATH"), ("cloudIdentifier", "CLOUD_IDENTIFIER"))


@dataclass(frozen=True)
class McFacts:
    output_dir: str | None  # first build output folder with files, relative to the app
    config_file: str | None
    config_values: dict[str, str]  # field -> value as written (literal or ${env:KEY})


def read_facts(app_dir: Path) -> McFacts:
    output = next((name for name in OUTPUT_DIRS if _has_files(app_dir / name)), None)
    config = next((app_dir / f"{stem}{suffix}" for stem in CONFIG_STEMS for suffix in CONFIG_SUFFIXES
                   if (app_dir / f"{stem}{suffix}").is_file() and not (app_dir / f"{stem}{suffix}").is_symlink()),
                  None)
    values: dict[str, str] = {}
    if config is not None:
        text = config.read_bytes()[:MAX_CONFIG_BYTES].decode("utf-8", "replace")
        for name, _key in FIELDS:
            match = re.search(rf"""["']?{name}["']?\s*:\s*["'`]([^"'`\n]{{1,300}})["'`]""", text)
            if match:
                values[name] = match[1]
    return McFacts(output, config.name if config else None, values)


def decide(facts: McFacts, app_type: str, declared: dict[str, str | None]) -> list[Problem]:
    """`declared`: connect.yaml key -> its default (None: declared without default); absent: not declared."""
    problems = []
    if facts.output_dir is None:
        problems.append(Problem("the build produced no output (none of " + ", ".join(OUTPUT_DIRS) +
                                " has files)", Severity.ERROR, "no-build-output"))
    if app_type == "assets":
        return problems
    if facts.config_file is None:
        return problems + [Problem("no custom-application-config / custom-view-config file in the app folder",
                                   Severity.ERROR, "no-config")]
    for name, key in FIELDS:
        if name == "entryPointUriPath" and app_type == "merchant-center-custom-view":
            continue
        problems += _agreement(facts, name, key, declared)
    return problems


def _agreement(facts: McFacts, name: str, key: str, declared: dict[str, str | None]) -> list[Problem]:
    value = facts.config_values.get(name)
    where = f"{facts.config_file}: {name}"
    if value is None:
        return [Problem(f"{where} is not set", Severity.ERROR, "config-missing-field")]
    env_ref = re.fullmatch(r"\$\{env:([A-Za-z0-9_]+)\}", value.strip())
    if env_ref:
        if env_ref[1] != key:
            return [Problem(f"{where} reads ${{env:{env_ref[1]}}}, but connect.yaml provides {key}",
                            Severity.ERROR, "config-disagrees")]
        return []
    if key not in declared:
        return [Problem(f"{where} is {value!r} but connect.yaml declares no {key}", Severity.ERROR,
                        "config-disagrees")]
    default = declared[key]
    if default is not None and default != value:
        return [Problem(f"{where} is {value!r} but connect.yaml's {key} defaults to {default!r}", Severity.ERROR,
                        "config-disagrees")]
    if default is None:
        return [Problem(f"{where} is fixed to {value!r} while connect.yaml asks for {key} at deployment; use "
                        f"${{env:{key}}} so both agree", Severity.WARNING, "config-hard-coded")]
    return []


def _has_files(folder: Path) -> bool:
    if not folder.is_dir() or folder.is_symlink():
        return False
    return any(path.is_file() for path, _ in zip(folder.rglob("*"), range(10_000)))

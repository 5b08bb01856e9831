"""Rules the official validator enforces beyond its schema, in its wording (docs/connectors.md#application-types
to #health-checks-and-retries).

They run on data that may be schema-invalid (to give as much feedback as possible), so every
accessor tolerates wrong types and simply skips what it cannot read.
"""

from __future__ import annotations

from typing import Any, Iterator

from certifier.connector.manifest.issues import Issue

MC_APPLICATION_TYPES = ("merchant-center-custom-application", "mc-app")
MC_VIEW_TYPE = "merchant-center-custom-view"


def _items(value: Any) -> list[tuple[int, dict[str, Any]]]:
    return [(i, item) for i, item in enumerate(value) if isinstance(item, dict)] if isinstance(value, list) else []


def _get(mapping: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(mapping, dict):
            return None
        mapping = mapping.get(key)
    return mapping


def _entries(configuration: Any, base: str, kinds: tuple[str, ...]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(path, entry) of every configuration entry with a string key, standard before secured."""
    for kind in kinds:
        for index, entry in _items(_get(configuration, kind)):
            if isinstance(entry.get("key"), str):
                yield f"{base}.{kind}.{index}", entry


BOTH = ("standardConfiguration", "securedConfiguration")


def semantic_issues(data: Any) -> list[Issue]:
    if not isinstance(data, dict):
        return []
    apps = _items(data.get("deployAs"))
    issues = list(_duplicate_names(apps))
    for index, app in apps:
        issues += _duplicate_keys(index, app)
        issues += _mc_rules(index, app, data)
        issues += _backoff_order(index, app)
    issues += _duplicate_globals(data, apps)
    return issues


def _duplicate_names(apps: list[tuple[int, dict[str, Any]]]) -> Iterator[Issue]:
    seen: set[str] = set()
    for index, app in apps:
        name = app.get("name")
        if not isinstance(name, str):
            continue
        trimmed = name.strip()
        if trimmed in seen:
            yield Issue("", f"Duplicate application name found: {trimmed}", "official.duplicate-app-name",
                        "Give every application its own name (it is also its folder).", at=f"deployAs.{index}.name")
        seen.add(trimmed)


def _duplicate_keys(index: int, app: dict[str, Any]) -> Iterator[Issue]:
    base = f"deployAs.{index}.configuration"
    seen: set[str] = set()
    for path, entry in _entries(app.get("configuration"), base, BOTH):
        key = entry["key"]
        if key in seen:
            yield Issue(base, f"Duplicate key found {key}", "official.duplicate-key",
                        f"Declare {key} once per application, in standard or secured configuration, not both.",
                        at=f"{path}.key")
        seen.add(key)


def _duplicate_globals(data: dict[str, Any], apps: list[tuple[int, dict[str, Any]]]) -> Iterator[Issue]:
    seen: set[str] = set()
    for path, entry in _entries(_get(data, "inheritAs", "configuration"), "inheritAs.configuration", BOTH):
        key = entry["key"]
        if key in seen:
            yield _global_duplicate(key, path)
        seen.add(key)
    for index, app in apps:
        for path, entry in _entries(app.get("configuration"), f"deployAs.{index}.configuration", BOTH):
            if entry["key"] in seen:
                yield _global_duplicate(entry["key"], path)


def _global_duplicate(key: str, path: str) -> Issue:
    return Issue("", f"Duplicate global key found {key}", "official.duplicate-global-key",
                 f"{key} is declared in inheritAs.configuration, which every application receives: declare it "
                 "there once and remove it from the applications.", at=f"{path}.key")


def _mc_rules(index: int, app: dict[str, Any], data: dict[str, Any]) -> Iterator[Issue]:
    kind = app.get("applicationType")
    if kind not in (*MC_APPLICATION_TYPES, MC_VIEW_TYPE):
        return
    is_view = kind == MC_VIEW_TYPE
    base = f"deployAs.{index}"
    standard = dict((e["key"], (p, e)) for p, e in
                    reversed(list(_entries(app.get("configuration"), f"{base}.configuration", BOTH[:1]))))
    for key in ("CUSTOM_VIEW_ID",) if is_view else ("CUSTOM_APPLICATION_ID", "ENTRY_POINT_URI_PATH"):
        yield from _required_mc_key(base, key, standard.get(key), is_view)
    yield from _cloud_identifier(base, app, standard.get("CLOUD_IDENTIFIER"), data)
    secured = _get(app, "configuration", "securedConfiguration")
    if secured is not None:
        what = "merchant center custom view" if is_view else "merchant center custom application"
        yield Issue("", f"Secured configuration is not allowed in {what}.", "official.mc-secured-configuration",
                    "Move these keys to standardConfiguration or drop them: Merchant Center front ends are public, "
                    "so they cannot hold secrets.", at=f"{base}.configuration.securedConfiguration")


def _required_mc_key(base: str, key: str, found: tuple[str, dict[str, Any]] | None, is_view: bool) -> Iterator[Issue]:
    owner = "Custom view" if is_view else "Mc app"
    if found is None:
        yield Issue(base, f"{owner} must have {key}", "official.mc-required-key",
                    f"Add {key} to configuration.standardConfiguration with required: true.")
    elif found[1].get("required") is not True:
        yield Issue(found[0], f"{owner} must have {key} with required: true", "official.mc-required-key",
                    f"Set required: true on {key}.", at=f"{found[0]}.required" if "required" in found[1] else found[0])


def _cloud_identifier(base: str, app: dict[str, Any], found: tuple[str, dict[str, Any]] | None,
                      data: dict[str, Any]) -> Iterator[Issue]:
    if found is not None and (found[1].get("required") is True or isinstance(found[1].get("default"), str)):
        return
    for _, entry in _entries(_get(data, "inheritAs", "configuration"), "inheritAs.configuration", BOTH[:1]):
        if entry["key"] == "CLOUD_IDENTIFIER" and entry.get("required") is True:
            return
    name = app.get("name") if isinstance(app.get("name"), str) else base
    detail = " (it is declared but has neither required: true nor a default)" if found is not None else ""
    yield Issue("", f"Application {name} is missing CLOUD_IDENTIFIER configuration.{detail}",
                "official.mc-cloud-identifier",
                "Declare CLOUD_IDENTIFIER in standardConfiguration with required: true or a default (for example "
                "gcp-eu), or once in inheritAs.configuration with required: true.",
                at=found[0] if found is not None else base)


def _backoff_order(index: int, app: dict[str, Any]) -> Iterator[Issue]:
    policy = app.get("retryPolicy")
    low, high = _get(policy, "minBackoffSeconds"), _get(policy, "maxBackoffSeconds")
    numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (low, high))
    if numbers and low > high:
        path = f"deployAs.{index}.retryPolicy"
        yield Issue(path, "minBackoffSeconds must be less than or equal to maxBackoffSeconds", "official.backoff-order",
                    f"Swap the values: minBackoffSeconds {low} is above maxBackoffSeconds {high}.",
                    at=f"{path}.minBackoffSeconds")

"""All probes of one app, in a fixed order: the functional probe of its type, the endpoint path, then
robustness last (a bad request may take the app down)."""

from __future__ import annotations

from certifier.collect.preview.probes.endpoint import probe_endpoint_path
from certifier.collect.preview.probes.event import probe_event_app
from certifier.collect.preview.probes.extension import probe_extensions
from certifier.collect.preview.probes.job import probe_job
from certifier.collect.preview.probes.problems import ProbeRun
from certifier.collect.preview.probes.robustness import probe_robustness
from certifier.collect.preview.probes.target import Target

FUNCTIONAL = {"service": ("extension", probe_extensions), "event": ("event", probe_event_app),
              "job": ("job", probe_job)}


def probe_app(target: Target) -> dict[str, ProbeRun]:
    runs: dict[str, ProbeRun] = {}
    family, probe = FUNCTIONAL[target.app_type]
    runs[family] = probe(target)
    runs["endpoint"] = probe_endpoint_path(target)
    served = not any(problem.rule == "endpoint-not-served" for problem in runs["endpoint"].problems)
    runs["robustness"] = probe_robustness(target, endpoint_served=served)
    return runs
